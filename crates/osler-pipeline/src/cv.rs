//! Repeated stratified k-fold cross-validation with out-of-fold predictions,
//! per-metric means and bootstrap confidence intervals of those means.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use osler_data::SplitMix64;
use osler_data::split::{fold_rows, grouped_stratified_kfold, stratified_kfold};
use osler_eval::{
    BinaryMetrics, BinaryResampler, ResampleScratch, bias_shifted_percentile_interval,
    binary_metrics, percentile_interval,
};

use crate::cv_bootstrap::{CvProgress, bootstrap_folds};
use crate::error::PipelineError;
use crate::outcome::Outcome;
use crate::prepare::Prepared;
use crate::train::{ThresholdRule, TrainSpec, fit_on_rows};

/// What every cross-validated `ci95` is an interval of and how it is
/// computed, in the words the text output, the report and the docs use
/// ([`ci_method`] adds the replicates and [`RESAMPLING`]).
pub const CI_METHOD: &str = "percentile bootstrap of the mean over test folds";

/// What one bootstrap replicate of [`CI_METHOD`] does.
pub const RESAMPLING: &str =
    "rows of every test fold resampled with replacement, fold metrics re-averaged";

/// The label of the `ci95` column wherever it is shown: what it is an
/// interval of.
pub const CI_LABEL: &str = "95% CI of the mean";

/// How the ECE interval departs from [`CI_METHOD`], and why.
pub const ECE_CI_METHOD: &str = "the ECE interval is shifted by the bootstrap bias (median replicate minus the mean), as resampling inflates the upward bias of binned ECE";

/// Metrics whose interval is [`bias_shifted_percentile_interval`] (see
/// [`ECE_CI_METHOD`]); every other metric's is the percentile interval.
const BIAS_SHIFTED: [&str; 1] = ["ece"];

/// The `ci_method` of a cross-validation with `replicates` bootstrap
/// replicates of the metrics `names`: `"{CI_METHOD} ({replicates}
/// replicates; {RESAMPLING})"`, followed by `"; {ECE_CI_METHOD}"` when ECE is
/// among them; `"none (0 bootstrap replicates)"` without replicates.
pub fn ci_method<'a>(replicates: usize, mut names: impl Iterator<Item = &'a str>) -> String {
    if replicates == 0 {
        return "none (0 bootstrap replicates)".to_string();
    }
    let method = format!("{CI_METHOD} ({replicates} replicates; {RESAMPLING})");
    if names.any(|n| BIAS_SHIFTED.contains(&n)) {
        format!("{method}; {ECE_CI_METHOD}")
    } else {
        method
    }
}

/// The `ci_method` of an artifact written before the field existed: its
/// intervals, ECE's included, are the unshifted percentile intervals.
fn unshifted_ci_method() -> String {
    format!("{CI_METHOD} ({RESAMPLING})")
}

/// Mean, spread and interval of one metric over the CV folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSummary {
    /// Mean over folds (and repeats) of the metric computed on each test fold.
    #[serde(deserialize_with = "crate::nan_json::f64_or_nan")]
    pub mean: f64,
    /// Standard deviation over folds (ddof = 1).
    #[serde(deserialize_with = "crate::nan_json::f64_or_nan")]
    pub sd: f64,
    /// Bootstrap 95% interval of `mean` ([`CI_METHOD`]): each replicate
    /// resamples the rows of every test fold (with replacement, within the
    /// fold), recomputes each fold's metric and averages over folds; the
    /// interval is the 2.5% and 97.5% quantiles of the replicates, for ECE
    /// shifted by their bias ([`ECE_CI_METHOD`]: its replicates can all lie
    /// above `mean`, the shifted interval always contains it). `None` without
    /// bootstrap replicates or when fewer than half of them defined the metric.
    pub ci95: Option<[f64; 2]>,
    /// Metric on the pooled out-of-fold predictions.
    #[serde(deserialize_with = "crate::nan_json::f64_or_nan")]
    pub pooled: f64,
    /// Folds where the metric was defined (e.g. PPV needs a predicted positive).
    pub folds_used: usize,
}

