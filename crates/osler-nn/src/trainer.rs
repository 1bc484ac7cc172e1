//! The training loop shared by every network: seeded mini-batch shuffling,
//! validation each epoch, early stopping with best-checkpoint restore,
//! gradient clipping, learning-rate schedules, a JSON-lines log, and a clear
//! error when the loss stops being finite.

use std::time::Instant;

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::store::ModuleSnapshot;
use osler_data::SplitMix64;
use serde::{Deserialize, Serialize};

use crate::device::{DeviceChoice, scalar};
use crate::error::{Checkpoint, NnError};
use crate::optim::{LrSchedule, OptimizerKind, Scheduler, build_optimizer};
use crate::progress::{EpochProgress, ProgressObserver, TrainEvent};

/// Options of a training run (all models).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Most epochs to train (early stopping may end sooner).
    pub epochs: usize,
    /// Rows per mini-batch (0 = all training rows in one batch).
    pub batch_size: usize,
    /// Base learning rate (before the schedule).
    pub lr: f64,
    /// The optimiser.
    pub optimizer: OptimizerKind,
    /// L2 penalty (Adam, SGD) or decoupled decay (AdamW).
    pub weight_decay: f64,
    /// SGD momentum.
    pub momentum: f64,
    /// Learning-rate schedule, applied once per epoch.
    pub schedule: LrSchedule,
    /// Stop after this many epochs without improvement of the validation
    /// criterion and restore the best epoch's weights (0 = train all epochs).
    pub patience: usize,
    /// Per-tensor gradient L2-norm clipping.
    pub clip_norm: Option<f64>,
    /// Share of the training rows held out for validation (stratified by outcome).
    pub validation_fraction: f64,
    /// Early-stopping criterion: the validation metric (AUROC, Harrell's C) or the loss.
    pub stop_on: StopOn,
    /// Seed of the weight initialisation, dropout and mini-batch order.
    pub seed: u64,
    /// Device to train on.
    pub device: DeviceChoice,
    /// Receives an event per epoch (epoch, training loss, validation
    /// loss/metric) and one at the end, e.g. to draw a progress bar. A display
    /// choice, not a hyperparameter: not saved, and ignored by `==`.
    #[serde(skip)]
    pub progress: ProgressObserver,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 100,
            batch_size: 64,
            lr: 1e-3,
            optimizer: OptimizerKind::Adam,
            weight_decay: 0.0,
            momentum: 0.9,
            schedule: LrSchedule::Constant,
            patience: 10,
            clip_norm: Some(5.0),
            validation_fraction: 0.2,
            stop_on: StopOn::Loss,
            seed: 1,
            device: DeviceChoice::Cpu,
            progress: ProgressObserver::default(),
        }
    }
}

/// What early stopping watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StopOn {
    /// Validation loss (lower is better).
    #[default]
    Loss,
    /// Validation metric (higher is better).
    Metric,
}

/// One line of the training log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochLog {
    /// Epoch number (1-based).
    pub epoch: usize,
    /// Mean training loss of the epoch (averaged over rows).
    pub train_loss: f64,
    /// NaN (null in JSON) without validation rows.
    #[serde(with = "nan_as_null")]
    pub val_loss: f64,
    /// Validation metric (AUROC, accuracy or Harrell's C); NaN (null in JSON) without validation rows.
    #[serde(with = "nan_as_null")]
    pub val_metric: f64,
    /// Learning rate used in the epoch.
    pub lr: f64,
    /// Wall time of the epoch. Reported by `osler train --json`, not saved:
    /// an artifact is byte-identical for a given seed.
    #[serde(skip)]
    pub seconds: f64,
}

mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() { s.serialize_f64(*v) } else { s.serialize_none() }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// The training log as JSON lines (one object per epoch).
pub fn log_to_jsonl(log: &[EpochLog]) -> String {
    log.iter().filter_map(|e| serde_json::to_string(e).ok()).map(|l| l + "\n").collect()
}

