//! Cross-validation over patients and the final fit of a sequence model.

use std::time::Instant;

use osler_data::{Matrix, PreprocessOptions, Preprocessor, SplitMix64};
use osler_eval::youden_threshold;
use osler_nn::sequence::SequenceClassifier;

use super::SequenceError;
use super::predict::{pack, predict_packed};
use super::prepare::PreparedSequences;
use crate::apply::{TaskFields, assemble};
use crate::artifact::{Artifact, DataInfo, InputContract};
use crate::contract::nn_error;
use crate::cv::{BinaryCv, BinaryFolds, CvSummary, OutOfFold, repeated_folds};
use crate::cv_bootstrap::CvProgress;
use crate::error::PipelineError;
use crate::model::FittedModel;
use crate::registry::Task;
use crate::train::{FittedPipeline, ThresholdRule, TrainOutcome, TrainSpec, timed_cv, timed_fit};

/// Fits the preprocessing (imputation, standardisation, encoding) on the
/// visits of `patients` only, applies it to every visit row, and fits the
/// sequence model on those patients' sequences. Returns the fit and the
/// design rows of all visits (for predicting the other patients).
fn fit_on_patients(
    data: &PreparedSequences,
    spec: &TrainSpec,
    patients: &[usize],
) -> Result<(FittedPipeline, Matrix), PipelineError> {
    let (cell, options) = spec
        .model
        .sequence()
        .ok_or(SequenceError::NotASequenceModel { model: spec.model.name() })?;
    let rows: Vec<usize> =
        patients.iter().flat_map(|&p| data.groups.rows[p].iter().copied()).collect();
    let preprocess = PreprocessOptions {
        impute: true,
        missing_indicators: spec.missing_indicators,
        standardize: true,
    };
    let preprocessor =
        Preprocessor::fit(&data.table, &data.schema, &data.features, &rows, preprocess)?;
    let x = preprocessor.transform(&data.table, None)?;
    let sequences = pack(&x, &data.groups, patients, data.steps);
    let y: Vec<f64> = patients.iter().map(|&p| data.y[p]).collect();
    let arch = options.arch(cell, x.cols());
    let names = preprocessor.output_names();
    let (model, model_seconds) = timed_fit(spec, &names, || {
        SequenceClassifier::fit(&sequences, &y, &arch, &options.train).map_err(nn_error)
    })?;
    let model = FittedModel::new(model);
    let threshold = match spec.threshold {
        ThresholdRule::Fixed(t) => t,
        ThresholdRule::Youden => {
            let p = predict_packed(&model, &x, &data.groups, patients, data.steps)?;
            let yb: Vec<bool> = y.iter().map(|&v| v == 1.0).collect();
            youden_threshold(&yb, &p)?
        }
    };
    let fitted = FittedPipeline { preprocessor, model, threshold, fallback: None, model_seconds };
    Ok((fitted, x))
}

/// Repeated stratified k-fold cross-validation over patients (all visits of
/// a patient in one fold, folds stratified on the patient outcome), with the
/// preprocessing and model fitted on each fold's training patients only.
fn cross_validate(
    data: &PreparedSequences,
    spec: &TrainSpec,
    on_fold: &mut dyn CvProgress,
) -> Result<(CvSummary, OutOfFold), PipelineError> {
    let (k, repeats) = (spec.cv_folds, spec.cv_repeats.max(1));
    let cv_spec = TrainSpec { model: spec.model.for_cv(), ..spec.clone() };
    let mut rng = SplitMix64::new(spec.seed);
    let mut folds = BinaryFolds::new(&data.y, "patients");
    let first_fold = repeated_folds(&data.y, None, k, repeats, &mut rng, |f, train, test| {
        let (fitted, x) = fit_on_patients(data, &cv_spec, train)?;
        let p = predict_packed(&fitted.model, &x, &data.groups, test, data.steps)?;
        folds.record(f, test, p, fitted.threshold)?;
        on_fold.fold_done();
        Ok(())
    })?;
    let BinaryCv { p, threshold, metrics } =
        folds.summarize(repeats, spec.bootstrap, &mut rng, on_fold)?;
    let summary = CvSummary {
        threshold_rule: Some(spec.threshold),
        threshold: Some(threshold),
        ..CvSummary::new(spec, true, metrics)
    };
    Ok((summary, OutOfFold::new(data.y.clone(), p, first_fold)))
}

/// Cross-validates over patients (unless `spec.cv_folds == 0`), then fits the
/// final preprocessing and sequence model on every patient. `spec.model` must
/// be a sequence model (`lstm` or `gru`, [`crate::kinds::recurrent`]);
/// `on_fold` hears each CV fit and the bootstrap's progress.
pub fn train_sequences(
    data: &PreparedSequences,
    spec: &TrainSpec,
    on_fold: &mut dyn CvProgress,
) -> Result<TrainOutcome, PipelineError> {
    if spec.model.sequence().is_none() {
        return Err(SequenceError::NotASequenceModel { model: spec.model.name() }.into());
    }
    let (cv, cv_seconds) = timed_cv(spec, || cross_validate(data, spec, on_fold))?;
    let t1 = Instant::now();
    let all: Vec<usize> = (0..data.y.len()).collect();
    let (fitted, _) = fit_on_patients(data, spec, &all)?;
    let fit_seconds = fitted.model_seconds;
    let preprocess_seconds = t1.elapsed().as_secs_f64() - fit_seconds;
    Ok(TrainOutcome { fitted, cv, fit_seconds, preprocess_seconds, cv_seconds })
}

/// Builds the artifact of a finished sequence training run: the manifest's
/// input contract names the patient-id and visit-time columns and the steps.
pub fn build_sequence_artifact(
    data: &PreparedSequences,
    spec: &TrainSpec,
    outcome: TrainOutcome,
    data_info: DataInfo,
) -> Artifact {
    let fitted = outcome.fitted;
    let fields = TaskFields {
        task: Task::Binary,
        target: data.target.clone(),
        levels: data.levels.clone(),
        classes: None,
        threshold: fitted.threshold,
        model_note: None,
        survival: None,
        schema: data.schema.clone(),
        features: data.features.clone(),
        input: InputContract::Sequence {
            id: data.groups.id_column.clone(),
            time: data.groups.time_column.clone(),
            steps: data.steps,
        },
        // Visits repeat a patient's outcome, so a per-row screen would
        // weigh patients by their visit counts; sequences are not screened.
        warnings: Vec::new(),
    };
    assemble(fields, spec, &fitted.preprocessor, fitted.model, outcome.cv, data_info)
}
