//! Using a sequence artifact on a long-format table: probabilities per
//! patient, and metrics on labelled patients.

use serde::Serialize;

use osler_data::long::{VisitGroups, pack_sequences, visit_groups};
use osler_data::target::binary_target;
use osler_data::{Matrix, Table};
use osler_eval::{BinaryMetrics, binary_metrics};
use osler_nn::sequence::Sequences;

use super::SequenceError;
use crate::artifact::{Artifact, InputContract};
use crate::contract::Contract;
use crate::error::PipelineError;
use crate::model::FittedModel;

/// One probability per patient of a long-format table (its serde form is
/// what `osler predict --json` prints for a sequence artifact).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequencePredictions {
    /// One prediction per patient, in order of each patient's first row in the input.
    pub predictions: Vec<PatientPrediction>,
    /// The artifact's saved decision threshold (a probability).
    pub threshold: f64,
    /// The outcome level the probability is of.
    pub positive: String,
}

/// One patient's prediction from its visits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientPrediction {
    /// The patient's id (the id column's value as text).
    pub id: String,
    /// Predicted probability of the positive level.
    pub probability: f64,
    /// 1 when `probability >= threshold`.
    pub predicted_class: u8,
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

/// The patients of a long-format table and their design rows, as the artifact reads them.
struct Visits {
    table: Table,
    groups: VisitGroups,
    x: Matrix,
}

impl Artifact {
    /// Conforms `table` to the saved schema (with `extra` columns required
    /// besides the predictors, id and time), groups its visits by patient and
    /// applies the saved preprocessing; also the saved steps.
    fn visits(
        &self,
        table: Table,
        extra: Option<&str>,
        refuse_unknown: bool,
    ) -> Result<(Visits, usize), PipelineError> {
        let m = &self.manifest;
        let InputContract::Sequence { id, time, steps } = &m.input else {
            return Err(SequenceError::NotASequenceArtifact.into());
        };
        let mut required: Vec<&str> = m.features.iter().map(String::as_str).collect();
        required.extend([id.as_str(), time.as_str()]);
        required.extend(extra);
        let table = m.schema.conform(table, &required, refuse_unknown)?;
        let groups = visit_groups(&table, id, time)?;
        let x = m.preprocessing.transform(&table, None)?;
        Ok((Visits { table, groups, x }, *steps))
    }

    /// Probabilities of every patient of `v`, in order of first appearance.
    fn predict_visits(&self, v: &Visits, steps: usize) -> Result<Vec<f64>, PipelineError> {
        let patients: Vec<usize> = (0..v.groups.len()).collect();
        predict_packed(&self.model, &v.x, &v.groups, &patients, steps)
    }

    /// Predicts every patient of a long-format table (one row per patient per
    /// visit, CSV or JSON records) with a sequence model: the rows are checked
    /// against the saved schema, grouped by the saved patient-id column,
    /// ordered by the visit-time column, preprocessed as in training, and each
    /// patient's latest visits (the saved number of steps) are read.
    pub fn predict_sequences(&self, table: Table) -> Result<SequencePredictions, PipelineError> {
        let (visits, steps) = self.visits(table, None, true)?;
        let probability = self.predict_visits(&visits, steps)?;
        let threshold = self.manifest.threshold;
        let predictions = visits
            .groups
            .ids
            .into_iter()
            .zip(probability)
            .map(|(id, p)| PatientPrediction {
                id,
                probability: p,
                predicted_class: u8::from(p >= threshold),
            })
            .collect();
        let positive = self.manifest.levels.positive.clone();
        Ok(SequencePredictions { predictions, threshold, positive })
    }

    /// Metrics of a sequence model on labelled long-format data (the outcome
    /// one value per patient, as in training), with the saved preprocessing
    /// and threshold: the metrics, each patient's outcome and probability.
    pub fn evaluate_sequences(
        &self,
        table: Table,
    ) -> Result<(BinaryMetrics, Vec<bool>, Vec<f64>), PipelineError> {
        let m = &self.manifest;
        let (visits, steps) = self.visits(table, Some(&m.target), false)?;
        visits.groups.check_constant(&visits.table, &m.target)?;
        let first = visits.table.take_rows(&visits.groups.first_rows());
        // The saved event level(s), `|`-joined when several levels were grouped.
        let positive = m.levels.positive.replace('|', ",");
        let (y, _) = binary_target(&first, &m.schema, &m.target, Some(&positive))?;
        let y: Vec<bool> = y.iter().map(|&v| v == 1.0).collect();
        let p = self.predict_visits(&visits, steps)?;
        Ok((binary_metrics(&y, &p, m.threshold)?, y, p))
    }
}
