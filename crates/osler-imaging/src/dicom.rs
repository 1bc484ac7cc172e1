//! DICOM images: the pixel data of every frame in modality units (the
//! modality LUT applied, so CT values are Hounsfield units) and the metadata
//! needed to display or resample them.
//!
//! The modality LUT is `stored * RescaleSlope + RescaleIntercept` in `f64`
//! when both attributes are present, else the stored value, which is what
//! pydicom's `apply_modality_lut` computes (PS3.3 C.11.1.1.2).

use std::path::{Path, PathBuf};

use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_encoding::TransferSyntaxIndex;
use dicom_object::{DefaultDicomObject, OpenFileOptions};
use dicom_pixeldata::PixelDecoder;
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;
use serde::Serialize;

use crate::error::{ImagingError, Result};
use crate::window::Window;

/// The byte offset of the `DICM` signature after the 128-byte preamble.
const PREAMBLE: usize = 128;

/// Whether `bytes` start like a DICOM Part 10 file (`DICM` after the preamble).
pub fn is_dicom(bytes: &[u8]) -> bool {
    bytes.get(PREAMBLE..PREAMBLE + 4) == Some(b"DICM")
}

/// What a DICOM file says about its image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DicomMeta {
    /// Modality (CT, CR, MR, DX...), if given.
    pub modality: Option<String>,
    /// Body part examined, if given.
    pub body_part: Option<String>,
    /// Photometric interpretation (MONOCHROME1, MONOCHROME2...).
    pub photometric: String,
    /// Rows of a frame.
    pub rows: u32,
    /// Columns of a frame.
    pub columns: u32,
    /// Number of frames (1 for a single-frame image).
    pub frames: u32,
    /// Bits allocated per sample.
    pub bits_allocated: u16,
    /// Bits stored per sample.
    pub bits_stored: u16,
    /// Whether stored values are two's-complement signed.
    pub signed: bool,
    /// Rescale slope of the modality LUT, if given.
    pub rescale_slope: Option<f64>,
    /// Rescale intercept of the modality LUT, if given.
    pub rescale_intercept: Option<f64>,
    /// Pixel spacing in mm (row spacing, column spacing), if given.
    pub pixel_spacing_mm: Option<[f64; 2]>,
    /// Image orientation (patient): direction cosines of the first row and
    /// the first column, if given.
    pub orientation: Option<[f64; 6]>,
    /// The file's first window, in modality units, if given.
    pub window: Option<Window>,
    /// Transfer syntax UID of the data set.
    pub transfer_syntax: String,
}

impl DicomMeta {
    /// Whether the modality values are Hounsfield units (modality CT).
    pub fn is_ct(&self) -> bool {
        self.modality.as_deref() == Some("CT")
    }

    /// Whether the lowest value is displayed white (MONOCHROME1), so a
    /// display must invert the grey scale.
    pub fn inverted(&self) -> bool {
        self.photometric == "MONOCHROME1"
    }
}

/// A decoded DICOM image.
#[derive(Debug, Clone, PartialEq)]
pub struct DicomImage {
    /// The file it came from.
    pub path: PathBuf,
    /// Its metadata.
    pub meta: DicomMeta,
    /// One row-major `rows x columns` buffer per frame, in modality units
    /// (Hounsfield units for CT).
    pub frames: Vec<Vec<f64>>,
}

impl DicomImage {
    /// The smallest and largest modality value over all frames.
    pub fn value_range(&self) -> (f64, f64) {
        self.frames
            .iter()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)))
    }
}

/// Reads a DICOM file: checks that its transfer syntax can be decoded,
/// decodes every frame and applies the modality LUT.
pub fn read_dicom(path: &Path) -> Result<DicomImage> {
    let bytes =
        std::fs::read(path).map_err(|source| ImagingError::Io { path: path.into(), source })?;
    dicom_from_bytes(path, &bytes)
}

