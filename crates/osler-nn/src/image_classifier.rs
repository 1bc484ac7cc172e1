//! Image classifier on a convolutional network ([`crate::cnn`]): images in as
//! flat `f32` buffers `[n, channels, height, width]` (normalised by the
//! caller), class probabilities out.
//!
//! Training: softmax cross-entropy over `classes` logits (optionally
//! class-weighted), the shared loop of [`crate::trainer`] (seeded batch order,
//! AdamW or another optimiser, cosine or step schedule), seeded augmentation
//! of each training batch ([`crate::augment`]), and model selection on the
//! given validation images: the epoch with the best validation AUROC (two
//! classes) or the lowest validation loss (more classes) is kept.

use std::cell::RefCell;
use std::sync::Arc;

use burn::prelude::*;
use burn::tensor::TensorData;
use burn::tensor::activation::log_softmax;
use osler_data::SplitMix64;
use serde::{Deserialize, Serialize};

use crate::augment::{Augment, Geometry};
use crate::cnn::{CnnArch, CnnKind, CnnNet};
use crate::device::{device, fit_lock, to_vec};
use crate::error::NnError;
use crate::loaded::NetCache;
use crate::loss::{cross_entropy, row_weights};
use crate::optim::{LrSchedule, OptimizerKind};
use crate::progress::ProgressObserver;
use crate::trainer::{EpochLog, Fitted, Objective, StopOn, TrainOptions, TrainSummary, fit};

/// Smallest image side the networks accept: the small CNN halves it three times.
pub const MIN_SIDE: usize = 8;

/// A set of images of one geometry, row-major `[n, channels, height, width]`,
/// checked on construction (the fields stay private so that they agree).
#[derive(Debug, Clone, PartialEq)]
pub struct Images {
    geometry: Geometry,
    n: usize,
    values: Vec<f32>,
}

impl Images {
    /// Checks that `values` fills `n` images of `geometry` and that every value is finite.
    pub fn new(values: Vec<f32>, n: usize, geometry: Geometry) -> Result<Self, NnError> {
        let expected = geometry
            .channels
            .checked_mul(geometry.height)
            .and_then(|v| v.checked_mul(geometry.width))
            .and_then(|v| v.checked_mul(n));
        if expected != Some(values.len()) || geometry.is_empty() {
            return Err(NnError::ImageShape {
                values: values.len(),
                images: n,
                channels: geometry.channels,
                height: geometry.height,
                width: geometry.width,
            });
        }
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(NnError::NonFinitePixel { image: i / geometry.len() });
        }
        Ok(Images { geometry, n, values })
    }

    /// Channels, rows and columns of every image.
    pub fn geometry(&self) -> Geometry {
        self.geometry
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the set holds no image.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Pixel values, image after image, each channel-major then row-major.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// The pixels of images `rows`, in that order.
    pub(crate) fn gather(&self, rows: &[usize]) -> Vec<f32> {
        let size = self.geometry.len();
        let mut out = Vec::with_capacity(rows.len() * size);
        for &i in rows {
            out.extend_from_slice(&self.values[i * size..(i + 1) * size]);
        }
        out
    }

    fn dims(&self) -> [usize; 3] {
        [self.geometry.channels, self.geometry.height, self.geometry.width]
    }
}

/// Hyperparameters of [`ImageClassifier`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageOptions {
    /// The network.
    pub model: CnnKind,
    /// Filters of the small CNN's first stage (ignored by ResNet-18).
    pub width: usize,
    /// Weight per class in the cross-entropy (`None` = all 1).
    pub class_weights: Option<Vec<f64>>,
    /// Augmentation of the training batches (off by default).
    pub augment: Augment,
    /// Images per forward pass at validation and prediction.
    pub eval_batch: usize,
    /// The training loop's options. Its `stop_on` and `validation_fraction`
    /// are not used: the validation images are given to [`ImageClassifier::fit`],
    /// and the criterion follows the classes (AUROC for two, loss for more).
    /// `patience` 0 trains every epoch; the best validation epoch is kept either way.
    pub train: TrainOptions,
}

impl Default for ImageOptions {
    fn default() -> Self {
        ImageOptions {
            model: CnnKind::Cnn,
            width: 16,
            class_weights: None,
            augment: Augment::default(),
            eval_batch: 256,
            train: TrainOptions {
                epochs: 10,
                batch_size: 128,
                lr: 1e-3,
                optimizer: OptimizerKind::AdamW,
                weight_decay: 1e-4,
                schedule: LrSchedule::Cosine { min_lr: 0.0 },
                patience: 0,
                clip_norm: None,
                validation_fraction: 0.0,
                stop_on: StopOn::Metric,
                ..TrainOptions::default()
            },
        }
    }
}