/// Outcome of a cross-validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvSummary {
    /// Number of folds `k` in each repeat.
    pub folds: usize,
    /// Number of repeats, each with a fresh random fold assignment.
    pub repeats: usize,
    /// True when folds kept all rows of a group (patient) together.
    pub grouped: bool,
    /// Bootstrap replicates behind each `ci95` (0 = no intervals).
    pub bootstrap_replicates: usize,
    /// How every `ci95` was computed: [`ci_method`]'s words, which the text
    /// output and the report print as they are.
    #[serde(default = "unshifted_ci_method")]
    pub ci_method: String,
    /// Classification only: how the decision threshold was chosen.
    pub threshold_rule: Option<ThresholdRule>,
    /// Classification only: mean decision threshold over folds.
    pub threshold: Option<f64>,
    /// Survival only: the time grid of the integrated Brier score.
    pub eval_times: Option<Vec<f64>>,
    /// Each metric's summary over folds, keyed by metric name.
    pub metrics: BTreeMap<String, MetricSummary>,
    /// Folds whose fit fell back to a penalised model.
    pub fallbacks: usize,
}

/// Out-of-fold predictions (no patient features: outcome and prediction only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutOfFold {
    /// Binary: the outcome (0/1). Multiclass: the class index. Survival: the event indicator.
    pub y: Vec<f64>,
    /// Binary: probability. Multiclass: the probability of the most probable
    /// class. Survival: risk score. From the fold that held the row out,
    /// averaged over repeats.
    #[serde(deserialize_with = "crate::nan_json::vec_f64_or_nan")]
    pub p: Vec<f64>,
    /// Survival only: follow-up time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Vec<f64>>,
    /// Survival only: out-of-fold `S(t | x)` at the CV's `eval_times`, one row per patient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survival: Option<Vec<Vec<f64>>>,
    /// Multiclass only: out-of-fold probability of every class, `[row][class]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<Vec<Vec<f64>>>,
    /// Fold of each row in the first repeat.
    pub fold: Vec<usize>,
}

impl CvSummary {
    /// The sentence that says what the `ci95` column is, printed as it is by
    /// the text output and the report: `"95% CI of the mean: {ci_method}"`
    /// (`"...: none (0 bootstrap replicates)"` without replicates, whatever an
    /// older manifest's default `ci_method` says).
    pub fn ci_description(&self) -> String {
        let method = match self.bootstrap_replicates {
            0 => ci_method(0, std::iter::empty()),
            _ => self.ci_method.clone(),
        };
        format!("{CI_LABEL}: {method}")
    }

    /// The summary of `spec`'s cross-validation (`grouped`: folds kept patient
    /// groups together) with its `metrics`; the task-specific fields (decision
    /// threshold, evaluation times, fallbacks) empty, for the task to set.
    pub(crate) fn new(
        spec: &TrainSpec,
        grouped: bool,
        metrics: BTreeMap<String, MetricSummary>,
    ) -> Self {
        CvSummary {
            folds: spec.cv_folds,
            repeats: spec.cv_repeats.max(1),
            grouped,
            bootstrap_replicates: spec.bootstrap,
            ci_method: ci_method(spec.bootstrap, metrics.keys().map(String::as_str)),
            threshold_rule: None,
            threshold: None,
            eval_times: None,
            metrics,
            fallbacks: 0,
        }
    }
}

impl OutOfFold {
    /// Out-of-fold outcomes `y` and predictions `p` with each row's fold in the
    /// first repeat; the survival and multiclass extras empty, for the task to set.
    pub(crate) fn new(y: Vec<f64>, p: Vec<f64>, fold: Vec<usize>) -> Self {
        OutOfFold { y, p, time: None, survival: None, probabilities: None, fold }
    }
}

