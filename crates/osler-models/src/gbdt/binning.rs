//! Quantile binning of the training features into `u8` codes.
//!
//! Each feature gets up to `max_bins` value bins whose upper bounds
//! (`thresholds`) lie half-way between two distinct training values, plus
//! one extra code (`n_bins`) for missing values. Because a value `v` lands in
//! the first bin `k` with `v <= thresholds[k]`, the split "bin <= k" used while
//! growing a tree is exactly the split "v <= thresholds[k]" used to predict.

use osler_data::{Matrix, SplitMix64};

/// Rows sampled (without replacement) to place the bin edges of a feature.
pub(crate) const BIN_SAMPLE_ROWS: usize = 200_000;

/// The bins of one feature.
#[derive(Debug, Clone)]
pub(crate) struct FeatureBins {
    /// Upper bounds of value bins `0..n_bins - 1` (the last bin is unbounded).
    pub thresholds: Vec<f64>,
    /// Whether the training column held any NaN.
    pub has_missing: bool,
}

impl FeatureBins {
    /// Number of value bins (at least 1).
    #[inline]
    pub fn n_bins(&self) -> usize {
        self.thresholds.len() + 1
    }

    /// Code of missing values (one past the last value bin).
    #[inline]
    pub fn missing_bin(&self) -> usize {
        self.thresholds.len() + 1
    }

    /// Bin code of a value.
    #[inline]
    pub fn bin(&self, v: f64) -> u8 {
        if v.is_nan() {
            self.missing_bin() as u8
        } else {
            self.thresholds.partition_point(|&t| t < v) as u8
        }
    }

    /// The original-scale threshold of the split "bin <= k": `v <= threshold`.
    /// `k = n_bins - 1` (all values on one side, missing on the other) maps to `f64::MAX`.
    #[inline]
    pub fn threshold(&self, k: usize) -> f64 {
        self.thresholds.get(k).copied().unwrap_or(f64::MAX)
    }

    /// Whether any split on this feature is possible.
    pub fn splittable(&self) -> bool {
        self.n_bins() >= 2 || self.has_missing
    }
}

/// The training matrix as bin codes, column-major (`bins[j * rows + i]`).
#[derive(Debug, Clone)]
pub(crate) struct BinnedData {
    pub rows: usize,
    pub features: Vec<FeatureBins>,
    pub bins: Vec<u8>,
}

impl BinnedData {
    /// Bins every column of `x`, placing edges on a seeded row sample when `x` is large.
    pub fn new(x: &Matrix, max_bins: usize, rng: &mut SplitMix64) -> BinnedData {
        let n = x.rows();
        let features = feature_bins(x, max_bins, rng);
        let mut bins = vec![0u8; n * x.cols()];
        for (j, fb) in features.iter().enumerate() {
            let out = &mut bins[j * n..(j + 1) * n];
            for (o, &v) in out.iter_mut().zip(x.col(j)) {
                *o = fb.bin(v);
            }
        }
        BinnedData { rows: n, features, bins }
    }

    /// Bin codes of feature `j`.
    #[inline]
    pub fn col(&self, j: usize) -> &[u8] {
        &self.bins[j * self.rows..(j + 1) * self.rows]
    }
}

/// Quantile bins of every column of `x` (at most `max_bins` each), with edges
/// placed on a uniform sample of `BIN_SAMPLE_ROWS` rows drawn with `rng` when
/// `x` is larger; missing values (NaN) are left out of the edges and flagged.
pub(crate) fn feature_bins(x: &Matrix, max_bins: usize, rng: &mut SplitMix64) -> Vec<FeatureBins> {
    let n = x.rows();
    let sample: Option<Vec<usize>> = (n > BIN_SAMPLE_ROWS).then(|| {
        // Partial Fisher-Yates: the first BIN_SAMPLE_ROWS entries are a uniform sample.
        let mut idx: Vec<usize> = (0..n).collect();
        for i in 0..BIN_SAMPLE_ROWS {
            let j = i + rng.below(n - i);
            idx.swap(i, j);
        }
        idx.truncate(BIN_SAMPLE_ROWS);
        idx.sort_unstable();
        idx
    });
    let mut buf: Vec<f64> = Vec::with_capacity(n.min(BIN_SAMPLE_ROWS));
    (0..x.cols())
        .map(|j| {
            let col = x.col(j);
            buf.clear();
            match &sample {
                Some(idx) => buf.extend(idx.iter().map(|&i| col[i]).filter(|v| !v.is_nan())),
                None => buf.extend(col.iter().copied().filter(|v| !v.is_nan())),
            }
            buf.sort_unstable_by(f64::total_cmp);
            let has_missing = col.iter().any(|v| v.is_nan());
            FeatureBins { thresholds: find_thresholds(&buf, max_bins), has_missing }
        })
        .collect()
}

