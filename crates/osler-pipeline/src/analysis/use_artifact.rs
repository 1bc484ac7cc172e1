//! Using a saved artifact whatever its task, in one call each: predictions
//! ([`predict`]) and metrics on labelled data ([`evaluate`]). The artifact's
//! task and input contract pick the library function; the results serialise
//! to the JSON `osler predict --json` and `osler evaluate --json` print.

use serde::{Serialize, Serializer};

use osler_data::Table;
use osler_eval::BinaryMetrics;
use osler_models::ModelError;

use crate::analysis::prediction::{
    EvaluationReport, PredictionReport, SurvivalEvaluationReport, SurvivalPredictionReport,
};
use crate::apply::{Predictions, SurvivalEvaluation, SurvivalPredictions};
use crate::apply_multiclass::{ClassPredictions, MulticlassEvaluation};
use crate::artifact::{Artifact, InputContract};
use crate::error::PipelineError;
use crate::sequence::SequencePredictions;

/// What a prediction asks for besides the rows.
#[derive(Debug, Clone, Default)]
pub struct PredictRequest {
    /// Survival models: the times of `S(t | x)` (empty: the artifact's evaluation grid).
    pub times: Vec<f64>,
    /// Add per-feature contributions (models with explanations only).
    pub explain: bool,
}

/// The predictions of an artifact, by task.
#[derive(Debug, Clone)]
pub enum PredictionOutput {
    /// A probability of the event per row, with the event level's name.
    Binary {
        /// The predictions (and explanations, when asked for).
        predictions: Predictions,
        /// The event level.
        positive: String,
    },
    /// A probability per class per row.
    Classes(ClassPredictions),
    /// A risk score and survival probabilities per row.
    Survival(SurvivalPredictions),
    /// A probability of the event per patient of long-format input.
    Sequences(SequencePredictions),
}

/// The metrics of an artifact on labelled data, by task.
#[derive(Debug, Clone)]
pub enum EvaluationOutput {
    /// Binary classifiers (also of visit sequences).
    Binary(BinaryMetrics),
    /// Multiclass classifiers: metrics and confusion matrix.
    Multiclass(MulticlassEvaluation),
    /// Survival models: Harrell's and Uno's C and the integrated Brier score.
    Survival(SurvivalEvaluation),
}

/// Predicts every row (or patient) of `table` with `art`.
pub fn predict(
    art: &Artifact,
    table: Table,
    request: &PredictRequest,
) -> Result<PredictionOutput, PipelineError> {
    let m = &art.manifest;
    if m.survival.is_some() {
        return Ok(PredictionOutput::Survival(art.predict_survival(
            table,
            &request.times,
            request.explain,
        )?));
    }
    let no_explanations = || PipelineError::Model {
        context: "explain".into(),
        source: ModelError::NoExplanations {
            model: art.model.contract().estimator().family().into(),
        },
    };
    if let InputContract::Sequence { .. } = m.input {
        if request.explain {
            return Err(no_explanations());
        }
        return Ok(PredictionOutput::Sequences(art.predict_sequences(table)?));
    }
    if m.classes.is_some() {
        if request.explain {
            return Err(no_explanations());
        }
        return Ok(PredictionOutput::Classes(art.predict_classes(table)?));
    }
    let predictions = art.predict(table, request.explain)?;
    Ok(PredictionOutput::Binary { predictions, positive: m.levels.positive.clone() })
}

/// Evaluates `art` on the labelled rows (or patients) of `table`.
pub fn evaluate(art: &Artifact, table: Table) -> Result<EvaluationOutput, PipelineError> {
    let m = &art.manifest;
    if m.survival.is_some() {
        return Ok(EvaluationOutput::Survival(art.evaluate_survival(table)?));
    }
    if m.classes.is_some() {
        return Ok(EvaluationOutput::Multiclass(art.evaluate_multiclass(table)?));
    }
    let (metrics, _, _) = match m.input {
        InputContract::Sequence { .. } => art.evaluate_sequences(table)?,
        InputContract::Tabular => art.evaluate(table)?,
    };
    Ok(EvaluationOutput::Binary(metrics))
}

impl Serialize for PredictionOutput {
    /// The JSON of `osler predict --json`: a [`PredictionReport`] or
    /// [`SurvivalPredictionReport`] (one row per patient, named
    /// contributions), or the class and sequence predictions as they are.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PredictionOutput::Binary { predictions, positive } => {
                PredictionReport::new(predictions, positive).serialize(s)
            }
            PredictionOutput::Classes(p) => p.serialize(s),
            PredictionOutput::Survival(p) => SurvivalPredictionReport::new(p).serialize(s),
            PredictionOutput::Sequences(p) => p.serialize(s),
        }
    }
}

impl Serialize for EvaluationOutput {
    /// The JSON of `osler evaluate --json`: an [`EvaluationReport`], a
    /// [`SurvivalEvaluationReport`] or the multiclass evaluation as it is.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            EvaluationOutput::Binary(m) => EvaluationReport::from(*m).serialize(s),
            EvaluationOutput::Multiclass(e) => e.serialize(s),
            EvaluationOutput::Survival(e) => SurvivalEvaluationReport::from(e).serialize(s),
        }
    }
}