/// Runs `spec.cv_repeats` x `spec.cv_folds` cross-validation; `on_fold` hears
/// each fit and the bootstrap's progress.
pub fn cross_validate(
    data: &Prepared,
    spec: &TrainSpec,
    on_fold: &mut dyn CvProgress,
) -> Result<(CvSummary, OutOfFold), PipelineError> {
    if let Outcome::Multiclass { .. } = data.outcome {
        return crate::cv_multiclass::cross_validate_multiclass(data, spec, on_fold);
    }
    let (k, repeats) = (spec.cv_folds, spec.cv_repeats.max(1));
    let cv_spec = TrainSpec { model: spec.model.for_cv(), ..spec.clone() };
    let mut rng = SplitMix64::new(spec.seed);
    let mut folds = BinaryFolds::new(data.y(), "rows");
    let mut fallbacks = 0;
    let first_fold = repeated_folds(
        data.y(),
        data.groups.as_deref(),
        k,
        repeats,
        &mut rng,
        |f, train, test| {
            let fitted = fit_on_rows(data, &cv_spec, train)?;
            fallbacks += usize::from(fitted.fallback.is_some());
            let p = fitted.predict_rows(data, test)?;
            folds.record(f, test, p, fitted.threshold)?;
            on_fold.fold_done();
            Ok(())
        },
    )?;
    let BinaryCv { p, threshold, metrics } =
        folds.summarize(repeats, spec.bootstrap, &mut rng, on_fold)?;
    let summary = CvSummary {
        threshold_rule: Some(spec.threshold),
        threshold: Some(threshold),
        fallbacks,
        ..CvSummary::new(spec, data.groups.is_some(), metrics)
    };
    Ok((summary, OutOfFold::new(data.y().to_vec(), p, first_fold)))
}

/// One CV test fold of a binary classifier: outcomes, predicted
/// probabilities and the threshold fitted on the fold's training rows.
struct TestFold {
    y: Vec<bool>,
    p: Vec<f64>,
    threshold: f64,
}

/// What [`BinaryFolds::summarize`] gives.
pub(crate) struct BinaryCv {
    /// Out-of-fold probability of each row, averaged over repeats.
    pub(crate) p: Vec<f64>,
    /// The mean of the folds' thresholds.
    pub(crate) threshold: f64,
    /// Each metric's summary over folds.
    pub(crate) metrics: BTreeMap<String, MetricSummary>,
}

/// The test folds of a binary classifier's cross-validation, as they come:
/// each fold's outcomes, probabilities and threshold, and every row's
/// probabilities summed over repeats.
pub(crate) struct BinaryFolds<'a> {
    labels: &'a [f64],
    unit: &'static str,
    p_sum: Vec<f64>,
    folds: Vec<TestFold>,
}

impl<'a> BinaryFolds<'a> {
    /// No folds yet, for 0/1 `labels` of what the folds hold (`unit`: rows, patients).
    pub(crate) fn new(labels: &'a [f64], unit: &'static str) -> Self {
        BinaryFolds { labels, unit, p_sum: vec![0.0; labels.len()], folds: Vec::new() }
    }

    /// Keeps fold `f` (0-based) of `test` rows with probabilities `p` and the
    /// threshold fitted on its training rows; a fold of one class is an error.
    pub(crate) fn record(
        &mut self,
        f: usize,
        test: &[usize],
        p: Vec<f64>,
        threshold: f64,
    ) -> Result<(), PipelineError> {
        let y: Vec<bool> = test.iter().map(|&i| self.labels[i] == 1.0).collect();
        if y.iter().all(|&b| b) || !y.iter().any(|&b| b) {
            let events = self.labels.iter().filter(|&&v| v == 1.0).count();
            let rarer_class = events.min(self.labels.len() - events);
            return Err(PipelineError::SingleClassFold {
                fold: f + 1,
                rarer_class,
                unit: self.unit,
            });
        }
        for (&i, &pi) in test.iter().zip(&p) {
            self.p_sum[i] += pi;
        }
        self.folds.push(TestFold { y, p, threshold });
        Ok(())
    }

