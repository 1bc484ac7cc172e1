//! One module per model kind: its hyperparameters ([`crate::model::Specification`]),
//! its fitted model's contract ([`crate::model::Fitted`] and the task traits
//! of [`crate::contract`]), its typed summary, and its registration
//! ([`crate::registry::ModelKind`], listed once in [`crate::registry::KINDS`]).
//!
//! Adding a model is one module here plus one line in `KINDS`; the
//! conformance suite then runs it, and the report and CLI outputs describe it
//! through its summary and capabilities.

pub mod cox;
pub mod coxnet;
pub mod deepsurv;
pub mod enet;
pub mod gbdt;
pub mod logistic;
pub mod mlp;
pub mod recurrent;
pub mod rsf;

use osler_data::Matrix;
use osler_nn::trainer::TrainSummary;
use osler_nn::{EpochLog, TrainOptions};

use crate::artifact::SurvivalColumns;
use crate::summary::ModelSummary;

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

/// Survival probabilities given per patient as rows, as an `n x k` matrix.
fn rows_to_matrix(rows: Vec<Vec<f64>>, n: usize, k: usize) -> Matrix {
    let flat: Vec<f64> = rows.into_iter().flatten().collect();
    Matrix::from_row_major(n, k, &flat)
}

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
