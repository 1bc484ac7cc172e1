//! Metrics of multiclass probability predictions, equal to scikit-learn 1.9.
//!
//! Inputs are true classes `labels[i]` in `0..k` and a row-major `n x k`
//! matrix of predicted class probabilities. The one-vs-rest AUROCs, the log
//! loss and the Brier score reuse the binary implementations of this crate, so
//! each formula exists once.

use serde::Serialize;

use crate::error::EvalError;
use crate::probability::{brier, log_loss};
use crate::ranking::auroc;

/// Largest `|sum_k p_ik - 1|` accepted for a row of class probabilities.
///
/// Loose enough for probabilities that went through `f32` (a softmax on a
/// GPU), tight enough to catch unnormalised scores.
pub const ROW_SUM_TOLERANCE: f64 = 1e-6;

/// Metrics of predicted class probabilities against true classes `0..k`.
///
/// Serialised field names equal the names of [`MulticlassMetrics::values`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MulticlassMetrics {
    /// Share of rows whose argmax class ([`predicted_classes`]) is the true
    /// class (scikit-learn `accuracy_score`).
    pub accuracy: f64,
    /// Mean over classes of the recall `C[c][c] / n_c` of the argmax classes
    /// (scikit-learn `balanced_accuracy_score`).
    pub balanced_accuracy: f64,
    /// Unweighted mean over classes of the one-vs-rest AUROC of column `c`
    /// for `y == c` (scikit-learn `roc_auc_score(multi_class="ovr",
    /// average="macro")`).
    pub macro_auroc: f64,
    /// Mean of the one-vs-rest AUROCs weighted by the class sizes `n_c / n`
    /// (scikit-learn `roc_auc_score(multi_class="ovr", average="weighted")`).
    pub weighted_auroc: f64,
    /// `-mean_i ln(p_i,y_i)`, natural log, with the probability of the true
    /// class clipped to `[eps, 1 - eps]`, `eps =` [`LOG_LOSS_CLIP`](crate::LOG_LOSS_CLIP)
    /// (scikit-learn `log_loss(labels=range(k))`).
    pub log_loss: f64,
    /// `mean_i sum_c (p_ic - 1[y_i = c])^2`, in `[0, 2]`: the original Brier
    /// (1950) multi-category score. Equals scikit-learn 1.9
    /// `brier_score_loss(labels=range(k), scale_by_half=False)`, which is its
    /// default for `k >= 3`; for `k = 2` scikit-learn halves it by default,
    /// and this value is twice the binary [`brier`](crate::brier) of `p_i1`.
    pub brier: f64,
    /// Unweighted mean over classes of `F1_c = 2 TP_c / (n_c + m_c)` of the
    /// argmax classes, `m_c` the rows predicted as `c`, and `F1_c = 0` when
    /// `n_c + m_c = 0` (scikit-learn `f1_score(average="macro",
    /// zero_division=0)`).
    pub macro_f1: f64,
}

impl MulticlassMetrics {
    /// The metric names, in the order of [`MulticlassMetrics::values`].
    pub const NAMES: [&'static str; 7] = [
        "accuracy",
        "balanced_accuracy",
        "macro_auroc",
        "weighted_auroc",
        "log_loss",
        "brier",
        "macro_f1",
    ];

    /// `(name, value)` of every metric, in the order of
    /// [`MulticlassMetrics::NAMES`], for generic per-metric summaries.
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        let v = [
            self.accuracy,
            self.balanced_accuracy,
            self.macro_auroc,
            self.weighted_auroc,
            self.log_loss,
            self.brier,
            self.macro_f1,
        ];
        Self::NAMES.into_iter().zip(v).collect()
    }
}

