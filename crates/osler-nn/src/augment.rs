//! Seeded training augmentation of images held as flat row-major buffers
//! `[n, channels, height, width]`: horizontal flips, small rotations
//! (bilinear), whole-pixel shifts and intensity jitter. Each image of a batch
//! draws its own transform from the caller's generator, so a seed fixes every
//! augmented batch of a training run.
//!
//! Pixels that a rotation or shift brings in from outside the image are 0:
//! the images are normalised by the caller, so 0 is the normalised mean
//! intensity rather than black.

use osler_data::SplitMix64;
use serde::{Deserialize, Serialize};

/// Which augmentations a training run applies (all off by default).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Augment {
    /// Mirror each image left-right with probability 1/2.
    pub hflip: bool,
    /// Rotate by an angle uniform in `[-max_rotation, max_rotation]` degrees
    /// about the image centre, bilinear interpolation (0 = none).
    pub max_rotation: f64,
    /// Shift by whole pixels, rows and columns each uniform in
    /// `-max_shift..=max_shift` (0 = none).
    pub max_shift: usize,
    /// Intensity jitter `x' = (1 + a) x + b`, `a` and `b` uniform in
    /// `[-jitter, jitter]` per image (normalised units; 0 = none).
    pub jitter: f64,
}

impl Augment {
    /// The usual set for small radiographs: flips, +-10 degrees, +-2 px, 10 % jitter.
    pub fn standard() -> Self {
        Augment { hflip: true, max_rotation: 10.0, max_shift: 2, jitter: 0.1 }
    }

    /// Whether no augmentation is switched on (batches pass through unchanged).
    pub fn is_identity(&self) -> bool {
        !self.hflip && self.max_rotation == 0.0 && self.max_shift == 0 && self.jitter == 0.0
    }

    /// Augments every image of `batch` (`[n, geometry]`, flat) in place, drawing
    /// from `rng` in a fixed order per image: flip, rotation, shift, jitter.
    pub fn apply(&self, batch: &mut [f32], geometry: Geometry, rng: &mut SplitMix64) {
        let size = geometry.len();
        if size == 0 || self.is_identity() {
            return;
        }
        for image in batch.chunks_exact_mut(size) {
            if self.hflip && rng.next_f64() < 0.5 {
                hflip(image, geometry);
            }
            if self.max_rotation > 0.0 {
                let degrees = (2.0 * rng.next_f64() - 1.0) * self.max_rotation;
                let rotated = rotate(image, geometry, degrees);
                image.copy_from_slice(&rotated);
            }
            if self.max_shift > 0 {
                let span = 2 * self.max_shift + 1;
                let dy = rng.below(span) as isize - self.max_shift as isize;
                let dx = rng.below(span) as isize - self.max_shift as isize;
                let moved = shift(image, geometry, dy, dx);
                image.copy_from_slice(&moved);
            }
            if self.jitter > 0.0 {
                let a = ((2.0 * rng.next_f64() - 1.0) * self.jitter) as f32;
                let b = ((2.0 * rng.next_f64() - 1.0) * self.jitter) as f32;
                for v in image.iter_mut() {
                    *v = (1.0 + a) * *v + b;
                }
            }
        }
    }
}

/// Channels, rows and columns of one image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Geometry {
    /// Channels (1 grey-scale, 3 RGB).
    pub channels: usize,
    /// Rows (pixels).
    pub height: usize,
    /// Columns (pixels).
    pub width: usize,
}

impl Geometry {
    /// Values per image: `channels * height * width`.
    pub fn len(&self) -> usize {
        self.channels * self.height * self.width
    }

