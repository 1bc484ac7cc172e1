//! Tabular MLP classifier (binary or multiclass).

use burn::prelude::*;
use osler_data::{Matrix, SplitMix64};
use serde::{Deserialize, Serialize};

use crate::device::{device, fit_lock, tensor, to_vec};
use crate::error::NnError;
use crate::layers::{MlpArch, MlpNet, Norm};
use crate::loaded::NetCache;
use crate::loss::{binary_cross_entropy, cross_entropy, focal_loss, row_weights};
use crate::progress::ProgressObserver;
use crate::tabular::{Standardizer, index, load_mlp};
use crate::trainer::{EpochLog, Fitted, Objective, TrainOptions, TrainSummary, fit, holdout};

/// Classification loss.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ClassLoss {
    /// (Class-weighted) cross-entropy.
    #[default]
    CrossEntropy,
    /// Binary focal loss (Lin et al. 2017).
    Focal {
        /// Focusing exponent on `(1 - p_t)` (0 = `alpha`-weighted cross-entropy).
        gamma: f64,
        /// Weight of the positive class (`1 - alpha` for the negative class).
        alpha: f64,
    },
}

/// Hyperparameters of [`MlpClassifier`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpOptions {
    /// Hidden layer widths.
    pub hidden: Vec<usize>,
    /// Dropout probability after each hidden layer (training only).
    pub dropout: f64,
    /// Normalisation after each hidden layer.
    pub norm: Norm,
    /// Residual blocks appended after the hidden layers.
    pub residual_blocks: usize,
    /// The classification loss.
    pub loss: ClassLoss,
    /// Weight per class in the loss (`None` = all 1).
    pub class_weights: Option<Vec<f64>>,
    /// The training loop's options.
    pub train: TrainOptions,
}

impl Default for MlpOptions {
    fn default() -> Self {
        MlpOptions {
            hidden: vec![32, 32],
            dropout: 0.1,
            norm: Norm::None,
            residual_blocks: 0,
            loss: ClassLoss::CrossEntropy,
            class_weights: None,
            train: TrainOptions {
                stop_on: crate::trainer::StopOn::Loss,
                ..TrainOptions::default()
            },
        }
    }
}

/// A fitted MLP classifier. The weights are safetensors bytes, kept out of the
/// JSON form (`weights` is stored as its own file in an artifact). The network
/// is built from them at the first prediction and reused (also across threads)
/// while they stay the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpClassifier {
    /// The hyperparameters the model was fitted with.
    pub options: MlpOptions,
    /// The network's shape (one output logit for two classes, else one per class).
    pub arch: MlpArch,
    /// Number of classes (at least 2); labels are `0..classes`.
    pub classes: usize,
    /// Column standardisation fitted on the training rows, applied before the network.
    pub standardizer: Standardizer,
    /// How the training run went (epochs, best epoch, row counts).
    pub summary: TrainSummary,
    /// The fitted network's weights as safetensors bytes (saved as their own file in an artifact).
    #[serde(skip)]
    pub weights: Vec<u8>,
    /// Per-epoch training log (loss, validation AUROC or accuracy, learning rate).
    #[serde(skip)]
    pub log: Vec<EpochLog>,
    /// The network built from `weights`, reused by every prediction while they stay the same.
    #[serde(skip)]
    net: NetCache<MlpNet>,
}

struct MlpObjective<'a> {
    x: Tensor<2>,
    labels: Vec<usize>,
    x_val: Tensor<2>,
    val_labels: Vec<usize>,
    classes: usize,
    options: &'a MlpOptions,
    device: Device,
}

impl MlpObjective<'_> {
    fn loss(
        &self,
        net: &MlpNet,
        x: Tensor<2>,
        labels: &[usize],
        device: &Device,
    ) -> Result<Tensor<1>, NnError> {
        let n = labels.len();
        let z = net.forward(x);
        let w = match &self.options.class_weights {
            Some(cw) => Some(row_weights(labels, cw, device)?),
            None => None,
        };
        if self.classes == 2 {
            let y = tensor(labels.iter().map(|&c| c as f64).collect(), [n], device);
            let z = z.reshape([n]);
            Ok(match self.options.loss {
                ClassLoss::CrossEntropy => binary_cross_entropy(z, y, w),
                ClassLoss::Focal { gamma, alpha } => focal_loss(z, y, gamma, alpha),
            })
        } else {
            Ok(cross_entropy(z, labels, w))
        }
    }
}

impl Objective<MlpNet> for MlpObjective<'_> {
    fn rows(&self) -> usize {
        self.labels.len()
    }
    fn batch_loss(&self, net: &MlpNet, rows: &[usize]) -> Result<Tensor<1>, NnError> {
        let x = self.x.clone().select(0, index(rows, &self.x.device()));
        let labels: Vec<usize> = rows.iter().map(|&i| self.labels[i]).collect();
        self.loss(net, x, &labels, &self.x.device())
    }
    fn validate(&self, net: &MlpNet) -> Result<(f64, f64), NnError> {
        let loss = crate::device::scalar(self.loss(
            net,
            self.x_val.clone(),
            &self.val_labels,
            &self.device,
        )?)?;
        let p = probabilities(net, self.x_val.clone(), self.classes)?;
        let metric = if self.classes == 2 {
            let y: Vec<bool> = self.val_labels.iter().map(|&c| c == 1).collect();
            osler_eval::auroc(&y, &p).unwrap_or(f64::NAN)
        } else {
            accuracy(&p, &self.val_labels, self.classes)
        };
        Ok((loss, metric))
    }
    fn min_batch(&self) -> usize {
        if self.options.norm == Norm::Batch { 2 } else { 1 }
    }
}

