//! [`binary_metrics`](crate::binary_metrics) of many bootstrap resamples of one
//! set of predictions, each in O(n) from one sort and per-row terms made once.

use crate::calibration::{logit, weighted_slope_fit};
use crate::counts::ThresholdCounts;
use crate::ece::ece_of_rows;
use crate::error::EvalError;
use crate::probability::{brier_term, log_loss_term};
use crate::ranking::{auroc_of_counts, average_precision_of_counts};
use crate::summary::{BinaryMetrics, ECE_BINS};
use crate::threshold::confusion_of_counts;
use crate::validate::{self, ClassCounts};

/// Outcomes `y` and probabilities `p` of one sample, prepared for the metric
/// panel of its bootstrap resamples ([`BinaryResampler::metrics`]).
///
/// A resample is a list of row indices drawn with replacement. Its panel is
/// the one [`binary_metrics`](crate::binary_metrics) computes on the rows it
/// lists, without materialising them or sorting again: the ranking metrics
/// (AUROC, average precision) walk the rows sorted once by score, each row
/// counted as often as it was drawn, and the sums over rows (Brier, log loss,
/// ECE) add per-row terms made once, in draw order. Both are the same
/// numbers as `binary_metrics` of the materialised resample, bit for bit.
/// The calibration intercept and slope are the same maximum likelihood fit
/// with each distinct row weighted by its multiplicity, which equals the
/// materialised fit up to the rounding of its sums (last digits).
#[derive(Debug, Clone)]
pub struct BinaryResampler<'a> {
    y: &'a [bool],
    p: &'a [f64],
    threshold: f64,
    /// Row indices in descending order of `p`.
    by_score: Vec<usize>,
    /// `logit(p)` of each row (infinite where `p` is 0 or 1).
    logit: Vec<f64>,
    brier: Vec<f64>,
    log_loss: Vec<f64>,
}

/// Working memory of [`BinaryResampler::metrics`], reused across resamples.
#[derive(Debug, Clone, Default)]
pub struct ResampleScratch {
    times: Vec<usize>,
    x: Vec<f64>,
    y: Vec<bool>,
    weights: Vec<f64>,
}

impl<'a> BinaryResampler<'a> {
    /// Prepares outcomes `y` and probabilities `p` for resampling at decision
    /// `threshold` (positive iff `p >= threshold`).
    ///
    /// # Errors
    /// Invalid input (lengths, empty, non-finite, `p` outside `[0, 1]`) or a NaN threshold.
    pub fn new(y: &'a [bool], p: &'a [f64], threshold: f64) -> Result<Self, EvalError> {
        validate::probabilities(y, p)?;
        if threshold.is_nan() {
            return Err(EvalError::InvalidThreshold { value: threshold, reason: "it is NaN" });
        }
        let mut by_score: Vec<usize> = (0..p.len()).collect();
        by_score.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
        let terms = |term: fn(bool, f64) -> f64| y.iter().zip(p).map(move |(&t, &pi)| term(t, pi));
        Ok(BinaryResampler {
            y,
            p,
            threshold,
            by_score,
            logit: p.iter().copied().map(logit).collect(),
            brier: terms(brier_term).collect(),
            log_loss: terms(log_loss_term).collect(),
        })
    }

    /// The panel of the resample that holds row `i` once for every time `i`
    /// appears in `rows` (indices into the sample's rows).
    ///
    /// # Errors
    /// As [`binary_metrics`](crate::binary_metrics) on the resample: no rows, or
    /// a class with no rows.
    pub fn metrics(
        &self,
        rows: &[usize],
        scratch: &mut ResampleScratch,
    ) -> Result<BinaryMetrics, EvalError> {
        if rows.is_empty() {
            return Err(EvalError::Empty { what: "p" });
        }
        let times = &mut scratch.times;
        times.clear();
        times.resize(self.y.len(), 0);
        let (mut positives, mut tp, mut fp) = (0, 0, 0);
        for &i in rows {
            times[i] += 1;
            let (t, above) = (self.y[i], self.p[i] >= self.threshold);
            positives += usize::from(t);
            tp += usize::from(t && above);
            fp += usize::from(!t && above);
        }
        let classes = ClassCounts { positives, negatives: rows.len() - positives }.require(
            "binary_metrics",
            1,
            1,
        )?;
        let ranked = ThresholdCounts::of_sorted(
            self.by_score.iter().map(|&i| (self.p[i], self.y[i], times[i])),
        );
        let n = classes.n() as f64;
        let sum = |terms: &[f64]| rows.iter().map(|&i| terms[i]).sum::<f64>();
        let at = confusion_of_counts(self.threshold, tp, fp, classes);
        let [calibration_intercept, calibration_slope] = self.calibration(scratch);
        Ok(BinaryMetrics {
            auroc: auroc_of_counts(&ranked, classes),
            average_precision: average_precision_of_counts(&ranked, classes),
            brier: sum(&self.brier) / n,
            log_loss: sum(&self.log_loss) / n,
            calibration_intercept,
            calibration_slope,
            ece: ece_of_rows(rows.iter().map(|&i| (self.y[i], self.p[i])), rows.len(), ECE_BINS)
                .value,
            accuracy: at.accuracy,
            sensitivity: at.sensitivity,
            specificity: at.specificity,
            ppv: at.ppv,
            npv: at.npv,
            threshold: self.threshold,
            n: classes.n(),
            events: classes.positives,
        })
    }

