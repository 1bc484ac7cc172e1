//! The image input contract stored in an artifact's manifest, and the one
//! function that applies it to a decoded file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use osler_imaging::{AnyImage, read_image};

use super::ImageTaskError;

/// Grey levels `g` in `0..=255` become network inputs `(g / 255 - mean) / std`
/// (the MedMNIST protocol: mean 0.5, std 0.5, i.e. inputs in `[-1, 1]`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Normalisation {
    /// Subtracted from `g / 255`.
    pub mean: f64,
    /// Divides `g / 255 - mean`.
    pub std: f64,
}

/// How a DICOM file's modality values `v` (after its rescale slope and
/// intercept: Hounsfield units for CT) become grey levels:
/// `g = 255 * clamp((v - lower) / (upper - lower), 0, 1)`, then `255 - g` for
/// MONOCHROME1 (lowest value displayed white). A window of centre `c` and
/// width `w` is `lower = c - w/2`, `upper = c + w/2`. The default `[0, 255]`
/// reads 8-bit images as their grey levels, as a PNG of the same pixels is read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DicomScaling {
    /// Modality value mapped to grey level 0.
    pub lower: f64,
    /// Modality value mapped to grey level 255.
    pub upper: f64,
}

/// What an image model reads and how a file becomes its input. Prediction
/// applies exactly this; nothing else is inferred from the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageContract {
    /// Channels of a file (1: grey-scale; a file of other channels is refused).
    pub channels: usize,
    /// Rows of a file (a file of another size is refused, never resized).
    pub rows: usize,
    /// Columns of a file.
    pub columns: usize,
    /// Rows of the network's input: the file is upsampled bilinearly to it
    /// when larger than `rows` (half-pixel centres, edge pixels repeated).
    pub input_rows: usize,
    /// Columns of the network's input.
    pub input_columns: usize,
    /// Grey levels to network inputs.
    pub normalisation: Normalisation,
    /// DICOM modality values to grey levels (windowing).
    pub dicom: DicomScaling,
    /// Orientation and photometric handling, in words: what is done to every file.
    pub orientation: String,
}

/// The contract's words on orientation: nothing is flipped or rotated.
pub(crate) const ORIENTATION: &str = "pixels used as stored (row 0 at the top, no flip or rotation); \
MONOCHROME1 DICOM inverted so that higher values are brighter; PNG/JPEG read as 8-bit luma";

impl ImageContract {
    /// Network inputs of grey levels `grey` (`rows x columns`, row-major): upsampled to the
    /// input size when it is larger, then normalised.
    pub fn inputs(&self, grey: &[f64]) -> Vec<f32> {
        let Normalisation { mean, std } = self.normalisation;
        self.resized(grey).iter().map(|g| ((g / 255.0 - mean) / std) as f32).collect()
    }

    /// Grey levels of `grey` (the file's size) at the network's input size,
    /// as 8-bit pixels: what the network sees, before normalisation.
    pub fn display_grey(&self, grey: &[f64]) -> Vec<u8> {
        self.resized(grey).iter().map(|g| g.round().clamp(0.0, 255.0) as u8).collect()
    }

    fn resized(&self, grey: &[f64]) -> Vec<f64> {
        if (self.input_rows, self.input_columns) == (self.rows, self.columns) {
            grey.to_vec()
        } else {
            osler_nn::upsample(grey, self.rows, self.columns, self.input_rows, self.input_columns)
        }
    }

    /// Reads `path` (PNG, JPEG or DICOM) and returns its grey levels
    /// (`0..=255`, `rows x columns`), after checking its size and channels
    /// against the contract; [`Self::inputs`] makes them network inputs.
    pub fn read_grey(&self, path: &Path) -> Result<Vec<f64>, ImageTaskError> {
        let (grey, rows, columns) = match read_image(path)? {
            AnyImage::Raster(r) => {
                if usize::from(r.channels) != self.channels {
                    return Err(ImageTaskError::WrongChannels {
                        path: path.into(),
                        channels: r.channels.into(),
                        expected: self.channels,
                    });
                }
                let grey: Vec<f64> = r.luma.iter().map(|&g| f64::from(g)).collect();
                (grey, r.rows as usize, r.columns as usize)
            }
            AnyImage::Dicom(d) => {
                if d.frames.len() != 1 {
                    return Err(ImageTaskError::MultiFrame {
                        path: path.into(),
                        frames: d.frames.len(),
                    });
                }
                let DicomScaling { lower, upper } = self.dicom;
                let span = (upper - lower).max(f64::MIN_POSITIVE);
                let invert = d.meta.inverted();
                let grey = d.frames[0]
                    .iter()
                    .map(|&v| {
                        let g = 255.0 * ((v - lower) / span).clamp(0.0, 1.0);
                        if invert { 255.0 - g } else { g }
                    })
                    .collect();
                (grey, d.meta.rows as usize, d.meta.columns as usize)
            }
        };
        if (rows, columns) != (self.rows, self.columns) {
            return Err(ImageTaskError::WrongSize {
                path: path.into(),
                rows,
                columns,
                expected_rows: self.rows,
                expected_columns: self.columns,
            });
        }
        Ok(grey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(input: usize) -> ImageContract {
        ImageContract {
            channels: 1,
            rows: 2,
            columns: 2,
            input_rows: input,
            input_columns: input,
            normalisation: Normalisation { mean: 0.5, std: 0.5 },
            dicom: DicomScaling { lower: 0.0, upper: 255.0 },
            orientation: ORIENTATION.into(),
        }
    }

    #[test]
    fn medmnist_normalisation_maps_0_and_255_to_minus_1_and_1() {
        let x = contract(2).inputs(&[0.0, 255.0, 127.5, 51.0]);
        assert_eq!(x, vec![-1.0, 1.0, 0.0, -0.6]);
    }

    // PyTorch F.interpolate([[0, 10], [20, 30]], size=4, mode="bilinear",
    // align_corners=False) gives rows [0, 2.5, 7.5, 10], [5, 7.5, 12.5, 15], ...
    #[test]
    fn bilinear_upsampling_uses_half_pixel_centres() {
        let up = osler_nn::upsample(&[0.0, 10.0, 20.0, 30.0], 2, 2, 4, 4);
        let expected = [
            0.0, 2.5, 7.5, 10.0, 5.0, 7.5, 12.5, 15.0, 15.0, 17.5, 22.5, 25.0, 20.0, 22.5, 27.5,
            30.0,
        ];
        for (a, b) in up.iter().zip(expected) {
            assert!((a - b).abs() < 1e-12, "{up:?}");
        }
    }
}
