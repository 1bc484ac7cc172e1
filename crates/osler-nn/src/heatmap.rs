//! Heat maps of what an [`ImageClassifier`] looks at, one per image, at the
//! input resolution, for a radiologist to check against the anatomy.
//!
//! * Grad-CAM (Selvaraju et al., "Grad-CAM: Visual Explanations from Deep
//!   Networks via Gradient-based Localization", ICCV 2017): the class logit's
//!   gradients with respect to the last convolutional block's maps `A_k`
//!   ([`crate::cnn::CnnNet::features`]), averaged over the map, weigh the maps:
//!   `L = ReLU(sum_k alpha_k A_k)`, `alpha_k = mean_ij d logit_c / d A_k(i, j)`.
//!   Both networks end in global average pooling and a linear head, so the
//!   gradient has a closed form: `alpha_k = W[k, c] / (rows * columns)`, whatever
//!   the input (the small CNN's 2x2 max-pool routes each pooled value's
//!   gradient to one input of its window, which leaves the sum over the map
//!   unchanged). The maps are computed by one forward pass in evaluation mode,
//!   no autodiff and no fit lock; `tests` check the closed form against burn's
//!   autodiff. The map is upsampled bilinearly (half-pixel centres, as
//!   PyTorch's `interpolate(align_corners=False)`) and divided by its maximum,
//!   so it lies in `[0, 1]` (all zeros when no location speaks for the class).
//! * Occlusion sensitivity (Zeiler and Fergus, "Visualizing and Understanding
//!   Convolutional Networks", ECCV 2014), model-free: a square patch slides over
//!   the image and the drop of the class probability with the patch covered is
//!   recorded; a pixel's value is the mean drop over the patches covering it.
//!
//! Everything runs on the calling thread in a fixed order: the same model and
//! images give bitwise the same maps.

use serde::{Deserialize, Serialize};

use crate::device::to_vec;
use crate::error::NnError;
use crate::image_classifier::{ImageClassifier, Images, image_tensor, log_probabilities};

/// What covers an occluded patch, in the network's (normalised) input units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OcclusionFill {
    /// The mean of the image's channel (the patch carries no local contrast).
    #[default]
    Mean,
    /// Zero (mid-grey for images normalised to `[-1, 1]`).
    Zero,
}

/// Options of [`ImageClassifier::occlusion`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcclusionOptions {
    /// Side of the square patch in pixels (at least 1, at most the image's shorter side).
    pub patch: usize,
    /// Pixels between neighbouring patch positions (at least 1); a last
    /// position flush with the right and bottom edges is always added.
    pub stride: usize,
    /// What covers the patch.
    pub fill: OcclusionFill,
}

impl Default for OcclusionOptions {
    /// A 6 px patch every 2 px: 144 positions on a 28 px image.
    fn default() -> Self {
        OcclusionOptions { patch: 6, stride: 2, fill: OcclusionFill::Mean }
    }
}

/// Bilinear resampling of a `fh x fw` map (row-major) to `h x w`, sampling
/// at half-pixel centres (`src = (dst + 0.5) * fh / h - 0.5`, clamped to the
/// map), as PyTorch's `interpolate(mode="bilinear", align_corners=False)`.
/// Heat maps and the image contract's upsampling share it.
pub fn upsample(map: &[f64], fh: usize, fw: usize, h: usize, w: usize) -> Vec<f64> {
    let axis = |dst: usize, from: usize, to: usize| {
        let src =
            ((dst as f64 + 0.5) * from as f64 / to as f64 - 0.5).clamp(0.0, (from - 1) as f64);
        let lo = src.floor() as usize;
        (lo, (lo + 1).min(from - 1), src - lo as f64)
    };
    let mut out = Vec::with_capacity(h * w);
    for y in 0..h {
        let (y0, y1, ty) = axis(y, fh, h);
        for x in 0..w {
            let (x0, x1, tx) = axis(x, fw, w);
            let top = map[y0 * fw + x0] * (1.0 - tx) + map[y0 * fw + x1] * tx;
            let bottom = map[y1 * fw + x0] * (1.0 - tx) + map[y1 * fw + x1] * tx;
            out.push(top * (1.0 - ty) + bottom * ty);
        }
    }
    out
}

/// Divides by the maximum (a map without positive values stays all zeros).
fn unit_max(map: Vec<f64>) -> Vec<f32> {
    let max = map.iter().copied().fold(0.0, f64::max);
    map.into_iter().map(|v| if max > 0.0 { (v / max) as f32 } else { 0.0 }).collect()
}