/// [`read_dicom`] on the bytes of a file already read.
pub fn dicom_from_bytes(path: &Path, bytes: &[u8]) -> Result<DicomImage> {
    if bytes.is_empty() {
        return Err(ImagingError::Empty { path: path.into() });
    }
    if !is_dicom(bytes) {
        return Err(ImagingError::UnknownFormat { path: path.into(), bytes: bytes.len() });
    }
    let dicom_error = |reason: String| ImagingError::Dicom { path: path.into(), reason };
    let object = OpenFileOptions::new()
        .from_reader(&bytes[PREAMBLE..])
        .map_err(|e| dicom_error(e.to_string()))?;
    let transfer_syntax = object.meta().transfer_syntax().trim_end_matches(['\0', ' ']).to_string();
    check_transfer_syntax(path, &transfer_syntax)?;
    let meta = read_meta(path, &object, transfer_syntax)?;
    if meta.frames == 0 || meta.rows == 0 || meta.columns == 0 {
        return Err(ImagingError::PixelData {
            path: path.into(),
            reason: format!("{} frames of {} x {} pixels", meta.frames, meta.rows, meta.columns),
        });
    }
    if object.element_opt(tags::MODALITY_LUT_SEQUENCE).ok().flatten().is_some() {
        return Err(ImagingError::Unsupported {
            path: path.into(),
            feature: "a Modality LUT Sequence (0028,3000)".into(),
        });
    }
    let samples = uint(path, &object, tags::SAMPLES_PER_PIXEL, "SamplesPerPixel")?.unwrap_or(1);
    if samples != 1 {
        return Err(ImagingError::Unsupported {
            path: path.into(),
            feature: format!("colour DICOM (SamplesPerPixel {samples})"),
        });
    }
    let decoded = object
        .decode_pixel_data()
        .map_err(|e| ImagingError::PixelData { path: path.into(), reason: e.to_string() })?;
    let pixels = meta.rows as usize * meta.columns as usize;
    let frames = (0..meta.frames)
        .map(|f| {
            let data = decoded.frame_data(f).map_err(|e| ImagingError::PixelData {
                path: path.into(),
                reason: format!("frame {f}: {e}"),
            })?;
            let stored = stored_values(path, &meta, data, pixels)?;
            Ok(modality_values(&meta, stored))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DicomImage { path: path.into(), meta, frames })
}

/// Explicit VR Big Endian (retired): the decoded pixel bytes would keep the
/// file's byte order, which the little-endian reading below does not undo.
const EXPLICIT_VR_BIG_ENDIAN: &str = "1.2.840.10008.1.2.2";

/// Refuses a transfer syntax whose pixel data this build cannot decode,
/// naming it.
fn check_transfer_syntax(path: &Path, uid: &str) -> Result<()> {
    let unsupported = |name: &str| ImagingError::UnsupportedTransferSyntax {
        path: path.into(),
        uid: uid.to_string(),
        name: name.to_string(),
    };
    match TransferSyntaxRegistry.get(uid) {
        None => Err(unsupported("unknown")),
        Some(ts) if uid == EXPLICIT_VR_BIG_ENDIAN => Err(unsupported(ts.name())),
        Some(ts) if !ts.can_decode_all() => Err(unsupported(ts.name())),
        Some(_) => Ok(()),
    }
}

/// The first value of a text attribute, trimmed of DICOM padding.
fn text(object: &DefaultDicomObject, tag: Tag) -> Option<String> {
    let element = object.element_opt(tag).ok().flatten()?;
    let values = element.to_multi_str().ok()?;
    let first = values.first()?.trim_matches(['\0', ' ']).to_string();
    (!first.is_empty()).then_some(first)
}

/// All values of a decimal-string attribute, parsed as `f64` (as Python's
/// `float` does, so rescale values equal pydicom's).
fn decimals(
    path: &Path,
    object: &DefaultDicomObject,
    tag: Tag,
    attribute: &'static str,
) -> Result<Option<Vec<f64>>> {
    let Some(element) = object.element_opt(tag).ok().flatten() else { return Ok(None) };
    let Ok(values) = element.to_multi_str() else { return Ok(None) };
    let values: Vec<&str> =
        values.iter().map(|v| v.trim_matches(['\0', ' '])).filter(|v| !v.is_empty()).collect();
    if values.is_empty() {
        return Ok(None);
    }
    values
        .iter()
        .map(|v| {
            v.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| {
                ImagingError::BadAttribute { path: path.into(), attribute, value: v.to_string() }
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// An unsigned integer attribute.
fn uint(
    path: &Path,
    object: &DefaultDicomObject,
    tag: Tag,
    attribute: &'static str,
) -> Result<Option<u32>> {
    let Some(element) = object.element_opt(tag).ok().flatten() else { return Ok(None) };
    element.to_int::<u32>().map(Some).map_err(|e| ImagingError::BadAttribute {
        path: path.into(),
        attribute,
        value: e.to_string(),
    })
}

/// An integer attribute the image cannot do without.
fn required(
    path: &Path,
    object: &DefaultDicomObject,
    tag: Tag,
    attribute: &'static str,
) -> Result<u32> {
    uint(path, object, tag, attribute)?
        .ok_or(ImagingError::MissingAttribute { path: path.into(), attribute })
}

/// Gathers the metadata of the image.
fn read_meta(
    path: &Path,
    object: &DefaultDicomObject,
    transfer_syntax: String,
) -> Result<DicomMeta> {
    let bits_allocated = required(path, object, tags::BITS_ALLOCATED, "BitsAllocated")?;
    let bits_stored =
        uint(path, object, tags::BITS_STORED, "BitsStored")?.unwrap_or(bits_allocated);
    if !matches!(bits_allocated, 8 | 16 | 32) || bits_stored == 0 || bits_stored > bits_allocated {
        return Err(ImagingError::Unsupported {
            path: path.into(),
            feature: format!("BitsAllocated {bits_allocated} with BitsStored {bits_stored}"),
        });
    }
    let frames = match text(object, tags::NUMBER_OF_FRAMES) {
        None => 1,
        Some(n) => n.parse::<u32>().map_err(|_| ImagingError::BadAttribute {
            path: path.into(),
            attribute: "NumberOfFrames",
            value: n.clone(),
        })?,
    };
    let first = |tag, name| -> Result<Option<f64>> {
        Ok(decimals(path, object, tag, name)?.and_then(|v| v.first().copied()))
    };
    let window = match (
        first(tags::WINDOW_CENTER, "WindowCenter")?,
        first(tags::WINDOW_WIDTH, "WindowWidth")?,
    ) {
        (Some(center), Some(width)) => Window::new(center, width).ok(),
        _ => None,
    };
    let spacing = decimals(path, object, tags::PIXEL_SPACING, "PixelSpacing")?;
    let orientation =
        decimals(path, object, tags::IMAGE_ORIENTATION_PATIENT, "ImageOrientationPatient")?;
    Ok(DicomMeta {
        modality: text(object, tags::MODALITY),
        body_part: text(object, tags::BODY_PART_EXAMINED),
        photometric: text(object, tags::PHOTOMETRIC_INTERPRETATION).ok_or(
            ImagingError::MissingAttribute {
                path: path.into(),
                attribute: "PhotometricInterpretation",
            },
        )?,
        rows: required(path, object, tags::ROWS, "Rows")?,
        columns: required(path, object, tags::COLUMNS, "Columns")?,
        frames,
        bits_allocated: bits_allocated as u16,
        bits_stored: bits_stored as u16,
        signed: uint(path, object, tags::PIXEL_REPRESENTATION, "PixelRepresentation")? == Some(1),
        rescale_slope: first(tags::RESCALE_SLOPE, "RescaleSlope")?,
        rescale_intercept: first(tags::RESCALE_INTERCEPT, "RescaleIntercept")?,
        pixel_spacing_mm: spacing.and_then(|v| <[f64; 2]>::try_from(v.as_slice()).ok()),
        orientation: orientation.and_then(|v| <[f64; 6]>::try_from(v.as_slice()).ok()),
        window,
        transfer_syntax,
    })
}

/// The stored values of one frame of native little-endian pixel data: the
/// low `bits_stored` bits, sign-extended when the pixels are signed.
fn stored_values(path: &Path, meta: &DicomMeta, data: &[u8], pixels: usize) -> Result<Vec<i64>> {
    let width = meta.bits_allocated as usize / 8;
    if data.len() < pixels * width {
        return Err(ImagingError::PixelData {
            path: path.into(),
            reason: format!(
                "a frame of {} x {} pixels needs {} bytes, the data hold {}",
                meta.rows,
                meta.columns,
                pixels * width,
                data.len()
            ),
        });
    }
    let bits = u32::from(meta.bits_stored);
    let mask: u64 = if bits >= 64 { u64::MAX } else { (1u64 << bits) - 1 };
    Ok(data[..pixels * width]
        .chunks_exact(width)
        .map(|b| {
            let raw = b.iter().rev().fold(0u64, |acc, &byte| (acc << 8) | u64::from(byte)) & mask;
            if meta.signed && raw >> (bits - 1) & 1 == 1 {
                raw as i64 - (1i64 << bits)
            } else {
                raw as i64
            }
        })
        .collect())
}

/// The modality LUT: `stored * slope + intercept` when both are given.
fn modality_values(meta: &DicomMeta, stored: Vec<i64>) -> Vec<f64> {
    match (meta.rescale_slope, meta.rescale_intercept) {
        (Some(slope), Some(intercept)) => {
            stored.into_iter().map(|v| v as f64 * slope + intercept).collect()
        }
        _ => stored.into_iter().map(|v| v as f64).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(bits_allocated: u16, bits_stored: u16, signed: bool) -> DicomMeta {
        DicomMeta {
            modality: Some("CT".into()),
            body_part: None,
            photometric: "MONOCHROME2".into(),
            rows: 1,
            columns: 3,
            frames: 1,
            bits_allocated,
            bits_stored,
            signed,
            rescale_slope: Some(2.0),
            rescale_intercept: Some(-1024.0),
            pixel_spacing_mm: None,
            orientation: None,
            window: None,
            transfer_syntax: "1.2.840.10008.1.2.1".into(),
        }
    }

    // Stored values keep the low BitsStored bits and, when PixelRepresentation
    // is 1, are two's complement in BitsStored bits (PS3.5 8.1.1); pydicom
    // 3.0.2's pixel_array on these six bytes (16/12 bits) gives [4095 2048 2047]
    // unsigned and [-1 -2048 2047] signed. Then the modality LUT 2 * v - 1024.
    #[test]
    fn stored_bits_are_masked_and_sign_extended_before_the_rescale()
    -> std::result::Result<(), ImagingError> {
        let data = [0xFF, 0x0F, 0x00, 0x08, 0xFF, 0xF7];
        let signed = meta(16, 12, true);
        let v = stored_values(Path::new("x.dcm"), &signed, &data, 3)?;
        assert_eq!(v, vec![-1, -2048, 2047]);
        assert_eq!(modality_values(&signed, v), vec![-1026.0, -5120.0, 3070.0]);
        let unsigned = meta(16, 12, false);
        assert_eq!(stored_values(Path::new("x.dcm"), &unsigned, &data, 3)?, vec![4095, 2048, 2047]);
        let short = stored_values(Path::new("x.dcm"), &unsigned, &data[..4], 3);
        assert!(matches!(short, Err(ImagingError::PixelData { .. })));
        Ok(())
    }
}