    /// The out-of-fold probabilities (averaged over `repeats`), the mean
    /// threshold, and the metrics: each fold's at its own threshold, their
    /// means, SDs and fold-bootstrap intervals (from `rng`), and the pooled
    /// out-of-fold probabilities' at the mean threshold. `progress` hears the
    /// bootstrap's.
    pub(crate) fn summarize(
        self,
        repeats: usize,
        bootstrap: usize,
        rng: &mut SplitMix64,
        progress: &mut dyn CvProgress,
    ) -> Result<BinaryCv, PipelineError> {
        let p: Vec<f64> = self.p_sum.iter().map(|s| s / repeats as f64).collect();
        let y: Vec<bool> = self.labels.iter().map(|&v| v == 1.0).collect();
        let values =
            |m: BinaryMetrics| -> Vec<f64> { m.values().into_iter().map(|(_, v)| v).collect() };
        let folds = &self.folds;
        let per_fold = folds
            .iter()
            .map(|f| binary_metrics(&f.y, &f.p, f.threshold).map(values))
            .collect::<Result<Vec<_>, _>>()?;
        let threshold = folds.iter().map(|f| f.threshold).sum::<f64>() / folds.len() as f64;
        let pooled = values(binary_metrics(&y, &p, threshold)?);
        let sizes: Vec<usize> = folds.iter().map(|f| f.y.len()).collect();
        let resamplers = folds
            .iter()
            .map(|f| BinaryResampler::new(&f.y, &f.p, f.threshold))
            .collect::<Result<Vec<_>, _>>()?;
        let draws = bootstrap_folds(
            &sizes,
            BinaryMetrics::NAMES.len(),
            bootstrap,
            rng.fork(),
            progress,
            |f, idx, scratch: &mut ResampleScratch| {
                resamplers[f].metrics(idx, scratch).ok().map(values)
            },
        );
        let metrics = summarize(&BinaryMetrics::NAMES, &per_fold, &pooled, draws, bootstrap);
        Ok(BinaryCv { p, threshold, metrics })
    }
}

/// The one loop of repeated (grouped) stratified k-fold cross-validation:
/// each repeat draws its split from its own fork of `rng` (stratified by
/// `strata`, all rows of a group in one fold when `groups` is given), and
/// `visit(fold index, training rows, test rows)` runs on every fold. Returns
/// the first repeat's fold of each row.
pub(crate) fn repeated_folds(
    strata: &[f64],
    groups: Option<&[String]>,
    k: usize,
    repeats: usize,
    rng: &mut SplitMix64,
    mut visit: impl FnMut(usize, &[usize], &[usize]) -> Result<(), PipelineError>,
) -> Result<Vec<usize>, PipelineError> {
    let mut first_fold = Vec::new();
    for r in 0..repeats {
        let mut split_rng = rng.fork();
        let fold = match groups {
            Some(g) => grouped_stratified_kfold(strata, g, k, &mut split_rng)?,
            None => stratified_kfold(strata, k, &mut split_rng)?,
        };
        for f in 0..k {
            let (train, test) = fold_rows(&fold, f);
            visit(f, &train, &test)?;
        }
        if r == 0 {
            first_fold = fold;
        }
    }
    Ok(first_fold)
}

