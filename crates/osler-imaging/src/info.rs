//! What `osler image info` reports about an image file, and its windowed
//! 8-bit preview.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::dicom::{DicomImage, DicomMeta, dicom_from_bytes, is_dicom};
use crate::error::{ImagingError, Result};
use crate::raster::{ImageFormat, RasterImage, is_jpeg, is_png, raster_from_bytes};
use crate::window::{Window, WindowChoice};

/// A summary of an image file: its geometry, encoding and value range,
/// never its pixels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageInfo {
    /// The file.
    pub file: PathBuf,
    /// Its container.
    pub format: ImageFormat,
    /// DICOM modality (CT, CR, MR...); `None` for PNG/JPEG.
    pub modality: Option<String>,
    /// DICOM body part examined, if given.
    pub body_part: Option<String>,
    /// Rows of a frame (image height).
    pub rows: u32,
    /// Columns of a frame (image width).
    pub columns: u32,
    /// Frames (1 for PNG/JPEG and single-frame DICOM).
    pub frames: u32,
    /// Channels per pixel.
    pub channels: u8,
    /// Photometric interpretation: the DICOM attribute, or MONOCHROME2 /
    /// RGB for a grey / colour PNG or JPEG.
    pub photometric: String,
    /// Bits stored per sample.
    pub bits_stored: u16,
    /// DICOM transfer syntax UID.
    pub transfer_syntax: Option<String>,
    /// Rescale slope of the modality LUT.
    pub rescale_slope: Option<f64>,
    /// Rescale intercept of the modality LUT.
    pub rescale_intercept: Option<f64>,
    /// Pixel spacing in mm (between rows, between columns).
    pub pixel_spacing_mm: Option<[f64; 2]>,
    /// Image orientation (patient) direction cosines.
    pub orientation: Option<[f64; 6]>,
    /// The file's own window, in modality units.
    pub window: Option<Window>,
    /// Smallest value over all frames, in modality units.
    pub value_min: f64,
    /// Largest value over all frames, in modality units.
    pub value_max: f64,
    /// Smallest Hounsfield unit (CT only).
    pub hu_min: Option<f64>,
    /// Largest Hounsfield unit (CT only).
    pub hu_max: Option<f64>,
}

/// A decoded image of any supported container.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyImage {
    /// A DICOM file, in modality units.
    Dicom(Box<DicomImage>),
    /// A PNG or JPEG, in display grey levels.
    Raster(RasterImage),
}

impl AnyImage {
    /// Summarises the image: geometry, encoding and value range.
    pub fn info(&self) -> ImageInfo {
        match self {
            AnyImage::Dicom(image) => dicom_info(image),
            AnyImage::Raster(image) => raster_info(image),
        }
    }
}

/// Reads an image file, telling DICOM, PNG and JPEG apart by their
/// signatures (not their names).
pub fn read_image(path: &Path) -> Result<AnyImage> {
    if path.is_dir() {
        return Err(ImagingError::Directory { path: path.into() });
    }
    let bytes =
        std::fs::read(path).map_err(|source| ImagingError::Io { path: path.into(), source })?;
    if bytes.is_empty() {
        Err(ImagingError::Empty { path: path.into() })
    } else if is_dicom(&bytes) {
        dicom_from_bytes(path, &bytes).map(|d| AnyImage::Dicom(Box::new(d)))
    } else if is_png(&bytes) || is_jpeg(&bytes) {
        raster_from_bytes(path, &bytes).map(AnyImage::Raster)
    } else {
        Err(ImagingError::UnknownFormat { path: path.into(), bytes: bytes.len() })
    }
}

/// Reads `path` (DICOM, PNG or JPEG) and summarises it.
pub fn image_info(path: &Path) -> Result<ImageInfo> {
    read_image(path).map(|image| image.info())
}

