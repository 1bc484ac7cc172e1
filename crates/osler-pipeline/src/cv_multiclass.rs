//! Cross-validation of a multiclass outcome: the same repeated stratified
//! folds, in-fold preprocessing, bootstrap and summary as a binary outcome
//! ([`crate::cv`]), with the multiclass metrics of `osler-eval`.

use osler_data::SplitMix64;
use osler_eval::{MulticlassMetrics, multiclass_metrics};

use crate::cv::{CvSummary, OutOfFold, repeated_folds, summarize};
use crate::cv_bootstrap::{CvProgress, bootstrap_folds};
use crate::error::PipelineError;
use crate::prepare::Prepared;
use crate::train::{TrainSpec, fit_on_rows};

/// Class indices of labels stored as f64 (already checked by the outcome reader).
fn indices(y: &[f64]) -> Vec<usize> {
    y.iter().map(|&v| v as usize).collect()
}

/// Row-major `[n][k]` values of per-row class probabilities.
pub(crate) fn flat(p: &[Vec<f64>]) -> Vec<f64> {
    p.iter().flatten().copied().collect()
}

/// Metric values in [`MulticlassMetrics::NAMES`] order.
fn values(m: &MulticlassMetrics) -> Vec<f64> {
    m.values().into_iter().map(|(_, v)| v).collect()
}

/// Runs `spec.cv_repeats` x `spec.cv_folds` cross-validation of a multiclass
/// outcome; `on_fold` hears each fit and the bootstrap. Out-of-fold class
/// probabilities are averaged over repeats.
pub(crate) fn cross_validate_multiclass(
    data: &Prepared,
    spec: &TrainSpec,
    on_fold: &mut dyn CvProgress,
) -> Result<(CvSummary, OutOfFold), PipelineError> {
    let (k, repeats) = (spec.cv_folds, spec.cv_repeats.max(1));
    let classes = data.outcome.classes();
    let cv_spec = TrainSpec { model: spec.model.for_cv(), ..spec.clone() };
    let labels = indices(data.y());
    let n = labels.len();
    let mut rng = SplitMix64::new(spec.seed);
    let mut p_sum = vec![vec![0.0; classes]; n];
    let mut per_fold: Vec<Vec<f64>> = Vec::new();
    let mut fold_data: Vec<(Vec<usize>, Vec<f64>)> = Vec::new();
    let first_fold = repeated_folds(
        data.y(),
        data.groups.as_deref(),
        k,
        repeats,
        &mut rng,
        |_, train, test| {
            let fitted = fit_on_rows(data, &cv_spec, train)?;
            let p = fitted.predict_class_rows(data, test)?;
            let y: Vec<usize> = test.iter().map(|&i| labels[i]).collect();
            let p_flat = flat(&p);
            per_fold.push(values(&multiclass_metrics(&y, &p_flat, classes)?));
            for (&i, pi) in test.iter().zip(&p) {
                for (s, v) in p_sum[i].iter_mut().zip(pi) {
                    *s += v;
                }
            }
            fold_data.push((y, p_flat));
            on_fold.fold_done();
            Ok(())
        },
    )?;
    let p: Vec<Vec<f64>> = p_sum
        .into_iter()
        .map(|row| row.into_iter().map(|s| s / repeats as f64).collect())
        .collect();
    let pooled = values(&multiclass_metrics(&labels, &flat(&p), classes)?);
    let sizes: Vec<usize> = fold_data.iter().map(|f| f.0.len()).collect();
    let draws = bootstrap_folds(
        &sizes,
        MulticlassMetrics::NAMES.len(),
        spec.bootstrap,
        rng.fork(),
        on_fold,
        |f, idx, _: &mut ()| {
            let (y, p) = &fold_data[f];
            let yb: Vec<usize> = idx.iter().map(|&i| y[i]).collect();
            let pb: Vec<f64> = idx
                .iter()
                .flat_map(|&i| p[i * classes..(i + 1) * classes].iter().copied())
                .collect();
            multiclass_metrics(&yb, &pb, classes).ok().map(|m| values(&m))
        },
    );
    let metrics = summarize(&MulticlassMetrics::NAMES, &per_fold, &pooled, draws, spec.bootstrap);
    let summary = CvSummary::new(spec, data.groups.is_some(), metrics);
    let top = p.iter().map(|row| row.iter().copied().fold(0.0, f64::max)).collect();
    let oof =
        OutOfFold { probabilities: Some(p), ..OutOfFold::new(data.y().to_vec(), top, first_fold) };
    Ok((summary, oof))
}
