//! Nonparametric percentile bootstrap over row indices: the one resampling
//! draw ([`resample`]) and percentile interval ([`percentile_interval`], or
//! [`bias_shifted_percentile_interval`] for a statistic the resampling
//! biases) behind every bootstrap in the workspace.

use osler_data::SplitMix64;

/// Percentile bootstrap confidence interval of a statistic of the rows.
///
/// Replicate `r` (for `r` in `0..replicates`) draws `n_rows` indices uniformly
/// with replacement from `0..n_rows` (`rng.below(n_rows)`), where `rng` is the
/// `r`-th `fork()` of `SplitMix64::new(seed)`, and calls `stat` on them.
/// Replicates where `stat` returns `None` (e.g. only one class in the resample)
/// or a NaN are skipped. The interval is the `(1 - level)/2` and
/// `1 - (1 - level)/2` quantiles of the remaining values, by linear interpolation
/// between order statistics (numpy's default `quantile(method="linear")`, see
/// [`quantile_linear`]).
///
/// Returns `None` when `n_rows == 0`, `replicates == 0`, `level` is not strictly
/// inside `(0, 1)`, or no replicate produced a value. The result depends only on
/// the arguments, so a seed makes it reproducible.
pub fn bootstrap_ci(
    n_rows: usize,
    replicates: usize,
    seed: u64,
    level: f64,
    mut stat: impl FnMut(&[usize]) -> Option<f64>,
) -> Option<(f64, f64)> {
    if n_rows == 0 || replicates == 0 || !(level > 0.0 && level < 1.0) {
        return None;
    }
    let mut root = SplitMix64::new(seed);
    let mut indices = Vec::with_capacity(n_rows);
    let mut values = Vec::with_capacity(replicates);
    for _ in 0..replicates {
        let mut rng = root.fork();
        indices.clear();
        indices.extend(resample(&mut rng, n_rows));
        if let Some(v) = stat(&indices).filter(|v| !v.is_nan()) {
            values.push(v);
        }
    }
    let alpha = (1.0 - level) / 2.0;
    percentile_interval(&mut values, alpha, 1.0 - alpha)
}

/// One bootstrap resample of the rows `0..n`: `n` indices drawn uniformly
/// with replacement, each `rng.below(n)`, in draw order (callers that need
/// multiplicities count them).
pub fn resample(rng: &mut SplitMix64, n: usize) -> impl Iterator<Item = usize> + '_ {
    (0..n).map(move |_| rng.below(n))
}

/// Percentile interval of bootstrap `values`: sorts them and returns their
/// `lower` and `upper` quantiles by [`quantile_linear`]. `None` when `values`
/// is empty or a level is outside `[0, 1]`.
pub fn percentile_interval(values: &mut [f64], lower: f64, upper: f64) -> Option<(f64, f64)> {
    values.sort_by(f64::total_cmp);
    Some((quantile_linear(values, lower)?, quantile_linear(values, upper)?))
}

/// Percentile interval of bootstrap `values` moved by their bias about
/// `estimate`: the [`percentile_interval`] at `lower` and `upper` minus
/// `median(values) - estimate`, i.e. `[estimate - (m - q_lower), estimate +
/// (q_upper - m)]` with `m` the median (quantile 0.5 by [`quantile_linear`]).
///
/// Meant for a statistic whose bootstrap distribution sits to one side of the
/// estimate because resampling adds bias of its own, such as a binned
/// calibration error (each resample duplicates rows, so every bin's
/// |observed - predicted| gap is noisier and, being an absolute value, larger):
/// the plain percentile interval then excludes the estimate, the basic
/// (reverse-percentile) interval is its mirror image about the estimate and
/// excludes it too, and BCa's bias correction `z0 = Phi^-1(share of replicates
/// below the estimate)` is unbounded when no replicate falls below. Removing
/// the bootstrap bias keeps the spread and skew of the replicates and centres
/// them on the estimate, so the interval is one of the statistic's sampling
/// variation about its expectation at this sample size. It contains `estimate`
/// whenever `lower <= 0.5 <= upper`, for any `values`; for an unbiased
/// statistic (`m` = `estimate`) it is the percentile interval.
///
/// `None` when `values` is empty, `estimate` is not finite, or the levels are
/// not ordered as `0 <= lower <= 0.5 <= upper <= 1`.
pub fn bias_shifted_percentile_interval(
    values: &mut [f64],
    estimate: f64,
    lower: f64,
    upper: f64,
) -> Option<(f64, f64)> {
    let ordered = (0.0..=0.5).contains(&lower) && (0.5..=1.0).contains(&upper);
    if !(estimate.is_finite() && ordered) {
        return None;
    }
    let (lo, hi) = percentile_interval(values, lower, upper)?;
    // `values` is sorted now.
    let median = quantile_linear(values, 0.5)?;
    // Distances from the median, floored at 0 so that rounding cannot move a
    // bound across the estimate.
    Some((estimate - (median - lo).max(0.0), estimate + (hi - median).max(0.0)))
}