/// A fitted image classifier. The weights are safetensors bytes, kept out of
/// the JSON form (stored as their own file in an artifact); the network is
/// built from them at the first prediction, without the fit lock, and reused
/// (also across threads) while they stay the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageClassifier {
    /// The hyperparameters the model was fitted with.
    pub options: ImageOptions,
    /// The network's shape.
    pub arch: CnnArch,
    /// Channels, rows and columns of the images the network was trained on.
    pub geometry: Geometry,
    /// Number of classes (at least 2); labels are `0..classes`.
    pub classes: usize,
    /// How the training run went (epochs, best epoch, image counts).
    pub summary: TrainSummary,
    /// The fitted network's weights as safetensors bytes.
    #[serde(skip)]
    pub weights: Vec<u8>,
    /// Per-epoch training log (loss, validation AUROC or accuracy, learning rate).
    #[serde(skip)]
    pub log: Vec<EpochLog>,
    /// The network built from `weights`, reused by every prediction while they stay the same.
    #[serde(skip)]
    net: NetCache<CnnNet>,
}

struct ImageObjective<'a> {
    train: &'a Images,
    labels: &'a [usize],
    validation: Option<(&'a Images, &'a [usize])>,
    classes: usize,
    options: &'a ImageOptions,
    ad: Device,
    plain: Device,
    /// Augmentation draws, advanced batch after batch in the trainer's order.
    rng: RefCell<SplitMix64>,
}

/// A `[n, c, h, w]` tensor of flat pixels.
pub(crate) fn image_tensor(values: Vec<f32>, n: usize, g: Geometry, device: &Device) -> Tensor<4> {
    Tensor::from_data(TensorData::new(values, [n, g.channels, g.height, g.width]), device)
}

/// Row-major `[n, classes]` log-probabilities of every image, `batch` images per forward pass.
pub(crate) fn log_probabilities(
    net: &CnnNet,
    images: &Images,
    batch: usize,
    device: &Device,
) -> Result<Vec<f64>, NnError> {
    let rows: Vec<usize> = (0..images.n).collect();
    let mut out = Vec::new();
    for chunk in rows.chunks(batch.max(1)) {
        let x = image_tensor(images.gather(chunk), chunk.len(), images.geometry, device);
        out.extend(to_vec(log_softmax(net.forward(x), 1))?);
    }
    Ok(out)
}

impl Objective<CnnNet> for ImageObjective<'_> {
    fn rows(&self) -> usize {
        self.train.n
    }

    fn batch_loss(&self, net: &CnnNet, rows: &[usize]) -> Result<Tensor<1>, NnError> {
        let mut pixels = self.train.gather(rows);
        self.options.augment.apply(&mut pixels, self.train.geometry, &mut self.rng.borrow_mut());
        let x = image_tensor(pixels, rows.len(), self.train.geometry, &self.ad);
        let labels: Vec<usize> = rows.iter().map(|&i| self.labels[i]).collect();
        let w = match &self.options.class_weights {
            Some(cw) => Some(row_weights(&labels, cw, &self.ad)?),
            None => None,
        };
        Ok(cross_entropy(net.forward(x), &labels, w))
    }

    fn validate(&self, net: &CnnNet) -> Result<(f64, f64), NnError> {
        let Some((images, labels)) = self.validation else {
            return Ok((f64::NAN, f64::NAN));
        };
        let k = self.classes;
        let lp = log_probabilities(net, images, self.options.eval_batch, &self.plain)?;
        // The weighted mean of -ln p(class) as in the training loss.
        let (mut num, mut den) = (0.0, 0.0);
        for (i, &c) in labels.iter().enumerate() {
            let w = self.options.class_weights.as_ref().and_then(|cw| cw.get(c)).unwrap_or(&1.0);
            num -= w * lp[i * k + c];
            den += w;
        }
        let metric = if k == 2 {
            let y: Vec<bool> = labels.iter().map(|&c| c == 1).collect();
            let p: Vec<f64> = (0..labels.len()).map(|i| lp[i * 2 + 1].exp()).collect();
            osler_eval::auroc(&y, &p).unwrap_or(f64::NAN)
        } else {
            let hits = labels
                .iter()
                .enumerate()
                .filter(|&(i, &c)| {
                    let row = &lp[i * k..(i + 1) * k];
                    row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|m| m.0) == Some(c)
                })
                .count();
            hits as f64 / labels.len() as f64
        };
        Ok((num / den, metric))
    }

    fn min_batch(&self) -> usize {
        // Batch normalisation needs two images for a variance.
        2
    }
}

/// The number of classes (largest label + 1, at least 2); every class below it
/// must occur in the training labels.
fn classes_of(labels: &[usize]) -> Result<usize, NnError> {
    let k = labels.iter().copied().max().map_or(0, |m| m + 1).max(2);
    match (0..k).find(|c| !labels.contains(c)) {
        Some(class) => Err(NnError::EmptyClass { class }),
        None => Ok(k),
    }
}

