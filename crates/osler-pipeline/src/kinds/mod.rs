//! One module per model kind: its hyperparameters ([`crate::model::Specification`]),
//! its fitted model's contract ([`crate::model::Fitted`] and the task traits
//! of [`crate::contract`]), its typed summary, and its registration
//! ([`crate::registry::ModelKind`], listed once in [`crate::registry::KINDS`]).
//!
//! Adding a model is one module here plus one line in `KINDS`; the
//! conformance suite then runs it, and the report and CLI outputs describe it
//! through its summary and capabilities.

use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::survival::ProportionalHazards;
use osler_nn::trainer::TrainSummary;
use osler_nn::{EpochLog, TrainOptions};

use crate::artifact::SurvivalColumns;
use crate::summary::ModelSummary;
use crate::survival_data::SurvivalOutcome;

/// A network's training options cut to a few epochs (the kinds' example specs).
fn small_network(seed: u64, defaults: TrainOptions) -> TrainOptions {
    TrainOptions { epochs: 8, seed, ..defaults }
}

/// The summary of a neural network: its training summary and per-epoch log.
fn network_summary(
    summary: &TrainSummary,
    log: &[EpochLog],
    survival: Option<SurvivalColumns>,
) -> ModelSummary {
    ModelSummary::Network {
        training: summary.clone(),
        training_log: log.to_vec(),
        epoch_seconds: log.iter().map(|e| e.seconds).collect(),
        survival,
    }
}

/// `values / sum(values)`, zeros when the sum is not positive.
fn shares(values: &[f64]) -> Vec<f64> {
    let total: f64 = values.iter().sum();
    values.iter().map(|v| if total > 0.0 { v / total } else { 0.0 }).collect()
}

/// The explanation method of the linear classifiers.
const LINEAR_EXPLANATION: &str = "exact linear (coef x (value - training mean))";

/// `S(t | x)` of a proportional-hazards model (its default baseline hazard:
/// see [`ProportionalHazards::default_baseline`]), one row per patient and
/// one column per time.
fn ph_survival(
    model: &impl ProportionalHazards,
    x: &Matrix,
    times: &[f64],
) -> Result<Matrix, ModelError> {
    let flat: Vec<f64> = model.predict_survival(x, times)?.into_iter().flatten().collect();
    Ok(Matrix::from_row_major(x.rows(), times.len(), &flat))
}

/// Refuses counting-process (entry-time) data for a model of right-censored data only.
fn right_censored_only(outcome: &SurvivalOutcome, model: &'static str) -> Result<(), ModelError> {
    match outcome.start {
        Some(_) => Err(ModelError::RightCensoredOnly { model }),
        None => Ok(()),
    }
}

/// The [`crate::model::Fitted`] methods of a network type with public
/// `weights`, `log` and `summary` fields: its state kept beside `model.json`.
macro_rules! network_state {
    () => {
        fn network(&self) -> Option<crate::model::NetworkState<'_>> {
            Some(crate::model::NetworkState {
                weights: &self.weights,
                log: &self.log,
                summary: &self.summary,
            })
        }
        fn network_mut(&mut self) -> Option<crate::model::NetworkStateMut<'_>> {
            Some(crate::model::NetworkStateMut { weights: &mut self.weights, log: &mut self.log })
        }
    };
}
use network_state;

/// Log-hazard contributions `b_j (x_j - m_j)` around reference means `m`,
/// with `base = sum_j b_j m_j`, so `base + sum_j c_ij = x_i'b`.
fn linear_contributions(b: &[f64], means: &[f64], x: &Matrix) -> (f64, Matrix) {
    let base: f64 = b.iter().zip(means).map(|(b, m)| b * m).sum();
    let mut c = Matrix::zeros(x.rows(), x.cols());
    for j in 0..x.cols() {
        for i in 0..x.rows() {
            c.set(i, j, b[j] * (x.get(i, j) - means[j]));
        }
    }
    (base, c)
}

pub mod cox;
pub mod coxnet;
pub mod deepsurv;
pub mod enet;
pub mod gbdt;
pub mod image;
pub mod logistic;
pub mod mlp;
pub mod recurrent;
pub mod rsf;