/// Quantile `q` in `[0, 1]` of ascending `sorted` data, as numpy's default
/// `np.quantile(x, q)` (Hyndman & Fan type 7): with virtual index
/// `h = (n - 1) q`, `i = floor(h)` and `g = h - i`, the result is
/// `x[i] + g (x[i+1] - x[i])` (computed as `x[i+1] - (1 - g)(x[i+1] - x[i])`
/// when `g >= 0.5`, as numpy does). `None` for empty data or `q` outside `[0, 1]`.
pub fn quantile_linear(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let n = sorted.len();
    // numpy: n*q + (alpha + q*(1 - alpha - beta)) - 1 with alpha = beta = 1.
    let h = (n as f64 * q + (1.0 - q)) - 1.0;
    let i = (h.floor().max(0.0) as usize).min(n - 1);
    let g = h - i as f64;
    let (a, b) = (sorted[i], sorted[(i + 1).min(n - 1)]);
    let diff = b - a;
    Some(if g >= 0.5 { b - diff * (1.0 - g) } else { a + diff * g })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy() {
        let x = [1.0, 2.0, 4.0, 8.0];
        // np.quantile([1,2,4,8], [0, .25, .5, .9, 1]) = [1, 1.75, 3, 6.8, 8]
        let got: Vec<f64> = [0.0, 0.25, 0.5, 0.9, 1.0]
            .iter()
            .map(|&q| quantile_linear(&x, q).expect("valid q"))
            .collect();
        let want = [1.0, 1.75, 3.0, 6.8, 8.0];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{got:?}");
        }
        assert_eq!(quantile_linear(&[5.0], 0.3), Some(5.0));
        assert_eq!(quantile_linear(&[], 0.3), None);
        assert_eq!(quantile_linear(&x, 1.1), None);
    }

    #[test]
    fn mean_ci_brackets_the_mean() {
        let data: Vec<f64> = (0..200).map(|i| f64::from(i % 17)).collect();
        let mean =
            |idx: &[usize]| Some(idx.iter().map(|&i| data[i]).sum::<f64>() / idx.len() as f64);
        let (lo, hi) = bootstrap_ci(data.len(), 500, 42, 0.95, mean).expect("ci");
        let full = data.iter().sum::<f64>() / data.len() as f64;
        assert!(lo < full && full < hi, "{lo} {full} {hi}");
    }

    #[test]
    fn bias_shifted_interval_recentres_one_sided_replicates() {
        // Every replicate above the estimate, as a binned ECE's are.
        let mut values: Vec<f64> = (0..=100).map(|i| 0.08 + 0.0004 * f64::from(i)).collect();
        let (plo, phi) = percentile_interval(&mut values.clone(), 0.025, 0.975).expect("ci");
        assert!(plo > 0.07, "the percentile interval misses 0.07: {plo} {phi}");
        let (lo, hi) =
            bias_shifted_percentile_interval(&mut values, 0.07, 0.025, 0.975).expect("ci");
        // Median 0.1: the percentile bounds moved down by 0.03.
        assert!((lo - (plo - 0.03)).abs() < 1e-15 && (hi - (phi - 0.03)).abs() < 1e-15);
        assert!(lo < 0.07 && 0.07 < hi);
        // Centred replicates: the percentile interval itself.
        let (clo, chi) =
            bias_shifted_percentile_interval(&mut values, 0.1, 0.025, 0.975).expect("ci");
        assert!((clo - plo).abs() < 1e-15 && (chi - phi).abs() < 1e-15);
        assert_eq!(bias_shifted_percentile_interval(&mut [], 0.1, 0.025, 0.975), None);
        assert_eq!(bias_shifted_percentile_interval(&mut values, f64::NAN, 0.025, 0.975), None);
        assert_eq!(bias_shifted_percentile_interval(&mut values, 0.1, 0.6, 0.975), None);
    }

    #[test]
    fn skipped_replicates_and_degenerate_arguments() {
        assert_eq!(bootstrap_ci(10, 100, 1, 0.95, |_| None), None);
        assert_eq!(bootstrap_ci(10, 100, 1, 0.95, |_| Some(f64::NAN)), None);
        assert_eq!(bootstrap_ci(0, 100, 1, 0.95, |_| Some(1.0)), None);
        assert_eq!(bootstrap_ci(10, 0, 1, 0.95, |_| Some(1.0)), None);
        assert_eq!(bootstrap_ci(10, 100, 1, 1.0, |_| Some(1.0)), None);
        assert_eq!(bootstrap_ci(10, 100, 1, 0.9, |_| Some(1.0)), Some((1.0, 1.0)));
        // Every second replicate skipped: still an interval from the rest.
        let mut calls = 0;
        let ci = bootstrap_ci(10, 100, 1, 0.9, |idx| {
            calls += 1;
            (calls % 2 == 0).then(|| idx[0] as f64)
        });
        assert!(ci.is_some());
        assert_eq!(calls, 100);
    }
}
