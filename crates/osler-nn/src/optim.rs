//! Optimisers (burn's SGD with momentum, Adam, AdamW) and learning-rate schedules.

use burn::grad_clipping::GradientClippingConfig;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{AdamConfig, AdamWConfig, ModuleOptimizer, SgdConfig};
use serde::{Deserialize, Serialize};

use crate::error::NnError;

/// The optimiser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Adam (Kingma & Ba 2015); weight decay, if any, added to the gradient (L2).
    #[default]
    Adam,
    /// AdamW (Loshchilov & Hutter 2019): decoupled weight decay.
    AdamW,
    /// SGD with (heavy-ball) momentum.
    Sgd,
}

impl std::str::FromStr for OptimizerKind {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s.to_ascii_lowercase().as_str() {
            "adam" => Ok(Self::Adam),
            "adamw" => Ok(Self::AdamW),
            "sgd" => Ok(Self::Sgd),
            o => Err(NnError::InvalidOption {
                option: "optimizer",
                value: format!("'{o}'"),
                expected: "be adam, adamw or sgd",
            }),
        }
    }
}

/// Learning-rate schedule, applied once per epoch.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum LrSchedule {
    /// The same learning rate every epoch.
    #[default]
    Constant,
    /// `lr_e = lr * gamma^floor((e - 1) / every)` for epoch `e = 1, 2, ...`.
    Step {
        /// Epochs between two reductions.
        every: usize,
        /// Factor in (0, 1] applied at each reduction.
        gamma: f64,
    },
    /// Cosine annealing (Loshchilov & Hutter 2017) from `lr` to `min_lr` over the epochs:
    /// `lr_e = min + (lr - min) (1 + cos(pi (e - 1) / E)) / 2`.
    Cosine {
        /// Lower end of the annealing (`min` in the formula).
        min_lr: f64,
    },
    /// Multiply by `factor` when the validation loss has not improved for `patience`
    /// epochs (PyTorch `ReduceLROnPlateau`, mode min, relative threshold 1e-4), not below `min_lr`.
    Plateau {
        /// Factor in (0, 1] applied at each reduction.
        factor: f64,
        /// Epochs without improvement of the validation loss before a reduction.
        patience: usize,
        /// Lowest learning rate the reductions go to.
        min_lr: f64,
    },
}

/// State of a schedule during training.
#[derive(Debug, Clone)]
pub struct Scheduler {
    schedule: LrSchedule,
    base: f64,
    epochs: usize,
    current: f64,
    best: f64,
    bad_epochs: usize,
}

impl Scheduler {
    /// The schedule for base learning rate `lr` over `epochs` epochs; an error for a
    /// non-positive or non-finite `lr` or an invalid schedule parameter.
    pub fn new(schedule: LrSchedule, lr: f64, epochs: usize) -> Result<Self, NnError> {
        if !(lr.is_finite() && lr > 0.0) {
            return Err(NnError::InvalidOption {
                option: "lr",
                value: lr.to_string(),
                expected: "be a positive number",
            });
        }
        match schedule {
            LrSchedule::Step { every: 0, .. } => {
                return Err(NnError::InvalidOption {
                    option: "step schedule's 'every'",
                    value: "0".into(),
                    expected: "be at least 1",
                });
            }
            LrSchedule::Step { gamma, .. } | LrSchedule::Plateau { factor: gamma, .. }
                if !(gamma > 0.0 && gamma <= 1.0) =>
            {
                return Err(NnError::InvalidOption {
                    option: "schedule factor",
                    value: gamma.to_string(),
                    expected: "lie in (0, 1]",
                });
            }
            _ => {}
        }
        Ok(Scheduler {
            schedule,
            base: lr,
            epochs: epochs.max(1),
            current: lr,
            best: f64::INFINITY,
            bad_epochs: 0,
        })
    }

    /// Learning rate for epoch `epoch` (1-based).
    pub fn lr(&mut self, epoch: usize) -> f64 {
        let e = epoch.max(1) - 1;
        self.current = match self.schedule {
            LrSchedule::Constant => self.base,
            LrSchedule::Step { every, gamma } => self.base * gamma.powi((e / every.max(1)) as i32),
            LrSchedule::Cosine { min_lr } => {
                let c = (std::f64::consts::PI * e as f64 / self.epochs as f64).cos();
                min_lr + (self.base - min_lr) * (1.0 + c) / 2.0
            }
            LrSchedule::Plateau { .. } => self.current,
        };
        self.current
    }

    /// Reports an epoch's validation loss (used by the plateau schedule).
    pub fn observe(&mut self, val_loss: f64) {
        if let LrSchedule::Plateau { factor, patience, min_lr } = self.schedule {
            if !val_loss.is_finite() {
                return;
            }
            if val_loss < self.best * (1.0 - 1e-4 * self.best.signum()) || self.best.is_infinite() {
                self.best = val_loss;
                self.bad_epochs = 0;
            } else {
                self.bad_epochs += 1;
                if self.bad_epochs > patience {
                    self.current = (self.current * factor).max(min_lr);
                    self.bad_epochs = 0;
                }
            }
        }
    }
}

/// Builds burn's optimiser. `clip_norm` clips each parameter tensor's gradient
/// to that L2 norm (burn's `GradientClipping::Norm`, applied per tensor).
pub fn build_optimizer(
    kind: OptimizerKind,
    weight_decay: f64,
    momentum: f64,
    clip_norm: Option<f64>,
) -> ModuleOptimizer {
    let clip = clip_norm.map(|c| GradientClippingConfig::Norm(c as f32));
    let decay = (weight_decay > 0.0).then(|| WeightDecayConfig::new(weight_decay as f32));
    match kind {
        OptimizerKind::Adam => {
            AdamConfig::new().with_weight_decay(decay).with_grad_clipping(clip).init()
        }
        OptimizerKind::AdamW => AdamWConfig::new()
            .with_weight_decay(weight_decay as f32)
            .with_grad_clipping(clip)
            .init(),
        OptimizerKind::Sgd => SgdConfig::new()
            .with_weight_decay(decay)
            .with_momentum((momentum > 0.0).then(|| MomentumConfig::new().with_momentum(momentum)))
            .with_gradient_clipping(clip)
            .init(),
    }
}