/// Computes [`MulticlassMetrics`] of `probabilities` (row-major `n x classes`)
/// against `labels` (`n` classes in `0..classes`).
///
/// # Errors
/// Fewer than 2 classes; no rows; a matrix that is not `n x classes`; a label
/// outside `0..classes`; a probability that is not finite or outside `[0, 1]`;
/// a row whose sum is not 1 within [`ROW_SUM_TOLERANCE`]; a class with no rows.
/// Every error names the row, class or value. A class with no rows leaves its
/// one-vs-rest AUROC undefined: scikit-learn raises ("Number of classes in
/// y_true not equal to the number of columns") unless `labels=range(k)` is
/// passed, when it warns and returns NaN; here it is always an error.
pub fn multiclass_metrics(
    labels: &[usize],
    probabilities: &[f64],
    classes: usize,
) -> Result<MulticlassMetrics, EvalError> {
    let support = validate(labels, probabilities, classes)?;
    let n = labels.len() as f64;
    let predicted = predicted_classes(probabilities, classes);
    let confusion = confusion_matrix(labels, &predicted, classes);
    let hits = |c: usize| confusion[c][c] as f64;
    let mean_over_classes = |sum: f64| sum / classes as f64;

    let recall = |c: usize| hits(c) / support[c] as f64;
    let f1 = |c: usize| {
        let predicted_c: usize = confusion.iter().map(|row| row[c]).sum();
        let denominator = support[c] + predicted_c;
        if denominator == 0 { 0.0 } else { 2.0 * hits(c) / denominator as f64 }
    };

    let mut one_vs_rest = Vec::with_capacity(classes);
    for c in 0..classes {
        let is_c: Vec<bool> = labels.iter().map(|&y| y == c).collect();
        let column: Vec<f64> = probabilities.iter().skip(c).step_by(classes).copied().collect();
        one_vs_rest.push(auroc(&is_c, &column)?);
    }
    let weighted_sum: f64 = one_vs_rest.iter().zip(&support).map(|(a, &s)| a * s as f64).sum();

    // The log loss only sees the probability of the true class: it is the
    // binary log loss of those probabilities with every outcome an event.
    let observed: Vec<f64> =
        labels.iter().enumerate().map(|(i, &y)| probabilities[i * classes + y]).collect();
    // The binary Brier of the one-hot matrix is the mean over all n*k cells;
    // times k it is the mean over rows of the sum over classes.
    let one_hot: Vec<bool> =
        labels.iter().flat_map(|&y| (0..classes).map(move |c| c == y)).collect();

    Ok(MulticlassMetrics {
        accuracy: (0..classes).map(hits).sum::<f64>() / n,
        balanced_accuracy: mean_over_classes((0..classes).map(recall).sum()),
        macro_auroc: mean_over_classes(one_vs_rest.iter().sum()),
        weighted_auroc: weighted_sum / n,
        log_loss: log_loss(&vec![true; labels.len()], &observed)?,
        brier: brier(&one_hot, probabilities)? * classes as f64,
        macro_f1: mean_over_classes((0..classes).map(f1).sum()),
    })
}

/// The class of largest probability of each row of the row-major
/// `probabilities` (`classes` columns), ties going to the lowest index and a
/// NaN counting as the largest value, like `numpy.argmax(axis=1)`.
///
/// A trailing incomplete row is ignored; `classes == 0` gives no rows.
pub fn predicted_classes(probabilities: &[f64], classes: usize) -> Vec<usize> {
    if classes == 0 {
        return Vec::new();
    }
    probabilities.chunks_exact(classes).map(argmax).collect()
}

/// First index of the largest value; the first NaN wins, as in numpy.
fn argmax(row: &[f64]) -> usize {
    let mut best = 0;
    for (j, &v) in row.iter().enumerate().skip(1) {
        if row[best].is_nan() {
            break;
        }
        if v > row[best] || v.is_nan() {
            best = j;
        }
    }
    best
}

/// Counts `C[t][p]` of rows with true class `t` and predicted class `p`
/// (`classes x classes`, rows = true classes, as scikit-learn
/// `confusion_matrix(labels=range(classes))`).
///
/// Pairs are taken up to the shorter slice; a pair with a class outside
/// `0..classes` is not counted, as scikit-learn drops labels not in `labels`.
pub fn confusion_matrix(labels: &[usize], predicted: &[usize], classes: usize) -> Vec<Vec<usize>> {
    let mut counts = vec![vec![0; classes]; classes];
    for (&t, &p) in labels.iter().zip(predicted) {
        if let Some(cell) = counts.get_mut(t).and_then(|row| row.get_mut(p)) {
            *cell += 1;
        }
    }
    counts
}

