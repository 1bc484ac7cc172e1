//! 95% confidence intervals of an artifact's metrics on labelled data (what
//! `osler evaluate` prints beside each metric): a binary classifier's AUROC's
//! by DeLong, every other metric's (a survival model's concordances and
//! integrated Brier score too) by a percentile bootstrap of the evaluated rows.

use std::collections::BTreeMap;

use osler_data::SplitMix64;
use osler_eval::{BinaryMetrics, auroc_ci_delong, binary_metrics};
use serde::Serialize;

use crate::apply::SurvivalScores;
use crate::cv_bootstrap::bootstrap_folds;

/// How many bootstrap replicates, from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntervalSpec {
    /// Bootstrap replicates (0 = no bootstrap intervals; the DeLong interval
    /// of the AUROC needs none).
    pub replicates: usize,
    /// Seed of the resampling: one `SplitMix64::new(seed)` stream, replicate
    /// `r` taking the `r`-th run of draws, as the cross-validated intervals do.
    pub seed: u64,
}

impl Default for IntervalSpec {
    /// 1000 replicates from seed 1, the CLI's defaults.
    fn default() -> Self {
        IntervalSpec { replicates: 1000, seed: 1 }
    }
}

/// The 95% intervals of a metric panel and how they were computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricIntervals {
    /// `[lower, upper]` by metric name; a metric without an interval (no
    /// replicates, or undefined in more than half of them) is absent.
    pub ci95: BTreeMap<String, [f64; 2]>,
    /// How each interval was computed, in words.
    pub ci_method: String,
}

/// The 95% intervals of [`binary_metrics`]`(y, p, threshold)`: the AUROC's
/// by DeLong's variance with a normal approximation (pROC's `ci.auc`; none
/// with fewer than 2 rows of a class), every other metric's from
/// `spec.replicates` bootstrap resamples of the `n` rows (each `n` indices
/// drawn with replacement by [`resample`]; replicates with one class only
/// skipped) as the 2.5% and 97.5% percentiles of the replicates
/// (`percentile_interval`), ECE's shifted by the bootstrap bias
/// (`bias_shifted_percentile_interval`). A metric defined in fewer than
/// half the replicates gets no interval.
///
/// Replicates run on the available cores; each draws from its own fork of
/// the seed, so the result depends only on the arguments.
pub fn binary_intervals(
    y: &[bool],
    p: &[f64],
    estimates: &BinaryMetrics,
    spec: IntervalSpec,
) -> MetricIntervals {
    let mut ci95 = BTreeMap::new();
    if let Ok(ci) = auroc_ci_delong(y, p, 0.95) {
        ci95.insert("auroc".to_string(), [ci.lower, ci.upper]);
    }
    let threshold = estimates.threshold;
    let metrics = |idx: &[usize]| {
        let ys: Vec<bool> = idx.iter().map(|&i| y[i]).collect();
        let ps: Vec<f64> = idx.iter().map(|&i| p[i]).collect();
        binary_metrics(&ys, &ps, threshold).ok().map(|m| m.values())
    };
    let others: Vec<(&str, f64)> =
        estimates.values().into_iter().filter(|(n, _)| *n != "auroc").collect();
    ci95.extend(bootstrap_intervals(y.len(), &others, spec, metrics));
    MetricIntervals { ci95, ci_method: binary_ci_method(y.len(), spec) }
}

/// The 95% intervals of a survival artifact's `harrell_c`, `uno_c` and
/// `integrated_brier` on its labelled rows: percentile bootstrap intervals of
/// `spec.replicates` resamples of the rows, as the bootstrap intervals of
/// [`binary_intervals`] (a replicate without an event, or where a metric is
/// undefined, does not count for it).
pub(crate) fn survival_intervals(scores: &SurvivalScores, spec: IntervalSpec) -> MetricIntervals {
    let rows = scores.time.len();
    let estimates = scores.evaluation().metrics;
    let ci95 = bootstrap_intervals(rows, &estimates, spec, |idx| Some(scores.metrics_of(idx)));
    let ci_method = match spec.replicates {
        0 => "none (0 bootstrap replicates)".to_string(),
        r => format!(
            "percentile bootstrap of the {rows} evaluated rows ({})",
            replicates_words(r, spec.seed)
        ),
    };
    MetricIntervals { ci95, ci_method }
}

/// `"R replicates, seed S; rows resampled with replacement, metrics recomputed"`.
pub(super) fn replicates_words(replicates: usize, seed: u64) -> String {
    format!(
        "{replicates} replicates, seed {seed}; rows resampled with replacement, metrics recomputed"
    )
}

