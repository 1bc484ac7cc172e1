//! The standard metric panel of a binary risk model, in one struct.

use serde::Serialize;

use crate::calibration::calibration;
use crate::ece::ece;
use crate::error::EvalError;
use crate::probability::{brier, log_loss};
use crate::ranking::{auroc, average_precision};
use crate::threshold::confusion_at;
use crate::validate;

/// Number of equal-width bins of the ECE in [`binary_metrics`].
pub const ECE_BINS: usize = 10;

/// All headline metrics of predicted probabilities `p` against outcomes `y`.
///
/// Serialised field names equal the names of [`BinaryMetrics::values`]; NaN
/// values (undefined metrics) serialise as `null` with `serde_json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BinaryMetrics {
    /// [`auroc`](crate::auroc).
    pub auroc: f64,
    /// [`average_precision`](crate::average_precision).
    pub average_precision: f64,
    /// [`brier`](crate::brier).
    pub brier: f64,
    /// [`log_loss`](crate::log_loss) (clipped like scikit-learn).
    pub log_loss: f64,
    /// Intercept `a` of `y ~ a + b*logit(p)`; NaN if that model cannot be fitted.
    pub calibration_intercept: f64,
    /// Slope `b` of `y ~ a + b*logit(p)`; NaN if that model cannot be fitted.
    pub calibration_slope: f64,
    /// [`ece`](crate::ece) with [`ECE_BINS`] bins.
    pub ece: f64,
    /// `(TP + TN) / n` at `threshold`.
    pub accuracy: f64,
    /// `TP / (TP + FN)` at `threshold`.
    pub sensitivity: f64,
    /// `TN / (TN + FP)` at `threshold`.
    pub specificity: f64,
    /// `TP / (TP + FP)` at `threshold`; NaN if nothing is predicted positive.
    pub ppv: f64,
    /// `TN / (TN + FN)` at `threshold`; NaN if nothing is predicted negative.
    pub npv: f64,
    /// Decision threshold: positive iff `p >= threshold`.
    pub threshold: f64,
    /// Number of rows.
    pub n: usize,
    /// Number of positive rows (events).
    pub events: usize,
}

impl BinaryMetrics {
    /// The metric names, in the order of [`BinaryMetrics::values`].
    pub const NAMES: [&'static str; 12] = [
        "auroc",
        "average_precision",
        "brier",
        "log_loss",
        "calibration_intercept",
        "calibration_slope",
        "ece",
        "accuracy",
        "sensitivity",
        "specificity",
        "ppv",
        "npv",
    ];

    /// The metric names (snake_case, equal to the serialised field names).
    pub fn names() -> &'static [&'static str] {
        &Self::NAMES
    }

    /// `(name, value)` of every metric (not `threshold`, `n`, `events`), in the
    /// order of [`BinaryMetrics::NAMES`], for generic per-metric summaries.
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        let v = [
            self.auroc,
            self.average_precision,
            self.brier,
            self.log_loss,
            self.calibration_intercept,
            self.calibration_slope,
            self.ece,
            self.accuracy,
            self.sensitivity,
            self.specificity,
            self.ppv,
            self.npv,
        ];
        Self::NAMES.into_iter().zip(v).collect()
    }
}

/// Computes [`BinaryMetrics`] for probabilities `p` at decision `threshold`.
///
/// Calibration intercept and slope are NaN (not an error) when logistic
/// recalibration is impossible: some `p` exactly 0 or 1, all `p` equal, or
/// separation. The ratios at the threshold are NaN when their denominators are 0.
///
/// # Errors
/// Invalid input (lengths, empty, non-finite, `p` outside `[0, 1]`), a class
/// with no rows (AUROC undefined), or a NaN threshold.
pub fn binary_metrics(y: &[bool], p: &[f64], threshold: f64) -> Result<BinaryMetrics, EvalError> {
    let classes = validate::probabilities(y, p)?.require("binary_metrics", 1, 1)?;
    let at = confusion_at(y, p, threshold)?;
    let (calibration_intercept, calibration_slope) = match calibration(y, p) {
        Ok(c) => (c.intercept, c.slope),
        Err(EvalError::LogitUndefined { .. } | EvalError::CalibrationFailed { .. }) => {
            (f64::NAN, f64::NAN)
        }
        Err(e) => return Err(e),
    };
    Ok(BinaryMetrics {
        auroc: auroc(y, p)?,
        average_precision: average_precision(y, p)?,
        brier: brier(y, p)?,
        log_loss: log_loss(y, p)?,
        calibration_intercept,
        calibration_slope,
        ece: ece(y, p, ECE_BINS)?.value,
        accuracy: at.accuracy,
        sensitivity: at.sensitivity,
        specificity: at.specificity,
        ppv: at.ppv,
        npv: at.npv,
        threshold,
        n: classes.n(),
        events: classes.positives,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y: [bool; 6] = [true, false, true, false, true, false];
    const P: [f64; 6] = [0.9, 0.2, 0.6, 0.7, 0.4, 0.1];

    #[test]
    fn panel_agrees_with_the_single_metrics() {
        let m = binary_metrics(&Y, &P, 0.5).expect("valid");
        assert_eq!(m.auroc, auroc(&Y, &P).expect("auroc"));
        assert_eq!(m.brier, brier(&Y, &P).expect("brier"));
        let c = calibration(&Y, &P).expect("calibration");
        assert_eq!((m.calibration_intercept, m.calibration_slope), (c.intercept, c.slope));
        assert_eq!(m.sensitivity, 2.0 / 3.0);
        assert_eq!((m.n, m.events, m.threshold), (6, 3, 0.5));
    }

    #[test]
    fn names_values_and_serialised_keys_agree() {
        let m = binary_metrics(&Y, &P, 0.5).expect("valid");
        let names: Vec<&str> = m.values().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, BinaryMetrics::names());
        let json = serde_json::to_value(m).expect("serialise");
        for (name, value) in m.values() {
            assert_eq!(json[name].as_f64(), Some(value), "{name}");
        }
        assert_eq!(json.as_object().map(|o| o.len()), Some(15));
    }

    #[test]
    fn calibration_failure_is_nan_not_error() {
        let p = [1.0, 0.2, 0.6, 0.7, 0.4, 0.0];
        let m = binary_metrics(&Y, &p, 0.5).expect("valid");
        assert!(m.calibration_intercept.is_nan() && m.calibration_slope.is_nan());
        assert!(m.log_loss.is_finite());
    }

    #[test]
    fn errors_propagate() {
        assert!(matches!(
            binary_metrics(&[true, true], &[0.2, 0.4], 0.5),
            Err(EvalError::ClassTooSmall { .. })
        ));
        assert!(binary_metrics(&Y, &P, f64::NAN).is_err());
        assert!(binary_metrics(&Y, &P[..5], 0.5).is_err());
        assert!(binary_metrics(&[true, false], &[0.2, 2.0], 0.5).is_err());
    }
}
