//! PNG and JPEG images through the `image` crate.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{ImagingError, Result};

/// The container of an image file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// DICOM Part 10.
    Dicom,
    /// PNG.
    Png,
    /// JPEG (JFIF/EXIF).
    Jpeg,
}

/// Whether `bytes` start with the PNG signature.
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

/// Whether `bytes` start with a JPEG start-of-image marker.
pub fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

/// A decoded PNG or JPEG: 8-bit samples, row-major, channels interleaved.
#[derive(Debug, Clone, PartialEq)]
pub struct RasterImage {
    /// The file it came from.
    pub path: PathBuf,
    /// PNG or JPEG.
    pub format: ImageFormat,
    /// Rows (height in pixels).
    pub rows: u32,
    /// Columns (width in pixels).
    pub columns: u32,
    /// Channels in the file: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
    pub channels: u8,
    /// Bits per sample in the file (8 or 16); samples here are scaled to 8 bits.
    pub bits: u8,
    /// The luminance of every pixel, `rows x columns`, 8 bits (ITU-R BT.709
    /// weights for colour, as the `image` crate computes it).
    pub luma: Vec<u8>,
}

/// Reads a PNG or JPEG file.
pub fn read_raster(path: &Path) -> Result<RasterImage> {
    let bytes =
        std::fs::read(path).map_err(|source| ImagingError::Io { path: path.into(), source })?;
    raster_from_bytes(path, &bytes)
}

/// [`read_raster`] on the bytes of a file already read.
pub fn raster_from_bytes(path: &Path, bytes: &[u8]) -> Result<RasterImage> {
    if bytes.is_empty() {
        return Err(ImagingError::Empty { path: path.into() });
    }
    let (format, decoder) = if is_png(bytes) {
        (ImageFormat::Png, image::ImageFormat::Png)
    } else if is_jpeg(bytes) {
        (ImageFormat::Jpeg, image::ImageFormat::Jpeg)
    } else {
        return Err(ImagingError::UnknownFormat { path: path.into(), bytes: bytes.len() });
    };
    let decoded = image::load_from_memory_with_format(bytes, decoder)
        .map_err(|e| ImagingError::Raster { path: path.into(), reason: e.to_string() })?;
    let colour = decoded.color();
    let luma = decoded.to_luma8();
    Ok(RasterImage {
        path: path.into(),
        format,
        rows: luma.height(),
        columns: luma.width(),
        channels: colour.channel_count(),
        bits: (colour.bits_per_pixel() / u16::from(colour.channel_count())) as u8,
        luma: luma.into_raw(),
    })
}
