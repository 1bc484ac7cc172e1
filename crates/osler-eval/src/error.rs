//! The one error type of this crate.

use thiserror::Error;

/// Everything that can be wrong with the inputs of a metric, or with a fit.
///
/// `what` fields name the offending argument (`"score"` or `"p"`), so the
/// message points at the exact slice and row.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EvalError {
    /// `y` and the score/probability slice differ in length.
    #[error("y has {y} rows but {what} has {other}; they must have the same length")]
    LengthMismatch {
        /// Name of the second argument.
        what: &'static str,
        /// Length of `y`.
        y: usize,
        /// Length of the second argument.
        other: usize,
    },
    /// No rows at all.
    #[error("y and {what} are empty; at least one row is needed")]
    Empty {
        /// Name of the second argument.
        what: &'static str,
    },
    /// A score or probability is NaN or infinite.
    #[error("{what}[{index}] = {value} is not finite")]
    NonFinite {
        /// Name of the argument.
        what: &'static str,
        /// Row index.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A probability lies outside `[0, 1]`.
    #[error("p[{index}] = {value} is not a probability; it must lie in [0, 1]")]
    NotProbability {
        /// Row index.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// Too few rows of one class for the metric to be defined.
    #[error(
        "{metric} needs at least {needed_positives} positive and {needed_negatives} negative \
         rows, but y has {positives} positive and {negatives} negative rows"
    )]
    ClassTooSmall {
        /// The metric that was asked for.
        metric: &'static str,
        /// Positives it needs.
        needed_positives: usize,
        /// Negatives it needs.
        needed_negatives: usize,
        /// Positives in `y`.
        positives: usize,
        /// Negatives in `y`.
        negatives: usize,
    },
    /// A probability of exactly 0 or 1 where `logit(p)` is needed.
    #[error(
        "p[{index}] = {value}: logit(p) is infinite at 0 and 1, so logistic recalibration \
         is undefined"
    )]
    LogitUndefined {
        /// Row index.
        index: usize,
        /// The offending value (0 or 1).
        value: f64,
    },
    /// The Newton fit of a logistic recalibration model failed.
    #[error(
        "logistic recalibration ({model}) failed after {iterations} Newton iterations: {reason}"
    )]
    CalibrationFailed {
        /// Which model: `"y ~ a + b*logit(p)"` or `"y ~ 1 + offset(logit(p))"`.
        model: &'static str,
        /// Iterations done before giving up.
        iterations: usize,
        /// Why it stopped.
        reason: &'static str,
    },
    /// `n_bins == 0` for a binned metric.
    #[error("n_bins must be at least 1, got 0")]
    ZeroBins,
    /// A threshold that the metric cannot use.
    #[error("threshold {value} is invalid: {reason}")]
    InvalidThreshold {
        /// The offending threshold.
        value: f64,
        /// What a valid threshold is.
        reason: &'static str,
    },
    /// A confidence level outside `(0, 1)`.
    #[error("confidence level {0} is invalid; it must lie strictly between 0 and 1")]
    InvalidLevel(f64),
    /// Fewer than two classes for a multiclass metric.
    #[error("multiclass metrics need at least 2 classes, got {classes}")]
    TooFewClasses {
        /// The number of classes given.
        classes: usize,
    },
    /// The probability matrix is not `rows x classes`.
    #[error(
        "probabilities has {len} values but {rows} rows of {classes} classes need \
         {rows} x {classes}"
    )]
    ProbabilityShape {
        /// Number of labels (rows).
        rows: usize,
        /// Number of classes (columns).
        classes: usize,
        /// Length of the row-major probability slice.
        len: usize,
    },
    /// A class label is not one of `0..classes`.
    #[error("labels[{row}] = {label} is not a class; classes are 0..{classes}")]
    LabelOutOfRange {
        /// Row index.
        row: usize,
        /// The offending label.
        label: usize,
        /// Number of classes.
        classes: usize,
    },
    /// A class probability is NaN, infinite or outside `[0, 1]`.
    #[error(
        "probabilities[{row}][{class}] = {value} is not a probability; it must be finite \
         and lie in [0, 1]"
    )]
    ClassProbability {
        /// Row index.
        row: usize,
        /// Class (column) index.
        class: usize,
        /// The offending value.
        value: f64,
    },
    /// A row of class probabilities does not sum to 1.
    #[error(
        "the probabilities of row {row} sum to {sum}; each row must sum to 1 within \
         {tolerance}"
    )]
    RowSumNotOne {
        /// Row index.
        row: usize,
        /// The row's sum.
        sum: f64,
        /// The largest accepted `|sum - 1|`.
        tolerance: f64,
    },
    /// A class has no rows, so its one-vs-rest AUROC is undefined.
    #[error(
        "class {class} of {classes} has no rows in labels, so its one-vs-rest AUROC is \
         undefined"
    )]
    ClassAbsent {
        /// The class with no rows.
        class: usize,
        /// Number of classes.
        classes: usize,
    },
    /// Invalid survival-analysis input (see [`crate::survival::SurvivalError`]).
    #[error(transparent)]
    Survival(#[from] crate::survival::SurvivalError),
}
