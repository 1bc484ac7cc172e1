//! Using a saved artifact whatever its task, in one call each: predictions
//! ([`predict`]) and metrics on labelled data ([`evaluate`]). The artifact's
//! task and input contract pick the library function; the results serialise
//! to the JSON `osler predict --json` and `osler evaluate --json` print.

use serde::{Serialize, Serializer};

use osler_data::Table;
use osler_eval::BinaryMetrics;
use osler_models::ModelError;

use crate::analysis::intervals::{
    IntervalSpec, MetricIntervals, binary_intervals, survival_intervals,
};
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
    /// A column of the input whose value each prediction row carries (a
    /// patient id), for tabular artifacts. It is read as text and, unless it
    /// is one of the model's features, removed before the rows are checked
    /// against the schema, so an id the training data did not have is not an
    /// unknown column.
    pub id: Option<String>,
}

/// The predictions of an artifact with the ids of their rows.
#[derive(Debug, Clone)]
pub struct ArtifactPredictions {
    /// The predictions, by task.
    pub output: PredictionOutput,
    /// The id of each row, in row order, when [`PredictRequest::id`] named a column.
    pub ids: Option<RowIds>,
}

/// The values of an id column, one per input row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowIds {
    /// The id column's name.
    pub column: String,
    /// Each row's id as text (empty where missing).
    pub values: Vec<String>,
}

/// The predictions of an artifact, by task.
#[derive(Debug, Clone)]
pub enum PredictionOutput {
    /// A probability of the event per row, with the event level's name.
    Binary {
        /// The predictions (and explanations, when asked for).
        predictions: Predictions,
        /// The event level (predicted class 1).
        positive: String,
        /// The other level (predicted class 0).
        negative: String,
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
    Binary {
        /// The metric panel.
        metrics: BinaryMetrics,
        /// Its 95% intervals ([`binary_intervals`]).
        intervals: MetricIntervals,
    },
    /// Multiclass classifiers: metrics and confusion matrix.
    Multiclass(MulticlassEvaluation),
    /// Survival models: Harrell's and Uno's C and the integrated Brier score.
    Survival {
        /// The metrics.
        evaluation: SurvivalEvaluation,
        /// Their 95% intervals: a percentile bootstrap of the evaluated rows.
        intervals: MetricIntervals,
    },
}

/// Predicts every row (or patient) of `table` with `art`, each row with its
/// id when `request.id` names a column. A sequence artifact's predictions are
/// one per patient, keyed by its own patient-id column, and take no other.
pub fn predict(
    art: &Artifact,
    mut table: Table,
    request: &PredictRequest,
) -> Result<ArtifactPredictions, PipelineError> {
    let ids = match (&request.id, &art.manifest.input) {
        (Some(column), InputContract::Tabular) => Some(take_ids(art, &mut table, column)?),
        _ => None,
    };
    Ok(ArtifactPredictions { output: predict_rows(art, table, request)?, ids })
}

/// The text of column `column` of `table`, removed from it unless the model
/// reads it as a feature.
fn take_ids(art: &Artifact, table: &mut Table, column: &str) -> Result<RowIds, PipelineError> {
    let index =
        table.index_of(column).ok_or_else(|| PipelineError::missing_column(table, "id", column))?;
    let data = &table.columns[index].data;
    let values = (0..table.n_rows()).map(|i| data.text_at(i).unwrap_or_default()).collect();
    if !art.manifest.features.iter().any(|f| f == column) {
        table.columns.remove(index);
    }
    Ok(RowIds { column: column.into(), values })
}

/// The predictions of every row (or patient) of `table`, by task.
fn predict_rows(
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
    Ok(PredictionOutput::Binary {
        predictions,
        positive: m.levels.positive.clone(),
        negative: m.levels.negative.clone(),
    })
}

/// Evaluates `art` on the labelled rows (or patients) of `table`; a binary
/// classifier's and a survival model's metrics come with 95% intervals
/// ([`binary_intervals`]; a survival model's by the same bootstrap of the
/// rows), with `intervals`' replicates and seed.
pub fn evaluate(
    art: &Artifact,
    table: Table,
    intervals: IntervalSpec,
) -> Result<EvaluationOutput, PipelineError> {
    let m = &art.manifest;
    if m.survival.is_some() {
        let scores = art.survival_scores(table)?;
        let intervals = survival_intervals(&scores, intervals);
        return Ok(EvaluationOutput::Survival { evaluation: scores.evaluation(), intervals });
    }
    if m.classes.is_some() {
        return Ok(EvaluationOutput::Multiclass(art.evaluate_multiclass(table)?));
    }
    let (metrics, y, p) = match m.input {
        InputContract::Sequence { .. } => art.evaluate_sequences(table)?,
        InputContract::Tabular => art.evaluate(table)?,
        InputContract::Image(_) => {
            return Err(PipelineError::model("evaluate", ModelError::NeedsImages));
        }
    };
    let intervals = binary_intervals(&y, &p, &metrics, intervals);
    Ok(EvaluationOutput::Binary { metrics, intervals })
}

impl Serialize for ArtifactPredictions {
    /// The JSON of `osler predict --json`: a [`PredictionReport`] or
    /// [`SurvivalPredictionReport`] (one row per patient, with its `id` when
    /// asked for, named contributions), or the class predictions (with `ids`,
    /// one per row, when asked for) and sequence predictions as they are;
    /// with ids, `id_column` names their column.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ids = self.ids.as_ref().map(|r| r.values.as_slice());
        let id_column = self.ids.as_ref().map(|r| r.column.as_str());
        match &self.output {
            PredictionOutput::Binary { predictions, positive, negative } => {
                let levels = [negative.as_str(), positive.as_str()];
                WithIdColumn { report: PredictionReport::new(predictions, levels, ids), id_column }
                    .serialize(s)
            }
            PredictionOutput::Classes(p) => {
                WithIdColumn { report: ClassesWithIds { predictions: p, ids }, id_column }
                    .serialize(s)
            }
            PredictionOutput::Survival(p) => {
                WithIdColumn { report: SurvivalPredictionReport::new(p, ids), id_column }
                    .serialize(s)
            }
            PredictionOutput::Sequences(p) => p.serialize(s),
        }
    }
}

/// A prediction report and, when rows carry ids, the name of their column.
#[derive(Serialize)]
struct WithIdColumn<'a, R: Serialize> {
    #[serde(flatten)]
    report: R,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_column: Option<&'a str>,
}

/// Class predictions (columns of values) with the rows' ids as one more column.
#[derive(Serialize)]
struct ClassesWithIds<'a> {
    #[serde(flatten)]
    predictions: &'a ClassPredictions,
    #[serde(skip_serializing_if = "Option::is_none")]
    ids: Option<&'a [String]>,
}

impl Serialize for EvaluationOutput {
    /// The JSON of `osler evaluate --json`: an [`EvaluationReport`], a
    /// [`SurvivalEvaluationReport`] or the multiclass evaluation as it is.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            EvaluationOutput::Binary { metrics, intervals } => {
                EvaluationReport::new(*metrics, intervals).serialize(s)
            }
            EvaluationOutput::Multiclass(e) => e.serialize(s),
            EvaluationOutput::Survival { evaluation, intervals } => {
                SurvivalEvaluationReport::new(evaluation, intervals).serialize(s)
            }
        }
    }
}
