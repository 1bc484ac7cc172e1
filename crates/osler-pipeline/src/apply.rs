//! Using a saved artifact: predictions (with explanations) and evaluation on new data.

use serde::Serialize;

use osler_data::{Matrix, Table};
use osler_eval::{BinaryMetrics, binary_metrics};
use osler_models::ModelError;

use crate::artifact::{Artifact, DataInfo, InputContract, Manifest, SurvivalColumns};
use crate::contract::Contract;
use crate::cv::{CvSummary, OutOfFold};
use crate::error::PipelineError;
use crate::outcome::Outcome;
use crate::prepare::Prepared;
use crate::registry::Task;
use crate::survival_data::{SurvivalSpec, survival_outcome};
use crate::survival_train::{SURVIVAL_METRICS, SurvivalOutcomeRun, eval_grid, survival_metrics};
use crate::train::{TrainOutcome, TrainSpec};

/// Probabilities for each input row, with optional additive explanations.
#[derive(Debug, Clone, Serialize)]
pub struct Predictions {
    /// Predicted probability of the positive class for each row, in input order.
    pub probability: Vec<f64>,
    /// 1 when `probability >= threshold`.
    pub predicted_class: Vec<u8>,
    /// The artifact's saved decision threshold (a probability).
    pub threshold: f64,
    /// Per-feature contributions, when an explanation was requested.
    pub explanation: Option<Explanation>,
}

/// Per-feature contributions on the log-odds scale: `base + sum = logit(p)`.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// How the contributions were computed (exact linear terms, TreeSHAP, ...).
    pub method: &'static str,
    /// The model's output with every contribution zero (log-odds; log-hazard for survival).
    pub base: f64,
    /// Design-matrix column names after encoding, one per contribution column.
    pub feature_names: Vec<String>,
    /// `contributions[i][j]`: row `i`, feature `j`.
    pub contributions: Vec<Vec<f64>>,
}

/// What distinguishes one task's artifact from another's; everything else in
/// the manifest comes from the training run the same way for every task.
pub(crate) struct TaskFields {
    pub(crate) task: Task,
    pub(crate) target: String,
    pub(crate) levels: osler_data::BinaryLevels,
    pub(crate) classes: Option<Vec<String>>,
    pub(crate) threshold: f64,
    pub(crate) model_note: Option<String>,
    pub(crate) survival: Option<SurvivalColumns>,
    pub(crate) schema: osler_data::Schema,
    /// Input columns the model reads.
    pub(crate) features: Vec<String>,
    /// How those columns are read (one row per patient, or visits in sequence).
    pub(crate) input: InputContract,
    /// What the screen of the training data found (e.g. possible leakage).
    pub(crate) warnings: Vec<crate::leakage::Warning>,
}

/// The one artifact builder: the manifest of a fitted preprocessing + model,
/// with the CV summary and out-of-fold predictions when CV ran.
pub(crate) fn assemble(
    fields: TaskFields,
    spec: &TrainSpec,
    preprocessor: &osler_data::Preprocessor,
    model: crate::model::FittedModel,
    cv: Option<(CvSummary, OutOfFold)>,
    data_info: DataInfo,
) -> Artifact {
    let (cv, oof) = cv.map_or((None, None), |(s, o)| (Some(s), Some(o)));
    let manifest = Manifest {
        format: crate::artifact::FORMAT.into(),
        format_version: crate::artifact::FORMAT_VERSION,
        osler_version: env!("CARGO_PKG_VERSION").into(),
        task: fields.task.name().into(),
        model: spec.model.clone(),
        model_note: fields.model_note,
        target: fields.target,
        levels: fields.levels,
        classes: fields.classes,
        features: fields.features,
        feature_names: preprocessor.output_names(),
        schema: fields.schema,
        preprocessing: preprocessor.clone(),
        threshold: fields.threshold,
        seed: spec.seed,
        data: data_info,
        cv,
        survival: fields.survival,
        input: fields.input,
        warnings: fields.warnings,
        held_out: Vec::new(),
        files: Default::default(),
    };
    Artifact { manifest, model, out_of_fold: oof }
}

/// Builds the artifact of a finished training run.
pub fn build_artifact(
    data: &Prepared,
    spec: &TrainSpec,
    outcome: TrainOutcome,
    data_info: DataInfo,
) -> Artifact {
    let fitted = outcome.fitted;
    let (levels, classes) = match &data.outcome {
        Outcome::Multiclass { classes, .. } => (
            osler_data::BinaryLevels {
                negative: classes[0].clone(),
                positive: classes[1..].join("|"),
            },
            Some(classes.clone()),
        ),
        Outcome::Binary { levels, .. } => (levels.clone(), None),
        Outcome::Survival(s) => (s.levels.clone(), None),
    };
    let fields = TaskFields {
        task: data.outcome.task(),
        target: data.target.clone(),
        levels,
        classes,
        threshold: fitted.threshold,
        model_note: fitted.fallback,
        survival: None,
        schema: data.schema.clone(),
        features: data.features.clone(),
        input: InputContract::Tabular,
        warnings: crate::leakage::screen(data),
    };
    assemble(fields, spec, &fitted.preprocessor, fitted.model, outcome.cv, data_info)
}