/// Mean, SD (ddof 1) over folds of each metric (undefined values skipped),
/// with its bootstrap interval from `draws` (the metric's replicates of the
/// mean over folds, out of `replicates`, by [`interval`]) and pooled value.
pub(crate) fn summarize(
    names: &[&str],
    per_fold: &[Vec<f64>],
    pooled: &[f64],
    mut draws: Vec<Vec<f64>>,
    replicates: usize,
) -> BTreeMap<String, MetricSummary> {
    let mut metrics = BTreeMap::new();
    for (m, name) in names.iter().enumerate() {
        let vals: Vec<f64> = per_fold.iter().map(|f| f[m]).filter(|v| v.is_finite()).collect();
        let mean = vals.iter().sum::<f64>() / vals.len().max(1) as f64;
        let sd = if vals.len() > 1 {
            (vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (vals.len() - 1) as f64).sqrt()
        } else {
            f64::NAN
        };
        let mean = if vals.is_empty() { f64::NAN } else { mean };
        metrics.insert(
            name.to_string(),
            MetricSummary {
                mean,
                sd,
                ci95: draws
                    .get_mut(m)
                    .and_then(|d| interval(name, mean, std::mem::take(d), replicates)),
                pooled: pooled.get(m).copied().unwrap_or(f64::NAN),
                folds_used: vals.len(),
            },
        );
    }
    metrics
}

/// The 95% interval of metric `name`'s `mean` from its bootstrap `draws`
/// (out of `replicates`): the percentile interval (linear interpolation),
/// bias-shifted for the metrics in [`BIAS_SHIFTED`]. Fewer than half the
/// replicates defined gives no interval.
pub(crate) fn interval(
    name: &str,
    mean: f64,
    mut draws: Vec<f64>,
    replicates: usize,
) -> Option<[f64; 2]> {
    if replicates == 0 || draws.len() < replicates / 2 {
        return None;
    }
    let (lo, hi) = if BIAS_SHIFTED.contains(&name) {
        bias_shifted_percentile_interval(&mut draws, mean, 0.025, 0.975)?
    } else {
        percentile_interval(&mut draws, 0.025, 0.975)?
    };
    Some([lo, hi])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ece_interval_is_shifted_to_contain_the_mean_and_the_others_are_not() {
        // Replicates 0.10..0.14 all above a mean of 0.07, as ECE's are.
        let draws: Vec<f64> = (0..=40).map(|i| 0.10 + 0.001 * f64::from(i)).collect();
        let [lo, hi] = interval("ece", 0.07, draws.clone(), 41).expect("interval");
        assert!(lo <= 0.07 && 0.07 <= hi, "{lo} {hi}");
        let [plo, phi] = interval("auroc", 0.07, draws.clone(), 41).expect("interval");
        assert!(plo > 0.07 && (phi - plo - (hi - lo)).abs() < 1e-12, "same width, unshifted");
        assert_eq!(interval("ece", 0.07, draws[..19].to_vec(), 41), None, "too few defined");
        assert_eq!(interval("ece", 0.07, Vec::new(), 0), None);
    }

    #[test]
    fn ci_method_names_the_ece_shift_only_where_ece_is_reported() {
        let binary = ci_method(1000, BinaryMetrics::NAMES.into_iter());
        assert!(
            binary
                .starts_with("percentile bootstrap of the mean over test folds (1000 replicates;")
        );
        assert!(binary.ends_with(ECE_CI_METHOD));
        let survival = ci_method(200, ["harrell_c", "uno_c"].into_iter());
        assert_eq!(survival, format!("{CI_METHOD} (200 replicates; {RESAMPLING})"));
        assert_eq!(ci_method(0, ["ece"].into_iter()), "none (0 bootstrap replicates)");
    }

    #[test]
    fn a_manifest_without_ci_method_reads_as_unshifted_intervals() {
        let json = r#"{"folds": 5, "repeats": 1, "grouped": false, "bootstrap_replicates": 100,
            "threshold_rule": null, "threshold": null, "eval_times": null, "metrics": {},
            "fallbacks": 0}"#;
        let cv: CvSummary = serde_json::from_str(json).expect("old manifest's cv");
        assert_eq!(cv.ci_method, format!("{CI_METHOD} ({RESAMPLING})"));
        assert_eq!(cv.ci_description(), format!("95% CI of the mean: {}", cv.ci_method));
        let none = CvSummary { bootstrap_replicates: 0, ..cv };
        assert_eq!(none.ci_description(), "95% CI of the mean: none (0 bootstrap replicates)");
    }
}