/// Top-left corners of a `patch` sliding by `stride` along `side` pixels,
/// the last one flush with the far edge.
fn starts(side: usize, patch: usize, stride: usize) -> Vec<usize> {
    let last = side - patch;
    let mut out: Vec<usize> = (0..=last).step_by(stride).collect();
    if out.last() != Some(&last) {
        out.push(last);
    }
    out
}

impl ImageClassifier {
    fn check_class(&self, class: usize) -> Result<(), NnError> {
        if class < self.classes {
            Ok(())
        } else {
            Err(NnError::InvalidOption {
                option: "heat map class",
                value: class.to_string(),
                expected: "be one of the model's classes (0 up to classes - 1)",
            })
        }
    }

    /// Grad-CAM maps of class `class` (1 = the positive class of a binary
    /// model), one per image, each `height x width` row-major in `[0, 1]`
    /// (see the [module](self) for the formula).
    pub fn grad_cam(&self, images: &Images, class: usize) -> Result<Vec<Vec<f32>>, NnError> {
        self.check_class(class)?;
        let (net, dev) = self.network_for(images)?;
        let g = images.geometry();
        // Row-major [filters, classes].
        let weight = to_vec(net.head().weight.val())?;
        let rows: Vec<usize> = (0..images.len()).collect();
        let mut out = Vec::with_capacity(images.len());
        for chunk in rows.chunks(self.options.eval_batch.max(1)) {
            let x = image_tensor(images.gather(chunk), chunk.len(), g, &dev);
            let features = net.features(x);
            let [n, k, fh, fw] = features.dims();
            if weight.len() != k * self.classes || fh * fw == 0 {
                return Err(NnError::Internal {
                    what: "the head's inputs differ from the last block's filters",
                });
            }
            let a = to_vec(features)?;
            let cells = fh * fw;
            for i in 0..n {
                let mut cam = vec![0.0; cells];
                for f in 0..k {
                    let alpha = weight[f * self.classes + class] / cells as f64;
                    let maps = &a[(i * k + f) * cells..(i * k + f + 1) * cells];
                    for (c, &v) in cam.iter_mut().zip(maps) {
                        *c += alpha * v;
                    }
                }
                cam.iter_mut().for_each(|c| *c = c.max(0.0));
                out.push(unit_max(upsample(&cam, fh, fw, g.height, g.width)));
            }
        }
        Ok(out)
    }