/// Builds the artifact of a finished survival training run; `data` must hold
/// a survival outcome.
pub fn build_survival_artifact(
    data: &Prepared,
    spec: &TrainSpec,
    run: SurvivalOutcomeRun,
    data_info: DataInfo,
) -> Result<Artifact, PipelineError> {
    let (columns, outcome) = data.survival()?;
    let fields = TaskFields {
        task: Task::Survival,
        target: columns.time.clone(),
        levels: outcome.levels.clone(),
        classes: None,
        threshold: f64::NAN,
        model_note: None,
        survival: Some(SurvivalColumns {
            time: columns.time.clone(),
            event: columns.event.clone(),
            start: columns.start.clone(),
            eval_times: eval_grid(outcome),
        }),
        schema: data.schema.clone(),
        features: data.features.clone(),
        input: InputContract::Tabular,
        warnings: crate::leakage::screen(data),
    };
    Ok(assemble(fields, spec, &run.fitted.preprocessor, run.fitted.model, run.cv, data_info))
}

/// Metrics of a survival artifact on labelled data.
#[derive(Debug, Clone, Serialize)]
pub struct SurvivalEvaluation {
    /// `harrell_c`, `uno_c`, `integrated_brier`, in that order.
    pub metrics: Vec<(&'static str, f64)>,
    /// Number of rows evaluated.
    pub n: usize,
    /// Number of those rows with an observed event.
    pub events: usize,
}

/// A survival artifact's scores of labelled rows: row `i`'s observed time and
/// event, risk score and `S(grid[k] | x_i)`.
#[derive(Debug, Clone)]
pub(crate) struct SurvivalScores {
    pub(crate) time: Vec<f64>,
    pub(crate) event: Vec<bool>,
    pub(crate) risk: Vec<f64>,
    pub(crate) survival: Matrix,
    pub(crate) grid: Vec<f64>,
}

impl SurvivalScores {
    /// `harrell_c`, `uno_c`, `integrated_brier` of the rows `rows` (repeats
    /// allowed, as in a bootstrap resample).
    pub(crate) fn metrics_of(&self, rows: &[usize]) -> Vec<(&'static str, f64)> {
        let time: Vec<f64> = rows.iter().map(|&i| self.time[i]).collect();
        let event: Vec<bool> = rows.iter().map(|&i| self.event[i]).collect();
        let risk: Vec<f64> = rows.iter().map(|&i| self.risk[i]).collect();
        let s = self.survival.select_rows(rows);
        SURVIVAL_METRICS
            .iter()
            .copied()
            .zip(survival_metrics(&time, &event, &risk, &s, &self.grid))
            .collect()
    }

    /// The metrics of every row.
    pub(crate) fn evaluation(&self) -> SurvivalEvaluation {
        let values =
            survival_metrics(&self.time, &self.event, &self.risk, &self.survival, &self.grid);
        SurvivalEvaluation {
            metrics: SURVIVAL_METRICS.iter().copied().zip(values).collect(),
            n: self.event.len(),
            events: self.event.iter().filter(|&&e| e).count(),
        }
    }
}

/// Survival predictions: a risk score and `S(t | x)` at the requested times.
#[derive(Debug, Clone, Serialize)]
pub struct SurvivalPredictions {
    /// Risk score of each row (higher = earlier event; a linear predictor for Cox models).
    pub risk: Vec<f64>,
    /// What the risk score is for this model (e.g. a Cox model's linear predictor).
    pub risk_description: &'static str,
    /// The times at which survival is given, in the data's time unit.
    pub times: Vec<f64>,
    /// `survival[i][k]` = `S(times[k] | patient i)`.
    pub survival: Vec<Vec<f64>>,
    /// Additive explanation of `risk` (`base + sum = risk`), when requested.
    pub explanation: Option<Explanation>,
}

impl Artifact {
    /// Survival models: risk scores and survival probabilities at `times`
    /// (the artifact's evaluation grid when empty).
    pub fn predict_survival(
        &self,
        table: Table,
        times: &[f64],
        explain: bool,
    ) -> Result<SurvivalPredictions, PipelineError> {
        let surv = self.survival_columns()?;
        let times = if times.is_empty() { surv.eval_times.clone() } else { times.to_vec() };
        if let Some(t) = times.iter().find(|t| !t.is_finite() || **t < 0.0) {
            return Err(PipelineError::PredictionTime { time: *t });
        }
        let Contract::Survival(model) = self.model.contract() else {
            return Err(PipelineError::model("predict", ModelError::NotASurvivalModel));
        };
        let (_, x) = self.design(table, true, false)?;
        let risk = model.risk(&x).map_err(|e| PipelineError::model("predict", e))?;
        let s = model.survival(&x, &times).map_err(|e| PipelineError::model("predict", e))?;
        let explanation = if explain {
            let (base, c) =
                self.model.explain(&x).map_err(|e| PipelineError::model("explain", e))?;
            Some(Explanation {
                method: self.model.explanation_method(),
                base,
                feature_names: self.manifest.feature_names.clone(),
                contributions: (0..c.rows()).map(|i| c.row(i)).collect(),
            })
        } else {
            None
        };
        Ok(SurvivalPredictions {
            risk,
            risk_description: model.risk_description(),
            survival: (0..s.rows()).map(|i| s.row(i)).collect(),
            times,
            explanation,
        })
    }

