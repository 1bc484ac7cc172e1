//! LSTM / GRU sequence classifier (library API): inputs `[n, T, p]` of
//! continuous features with an optional token channel `[n, T]` embedded by
//! burn's `Embedding`; the last hidden state feeds a linear head.

use burn::prelude::*;
use osler_data::SplitMix64;
use serde::{Deserialize, Serialize};

use crate::device::{device, fit_lock, tensor, to_vec};
use crate::error::NnError;
use crate::layers::{SeqArch, SeqNet};
use crate::loaded::NetCache;
use crate::loss::{binary_cross_entropy, cross_entropy};
use crate::progress::ProgressObserver;
use crate::tabular::index;
use crate::trainer::{EpochLog, Fitted, Objective, TrainOptions, TrainSummary, fit, holdout};

/// A batch of sequences: row-major `values[n][T][p]`, optional `tokens[n][T]` in `0..vocabulary`.
#[derive(Debug, Clone)]
pub struct Sequences {
    /// Number of sequences.
    pub n: usize,
    /// Time steps per sequence (`T`).
    pub steps: usize,
    /// Continuous features per time step (`p`).
    pub features: usize,
    /// Feature values, row-major `[n][T][p]`.
    pub values: Vec<f64>,
    /// Token per sequence and step, row-major `[n][T]` (`None` without a token channel).
    pub tokens: Option<Vec<i64>>,
}

impl Sequences {
    fn check(&self, vocabulary: usize) -> Result<(), NnError> {
        if self.values.len() != self.n * self.steps * self.features || self.steps == 0 {
            return Err(NnError::SequenceShape {
                values: self.values.len(),
                sequences: self.n,
                steps: self.steps,
                features: self.features,
            });
        }
        if let Some(i) = self.values.iter().position(|v| !v.is_finite()) {
            // Values are laid out sequence-major, then step, then feature.
            let per_sequence = self.steps * self.features;
            return Err(NnError::NonFiniteSequence {
                sequence: i / per_sequence,
                step: i % per_sequence / self.features,
                feature: i % self.features,
            });
        }
        match &self.tokens {
            Some(t) if t.len() != self.n * self.steps => {
                Err(NnError::TokenCount { tokens: t.len(), sequences: self.n, steps: self.steps })
            }
            Some(t) => match t.iter().position(|&k| k < 0 || k as usize >= vocabulary) {
                Some(position) => Err(NnError::TokenOutOfRange { position, vocabulary }),
                None => Ok(()),
            },
            None => Ok(()),
        }
    }

    fn tensors(&self, rows: &[usize], device: &Device) -> (Tensor<3>, Option<Tensor<2, Int>>) {
        let all = tensor(self.values.clone(), [self.n, self.steps, self.features], device);
        let idx = index(rows, device);
        let x = all.select(0, idx.clone());
        let t = self.tokens.as_ref().map(|t| {
            let n = self.n;
            Tensor::<2, Int>::from_data(
                burn::tensor::TensorData::new(t.clone(), [n, self.steps]),
                device,
            )
            .select(0, idx)
        });
        (x, t)
    }
}

/// A fitted sequence classifier. Its network is built from `weights` at the
/// first prediction and reused (also across threads) while they stay the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequenceClassifier {
    /// The network's shape (`outputs` set from the classes).
    pub arch: SeqArch,
    /// Number of classes (at least 2); labels are `0..classes`.
    pub classes: usize,
    /// The training loop's options the model was fitted with.
    pub train: TrainOptions,
    /// How the training run went (epochs, best epoch, row counts).
    pub summary: TrainSummary,
    /// The fitted network's weights as safetensors bytes.
    #[serde(skip)]
    pub weights: Vec<u8>,
    /// Per-epoch training log (loss, validation accuracy, learning rate).
    #[serde(skip)]
    pub log: Vec<EpochLog>,
    /// The network built from `weights`, reused by every prediction while they stay the same.
    #[serde(skip)]
    net: NetCache<SeqNet>,
}

struct SeqObjective {
    x: Tensor<3>,
    tokens: Option<Tensor<2, Int>>,
    labels: Vec<usize>,
    x_val: Tensor<3>,
    tokens_val: Option<Tensor<2, Int>>,
    val_labels: Vec<usize>,
    classes: usize,
}

fn seq_loss(
    net: &SeqNet,
    x: Tensor<3>,
    t: Option<Tensor<2, Int>>,
    labels: &[usize],
    classes: usize,
) -> Tensor<1> {
    let n = labels.len();
    let z = net.forward(x.clone(), t);
    if classes == 2 {
        let y = tensor(labels.iter().map(|&c| c as f64).collect(), [n], &x.device());
        binary_cross_entropy(z.reshape([n]), y, None)
    } else {
        cross_entropy(z, labels, None)
    }
}