    /// Intercept and slope of the logistic recalibration of the resample whose
    /// multiplicities are in `scratch.times`: NaN where `binary_metrics` gives
    /// NaN (a resampled `p` of 0 or 1, or no maximum likelihood estimate).
    fn calibration(&self, scratch: &mut ResampleScratch) -> [f64; 2] {
        let ResampleScratch { times, x, y, weights } = scratch;
        x.clear();
        y.clear();
        weights.clear();
        for (i, &k) in times.iter().enumerate().filter(|(_, k)| **k > 0) {
            x.push(self.logit[i]);
            y.push(self.y[i]);
            weights.push(k as f64);
        }
        if x.iter().any(|v| !v.is_finite()) {
            return [f64::NAN; 2];
        }
        weighted_slope_fit(x, y, weights).unwrap_or([f64::NAN; 2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary_metrics;
    use osler_data::SplitMix64;

    fn resample_both_ways(y: &[bool], p: &[f64], threshold: f64, seed: u64) {
        let r = BinaryResampler::new(y, p, threshold).expect("valid");
        let mut scratch = ResampleScratch::default();
        let mut rng = SplitMix64::new(seed);
        for _ in 0..20 {
            let rows: Vec<usize> = (0..y.len()).map(|_| rng.below(y.len())).collect();
            let yb: Vec<bool> = rows.iter().map(|&i| y[i]).collect();
            let pb: Vec<f64> = rows.iter().map(|&i| p[i]).collect();
            let (fast, slow) =
                (r.metrics(&rows, &mut scratch), binary_metrics(&yb, &pb, threshold));
            let (Ok(fast), Ok(slow)) = (fast, slow) else {
                assert!(r.metrics(&rows, &mut scratch).is_err());
                continue;
            };
            for ((name, f), (_, s)) in fast.values().into_iter().zip(slow.values()) {
                if name.starts_with("calibration") {
                    assert!((f - s).abs() <= 1e-9 * (1.0 + s.abs()) || (f.is_nan() && s.is_nan()));
                } else {
                    assert!(f.to_bits() == s.to_bits() || (f.is_nan() && s.is_nan()), "{name}");
                }
            }
            assert_eq!((fast.n, fast.events), (slow.n, slow.events));
        }
    }

    #[test]
    fn resampled_panel_is_the_panel_of_the_materialised_resample() {
        let mut rng = SplitMix64::new(7);
        let n = 300;
        let p: Vec<f64> = (0..n).map(|_| (rng.next_f64() * 20.0).round() / 20.0).collect();
        let y: Vec<bool> = p.iter().map(|&pi| rng.next_f64() < pi).collect();
        // Tied scores, and p of exactly 0 and 1 (calibration undefined).
        resample_both_ways(&y, &p, 0.5, 1);
        let inner: Vec<f64> = p.iter().map(|v| v.clamp(0.01, 0.99)).collect();
        resample_both_ways(&y, &inner, 0.3, 2);
        resample_both_ways(&y[..6], &inner[..6], 0.5, 3);
    }

    #[test]
    fn one_class_resamples_and_bad_input_are_errors() {
        let (y, p) = ([true, false, true], [0.9, 0.1, 0.6]);
        let r = BinaryResampler::new(&y, &p, 0.5).expect("valid");
        let mut scratch = ResampleScratch::default();
        assert!(matches!(
            r.metrics(&[0, 2, 0], &mut scratch),
            Err(EvalError::ClassTooSmall { .. })
        ));
        assert!(r.metrics(&[], &mut scratch).is_err());
        assert!(BinaryResampler::new(&y, &p, f64::NAN).is_err());
        assert!(BinaryResampler::new(&y, &[0.9, 1.1, 0.6], 0.5).is_err());
    }
}