    /// Survival models: Harrell's C, Uno's C and the integrated Brier score on labelled data.
    pub fn evaluate_survival(&self, table: Table) -> Result<SurvivalEvaluation, PipelineError> {
        Ok(self.survival_scores(table)?.evaluation())
    }

    /// The outcome, risk scores and survival curves of the labelled rows of
    /// `table`: what [`Artifact::evaluate_survival`] scores.
    pub(crate) fn survival_scores(&self, table: Table) -> Result<SurvivalScores, PipelineError> {
        let surv = self.survival_columns()?;
        let mut required: Vec<&str> = self.manifest.features.iter().map(String::as_str).collect();
        required.push(&surv.time);
        required.push(&surv.event);
        required.extend(surv.start.as_deref());
        let table = self.manifest.schema.conform(table, &required, false)?;
        let spec = SurvivalSpec {
            time: surv.time.clone(),
            event: surv.event.clone(),
            event_level: Some(self.manifest.levels.positive.clone()),
            start: surv.start.clone(),
        };
        let outcome = survival_outcome(&table, &self.manifest.schema, &spec)?;
        outcome.require_events(&table, &spec)?;
        let x = self.manifest.preprocessing.transform(&table, None)?;
        let risk = self.model.risk(&x).map_err(|e| PipelineError::model("predict", e))?;
        let survival = self
            .model
            .survival(&x, &surv.eval_times)
            .map_err(|e| PipelineError::model("predict", e))?;
        let event: Vec<bool> = outcome.event.iter().map(|&e| e == 1.0).collect();
        Ok(SurvivalScores {
            time: outcome.time,
            event,
            risk,
            survival,
            grid: surv.eval_times.clone(),
        })
    }

    fn survival_columns(&self) -> Result<&SurvivalColumns, PipelineError> {
        self.manifest.survival.as_ref().ok_or_else(|| PipelineError::WrongArtifactTask {
            holds: "classifier".into(),
            wanted: "survival model",
        })
    }

    /// Checks new data against the saved schema and applies the preprocessing.
    /// `refuse_unknown`: columns the schema does not know are errors (prediction inputs).
    pub fn design(
        &self,
        table: Table,
        refuse_unknown: bool,
        need_target: bool,
    ) -> Result<(Table, Matrix), PipelineError> {
        let m = &self.manifest;
        let mut required: Vec<&str> = m.features.iter().map(String::as_str).collect();
        if need_target {
            required.push(&m.target);
        }
        let table = m.schema.conform(table, &required, refuse_unknown)?;
        let x = m.preprocessing.transform(&table, None)?;
        Ok((table, x))
    }

    /// Predicts every row of `table` (CSV or JSON records).
    pub fn predict(&self, table: Table, explain: bool) -> Result<Predictions, PipelineError> {
        let (_, x) = self.design(table, true, false)?;
        let probability =
            self.model.predict_proba(&x).map_err(|e| PipelineError::model("predict", e))?;
        let threshold = self.manifest.threshold;
        let predicted_class = probability.iter().map(|&p| u8::from(p >= threshold)).collect();
        let explanation = if explain {
            let (base, c) =
                self.model.explain(&x).map_err(|e| PipelineError::model("explain", e))?;
            Some(Explanation {
                method: self.model.explanation_method(),
                base,
                feature_names: self.manifest.feature_names.clone(),
                contributions: (0..c.rows()).map(|i| c.row(i)).collect(),
            })
        } else {
            None
        };
        Ok(Predictions { probability, predicted_class, threshold, explanation })
    }

    /// Metrics of the saved model on labelled data, with the saved preprocessing and threshold.
    pub fn evaluate(
        &self,
        table: Table,
    ) -> Result<(BinaryMetrics, Vec<bool>, Vec<f64>), PipelineError> {
        let (table, x) = self.design(table, false, true)?;
        let m = &self.manifest;
        let col = table.column(&m.target).map(|c| &c.data);
        let col = col.ok_or_else(|| PipelineError::missing_column(&table, "outcome", &m.target))?;
        let mut y = Vec::with_capacity(table.n_rows());
        for i in 0..table.n_rows() {
            let t = col.text_at(i);
            let v = match t.as_deref() {
                Some(s) if s == m.levels.positive => true,
                Some(s) if s == m.levels.negative => false,
                other => {
                    return Err(PipelineError::UnknownOutcomeValue {
                        source_name: table.source.clone(),
                        line: table.lines[i],
                        column: m.target.clone(),
                        value: other.map(str::to_string),
                        expected: Box::new([m.levels.negative.clone(), m.levels.positive.clone()]),
                    });
                }
            };
            y.push(v);
        }
        let p = self.model.predict_proba(&x).map_err(|e| PipelineError::model("predict", e))?;
        Ok((binary_metrics(&y, &p, m.threshold)?, y, p))
    }
}