/// Summary of a finished run, stored with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSummary {
    /// Epochs actually trained.
    pub epochs_run: usize,
    /// Epoch whose weights were kept.
    pub best_epoch: usize,
    /// Whether early stopping ended the run before `epochs`.
    pub stopped_early: bool,
    /// Rows used for gradient steps (after the validation hold-out).
    pub train_rows: usize,
    /// Rows held out for validation (0 = none).
    pub validation_rows: usize,
}

/// What a model provides to the loop.
pub trait Objective<M> {
    /// Number of training rows (indices `0..rows()` are passed to `batch_loss`).
    fn rows(&self) -> usize;
    /// Mean loss of a batch of training rows, on the autodiff device.
    fn batch_loss(&self, model: &M, rows: &[usize]) -> Result<Tensor<1>, NnError>;
    /// `(loss, metric)` on the validation rows for a model in evaluation mode
    /// (`(NaN, NaN)` without validation rows).
    fn validate(&self, model: &M) -> Result<(f64, f64), NnError>;
    /// Smallest useful batch (2 for batch normalisation and the Cox loss).
    fn min_batch(&self) -> usize {
        1
    }
}

/// Result of [`fit`].
pub struct Fitted<M> {
    /// Best (or last) weights, in evaluation mode.
    pub model: M,
    /// One entry per epoch run.
    pub log: Vec<EpochLog>,
    /// Summary of the run.
    pub summary: TrainSummary,
}

/// Mini-batches of a seeded permutation; a last batch below `min` joins the previous one.
pub fn batches(n: usize, size: usize, min: usize, rng: &mut SplitMix64) -> Vec<Vec<usize>> {
    let mut idx: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut idx);
    let size = if size == 0 { n.max(1) } else { size };
    let mut out: Vec<Vec<usize>> = idx.chunks(size).map(<[usize]>::to_vec).collect();
    if out.len() > 1
        && out.last().is_some_and(|b| b.len() < min)
        && let Some(last) = out.pop()
        && let Some(prev) = out.last_mut()
    {
        prev.extend(last);
    }
    out
}

/// Trains `model` (already on the autodiff device, seeded by the caller) on
/// `objective`, reporting each epoch and the end of the run to `opts.progress`.
pub fn fit<M>(
    model: M,
    objective: &dyn Objective<M>,
    opts: &TrainOptions,
    validation_rows: usize,
) -> Result<Fitted<M>, NnError>
where
    M: Module + ModuleSnapshot + Clone,
{
    let result = run(model, objective, opts, validation_rows);
    opts.progress.notify(&TrainEvent::Finished);
    result
}