fn dicom_info(image: &DicomImage) -> ImageInfo {
    let meta: &DicomMeta = &image.meta;
    let (lo, hi) = image.value_range();
    let ct = meta.is_ct();
    ImageInfo {
        file: image.path.clone(),
        format: ImageFormat::Dicom,
        modality: meta.modality.clone(),
        body_part: meta.body_part.clone(),
        rows: meta.rows,
        columns: meta.columns,
        frames: meta.frames,
        channels: 1,
        photometric: meta.photometric.clone(),
        bits_stored: meta.bits_stored,
        transfer_syntax: Some(meta.transfer_syntax.clone()),
        rescale_slope: meta.rescale_slope,
        rescale_intercept: meta.rescale_intercept,
        pixel_spacing_mm: meta.pixel_spacing_mm,
        orientation: meta.orientation,
        window: meta.window,
        value_min: lo,
        value_max: hi,
        hu_min: ct.then_some(lo),
        hu_max: ct.then_some(hi),
    }
}

fn raster_info(image: &RasterImage) -> ImageInfo {
    let (lo, hi) =
        image.luma.iter().fold((u8::MAX, u8::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    ImageInfo {
        file: image.path.clone(),
        format: image.format,
        modality: None,
        body_part: None,
        rows: image.rows,
        columns: image.columns,
        frames: 1,
        channels: image.channels,
        photometric: if image.channels >= 3 { "RGB" } else { "MONOCHROME2" }.into(),
        bits_stored: u16::from(image.bits),
        transfer_syntax: None,
        rescale_slope: None,
        rescale_intercept: None,
        pixel_spacing_mm: None,
        orientation: None,
        window: None,
        value_min: f64::from(lo),
        value_max: f64::from(hi),
        hu_min: None,
        hu_max: None,
    }
}

/// The window a DICOM preview uses: the choice, else the file's window,
/// else the full value range of the first frame.
fn dicom_window(image: &DicomImage, choice: Option<WindowChoice>) -> Result<Window> {
    let path: PathBuf = image.path.clone();
    match choice {
        Some(WindowChoice::Custom(w)) => Ok(w),
        Some(WindowChoice::File) => image.meta.window.ok_or(ImagingError::NoFileWindow { path }),
        Some(WindowChoice::Preset(preset)) if image.meta.is_ct() => Ok(preset.window()),
        Some(WindowChoice::Preset(preset)) => Err(ImagingError::PresetNeedsCt {
            path,
            preset: preset.name(),
            modality: image.meta.modality.clone().unwrap_or_else(|| "none".into()),
        }),
        None => Ok(image.meta.window.unwrap_or_else(|| {
            let first = image.frames.first().map(Vec::as_slice).unwrap_or_default();
            let (lo, hi) = first
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            Window::spanning(lo, hi)
        })),
    }
}

/// Writes an 8-bit grey PNG preview of the first frame of `image` to `out`
/// (atomically: nothing is left at `out` on failure) and returns the window
/// used (in modality units; `None` for PNG/JPEG, which are copied as grey).
///
/// DICOM values go through the window by the DICOM linear function and a
/// MONOCHROME1 image is inverted, so air is dark and bone bright whatever the
/// file's photometric interpretation. Hounsfield-unit presets are refused for
/// images that are not CT.
pub fn write_preview(
    image: &AnyImage,
    choice: Option<WindowChoice>,
    out: &Path,
) -> Result<Option<Window>> {
    let (rows, columns, grey, window) = match image {
        AnyImage::Dicom(image) => {
            let window = dicom_window(image, choice)?;
            let invert = image.meta.inverted();
            let first = image.frames.first().map(Vec::as_slice).unwrap_or_default();
            let grey = first
                .iter()
                .map(|&v| {
                    let g = window.grey(v);
                    if invert { 255 - g } else { g }
                })
                .collect();
            (image.meta.rows, image.meta.columns, grey, Some(window))
        }
        AnyImage::Raster(image) => {
            if choice.is_some() {
                return Err(ImagingError::WindowOnDisplayImage { path: image.path.clone() });
            }
            (image.rows, image.columns, image.luma.clone(), None)
        }
    };
    let fail = |reason: String| ImagingError::Write { path: out.into(), reason };
    let buffer = image::GrayImage::from_raw(columns, rows, grey)
        .ok_or_else(|| fail("pixel count does not match the image size".into()))?;
    let mut png = Vec::new();
    buffer
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| fail(e.to_string()))?;
    osler_data::atomic::write_file(out, &png).map_err(|e| fail(e.to_string()))?;
    Ok(window)
}
