//! Fitting preprocessing + model on training rows, and the whole training run.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use osler_data::{PreprocessOptions, Preprocessor};
use osler_eval::youden_threshold;

use crate::cv::{CvSummary, OutOfFold, cross_validate};
use crate::cv_bootstrap::CvProgress;
use crate::error::PipelineError;
use crate::model::{FittedModel, ModelSpec};
use crate::prepare::Prepared;

/// How the decision threshold for sensitivity, specificity, PPV, NPV is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", content = "value", rename_all = "lowercase")]
pub enum ThresholdRule {
    /// A fixed probability (0.5 by default).
    Fixed(f64),
    /// Youden's J (max sensitivity + specificity - 1) on the training rows'
    /// own predictions, so a CV fold never looks at its test rows.
    Youden,
}

/// Everything that defines a training run besides the data.
#[derive(Debug, Clone)]
pub struct TrainSpec {
    /// The estimator and its hyperparameters.
    pub model: ModelSpec,
    /// Add missing-indicator columns (linear models).
    pub missing_indicators: bool,
    /// Folds; 0 skips cross-validation.
    pub cv_folds: usize,
    /// Repeats of the k-fold split (0 is read as 1).
    pub cv_repeats: usize,
    /// Seed of the fold assignments and of the CV bootstrap.
    pub seed: u64,
    /// How the decision threshold is chosen (classification).
    pub threshold: ThresholdRule,
    /// Bootstrap replicates for the CV confidence intervals (0 = none).
    pub bootstrap: usize,
}

/// Preprocessing and model fitted together on some rows.
#[derive(Debug, Clone)]
pub struct FittedPipeline {
    /// Imputation and encoding (with missing indicators), fitted on the same rows as the model.
    pub preprocessor: Preprocessor,
    /// The fitted estimator.
    pub model: FittedModel,
    /// Decision threshold (a probability) from the spec's rule on these rows.
    pub threshold: f64,
    /// Why the requested fit was replaced by a penalised one, if it was.
    pub fallback: Option<String>,
    /// Seconds spent in the estimator's fit alone (preprocessing excluded).
    pub model_seconds: f64,
}

impl FittedPipeline {
    /// Probabilities for some rows of the prepared table.
    pub fn predict_rows(&self, data: &Prepared, rows: &[usize]) -> Result<Vec<f64>, PipelineError> {
        let x = self.preprocessor.transform(&data.table, Some(rows))?;
        self.model.predict_proba(&x).map_err(|e| PipelineError::model("predict", e))
    }

    /// Probability of every class, `[row][class]`, for some rows of the prepared table.
    pub fn predict_class_rows(
        &self,
        data: &Prepared,
        rows: &[usize],
    ) -> Result<Vec<Vec<f64>>, PipelineError> {
        let x = self.preprocessor.transform(&data.table, Some(rows))?;
        self.model.predict_class_proba(&x).map_err(|e| PipelineError::model("predict", e))
    }
}

/// The preprocessing options a model needs.
pub fn preprocess_options(spec: &TrainSpec) -> PreprocessOptions {
    let impute = spec.model.needs_imputation();
    PreprocessOptions {
        impute,
        missing_indicators: impute && spec.missing_indicators,
        standardize: false,
    }
}

/// Fits the model's preprocessing on `rows` of `table` and applies it to them:
/// the fitted steps, the design matrix and the model feature names.
pub(crate) fn fit_preprocessing(
    table: &osler_data::Table,
    schema: &osler_data::Schema,
    features: &[String],
    spec: &TrainSpec,
    rows: &[usize],
) -> Result<(Preprocessor, osler_data::Matrix, Vec<String>), PipelineError> {
    let preprocessor = Preprocessor::fit(table, schema, features, rows, preprocess_options(spec))?;
    let x = preprocessor.transform(table, Some(rows))?;
    let names = preprocessor.output_names();
    Ok((preprocessor, x, names))
}