impl Objective<SeqNet> for SeqObjective {
    fn rows(&self) -> usize {
        self.labels.len()
    }
    fn batch_loss(&self, net: &SeqNet, rows: &[usize]) -> Result<Tensor<1>, NnError> {
        let idx = index(rows, &self.x.device());
        let x = self.x.clone().select(0, idx.clone());
        let t = self.tokens.clone().map(|t| t.select(0, idx));
        let labels: Vec<usize> = rows.iter().map(|&i| self.labels[i]).collect();
        Ok(seq_loss(net, x, t, &labels, self.classes))
    }
    fn validate(&self, net: &SeqNet) -> Result<(f64, f64), NnError> {
        let loss = crate::device::scalar(seq_loss(
            net,
            self.x_val.clone(),
            self.tokens_val.clone(),
            &self.val_labels,
            self.classes,
        ))?;
        let p = probs(net, self.x_val.clone(), self.tokens_val.clone(), self.classes)?;
        let k = if self.classes == 2 { 1 } else { self.classes };
        let acc = self
            .val_labels
            .iter()
            .enumerate()
            .filter(|&(i, &c)| {
                if k == 1 {
                    (p[i] >= 0.5) == (c == 1)
                } else {
                    let row = &p[i * k..(i + 1) * k];
                    row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|m| m.0) == Some(c)
                }
            })
            .count() as f64
            / self.val_labels.len().max(1) as f64;
        Ok((loss, acc))
    }
}

fn probs(
    net: &SeqNet,
    x: Tensor<3>,
    t: Option<Tensor<2, Int>>,
    classes: usize,
) -> Result<Vec<f64>, NnError> {
    let z = net.forward(x, t);
    if classes == 2 {
        let [n, _] = z.dims();
        to_vec(burn::tensor::activation::sigmoid(z.reshape([n])))
    } else {
        to_vec(burn::tensor::activation::softmax(z, 1))
    }
}

impl SequenceClassifier {
    /// Fits on sequences and class indices `y`; `arch.outputs` is set from the
    /// classes; progress goes to `train.progress`.
    pub fn fit(
        data: &Sequences,
        y: &[f64],
        arch: &SeqArch,
        train: &TrainOptions,
    ) -> Result<Self, NnError> {
        data.check(arch.vocabulary)?;
        if y.len() != data.n {
            return Err(NnError::LengthMismatch { what: "outcomes", found: y.len(), rows: data.n });
        }
        if data.features != arch.features {
            return Err(NnError::FeatureCount { found: data.features, expected: arch.features });
        }
        let (labels, classes) = crate::mlp::class_labels(y)?;
        let arch = SeqArch { outputs: if classes == 2 { 1 } else { classes }, ..arch.clone() };
        let _guard = fit_lock();
        let plain = device(train.device)?;
        let ad = plain.clone().autodiff();
        ad.seed(train.seed);
        let mut rng = SplitMix64::new(train.seed);
        let (tr, va) = holdout(&labels, train.validation_fraction, &mut rng);
        let (x, tokens) = data.tensors(&tr, &ad);
        let (x_val, tokens_val) = data.tensors(&va, &plain);
        let objective = SeqObjective {
            x,
            tokens,
            labels: tr.iter().map(|&i| labels[i]).collect(),
            x_val,
            tokens_val,
            val_labels: va.iter().map(|&i| labels[i]).collect(),
            classes,
        };
        let net = SeqNet::new(&arch, &ad);
        let Fitted { model, log, summary } = fit(net, &objective, train, va.len())?;
        let weights = crate::checkpoint::to_bytes(&model)?;
        // The fitted model does not keep the front end's observer alive.
        let train = TrainOptions { progress: ProgressObserver::default(), ..train.clone() };
        Ok(SequenceClassifier {
            arch,
            classes,
            train,
            summary,
            weights,
            log,
            net: NetCache::default(),
        })
    }

    /// Binary: probability of class 1; multiclass: row-major `[n, k]` probabilities.
    pub fn predict_proba(&self, data: &Sequences) -> Result<Vec<f64>, NnError> {
        data.check(self.arch.vocabulary)?;
        let dev = device(self.train.device)?;
        // A shell of zeros draws nothing from burn's RNG: no fit lock needed.
        let net = self.net.get(&self.weights, || {
            let shell = SeqNet::shell(&self.arch, &dev);
            Ok(burn::module::Module::valid(&crate::checkpoint::load(shell, &self.weights)?))
        })?;
        let rows: Vec<usize> = (0..data.n).collect();
        let (x, t) = data.tensors(&rows, &dev);
        probs(&net, x, t, self.classes)
    }
}
