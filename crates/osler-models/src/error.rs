//! Errors raised while fitting or applying an estimator.

/// Why an estimator refused its input or could not produce a model.
///
/// Messages name the feature (by its index or name when known) and say what
/// was expected, so the CLI can show them to the user as they are.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("no rows to fit on")]
    Empty,
    #[error("{what} has {found} entries, expected {expected}")]
    LengthMismatch { what: &'static str, found: usize, expected: usize },
    #[error("non-finite value {value} in feature {feature} at row {row}")]
    NonFinite { feature: usize, row: usize, value: f64 },
    #[error("outcome must be 0 or 1, found {value} at row {row}")]
    BadLabel { row: usize, value: f64 },
    #[error("outcome has a single class ({class}); both classes are needed to fit a classifier")]
    SingleClass { class: f64 },
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// A feature makes the fit impossible; `with` lists other features involved
    /// (e.g. those that separate the outcome jointly with it).
    #[error("feature {feature} {reason}{}", together(.with))]
    Degenerate { feature: usize, reason: String, with: Vec<usize> },
    #[error("model did not converge after {iterations} iterations ({detail})")]
    NotConverged { iterations: usize, detail: String },
    #[error("model expects {expected} features, got {found}")]
    FeatureCount { expected: usize, found: usize },
    #[error("weight must be finite and non-negative, found {value} at row {row}")]
    BadWeight { row: usize, value: f64 },
    #[error("case weights sum to zero: no row carries any weight")]
    ZeroWeights,
    #[error("survival time must be finite and positive, found {value} at row {row}")]
    BadTime { row: usize, value: f64 },
    #[error("interval (start, stop] must have start < stop, found ({start}, {stop}] at row {row}")]
    BadInterval { row: usize, start: f64, stop: f64 },
    #[error("no events: every observation is censored")]
    NoEvents,
    #[error(
        "coefficient for feature {feature} diverges to {direction}infinity (monotone likelihood, e.g. events only in one group)"
    )]
    Diverges { feature: usize, direction: &'static str },
    #[error("prediction time must be finite, found {value} at position {index}")]
    BadPredictionTime { index: usize, value: f64 },
}

/// `" (together with features [..])"`, or nothing when `with` is empty.
fn together(with: &[usize]) -> String {
    if with.is_empty() { String::new() } else { format!(" (together with features {with:?})") }
}