/// Percentile bootstrap intervals of the metrics `estimates` (name, value on
/// every row) from `spec.replicates` resamples of the `rows` rows, each
/// scored by `metrics` (`None`: the replicate counts for no metric). A metric
/// finite in fewer than half the replicates gets no interval; the rule of
/// the cross-validated intervals picks each metric's interval (ECE's is
/// shifted by the bootstrap bias about its estimate).
pub(super) fn bootstrap_intervals<'a>(
    rows: usize,
    estimates: &[(&'a str, f64)],
    spec: IntervalSpec,
    metrics: impl Fn(&[usize]) -> Option<Vec<(&'a str, f64)>> + Sync,
) -> BTreeMap<String, [f64; 2]> {
    // The evaluated rows are one "fold" of the cross-validation bootstrap:
    // the same seeded stream, parallel replicates and interval rule.
    let by_position = |_fold: usize, idx: &[usize], _: &mut ()| {
        let values = metrics(idx)?;
        let value = |name: &str| values.iter().find(|(n, _)| *n == name).map_or(f64::NAN, |v| v.1);
        Some(estimates.iter().map(|(name, _)| value(name)).collect())
    };
    let draws = bootstrap_folds(
        &[rows],
        estimates.len(),
        spec.replicates,
        SplitMix64::new(spec.seed),
        &mut || {},
        by_position,
    );
    estimates
        .iter()
        .zip(draws)
        .filter_map(|(&(name, estimate), d)| {
            let ci = crate::cv::interval(name, estimate, d, spec.replicates)?;
            Some((name.to_string(), ci))
        })
        .collect()
}

/// The words of [`binary_intervals`]' method.
fn binary_ci_method(rows: usize, spec: IntervalSpec) -> String {
    let others = match spec.replicates {
        0 => "none for the other metrics (0 bootstrap replicates)".to_string(),
        r => format!(
            "the other metrics: percentile bootstrap of the {rows} evaluated rows ({}); the ECE \
             interval is shifted by the bootstrap bias (median replicate minus the estimate), as \
             resampling inflates the upward bias of binned ECE",
            replicates_words(r, spec.seed)
        ),
    };
    format!("AUROC: DeLong variance, normal approximation; {others}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> (Vec<bool>, Vec<f64>) {
        let mut rng = SplitMix64::new(7);
        let y: Vec<bool> = (0..300).map(|i| i % 3 == 0).collect();
        let p = y
            .iter()
            .map(|&e| (0.6 * rng.next_f64() + if e { 0.3 } else { 0.1 }).clamp(0.0, 1.0))
            .collect();
        (y, p)
    }

    #[test]
    fn every_interval_contains_its_estimate_and_auroc_is_delong() {
        let (y, p) = data();
        let m = binary_metrics(&y, &p, 0.5).expect("metrics");
        let iv = binary_intervals(&y, &p, &m, IntervalSpec { replicates: 400, seed: 3 });
        let delong = auroc_ci_delong(&y, &p, 0.95).expect("delong");
        assert_eq!(iv.ci95["auroc"], [delong.lower, delong.upper]);
        for (name, v) in m.values() {
            let [lo, hi] = iv.ci95[name];
            assert!(lo <= v && v <= hi && lo < hi, "{name}: {v} not in [{lo}, {hi}]");
        }
        assert!(iv.ci_method.contains("400 replicates, seed 3"), "{}", iv.ci_method);
    }

    #[test]
    fn seeded_and_independent_of_the_cores() {
        let (y, p) = data();
        let m = binary_metrics(&y, &p, 0.5).expect("metrics");
        let spec = IntervalSpec { replicates: 50, seed: 9 };
        assert_eq!(binary_intervals(&y, &p, &m, spec), binary_intervals(&y, &p, &m, spec));
        let other = binary_intervals(&y, &p, &m, IntervalSpec { seed: 10, ..spec });
        assert_ne!(other.ci95["brier"], binary_intervals(&y, &p, &m, spec).ci95["brier"]);
    }

    #[test]
    fn no_replicates_leaves_only_the_delong_interval() {
        let (y, p) = data();
        let m = binary_metrics(&y, &p, 0.5).expect("metrics");
        let iv = binary_intervals(&y, &p, &m, IntervalSpec { replicates: 0, seed: 1 });
        assert_eq!(iv.ci95.keys().collect::<Vec<_>>(), ["auroc"]);
        assert!(iv.ci_method.contains("0 bootstrap replicates"), "{}", iv.ci_method);
    }
}
