//! The standard metric panel of a binary risk model, in one struct.

use std::collections::BTreeMap;

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

/// Why a metric of a [`BinaryPanel`] has no value; serialises as its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Undefined {
    /// The labels hold one class: scikit-learn's `roc_auc_score` raises
    /// ("Only one class present in y_true"), and a logistic recalibration
    /// has no maximum-likelihood fit.
    #[error("only one class in the labels")]
    OneClass,
    /// `TP + FN = 0`: scikit-learn calls recall ill-defined (its
    /// `zero_division = np.nan`).
    #[error("no positive labels, so TP + FN = 0")]
    NoPositives,
    /// `TN + FP = 0`: specificity (recall of the negatives) is ill-defined.
    #[error("no negative labels, so TN + FP = 0")]
    NoNegatives,
    /// `TP + FP = 0`: scikit-learn calls precision ill-defined (its
    /// `zero_division = np.nan`).
    #[error("nothing is predicted positive at the threshold, so TP + FP = 0")]
    NoPredictedPositives,
    /// `TN + FN = 0`: the negative predictive value is ill-defined.
    #[error("nothing is predicted negative at the threshold, so TN + FN = 0")]
    NoPredictedNegatives,
    /// A probability of exactly 0 or 1: `logit(p)` is infinite.
    #[error("a predicted probability of exactly 0 or 1 has an infinite logit")]
    ProbabilityZeroOrOne,
    /// The logistic recalibration `y ~ a + b logit(p)` has no
    /// maximum-likelihood fit (separation, or all `p` equal).
    #[error("the logistic recalibration y ~ a + b logit(p) has no maximum-likelihood fit")]
    NoCalibrationFit,
    /// DeLong's variance divides by `n1 - 1` and `n0 - 1` (pROC gives `NA`).
    #[error("DeLong's variance needs at least 2 positive and 2 negative labels")]
    TooFewForDelong,
}

impl Serialize for Undefined {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// [`BinaryMetrics`] of any labels, one class included, with the reason of
/// every metric that is undefined (NaN in `metrics`, `null` in JSON).
///
/// What is defined follows scikit-learn: Brier score, log loss (its
/// `labels = [0, 1]`), ECE and accuracy always; average precision is 0 with
/// no positive label (scikit-learn's `average_precision_score`, which sets
/// recall to one) and 1 with no negative; the AUROC needs both classes
/// (`roc_auc_score` raises); the ratios at the threshold are undefined when
/// their denominator is 0 (`zero_division = np.nan`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinaryPanel {
    /// The metrics; NaN where undefined.
    pub metrics: BinaryMetrics,
    /// The undefined metrics by name (as in [`BinaryMetrics::NAMES`]) with their reason.
    pub undefined: BTreeMap<&'static str, Undefined>,
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
    validate::probabilities(y, p)?.require("binary_metrics", 1, 1)?;
    Ok(binary_panel(y, p, threshold)?.metrics)
}

/// [`BinaryPanel`]: every metric that is defined for these labels, the
/// others NaN with their [`Undefined`] reason; on labels of both classes
/// its metrics are those of [`binary_metrics`].
///
/// # Errors
/// Invalid input (lengths, empty, non-finite, `p` outside `[0, 1]`) or a NaN threshold.
pub fn binary_panel(y: &[bool], p: &[f64], threshold: f64) -> Result<BinaryPanel, EvalError> {
    let classes = validate::probabilities(y, p)?;
    let both = classes.positives > 0 && classes.negatives > 0;
    let at = confusion_at(y, p, threshold)?;
    let mut undefined = BTreeMap::new();
    let (calibration_intercept, calibration_slope) = match calibration(y, p) {
        Ok(c) => (c.intercept, c.slope),
        Err(e) => {
            let why = match e {
                _ if !both => Undefined::OneClass,
                EvalError::LogitUndefined { .. } => Undefined::ProbabilityZeroOrOne,
                EvalError::CalibrationFailed { .. } => Undefined::NoCalibrationFit,
                e => return Err(e),
            };
            undefined.insert("calibration_intercept", why);
            undefined.insert("calibration_slope", why);
            (f64::NAN, f64::NAN)
        }
    };
    let auroc = if both {
        auroc(y, p)?
    } else {
        undefined.insert("auroc", Undefined::OneClass);
        f64::NAN
    };
    let average_precision = if classes.positives == 0 { 0.0 } else { average_precision(y, p)? };
    let ratios = [
        ("sensitivity", at.sensitivity, Undefined::NoPositives),
        ("specificity", at.specificity, Undefined::NoNegatives),
        ("ppv", at.ppv, Undefined::NoPredictedPositives),
        ("npv", at.npv, Undefined::NoPredictedNegatives),
    ];
    for (name, value, why) in ratios {
        if value.is_nan() {
            undefined.insert(name, why);
        }
    }
    let metrics = BinaryMetrics {
        auroc,
        average_precision,
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
    };
    Ok(BinaryPanel { metrics, undefined })
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

    // scikit-learn sklearn/metrics/tests/test_ranking.py (roc_auc_score raises
    // "Only one class present in y_true"; average_precision_score of all-negative
    // labels is 0 with a warning) and test_classification.py (recall ill-defined
    // with no true samples), checked with scikit-learn 1.9.1 on these inputs:
    // brier_score_loss([0,0,0], p) = 0.40333..., log_loss(labels=[0,1]) = 1.14733...
    #[test]
    fn sklearn_single_class_panel() {
        let p = [0.2, 0.6, 0.9];
        let m = binary_panel(&[false; 3], &p, 0.5).expect("one class is not an error");
        assert!(m.metrics.auroc.is_nan());
        assert_eq!(m.metrics.average_precision, 0.0);
        assert!((m.metrics.brier - 0.4033333333333333).abs() < 1e-15);
        assert!((m.metrics.log_loss - 1.1473397920608035).abs() < 1e-12);
        assert!(m.metrics.sensitivity.is_nan() && m.metrics.specificity == 1.0 / 3.0);
        assert_eq!(m.undefined.get("auroc"), Some(&Undefined::OneClass));
        assert_eq!(m.undefined.get("sensitivity"), Some(&Undefined::NoPositives));
        assert_eq!(m.undefined.get("calibration_slope"), Some(&Undefined::OneClass));
        assert_eq!(m.undefined.len(), 4, "{:?}", m.undefined);
        let m = binary_panel(&[true; 3], &p, 0.5).expect("one class is not an error");
        assert_eq!(m.metrics.average_precision, 1.0);
        assert!((m.metrics.brier - 0.2700000000000001).abs() < 1e-15);
        assert!((m.metrics.log_loss - 0.7418746839526391).abs() < 1e-12);
        assert_eq!(m.metrics.sensitivity, 2.0 / 3.0);
        let json = serde_json::to_value(&m).expect("serialise");
        assert_eq!(json["undefined"]["auroc"], "only one class in the labels");
        assert_eq!(json["undefined"]["specificity"], "no negative labels, so TN + FP = 0");
    }

    #[test]
    fn panel_of_two_classes_is_binary_metrics() {
        let panel = binary_panel(&Y, &P, 0.5).expect("valid");
        assert_eq!(panel.metrics, binary_metrics(&Y, &P, 0.5).expect("valid"));
        assert!(panel.undefined.is_empty());
        let panel = binary_panel(&Y, &P, 0.95).expect("valid");
        assert_eq!(panel.undefined.get("ppv"), Some(&Undefined::NoPredictedPositives));
    }
}
