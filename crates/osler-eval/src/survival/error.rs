//! Errors specific to survival inputs (wrapped in [`crate::EvalError::Survival`]).

use thiserror::Error;

/// What can be wrong with the inputs of a survival metric.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SurvivalError {
    /// `time` and another per-subject argument differ in length.
    #[error("time has {n} rows but {what} has {other}; they must have the same length")]
    LengthMismatch {
        /// Name of the second argument.
        what: &'static str,
        /// Length of `time`.
        n: usize,
        /// Length of the second argument.
        other: usize,
    },
    /// No subjects at all.
    #[error("time and event are empty; at least one subject is needed")]
    Empty,
    /// An observed time below zero.
    #[error("time[{index}] = {value} is negative; survival times must be >= 0")]
    NegativeTime {
        /// Row index.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A predicted probability outside `[0, 1]`.
    #[error("{what}[{index}] = {value} is not a probability; it must lie in [0, 1]")]
    NotProbability {
        /// Name of the argument.
        what: &'static str,
        /// Row index.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// No observed event, so the metric is undefined.
    #[error("{metric} needs at least one observed event, but every subject is censored")]
    NoEvents {
        /// The metric that was asked for.
        metric: &'static str,
    },
    /// No pair of subjects can be ordered, so a concordance index is undefined.
    #[error(
        "{metric}: no comparable pairs (an event with a later or censored-at-the-same-time subject)"
    )]
    NoComparablePairs {
        /// The metric that was asked for.
        metric: &'static str,
    },
    /// An evaluation time outside the observed follow-up.
    #[error("evaluation time {value} must lie in [{min}, {max}), the observed follow-up")]
    TimeOutOfRange {
        /// The offending time.
        value: f64,
        /// Smallest observed time.
        min: f64,
        /// Largest observed time (excluded).
        max: f64,
    },
    /// Evaluation times that are not strictly increasing (or too few of them).
    #[error("evaluation times: {reason}")]
    InvalidTimes {
        /// What is wrong.
        reason: &'static str,
    },
    /// The estimated censoring survivor is zero where a weight `1/G` is needed.
    #[error("the censoring survivor G is 0 at time {time}, so the IPCW weight is infinite")]
    CensoringSurvivalZero {
        /// Where `G` vanished.
        time: f64,
    },
    /// No cases (events by `t`) or no controls (still at risk after `t`).
    #[error(
        "{metric} at t = {time} needs cases and controls, but has {cases} cases and {controls} controls"
    )]
    NoCasesOrControls {
        /// The metric that was asked for.
        metric: &'static str,
        /// The evaluation time.
        time: f64,
        /// Events with `T_i <= t`.
        cases: usize,
        /// Subjects with `T_j > t`.
        controls: usize,
    },
    /// A predicted-value matrix whose shape does not match `time` and the time grid.
    #[error("{what} is {rows} x {cols}, expected {n} x {n_times} (subjects x times)")]
    ShapeMismatch {
        /// Name of the argument.
        what: &'static str,
        /// Rows found.
        rows: usize,
        /// Columns found.
        cols: usize,
        /// Subjects expected.
        n: usize,
        /// Times expected.
        n_times: usize,
    },
}
