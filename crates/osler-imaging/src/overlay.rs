//! A heat map laid over its grey image as an RGB PNG, for a reader to see
//! which parts of the image a prediction rests on.
//!
//! The map (values in `[0, 1]`, one per pixel) goes through the jet colour
//! map (blue 0, cyan, yellow, red 1) and is alpha-blended over the grey
//! image: `out = (1 - alpha) grey + alpha jet(m)` per channel. Small images
//! (28 px) can be enlarged by an integer factor with nearest-neighbour
//! sampling, so each input pixel stays a visible square.

use std::path::Path;

use crate::error::{ImagingError, Result};

/// How [`write_heatmap_overlay`] draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OverlayOptions {
    /// Weight of the colour map in the blend, in `[0, 1]` (0: the grey image only).
    pub alpha: f32,
    /// Integer enlargement of both sides (nearest neighbour), at least 1.
    pub scale: u32,
}

impl Default for OverlayOptions {
    /// `alpha` 0.4 (the anatomy stays readable under the colours), no enlargement.
    fn default() -> Self {
        OverlayOptions { alpha: 0.4, scale: 1 }
    }
}

/// The jet colour map at `t` in `[0, 1]`: each channel a clamped tent,
/// `r = clamp(1.5 - |4t - 3|)`, `g = clamp(1.5 - |4t - 2|)`, `b = clamp(1.5 - |4t - 1|)`.
pub fn jet(t: f32) -> [f32; 3] {
    let tent = |centre: f32| (1.5 - (4.0 * t - centre).abs()).clamp(0.0, 1.0);
    [tent(3.0), tent(2.0), tent(1.0)]
}

/// Writes `grey` (8-bit, `height x width`, row-major) with `map` (one value
/// in `[0, 1]` per pixel, same layout) blended over it as an RGB PNG at `path`,
/// `height * scale` by `width * scale` pixels. The file is written atomically:
/// on any error nothing is left at `path`.
pub fn write_heatmap_overlay(
    path: &Path,
    grey: &[u8],
    height: usize,
    width: usize,
    map: &[f32],
    options: &OverlayOptions,
) -> Result<()> {
    let pixels = height.checked_mul(width).filter(|&p| p > 0);
    for (what, found) in [("grey image", grey.len()), ("heat map", map.len())] {
        if pixels != Some(found) {
            return Err(ImagingError::OverlaySize {
                path: path.into(),
                what,
                found,
                height,
                width,
            });
        }
    }
    if let Some(index) = map.iter().position(|v| !(0.0..=1.0).contains(v)) {
        return Err(ImagingError::OverlayValue { path: path.into(), index });
    }
    if !(0.0..=1.0).contains(&options.alpha) {
        return Err(ImagingError::OverlayOption {
            option: "alpha",
            value: options.alpha.to_string(),
            expected: "be between 0 and 1",
        });
    }
    if options.scale == 0 {
        return Err(ImagingError::OverlayOption {
            option: "scale",
            value: "0".into(),
            expected: "be at least 1",
        });
    }
    let scale = options.scale as usize;
    let too_large = |side: usize| side.checked_mul(scale).and_then(|s| u32::try_from(s).ok());
    let (Some(out_h), Some(out_w)) = (too_large(height), too_large(width)) else {
        return Err(ImagingError::OverlayOption {
            option: "scale",
            value: options.scale.to_string(),
            expected: "enlarge the image to at most 4294967295 pixels a side",
        });
    };
    let a = options.alpha;
    let blended: Vec<[u8; 3]> = grey
        .iter()
        .zip(map)
        .map(|(&g, &m)| {
            let colour = jet(m);
            colour
                .map(|c| ((1.0 - a) * f32::from(g) + a * 255.0 * c).round().clamp(0.0, 255.0) as u8)
        })
        .collect();
    let mut rgb = Vec::with_capacity(out_h as usize * out_w as usize * 3);
    for y in 0..out_h as usize {
        for x in 0..out_w as usize {
            rgb.extend_from_slice(&blended[(y / scale) * width + x / scale]);
        }
    }
    let fail = |reason: String| ImagingError::Write { path: path.into(), reason };
    let buffer = image::RgbImage::from_raw(out_w, out_h, rgb)
        .ok_or_else(|| fail("pixel count does not match the image size".into()))?;
    let mut png = Vec::new();
    buffer
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| fail(e.to_string()))?;
    osler_data::atomic::write_file(path, &png).map_err(|e| fail(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jet_runs_blue_to_red() {
        assert_eq!(jet(0.0), [0.0, 0.0, 0.5]);
        assert_eq!(jet(0.5), [0.5, 1.0, 0.5]);
        assert_eq!(jet(1.0), [0.5, 0.0, 0.0]);
    }
}