    /// Whether an image of this geometry holds no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Mirrors one image left-right in place.
pub fn hflip(image: &mut [f32], g: Geometry) {
    for row in image.chunks_exact_mut(g.width.max(1)) {
        row.reverse();
    }
}

/// One image moved down by `dy` and right by `dx` pixels (negative: up, left);
/// vacated pixels are 0.
pub fn shift(image: &[f32], g: Geometry, dy: isize, dx: isize) -> Vec<f32> {
    let mut out = vec![0.0; image.len()];
    let (h, w) = (g.height as isize, g.width as isize);
    for c in 0..g.channels {
        let plane = c * g.height * g.width;
        for y in 0..h {
            let sy = y - dy;
            if !(0..h).contains(&sy) {
                continue;
            }
            for x in 0..w {
                let sx = x - dx;
                if (0..w).contains(&sx) {
                    out[plane + (y * w + x) as usize] = image[plane + (sy * w + sx) as usize];
                }
            }
        }
    }
    out
}

/// One image rotated by `degrees` (counter-clockwise as displayed, rows
/// growing downwards) about its centre `((h - 1) / 2, (w - 1) / 2)`. Each
/// output pixel takes the bilinear interpolation of the input at its inversely
/// rotated position; positions outside the image contribute 0.
pub fn rotate(image: &[f32], g: Geometry, degrees: f64) -> Vec<f32> {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cy, cx) = ((g.height as f64 - 1.0) / 2.0, (g.width as f64 - 1.0) / 2.0);
    let mut out = vec![0.0; image.len()];
    let at = |plane: &[f32], y: isize, x: isize| -> f64 {
        if y < 0 || x < 0 || y >= g.height as isize || x >= g.width as isize {
            0.0
        } else {
            f64::from(plane[y as usize * g.width + x as usize])
        }
    };
    for c in 0..g.channels {
        let start = c * g.height * g.width;
        let plane = &image[start..start + g.height * g.width];
        for y in 0..g.height {
            for x in 0..g.width {
                let (u, v) = (x as f64 - cx, y as f64 - cy);
                // Inverse map: where in the input the output pixel comes from.
                let sx = cos * u - sin * v + cx;
                let sy = sin * u + cos * v + cy;
                let (x0, y0) = (sx.floor(), sy.floor());
                let (fx, fy) = (sx - x0, sy - y0);
                let (x0, y0) = (x0 as isize, y0 as isize);
                let value = (1.0 - fy)
                    * ((1.0 - fx) * at(plane, y0, x0) + fx * at(plane, y0, x0 + 1))
                    + fy * ((1.0 - fx) * at(plane, y0 + 1, x0) + fx * at(plane, y0 + 1, x0 + 1));
                out[start + y * g.width + x] = value as f32;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: Geometry = Geometry { channels: 2, height: 5, width: 7 };

    fn image() -> Vec<f32> {
        (0..G.len()).map(|i| (i as f32 * 0.37).sin()).collect()
    }

    #[test]
    fn flipping_twice_is_the_identity() {
        let mut x = image();
        hflip(&mut x, G);
        assert_ne!(x, image());
        assert_eq!(x[0], image()[6]);
        hflip(&mut x, G);
        assert_eq!(x, image());
    }

    #[test]
    fn shift_by_zero_and_rotation_by_zero_are_the_identity() {
        assert_eq!(shift(&image(), G, 0, 0), image());
        assert_eq!(rotate(&image(), G, 0.0), image());
    }

    #[test]
    fn shift_moves_pixels_and_fills_zeros() {
        let x = image();
        let s = shift(&x, G, 1, -2);
        // Output (row 1, column 0) of channel 1 comes from input (row 0, column 2).
        assert_eq!(s[35 + 7], x[35 + 2]);
        assert!(s[35..42].iter().all(|&v| v == 0.0), "top row vacated");
        assert_eq!(s[35 + 7 + 5], 0.0, "right columns vacated");
    }

    #[test]
    fn a_quarter_turn_of_a_square_image_moves_a_corner_to_a_corner() {
        let g = Geometry { channels: 1, height: 3, width: 3 };
        let mut x = vec![0.0f32; 9];
        x[2] = 1.0; // top right
        let r = rotate(&x, g, 90.0);
        // Counter-clockwise as displayed: top right goes to top left.
        assert!((r[0] - 1.0).abs() < 1e-6, "{r:?}");
        assert!((r.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn augmentation_is_seeded_and_off_by_default() {
        let batch: Vec<f32> = image().into_iter().chain(image()).collect();
        let mut plain = batch.clone();
        Augment::default().apply(&mut plain, G, &mut SplitMix64::new(1));
        assert_eq!(plain, batch);
        let run = |seed| {
            let mut b = batch.clone();
            Augment::standard().apply(&mut b, G, &mut SplitMix64::new(seed));
            b
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3), run(4));
        assert_ne!(run(3), batch);
    }
}