/// Checks the inputs of [`multiclass_metrics`]; returns the rows per class.
fn validate(
    labels: &[usize],
    probabilities: &[f64],
    classes: usize,
) -> Result<Vec<usize>, EvalError> {
    if classes < 2 {
        return Err(EvalError::TooFewClasses { classes });
    }
    if labels.is_empty() {
        return Err(EvalError::Empty { what: "probabilities" });
    }
    if labels.len().checked_mul(classes) != Some(probabilities.len()) {
        let (rows, len) = (labels.len(), probabilities.len());
        return Err(EvalError::ProbabilityShape { rows, classes, len });
    }
    let mut support = vec![0usize; classes];
    for (row, (&label, p)) in labels.iter().zip(probabilities.chunks_exact(classes)).enumerate() {
        if label >= classes {
            return Err(EvalError::LabelOutOfRange { row, label, classes });
        }
        if let Some(class) = p.iter().position(|v| !(0.0..=1.0).contains(v)) {
            return Err(EvalError::ClassProbability { row, class, value: p[class] });
        }
        let sum: f64 = p.iter().sum();
        if (sum - 1.0).abs() > ROW_SUM_TOLERANCE {
            return Err(EvalError::RowSumNotOne { row, sum, tolerance: ROW_SUM_TOLERANCE });
        }
        support[label] += 1;
    }
    match support.iter().position(|&count| count == 0) {
        Some(class) => Err(EvalError::ClassAbsent { class, classes }),
        None => Ok(support),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_ties_and_nan_follow_numpy() {
        let p = [0.4, 0.4, 0.2, 0.1, 0.3, 0.3, 0.2, f64::NAN, 0.8, f64::NAN, 0.1, 0.9];
        assert_eq!(predicted_classes(&p, 3), vec![0, 1, 1, 0]);
        assert_eq!(predicted_classes(&p[..5], 3), vec![0]);
        assert!(predicted_classes(&p, 0).is_empty());
    }

    #[test]
    fn confusion_rows_are_true_classes() {
        let m = confusion_matrix(&[0, 0, 1, 2, 2], &[0, 1, 1, 0, 2], 3);
        assert_eq!(m, vec![vec![1, 1, 0], vec![0, 1, 0], vec![1, 0, 1]]);
        assert_eq!(confusion_matrix(&[0, 5], &[0, 0], 2), vec![vec![1, 0], vec![0, 0]]);
    }

    #[test]
    fn hand_computed_metrics() {
        // Rows (true class: probabilities): 0: .7 .2 .1 | 1: .3 .6 .1 | 2: .2 .7 .1 | 2: .1 .1 .8
        let labels = [0, 1, 2, 2];
        let p = [0.7, 0.2, 0.1, 0.3, 0.6, 0.1, 0.2, 0.7, 0.1, 0.1, 0.1, 0.8];
        let m = multiclass_metrics(&labels, &p, 3).expect("valid");
        assert_eq!(m.accuracy, 0.75);
        assert_eq!(m.balanced_accuracy, (1.0 + 1.0 + 0.5) / 3.0);
        // F1: class 0 = 1, class 1 = 2/3 (1 hit, 1 true, 2 predicted), class 2 = 2/3.
        assert!((m.macro_f1 - (1.0 + 2.0 / 3.0 + 2.0 / 3.0) / 3.0).abs() < 1e-15);
        let log_loss = -(0.7f64.ln() + 0.6f64.ln() + 0.1f64.ln() + 0.8f64.ln()) / 4.0;
        assert!((m.log_loss - log_loss).abs() < 1e-15);
        let brier = (0.14 + 0.26 + 1.34 + 0.06) / 4.0;
        assert!((m.brier - brier).abs() < 1e-15);
        // One-vs-rest AUROCs: column 0 ranks class 0 (.7) above all: 1. Column 1:
        // class 1 (.6) above .2 and .1, below .7: 2/3. Column 2: class-2 rows (.1, .8)
        // against .1, .1: ties count 1/2, so (1/2 + 1/2 + 1 + 1) / 4 = 3/4.
        let ovr = [1.0, 2.0 / 3.0, 0.75];
        assert!((m.macro_auroc - (ovr[0] + ovr[1] + ovr[2]) / 3.0).abs() < 1e-15);
        assert!((m.weighted_auroc - (ovr[0] + ovr[1] + 2.0 * ovr[2]) / 4.0).abs() < 1e-15);
    }

    #[test]
    fn names_values_and_serialised_keys_agree() {
        let m = multiclass_metrics(&[0, 1], &[0.6, 0.4, 0.3, 0.7], 2).expect("valid");
        let names: Vec<&str> = m.values().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, MulticlassMetrics::NAMES);
        let json = serde_json::to_value(m).expect("serialise");
        for (name, value) in m.values() {
            assert_eq!(json[name].as_f64(), Some(value), "{name}");
        }
        assert_eq!(json.as_object().map(|o| o.len()), Some(MulticlassMetrics::NAMES.len()));
    }

    #[test]
    fn every_input_error_names_its_facts() {
        let ok = [0.5, 0.5, 0.2, 0.8];
        let err =
            |labels: &[usize], p: &[f64], k| multiclass_metrics(labels, p, k).expect_err("bad");
        assert_eq!(err(&[0], &[1.0], 1), EvalError::TooFewClasses { classes: 1 });
        assert_eq!(err(&[], &[], 2), EvalError::Empty { what: "probabilities" });
        assert_eq!(
            err(&[0, 1], &ok[..3], 2),
            EvalError::ProbabilityShape { rows: 2, classes: 2, len: 3 }
        );
        assert_eq!(
            err(&[0, 2], &ok, 2),
            EvalError::LabelOutOfRange { row: 1, label: 2, classes: 2 }
        );
        let e = err(&[0, 1], &[0.5, 0.5, f64::NAN, 1.0], 2);
        assert!(matches!(e, EvalError::ClassProbability { row: 1, class: 0, .. }));
        assert_eq!(
            err(&[0, 1], &[1.5, -0.5, 0.5, 0.5], 2),
            EvalError::ClassProbability { row: 0, class: 0, value: 1.5 }
        );
        let e = err(&[0, 1], &[0.5, 0.5, 0.5, 0.4], 2);
        assert!(matches!(e, EvalError::RowSumNotOne { row: 1, .. }));
        assert_eq!(
            e.to_string(),
            "the probabilities of row 1 sum to 0.9; each row must sum to 1 within 0.000001"
        );
        assert_eq!(err(&[0, 0], &ok, 2), EvalError::ClassAbsent { class: 1, classes: 2 });
        // Within the tolerance a row is accepted as it is (no renormalisation).
        assert!(multiclass_metrics(&[0, 1], &[0.5, 0.5 + 1e-7, 0.2, 0.8], 2).is_ok());
    }
}