fn accuracy(p: &[f64], labels: &[usize], k: usize) -> f64 {
    let hits = labels
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let row = &p[i * k..(i + 1) * k];
            row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|m| m.0) == Some(c)
        })
        .count();
    hits as f64 / labels.len().max(1) as f64
}

/// Binary: P(class 1) per row; multiclass: row-major `[n, k]` softmax probabilities.
fn probabilities(net: &MlpNet, x: Tensor<2>, classes: usize) -> Result<Vec<f64>, NnError> {
    let z = net.forward(x);
    if classes == 2 {
        let [n, _] = z.dims();
        to_vec(burn::tensor::activation::sigmoid(z.reshape([n])))
    } else {
        to_vec(burn::tensor::activation::softmax(z, 1))
    }
}

/// Checks the layer options shared by the tabular networks: dropout in `[0, 1)`
/// and every hidden width at least 1.
pub(crate) fn check_layers(dropout: f64, hidden: &[usize]) -> Result<(), NnError> {
    if !(0.0..1.0).contains(&dropout) {
        return Err(NnError::InvalidOption {
            option: "dropout",
            value: dropout.to_string(),
            expected: "lie in [0, 1)",
        });
    }
    if hidden.contains(&0) {
        return Err(NnError::InvalidOption {
            option: "hidden",
            value: format!("{hidden:?}"),
            expected: "list widths of at least 1",
        });
    }
    Ok(())
}

/// Class indices `0..k` of a label vector of non-negative integers stored as f64.
pub fn class_labels(y: &[f64]) -> Result<(Vec<usize>, usize), NnError> {
    let mut labels = Vec::with_capacity(y.len());
    for (i, &v) in y.iter().enumerate() {
        if !(v >= 0.0 && v.fract() == 0.0 && v < 1e6) {
            return Err(NnError::NotAClassIndex { row: i });
        }
        labels.push(v as usize);
    }
    let k = labels.iter().copied().max().map_or(0, |m| m + 1).max(2);
    for c in 0..k {
        if !labels.contains(&c) {
            return Err(NnError::EmptyClass { class: c });
        }
    }
    Ok((labels, k))
}

impl MlpClassifier {
    /// Fits on `x` (rows = patients) and class indices `y` (0/1 for a binary
    /// outcome), reporting progress to `options.train.progress`.
    pub fn fit(x: &Matrix, y: &[f64], options: &MlpOptions) -> Result<Self, NnError> {
        if y.len() != x.rows() {
            return Err(NnError::LengthMismatch {
                what: "outcomes",
                found: y.len(),
                rows: x.rows(),
            });
        }
        check_layers(options.dropout, &options.hidden)?;
        let (labels, classes) = class_labels(y)?;
        let standardizer = Standardizer::fit(x)?;
        let arch = MlpArch {
            inputs: x.cols(),
            hidden: options.hidden.clone(),
            outputs: if classes == 2 { 1 } else { classes },
            dropout: options.dropout,
            norm: options.norm,
            output_bias: true,
            residual_blocks: options.residual_blocks,
        };
        let t = &options.train;
        let _guard = fit_lock();
        let plain = device(t.device)?;
        let ad = plain.clone().autodiff();
        ad.seed(t.seed);
        let mut rng = SplitMix64::new(t.seed);
        let (train_rows, val_rows) = holdout(&labels, t.validation_fraction, &mut rng);
        let net = MlpNet::new(&arch, &ad);
        let objective = MlpObjective {
            x: standardizer.tensor(x, Some(&train_rows), &ad)?,
            labels: train_rows.iter().map(|&i| labels[i]).collect(),
            x_val: standardizer.tensor(x, Some(&val_rows), &plain)?,
            val_labels: val_rows.iter().map(|&i| labels[i]).collect(),
            classes,
            options,
            device: plain,
        };
        let Fitted { model, log, summary } = fit(net, &objective, t, val_rows.len())?;
        let weights = crate::checkpoint::to_bytes(&model)?;
        // The fitted model does not keep the front end's observer alive.
        let mut options = options.clone();
        options.train.progress = ProgressObserver::default();
        Ok(MlpClassifier {
            options,
            arch,
            classes,
            standardizer,
            summary,
            weights,
            log,
            net: NetCache::default(),
        })
    }

    /// Binary: probability of class 1 per row. Multiclass: row-major `[n, k]` probabilities.
    pub fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>, NnError> {
        let dev = device(self.options.train.device)?;
        let net = self.net.get(&self.weights, || load_mlp(&self.arch, &self.weights, &dev))?;
        if x.rows() == 0 {
            return Ok(Vec::new());
        }
        probabilities(&net, self.standardizer.tensor(x, None, &dev)?, self.classes)
    }
}