fn check_geometry(
    what: &'static str,
    found: [usize; 3],
    expected: [usize; 3],
) -> Result<(), NnError> {
    if found == expected { Ok(()) } else { Err(NnError::ImageGeometry { what, found, expected }) }
}

impl ImageClassifier {
    /// Fits on `train` with class indices `labels` (`0..classes`), keeping the
    /// epoch that does best on `validation` (images and labels; `None`: the last
    /// epoch), reporting progress to `options.train.progress`.
    pub fn fit(
        train: &Images,
        labels: &[usize],
        validation: Option<(&Images, &[usize])>,
        options: &ImageOptions,
    ) -> Result<Self, NnError> {
        if train.n == 0 {
            return Err(NnError::NoImages { what: "training images" });
        }
        if labels.len() != train.n {
            return Err(NnError::LengthMismatch {
                what: "labels",
                found: labels.len(),
                rows: train.n,
            });
        }
        let g = train.geometry;
        if g.height < MIN_SIDE || g.width < MIN_SIDE {
            return Err(NnError::InvalidOption {
                option: "image size",
                value: format!("{} x {}", g.height, g.width),
                expected: "be at least 8 x 8 pixels",
            });
        }
        if options.width == 0 {
            return Err(NnError::InvalidOption {
                option: "width",
                value: "0".into(),
                expected: "be at least 1",
            });
        }
        let classes = classes_of(labels)?;
        if let Some((images, val_labels)) = validation {
            check_geometry("validation images", images.dims(), train.dims())?;
            if val_labels.len() != images.n {
                return Err(NnError::LengthMismatch {
                    what: "validation labels",
                    found: val_labels.len(),
                    rows: images.n,
                });
            }
            if let Some(row) = val_labels.iter().position(|&c| c >= classes) {
                return Err(NnError::NotAClassIndex { row });
            }
        }
        let validation = validation.filter(|(images, _)| images.n > 0);
        let arch = CnnArch {
            kind: options.model,
            channels: g.channels,
            width: options.width,
            outputs: classes,
        };
        let mut t = options.train.clone();
        t.stop_on = if classes == 2 { StopOn::Metric } else { StopOn::Loss };
        if t.patience == 0 {
            // Never stops early, but the loop still keeps the best epoch.
            t.patience = t.epochs;
        }
        let _guard = fit_lock();
        let plain = device(t.device)?;
        let ad = plain.clone().autodiff();
        ad.seed(t.seed);
        let net = CnnNet::new(&arch, &ad);
        let objective = ImageObjective {
            train,
            labels,
            validation,
            classes,
            options,
            ad,
            plain,
            rng: RefCell::new(SplitMix64::new(t.seed ^ 0x696d_6167_655f_6175)),
        };
        let validation_rows = validation.map_or(0, |(images, _)| images.n);
        let Fitted { model, log, summary } = fit(net, &objective, &t, validation_rows)?;
        let weights = crate::checkpoint::to_bytes(&model)?;
        let mut options = options.clone();
        options.train.progress = ProgressObserver::default();
        Ok(ImageClassifier {
            options,
            arch,
            geometry: g,
            classes,
            summary,
            weights,
            log,
            net: NetCache::default(),
        })
    }

    /// Two classes: the probability of class 1 per image. More: row-major
    /// `[n, classes]` softmax probabilities.
    pub fn predict_proba(&self, images: &Images) -> Result<Vec<f64>, NnError> {
        let (net, dev) = self.network_for(images)?;
        let lp = log_probabilities(&net, images, self.options.eval_batch, &dev)?;
        Ok(if self.classes == 2 {
            lp.chunks_exact(2).map(|r| r[1].exp()).collect()
        } else {
            lp.into_iter().map(f64::exp).collect()
        })
    }

    /// The inference network (built once from the weights, no fit lock) and
    /// its device, after checking that `images` have the training geometry.
    pub(crate) fn network_for(&self, images: &Images) -> Result<(Arc<CnnNet>, Device), NnError> {
        let expected = [self.geometry.channels, self.geometry.height, self.geometry.width];
        check_geometry("input images", images.dims(), expected)?;
        let dev = device(self.options.train.device)?;
        let net = self.net.get(&self.weights, || load_cnn(&self.arch, &self.weights, &dev))?;
        Ok((net, dev))
    }
}

/// A network of architecture `arch` with the given safetensors weights, in evaluation mode.
pub fn load_cnn(arch: &CnnArch, weights: &[u8], device: &Device) -> Result<CnnNet, NnError> {
    if weights.is_empty() {
        return Err(NnError::WeightsMissing { file: "weights.safetensors" });
    }
    // A shell of zeros draws nothing from burn's global RNG: loading needs no lock.
    Ok(burn::module::Module::valid(&crate::checkpoint::load(CnnNet::shell(arch, device), weights)?))
}