    /// Occlusion-sensitivity maps of class `class`, one per image, each
    /// `height x width` row-major: the mean over the patches covering a pixel of
    /// `p(class | image) - p(class | image with the patch covered)`, in
    /// probability units (positive where covering the pixel lowers the
    /// probability; not rescaled).
    pub fn occlusion(
        &self,
        images: &Images,
        class: usize,
        options: &OcclusionOptions,
    ) -> Result<Vec<Vec<f32>>, NnError> {
        self.check_class(class)?;
        let g = images.geometry();
        if options.patch == 0 || options.patch > g.height.min(g.width) {
            return Err(NnError::InvalidOption {
                option: "occlusion patch",
                value: options.patch.to_string(),
                expected: "be at least 1 pixel and at most the image's shorter side",
            });
        }
        if options.stride == 0 {
            return Err(NnError::InvalidOption {
                option: "occlusion stride",
                value: "0".into(),
                expected: "be at least 1 pixel",
            });
        }
        let (net, dev) = self.network_for(images)?;
        let k = self.classes;
        let batch = self.options.eval_batch;
        let base = log_probabilities(&net, images, batch, &dev)?;
        let (ys, xs) = (
            starts(g.height, options.patch, options.stride),
            starts(g.width, options.patch, options.stride),
        );
        let plane = g.height * g.width;
        let mut out = Vec::with_capacity(images.len());
        for (i, image) in images.values().chunks_exact(g.len()).enumerate() {
            let fills: Vec<f32> = image
                .chunks_exact(plane)
                .map(|ch| match options.fill {
                    OcclusionFill::Mean => {
                        (ch.iter().map(|&v| f64::from(v)).sum::<f64>() / plane as f64) as f32
                    }
                    OcclusionFill::Zero => 0.0,
                })
                .collect();
            let mut covered = Vec::with_capacity(ys.len() * xs.len() * g.len());
            for &y0 in &ys {
                for &x0 in &xs {
                    let start = covered.len();
                    covered.extend_from_slice(image);
                    for (c, &fill) in fills.iter().enumerate() {
                        for y in y0..y0 + options.patch {
                            let row = start + c * plane + y * g.width;
                            covered[row + x0..row + x0 + options.patch].fill(fill);
                        }
                    }
                }
            }
            let positions = ys.len() * xs.len();
            let lp = log_probabilities(&net, &Images::new(covered, positions, g)?, batch, &dev)?;
            let p = base[i * k + class].exp();
            let (mut sum, mut count) = (vec![0.0; plane], vec![0u32; plane]);
            for (j, (y0, x0)) in
                ys.iter().flat_map(|&y| xs.iter().map(move |&x| (y, x))).enumerate()
            {
                let drop = p - lp[j * k + class].exp();
                for y in y0..y0 + options.patch {
                    for x in x0..x0 + options.patch {
                        sum[y * g.width + x] += drop;
                        count[y * g.width + x] += 1;
                    }
                }
            }
            // Every pixel lies under some patch: the positions reach both far edges.
            out.push(
                sum.iter().zip(&count).map(|(s, &n)| (s / f64::from(n.max(1))) as f32).collect(),
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use burn::prelude::*;
    use burn::tensor::TensorData;

    use super::*;
    use crate::cnn::{CnnArch, CnnKind, CnnNet};
    use crate::device::{DeviceChoice, device, fit_lock};

    #[test]
    fn upsampling_matches_half_pixel_bilinear_and_keeps_constants() {
        // PyTorch: F.interpolate(torch.tensor([[[[0., 1.]]]]), size=(1, 4),
        // mode="bilinear", align_corners=False) = [0, 0.25, 0.75, 1].
        assert_eq!(upsample(&[0.0, 1.0], 1, 2, 1, 4), vec![0.0, 0.25, 0.75, 1.0]);
        assert!(upsample(&[3.0; 9], 3, 3, 28, 28).iter().all(|&v| (v - 3.0).abs() < 1e-12));
        assert_eq!(unit_max(vec![0.0, 0.0]), vec![0.0, 0.0]);
        assert_eq!(unit_max(vec![1.0, 4.0]), vec![0.25, 1.0]);
    }

    #[test]
    fn patch_positions_reach_the_far_edge() {
        assert_eq!(starts(28, 6, 2), (0..=22).step_by(2).collect::<Vec<_>>());
        assert_eq!(starts(10, 4, 4), vec![0, 4, 6]);
        assert_eq!(starts(5, 5, 3), vec![0]);
    }

    /// The closed-form channel weights `W[k, c] / cells` equal the spatial mean
    /// of autodiff's gradient of the class logit with respect to the maps,
    /// for both networks (the small CNN's max-pool included).
    #[test]
    fn closed_form_weights_equal_the_autodiff_gradient_means() {
        let _guard = fit_lock();
        let plain = device(DeviceChoice::Cpu).unwrap_or_else(|e| panic!("{e}"));
        let ad = plain.clone().autodiff();
        ad.seed(7);
        for (kind, fh) in [(CnnKind::Cnn, 7), (CnnKind::ResNet18, 4)] {
            let arch = CnnArch { kind, channels: 1, width: 4, outputs: 3 };
            let net = CnnNet::new(&arch, &ad);
            let k = if kind == CnnKind::Cnn { 16 } else { 512 };
            let values: Vec<f32> =
                (0..2 * k * fh * fh).map(|i| ((i * 7919) % 97) as f32 / 97.0).collect();
            let a =
                Tensor::<4>::from_data(TensorData::new(values, [2, k, fh, fh]), &ad).require_grad();
            let class = 2;
            let logit = net.classify(a.clone()).slice([0..2, class..class + 1]).sum();
            let grads = logit.backward();
            let g = to_vec(a.grad(&grads).unwrap_or_else(|| panic!("no gradient")))
                .unwrap_or_else(|e| panic!("{e}"));
            let w = to_vec(net.head().weight.val()).unwrap_or_else(|e| panic!("{e}"));
            let cells = fh * fh;
            for i in 0..2 {
                for f in 0..k {
                    let mean: f64 =
                        g[(i * k + f) * cells..(i * k + f + 1) * cells].iter().sum::<f64>()
                            / cells as f64;
                    let closed = w[f * 3 + class] / cells as f64;
                    assert!(
                        (mean - closed).abs() <= 1e-6 * (1.0 + closed.abs()),
                        "{kind:?} {f}: {mean} vs {closed}"
                    );
                }
            }
        }
    }
}
