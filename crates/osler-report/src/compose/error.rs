//! The error type of report composition.

use thiserror::Error;

/// Why a report could not be composed from an artifact.
///
/// Each variant names the figure or group it was building, so the message
/// says which part of the artifact is unusable.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ReportError {
    /// A metric or curve of the out-of-fold predictions could not be computed.
    #[error("cannot compute the {figure} of the out-of-fold predictions: {source}")]
    Metric {
        /// The figure being built (e.g. `"ROC curve"`).
        figure: &'static str,
        /// What the metric found wrong.
        source: osler_eval::EvalError,
    },
    /// A calibration bin's binomial interval could not be computed.
    #[error("cannot compute the interval of calibration bin {bin}: {source}")]
    BinInterval {
        /// Index of the bin (0 = lowest predicted probabilities).
        bin: usize,
        /// What the interval found wrong.
        source: osler_eval::BinomialError,
    },
    /// A survival artifact with cross-validation results lacks the
    /// out-of-fold follow-up times or survival curves.
    #[error("artifact lacks out-of-fold survival predictions")]
    MissingSurvivalPredictions,
    /// The Kaplan-Meier curve of one predicted-risk group could not be fitted.
    #[error("cannot fit the Kaplan-Meier curve of the {group} group: {source}")]
    KaplanMeier {
        /// The risk group (e.g. `"high risk"`).
        group: &'static str,
        /// What the estimator found wrong.
        source: osler_models::ModelError,
    },
}
