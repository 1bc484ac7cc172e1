//! Expected calibration error over equal-width probability bins.

use serde::Serialize;

use crate::error::EvalError;
use crate::validate;

/// One equal-width bin of [`ece`]: rows with `lower <= p < upper` (last bin closed).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EceBin {
    /// Bin index `k` in `0..n_bins`.
    pub bin: usize,
    /// `k / n_bins`.
    pub lower: f64,
    /// `(k + 1) / n_bins`.
    pub upper: f64,
    /// Number of rows in the bin.
    pub n: usize,
    /// Mean predicted probability in the bin; `None` when the bin is empty.
    pub mean_score: Option<f64>,
    /// Observed fraction of positives in the bin; `None` when the bin is empty.
    pub frac_pos: Option<f64>,
}

/// Result of [`ece`]: the ECE and every bin (empty ones included).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ece {
    /// `sum_b (n_b / N) |frac_pos_b - mean_score_b|` over non-empty bins.
    pub value: f64,
    /// All `n_bins` bins in order.
    pub bins: Vec<EceBin>,
}

/// Expected calibration error with `n_bins` equal-width bins on `[0, 1]`.
///
/// Row `i` goes to bin `min(floor(n_bins * p_i), n_bins - 1)`, so bins are
/// left-closed `[k/n, (k+1)/n)` and the last one is closed. Then
/// `ECE = sum_b (n_b / N) |mean(y in b) - mean(p in b)|`, empty bins skipped.
/// (scikit-learn's `calibration_curve` closes bins on the right instead; the two
/// differ only when some `p` lies exactly on an inner edge `k / n_bins`.)
///
/// # Errors
/// Invalid input, some `p_i` outside `[0, 1]`, or `n_bins == 0`.
pub fn ece(y: &[bool], p: &[f64], n_bins: usize) -> Result<Ece, EvalError> {
    let classes = validate::probabilities(y, p)?;
    if n_bins == 0 {
        return Err(EvalError::ZeroBins);
    }
    Ok(ece_of_rows(y.iter().copied().zip(p.iter().copied()), classes.n(), n_bins))
}

/// [`ece`] of `total` validated rows `(y, p)` with `n_bins > 0` bins, the
/// rows taken in the order given (the order of each bin's score sum).
pub(crate) fn ece_of_rows(
    rows: impl Iterator<Item = (bool, f64)>,
    total: usize,
    n_bins: usize,
) -> Ece {
    let mut n = vec![0usize; n_bins];
    let mut score_sum = vec![0.0f64; n_bins];
    let mut pos = vec![0usize; n_bins];
    for (t, pi) in rows {
        // pi in [0, 1], so the product is in [0, n_bins] and the cast is exact.
        let k = ((n_bins as f64 * pi).floor() as usize).min(n_bins - 1);
        n[k] += 1;
        score_sum[k] += pi;
        pos[k] += usize::from(t);
    }
    let total = total as f64;
    let mut value = 0.0;
    let bins = (0..n_bins)
        .map(|k| {
            let (mean_score, frac_pos) = if n[k] == 0 {
                (None, None)
            } else {
                let nk = n[k] as f64;
                let (m, f) = (score_sum[k] / nk, pos[k] as f64 / nk);
                value += nk / total * (f - m).abs();
                (Some(m), Some(f))
            };
            EceBin {
                bin: k,
                lower: k as f64 / n_bins as f64,
                upper: (k + 1) as f64 / n_bins as f64,
                n: n[k],
                mean_score,
                frac_pos,
            }
        })
        .collect();
    Ece { value, bins }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_left_closed_and_last_bin_closed() {
        let e = ece(&[true, false, true], &[0.5, 0.0, 1.0], 2).expect("valid");
        assert_eq!(e.bins[0].n, 1);
        assert_eq!(e.bins[1].n, 2);
        assert_eq!(e.bins[1].mean_score, Some(0.75));
        assert_eq!(e.bins[1].frac_pos, Some(1.0));
        // (1/3)|0 - 0| + (2/3)|1 - 0.75|
        assert!((e.value - 2.0 / 3.0 * 0.25).abs() < 1e-16);
    }

    #[test]
    fn empty_bins_are_reported_and_skipped() {
        let e = ece(&[true, false], &[0.95, 0.05], 10).expect("valid");
        assert_eq!(e.bins.len(), 10);
        assert_eq!(e.bins[5].n, 0);
        assert_eq!(e.bins[5].mean_score, None);
        assert_eq!(e.bins[5].lower, 0.5);
        assert!((e.value - 0.05).abs() < 1e-16);
    }

    #[test]
    fn errors() {
        assert_eq!(ece(&[true], &[0.5], 0), Err(EvalError::ZeroBins));
        assert!(ece(&[true], &[1.5], 10).is_err());
        assert!(ece(&[true], &[0.5, 0.2], 10).is_err());
    }
}