/// A value strictly between `a < b` (half-way when representable), never equal to `b`.
fn midpoint(a: f64, b: f64) -> f64 {
    let m = a / 2.0 + b / 2.0;
    if m >= a && m < b { m } else { a }
}

/// Greedy quantile bin edges over sorted non-missing values: one bin per
/// distinct value when there are at most `max_bins`, otherwise bins of about
/// equal count, never cutting between equal values.
pub(crate) fn find_thresholds(sorted: &[f64], max_bins: usize) -> Vec<f64> {
    let mut distinct: Vec<(f64, usize)> = Vec::new();
    for &v in sorted {
        match distinct.last_mut() {
            Some((d, c)) if *d == v => *c += 1,
            _ => distinct.push((v, 1)),
        }
    }
    if distinct.len() <= 1 {
        return Vec::new();
    }
    if distinct.len() <= max_bins {
        return distinct.windows(2).map(|w| midpoint(w[0].0, w[1].0)).collect();
    }
    let mut thresholds = Vec::with_capacity(max_bins - 1);
    let mut remaining = sorted.len() as f64;
    let mut bins_left = max_bins as f64;
    let mut acc = 0usize;
    for (i, w) in distinct.windows(2).enumerate() {
        acc += w[0].1;
        let target = remaining / bins_left;
        // Cut when the bin is full, or when the values left only just fill the bins left.
        let values_left = distinct.len() - i - 1;
        if acc as f64 >= target || values_left < max_bins - thresholds.len() {
            thresholds.push(midpoint(w[0].0, w[1].0));
            remaining -= acc as f64;
            bins_left -= 1.0;
            acc = 0;
            if thresholds.len() + 1 == max_bins {
                break;
            }
        }
    }
    thresholds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_distinct_values_get_their_own_bins() {
        let t = find_thresholds(&[1.0, 1.0, 2.0, 3.0, 3.0], 255);
        assert_eq!(t, vec![1.5, 2.5]);
        let fb = FeatureBins { thresholds: t, has_missing: true };
        assert_eq!(fb.bin(1.0), 0);
        assert_eq!(fb.bin(1.5), 0);
        assert_eq!(fb.bin(2.0), 1);
        assert_eq!(fb.bin(9.0), 2);
        assert_eq!(fb.bin(f64::NAN), 3);
    }

    #[test]
    fn many_values_are_cut_into_equal_count_bins() {
        let v: Vec<f64> = (0..10_000).map(f64::from).collect();
        let t = find_thresholds(&v, 10);
        assert_eq!(t.len(), 9);
        let fb = FeatureBins { thresholds: t, has_missing: false };
        let mut counts = [0usize; 10];
        for &x in &v {
            counts[fb.bin(x) as usize] += 1;
        }
        assert!(counts.iter().all(|&c| (900..=1100).contains(&c)), "{counts:?}");
    }

    #[test]
    fn bins_agree_with_thresholds() {
        let mut r = SplitMix64::new(3);
        let v: Vec<f64> = (0..5000).map(|_| (r.next_f64() * 50.0).floor()).collect();
        let mut s = v.clone();
        s.sort_unstable_by(f64::total_cmp);
        let fb = FeatureBins { thresholds: find_thresholds(&s, 16), has_missing: false };
        for &x in &v {
            let b = fb.bin(x) as usize;
            for k in 0..fb.n_bins() {
                assert_eq!(b <= k, x <= fb.threshold(k));
            }
        }
    }

    #[test]
    fn adjacent_floats_get_a_separating_threshold() {
        let a = 1.0f64;
        let b = f64::from_bits(a.to_bits() + 1);
        let m = midpoint(a, b);
        assert!(a <= m && m < b);
        assert!(midpoint(-f64::MAX, f64::MAX).is_finite());
    }
}