/// Fits preprocessing then the model on `rows` only (no leakage from other
/// rows); `data` must hold a binary or multiclass outcome.
pub fn fit_on_rows(
    data: &Prepared,
    spec: &TrainSpec,
    rows: &[usize],
) -> Result<FittedPipeline, PipelineError> {
    if data.survival.is_some() {
        return Err(data.mismatch("a binary or multiclass"));
    }
    let (preprocessor, x, names) =
        fit_preprocessing(&data.table, &data.schema, &data.features, spec, rows)?;
    let y: Vec<f64> = rows.iter().map(|&i| data.y()[i]).collect();
    let classes = data.outcome.classes();
    let (fit, model_seconds) =
        timed_fit(spec, &names, || spec.model.fit_classes(&x, &y, classes, &names))?;
    let threshold = match spec.threshold {
        // A multiclass prediction is the most probable class: no threshold.
        _ if classes > 2 => f64::NAN,
        ThresholdRule::Fixed(t) => t,
        ThresholdRule::Youden => {
            let p = fit.model.predict_proba(&x).map_err(|e| PipelineError::model("predict", e))?;
            let yb: Vec<bool> = y.iter().map(|&v| v == 1.0).collect();
            youden_threshold(&yb, &p)?
        }
    };
    Ok(FittedPipeline {
        preprocessor,
        model: fit.model,
        threshold,
        fallback: fit.fallback,
        model_seconds,
    })
}

/// Runs an estimator's fit and times it; a failure names the model and the
/// features involved (`names` are the design columns).
pub(crate) fn timed_fit<T>(
    spec: &TrainSpec,
    names: &[String],
    fit: impl FnOnce() -> Result<T, osler_models::ModelError>,
) -> Result<(T, f64), PipelineError> {
    let t0 = Instant::now();
    let fitted = fit().map_err(|source| PipelineError::Fit {
        model: spec.model.name(),
        source,
        names: names.to_vec(),
    })?;
    Ok((fitted, t0.elapsed().as_secs_f64()))
}

/// Result of a full training run.
pub struct TrainOutcome {
    /// The final pipeline, fitted on all rows.
    pub fitted: FittedPipeline,
    /// Cross-validation summary and out-of-fold predictions; `None` without CV.
    pub cv: Option<(CvSummary, OutOfFold)>,
    /// Seconds spent in the final model's estimator fit (preprocessing and CV excluded).
    pub fit_seconds: f64,
    /// Seconds spent fitting and applying the final model's preprocessing.
    pub preprocess_seconds: f64,
    /// Wall-clock seconds spent in cross-validation.
    pub cv_seconds: f64,
}

impl TrainOutcome {
    /// The run's timings, with the front end's `read_seconds`.
    pub fn timing(&self, read_seconds: f64) -> crate::summary::Timing {
        crate::summary::Timing {
            read_seconds,
            preprocess_seconds: Some(self.preprocess_seconds),
            fit_seconds: self.fit_seconds,
            cv_seconds: self.cv_seconds,
        }
    }
}

/// Runs `cv` when `spec.cv_folds >= 2` (0 skips it; 1 is an error) and times it.
pub(crate) fn timed_cv<T>(
    spec: &TrainSpec,
    cv: impl FnOnce() -> Result<T, PipelineError>,
) -> Result<(Option<T>, f64), PipelineError> {
    if spec.cv_folds == 1 {
        return Err(PipelineError::CvFolds { folds: spec.cv_folds });
    }
    let t0 = Instant::now();
    let result = if spec.cv_folds >= 2 { Some(cv()?) } else { None };
    Ok((result, t0.elapsed().as_secs_f64()))
}

/// Cross-validates (unless `cv_folds == 0`), then fits the final model on all rows.
pub fn train(
    data: &Prepared,
    spec: &TrainSpec,
    on_fold: &mut dyn CvProgress,
) -> Result<TrainOutcome, PipelineError> {
    let (cv, cv_seconds) = timed_cv(spec, || cross_validate(data, spec, on_fold))?;
    let t1 = Instant::now();
    let all: Vec<usize> = (0..data.outcome.len()).collect();
    let fitted = fit_on_rows(data, spec, &all)?;
    let fit_seconds = fitted.model_seconds;
    let preprocess_seconds = t1.elapsed().as_secs_f64() - fit_seconds;
    Ok(TrainOutcome { fitted, cv, fit_seconds, preprocess_seconds, cv_seconds })
}
