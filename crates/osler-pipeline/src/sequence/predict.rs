//! Probabilities per patient from a long-format table and a sequence artifact.

use serde::Serialize;

use osler_data::long::{VisitGroups, pack_sequences, visit_groups};
use osler_data::{Matrix, Table};
use osler_nn::sequence::Sequences;

use super::SequenceError;
use crate::artifact::{Artifact, InputContract};
use crate::error::PipelineError;
use crate::model::{Contract, FittedModel};

/// One probability per patient of a long-format table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequencePredictions {
    /// Patient ids, in order of each patient's first row in the input.
    pub id: Vec<String>,
    /// Predicted probability of the positive class for each patient.
    pub probability: Vec<f64>,
    /// 1 when `probability >= threshold`.
    pub predicted_class: Vec<u8>,
    /// The artifact's saved decision threshold (a probability).
    pub threshold: f64,
}

/// The sequences of `patients` (indices into `groups`) from per-visit design
/// rows `x` (row `i` = table row `i`): each patient's latest `steps` visits.
pub(super) fn pack(
    x: &Matrix,
    groups: &VisitGroups,
    patients: &[usize],
    steps: usize,
) -> Sequences {
    let (values, _) = pack_sequences(x, groups, patients, steps);
    Sequences { n: patients.len(), steps, features: x.cols(), values, tokens: None }
}

/// Probabilities of `patients` from a fitted sequence model; none for no patients.
pub(super) fn predict_packed(
    model: &FittedModel,
    x: &Matrix,
    groups: &VisitGroups,
    patients: &[usize],
    steps: usize,
) -> Result<Vec<f64>, PipelineError> {
    let Contract::Sequence(m) = model.contract() else {
        return Err(SequenceError::NotASequenceArtifact.into());
    };
    if patients.is_empty() {
        return Ok(Vec::new());
    }
    m.predict_sequences(&pack(x, groups, patients, steps))
        .map_err(|e| PipelineError::model("predict", e))
}

impl Artifact {
    /// Predicts every patient of a long-format table (one row per patient per
    /// visit, CSV or JSON records) with a sequence model: the rows are checked
    /// against the saved schema, grouped by the saved patient-id column,
    /// ordered by the visit-time column, preprocessed as in training, and each
    /// patient's latest visits (the saved number of steps) are read.
    pub fn predict_sequences(&self, table: Table) -> Result<SequencePredictions, PipelineError> {
        let m = &self.manifest;
        let InputContract::Sequence { id, time, steps } = &m.input else {
            return Err(SequenceError::NotASequenceArtifact.into());
        };
        let mut required: Vec<&str> = m.features.iter().map(String::as_str).collect();
        required.extend([id.as_str(), time.as_str()]);
        let table = m.schema.conform(table, &required, true)?;
        let groups = visit_groups(&table, id, time)?;
        let x = m.preprocessing.transform(&table, None)?;
        let patients: Vec<usize> = (0..groups.len()).collect();
        let probability = predict_packed(&self.model, &x, &groups, &patients, *steps)?;
        let predicted_class = probability.iter().map(|&p| u8::from(p >= m.threshold)).collect();
        Ok(SequencePredictions {
            id: groups.ids,
            probability,
            predicted_class,
            threshold: m.threshold,
        })
    }
}
