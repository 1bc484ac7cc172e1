//! Sequence models (LSTM, GRU) of long-format data: one row per patient per
//! visit, grouped by a patient-id column and ordered by a numeric visit-time
//! column (e.g. R survival's `pbcseq`, laboratory visits of PBC patients).
//!
//! The outcome is one value per patient (checked constant over its visits
//! and read at its first visit); the predictors are the per-visit columns.
//! [`prepare_sequences`] groups the visits, [`train_sequences`] runs the CV
//! over patients (folds stratified on the patient outcome, preprocessing
//! fitted on the training patients' visits only) and the final fit,
//! [`build_sequence_artifact`] writes an artifact whose manifest input
//! contract is [`crate::artifact::InputContract::Sequence`], and
//! [`crate::Artifact::predict_sequences`] gives one probability per patient.

mod predict;
mod prepare;
mod train;

use serde::{Deserialize, Serialize};

use osler_nn::TrainOptions;
use osler_nn::layers::SeqArch;

/// The recurrent cell of a sequence model (LSTM or GRU).
pub use osler_nn::layers::Cell;

pub use predict::{PatientPrediction, SequencePredictions};
pub use prepare::{PreparedSequences, SequenceSpec, prepare_sequences};
pub use train::{build_sequence_artifact, train_sequences};

/// The longest sequence used when the steps are not given: the longest
/// patient's visits, capped here so one patient with many visits does not
/// make every sequence long (the network reads the latest visits).
pub const DEFAULT_MAX_STEPS: usize = 50;

/// Hyperparameters of an LSTM or GRU sequence classifier (the cell is the
/// model kind: `lstm` or `gru`, [`crate::kinds::recurrent`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequenceOptions {
    /// Width of the recurrent cell's hidden state.
    pub hidden: usize,
    /// Dropout probability on the last hidden state (training only).
    pub dropout: f64,
    /// Epochs, batch size, optimiser, early stopping, seed and device.
    pub train: TrainOptions,
}

impl Default for SequenceOptions {
    /// 32 hidden units, dropout 0.1, and the network trainer's defaults
    /// (Adam at lr 0.001, batches of 64, at most 100 epochs, early stopping
    /// after 10 epochs without a better validation loss).
    fn default() -> Self {
        SequenceOptions { hidden: 32, dropout: 0.1, train: TrainOptions::default() }
    }
}

impl SequenceOptions {
    /// The network's architecture for `features` inputs per visit (no token
    /// channel; the outputs are set from the classes at fit time).
    pub fn arch(&self, cell: Cell, features: usize) -> SeqArch {
        SeqArch {
            cell,
            features,
            vocabulary: 0,
            embedding: 0,
            hidden: self.hidden,
            outputs: 1,
            dropout: self.dropout,
        }
    }
}

impl crate::ModelSpec {
    /// A sequence model's cell and options; `None` for models of one row per patient.
    pub fn sequence(&self) -> Option<(Cell, &SequenceOptions)> {
        self.get::<crate::kinds::recurrent::RecurrentSpec>().map(|s| (s.cell, &s.options))
    }
}

/// Why long-format data or options do not fit a sequence model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SequenceError {
    /// A sequence needs at least one visit.
    #[error("a sequence needs at least one visit per patient (steps was 0)")]
    ZeroSteps,
    /// The training table had no rows.
    #[error("{source_name}: the long-format table has no rows")]
    NoPatients {
        /// The table's source.
        source_name: String,
    },
    /// The model given to the sequence pipeline reads one row per patient.
    #[error("model '{model}' reads one row per patient; sequence data needs an lstm or gru model")]
    NotASequenceModel {
        /// The model kind's name.
        model: &'static str,
    },
    /// An artifact of another input contract was asked for sequence predictions.
    #[error("this artifact's model reads one row per patient, not long-format visits")]
    NotASequenceArtifact,
    /// The id or time column is also the outcome or a predictor.
    #[error("column '{column}' is the {role}; it cannot also be the {other}")]
    ColumnTwice {
        /// The column named twice.
        column: String,
        /// Its first role (`patient id`, `visit time`).
        role: &'static str,
        /// The other role (`outcome`, `visit time`).
        other: &'static str,
    },
}
