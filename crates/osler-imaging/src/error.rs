//! The errors of the image readers: each names the file and the fact that
//! made it unreadable.

use std::path::PathBuf;

/// Why an image file could not be read or a preview written.
#[derive(Debug, thiserror::Error)]
pub enum ImagingError {
    /// The file could not be opened or read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A directory was given where an image file is expected.
    #[error("{}: is a directory, not an image file", path.display())]
    Directory {
        /// The directory.
        path: PathBuf,
    },
    /// The file has no bytes.
    #[error("{}: the file is empty", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Neither a DICOM file (`DICM` at byte 128), a PNG, a JPEG nor an `.npz`.
    #[error("{}: not a DICOM, PNG or JPEG image ({bytes} bytes, no known signature)", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// Its length.
        bytes: usize,
    },
    /// The DICOM data set could not be parsed (truncated or malformed).
    #[error("{}: not a readable DICOM file: {reason}", path.display())]
    Dicom {
        /// The file.
        path: PathBuf,
        /// The parser's account.
        reason: String,
    },
    /// A DICOM attribute the image needs is absent.
    #[error("{}: DICOM attribute {attribute} is missing", path.display())]
    MissingAttribute {
        /// The file.
        path: PathBuf,
        /// The attribute's keyword.
        attribute: &'static str,
    },
    /// A DICOM attribute holds a value that cannot be used.
    #[error("{}: DICOM attribute {attribute} has the unusable value '{value}'", path.display())]
    BadAttribute {
        /// The file.
        path: PathBuf,
        /// The attribute's keyword.
        attribute: &'static str,
        /// The value as text.
        value: String,
    },
    /// The pixel data are in a transfer syntax this build cannot decode.
    #[error(
        "{}: transfer syntax {uid} ({name}) cannot be decoded by osler (supported: \
         uncompressed, deflated, RLE and JPEG baseline/extended/lossless)",
        path.display()
    )]
    UnsupportedTransferSyntax {
        /// The file.
        path: PathBuf,
        /// The transfer syntax UID.
        uid: String,
        /// Its name in the DICOM standard (or "unknown").
        name: String,
    },
    /// The image uses a DICOM feature the readers do not implement.
    #[error("{}: {feature} is not supported", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// The feature, with its value.
        feature: String,
    },
    /// The pixel data did not decode or do not match the declared size.
    #[error("{}: pixel data cannot be decoded: {reason}", path.display())]
    PixelData {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A PNG or JPEG that the decoder rejected.
    #[error("{}: not a readable PNG or JPEG image: {reason}", path.display())]
    Raster {
        /// The file.
        path: PathBuf,
        /// The decoder's account.
        reason: String,
    },
    /// An `.npz` archive or one of its `.npy` arrays that cannot be read.
    #[error("{}: {reason}", path.display())]
    Npz {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the array.
        reason: String,
    },
    /// A window with a width below 1 (the DICOM linear function needs `w >= 1`).
    #[error("window width must be at least 1, got {width}")]
    BadWindow {
        /// The width asked for.
        width: f64,
    },
    /// A window that is not a preset name nor `CENTER,WIDTH`.
    #[error(
        "unknown window '{text}': use lung, mediastinum, brain, file or CENTER,WIDTH (e.g. 40,400)"
    )]
    UnknownWindow {
        /// The text given.
        text: String,
    },
    /// A Hounsfield-unit preset asked of an image whose values are not HU.
    #[error(
        "{}: the {preset} window is in Hounsfield units, but the image's modality is {modality}",
        path.display()
    )]
    PresetNeedsCt {
        /// The file.
        path: PathBuf,
        /// The preset's name.
        preset: &'static str,
        /// The image's modality (or "none").
        modality: String,
    },
    /// A window asked of a PNG or JPEG, whose values are display grey levels.
    #[error(
        "{}: a PNG or JPEG holds display grey levels already; windows apply to DICOM images",
        path.display()
    )]
    WindowOnDisplayImage {
        /// The file.
        path: PathBuf,
    },
    /// `--window file` on an image that carries no window.
    #[error("{}: the file carries no window (WindowCenter/WindowWidth)", path.display())]
    NoFileWindow {
        /// The file.
        path: PathBuf,
    },
    /// The preview could not be encoded or written.
    #[error("cannot write {}: {reason}", path.display())]
    Write {
        /// The output file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A heat-map overlay's image or map does not hold one value per pixel.
    #[error(
        "cannot write {}: the {what} holds {found} values, expected {height} x {width}",
        path.display()
    )]
    OverlaySize {
        /// The output file.
        path: PathBuf,
        /// `"grey image"` or `"heat map"`.
        what: &'static str,
        /// Values given.
        found: usize,
        /// Rows of the image.
        height: usize,
        /// Columns of the image.
        width: usize,
    },
    /// A heat-map value outside `[0, 1]` (or not a number).
    #[error("cannot write {}: heat map value {index} is outside [0, 1]", path.display())]
    OverlayValue {
        /// The output file.
        path: PathBuf,
        /// Index of the first such value (row-major).
        index: usize,
    },
    /// An overlay option out of range.
    #[error("overlay {option} must {expected}, got {value}")]
    OverlayOption {
        /// The option's name.
        option: &'static str,
        /// The value given, as text.
        value: String,
        /// What it must be, as a phrase after "must".
        expected: &'static str,
    },
}

/// Result of the imaging readers.
pub type Result<T> = std::result::Result<T, ImagingError>;