fn run<M>(
    mut model: M,
    objective: &dyn Objective<M>,
    opts: &TrainOptions,
    validation_rows: usize,
) -> Result<Fitted<M>, NnError>
where
    M: Module + ModuleSnapshot + Clone,
{
    if opts.epochs == 0 {
        return Err(NnError::InvalidOption {
            option: "epochs",
            value: "0".into(),
            expected: "be at least 1",
        });
    }
    let mut optim =
        build_optimizer(opts.optimizer, opts.weight_decay, opts.momentum, opts.clip_norm);
    let mut scheduler = Scheduler::new(opts.schedule, opts.lr, opts.epochs)?;
    let mut rng = SplitMix64::new(opts.seed ^ 0x6f73_6c65_725f_6e6e);
    let mut log = Vec::new();
    let mut best: Option<(f64, usize, M)> = None;
    let mut last_good: Option<(usize, M)> = None;
    let mut since_best = 0;
    let mut stopped_early = false;
    // Loss of the first batch at initialisation, for the explosion check.
    let mut initial: Option<f64> = None;
    for epoch in 1..=opts.epochs {
        let t0 = Instant::now();
        let lr = scheduler.lr(epoch);
        let (mut total, mut count) = (0.0, 0usize);
        for batch in batches(objective.rows(), opts.batch_size, objective.min_batch(), &mut rng) {
            let loss = objective.batch_loss(&model, &batch)?;
            let value = scalar(loss.clone())?;
            if !value.is_finite() {
                return Err(diverged(epoch, lr, value, last_good));
            }
            initial.get_or_insert(value);
            total += value * batch.len() as f64;
            count += batch.len();
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(lr, model, grads);
        }
        let train_loss = total / count.max(1) as f64;
        if let Some(start) = initial
            && exploded(train_loss, start)
        {
            let value =
                format!("{train_loss:.4} (mean over the epoch; {start:.4} at initialisation)");
            return Err(diverged_with(epoch, lr, value, last_good));
        }
        let valid = model.valid();
        let (val_loss, val_metric) =
            if validation_rows > 0 { objective.validate(&valid)? } else { (f64::NAN, f64::NAN) };
        if val_loss.is_nan() && validation_rows > 0 {
            return Err(diverged(epoch, lr, val_loss, last_good));
        }
        scheduler.observe(val_loss);
        let entry = EpochLog {
            epoch,
            train_loss,
            val_loss,
            val_metric,
            lr,
            seconds: t0.elapsed().as_secs_f64(),
        };
        opts.progress.notify(&TrainEvent::Epoch(EpochProgress {
            epoch,
            epochs: opts.epochs,
            train_loss,
            val_loss,
            val_metric,
        }));
        log.push(entry);
        last_good = Some((epoch, model.clone()));
        let score = match opts.stop_on {
            StopOn::Loss => -val_loss,
            StopOn::Metric => val_metric,
        };
        if validation_rows == 0 || opts.patience == 0 {
            best = Some((score, epoch, valid));
            continue;
        }
        if best.as_ref().is_none_or(|(b, _, _)| score > *b || b.is_nan()) {
            best = Some((score, epoch, valid));
            since_best = 0;
        } else {
            since_best += 1;
            if since_best >= opts.patience {
                stopped_early = true;
                break;
            }
        }
    }
    let (_, best_epoch, model) = best.ok_or(NnError::Internal { what: "no epoch was run" })?;
    let summary = TrainSummary {
        epochs_run: log.len(),
        best_epoch,
        stopped_early,
        train_rows: objective.rows(),
        validation_rows,
    };
    Ok(Fitted { model, log, summary })
}

/// Whether an epoch's mean training loss shows divergence although it is
/// finite: more than `10 * |initial| + 1`, where `initial` is the loss of the
/// first batch at initialisation. Training lowers the loss; a stable loss
/// (logits-based cross-entropy, clipped gradients) can otherwise saturate at a
/// large finite value when the learning rate is far too high.
pub fn exploded(train_loss: f64, initial: f64) -> bool {
    train_loss > 10.0 * initial.abs() + 1.0
}

fn diverged<M: Module + ModuleSnapshot>(
    epoch: usize,
    lr: f64,
    value: f64,
    last_good: Option<(usize, M)>,
) -> NnError {
    let value = if value.is_nan() { "NaN".into() } else { format!("{value}") };
    diverged_with(epoch, lr, value, last_good)
}

fn diverged_with<M: Module + ModuleSnapshot>(
    epoch: usize,
    lr: f64,
    value: String,
    last_good: Option<(usize, M)>,
) -> NnError {
    let last_good = last_good.and_then(|(e, m)| {
        crate::checkpoint::to_bytes(&m.valid())
            .ok()
            .map(|weights| Box::new(Checkpoint { epoch: e, weights }))
    });
    NnError::NonFiniteLoss { epoch, lr, suggested: lr / 10.0, value, last_good }
}

/// Stratified hold-out split of `0..n` by a class label: about `fraction` of each
/// class goes to validation. Returns `(train, validation)`, both sorted.
pub fn holdout(labels: &[usize], fraction: f64, rng: &mut SplitMix64) -> (Vec<usize>, Vec<usize>) {
    if fraction <= 0.0 {
        return ((0..labels.len()).collect(), Vec::new());
    }
    let classes = labels.iter().copied().max().map_or(0, |m| m + 1);
    let (mut train, mut val) = (Vec::new(), Vec::new());
    for c in 0..classes {
        let mut rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == c).collect();
        rng.shuffle(&mut rows);
        let k = ((rows.len() as f64) * fraction).round() as usize;
        let k = k.min(rows.len().saturating_sub(1));
        val.extend_from_slice(&rows[..k]);
        train.extend_from_slice(&rows[k..]);
    }
    train.sort_unstable();
    val.sort_unstable();
    (train, val)
}
