//! Errors raised while fitting or applying an estimator.

/// Why an estimator refused its input or could not produce a model.
///
/// Messages name the feature (by its index or name when known) and say what
/// was expected, so the CLI can show them to the user as they are.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// The training data has no rows.
    #[error("no rows to fit on")]
    Empty,
    #[error("{what} has {found} entries, expected {expected}")]
    /// An input vector's length differs from the number of rows (or features).
    LengthMismatch {
        /// Which input is too short or too long (e.g. `"fold ids"`).
        what: &'static str,
        /// Its length.
        found: usize,
        /// The length it should have.
        expected: usize,
    },
    #[error("non-finite value {value} in feature {feature} at row {row}")]
    /// A feature value is NaN or infinite.
    NonFinite {
        /// Feature (column) index, from 0.
        feature: usize,
        /// Row index, from 0.
        row: usize,
        /// The offending value.
        value: f64,
    },
    #[error("outcome must be 0 or 1, found {value} at row {row}")]
    /// A binary outcome is neither 0 nor 1.
    BadLabel {
        /// Row index, from 0.
        row: usize,
        /// The offending outcome value.
        value: f64,
    },
    #[error("outcome has a single class ({class}); both classes are needed to fit a classifier")]
    /// Every row has the same outcome, so a classifier cannot be fitted.
    SingleClass {
        /// The only outcome value present (0 or 1).
        class: f64,
    },
    /// An option is out of range or inconsistent; the text says which and why.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// A feature makes the fit impossible; `with` lists other features involved
    /// (e.g. those that separate the outcome jointly with it).
    #[error("feature {feature} {reason}{}", together(.with))]
    Degenerate {
        /// Feature (column) index, from 0.
        feature: usize,
        /// What is wrong with it (e.g. "is constant"), completing the sentence.
        reason: String,
        /// Other feature indices involved, possibly empty.
        with: Vec<usize>,
    },
    #[error("model did not converge after {iterations} iterations ({detail})")]
    /// The iterative solver stopped at its iteration limit before converging.
    NotConverged {
        /// Iterations performed.
        iterations: usize,
        /// Which solver and what was left (e.g. the last change).
        detail: String,
    },
    #[error("model expects {expected} features, got {found}")]
    /// Prediction data has a different number of features than the model was fitted on.
    FeatureCount {
        /// Features the model was fitted on.
        expected: usize,
        /// Features in the data given.
        found: usize,
    },
    #[error("weight must be finite and non-negative, found {value} at row {row}")]
    /// A case weight is negative, NaN or infinite.
    BadWeight {
        /// Row index, from 0.
        row: usize,
        /// The offending weight.
        value: f64,
    },
    /// All case weights are zero.
    #[error("case weights sum to zero: no row carries any weight")]
    ZeroWeights,
    #[error("survival time must be finite and positive, found {value} at row {row}")]
    /// A survival time is not finite and positive.
    BadTime {
        /// Row index, from 0.
        row: usize,
        /// The offending time.
        value: f64,
    },
    #[error("interval (start, stop] must have start < stop, found ({start}, {stop}] at row {row}")]
    /// A counting-process interval `(start, stop]` is empty or reversed.
    BadInterval {
        /// Row index, from 0.
        row: usize,
        /// Interval start (exclusive).
        start: f64,
        /// Interval end (inclusive).
        stop: f64,
    },
    /// Every observation is censored, so a survival model has nothing to fit.
    #[error("no events: every observation is censored")]
    NoEvents,
    /// A Cox coefficient runs off to infinity (monotone likelihood).
    #[error(
        "coefficient for feature {feature} diverges to {direction}infinity (monotone likelihood, e.g. events only in one group)"
    )]
    Diverges {
        /// Feature (column) index, from 0.
        feature: usize,
        /// `"+"` or `"-"`: the sign of the infinity the coefficient heads to.
        direction: &'static str,
    },
    #[error("prediction time must be finite, found {value} at position {index}")]
    /// A time at which a survival curve was requested is NaN or infinite.
    BadPredictionTime {
        /// Position in the requested times, from 0.
        index: usize,
        /// The offending time.
        value: f64,
    },
}

/// `" (together with features [..])"`, or nothing when `with` is empty.
fn together(with: &[usize]) -> String {
    if with.is_empty() { String::new() } else { format!(" (together with features {with:?})") }
}
