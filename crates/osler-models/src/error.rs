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
    /// An option is out of range, or not one of the values it accepts.
    #[error("invalid option: {option} must {expected}, got {value}")]
    InvalidOption {
        /// The option's name in this library (e.g. `"lambda"`, `"n_trees"`).
        option: &'static str,
        /// The value given, as text.
        value: String,
        /// What the option must be, as a phrase after "must" (e.g. `"lie in [0, 1]"`).
        expected: &'static str,
    },
    /// The data hold fewer of something (rows, groups, folds) than a step needs.
    #[error("too few {what}: {found}, at least {needed} needed")]
    TooFew {
        /// What is counted and for which step (e.g. `"groups for the log-rank test"`).
        what: &'static str,
        /// How many there are.
        found: usize,
        /// How many the step needs.
        needed: usize,
    },
    /// More rows than the estimator's row indices can address.
    #[error("{rows} rows exceed the estimator's limit of {max}")]
    TooManyRows {
        /// Rows given.
        rows: usize,
        /// Most rows the estimator takes.
        max: usize,
    },
    /// A stratified split into `folds` cross-validation folds is impossible:
    /// at least 2 folds are needed and at most one fold per row.
    #[error(
        "cannot make {folds} cross-validation folds from {rows} rows (at least 2 folds, at most one per row)"
    )]
    Folds {
        /// Folds asked for.
        folds: usize,
        /// Rows to split.
        rows: usize,
    },
    /// The early-stopping validation share rounds to no rows at all.
    #[error(
        "validation_fraction {fraction} leaves no validation rows out of {rows} for early stopping"
    )]
    NoValidationRows {
        /// The share of rows held out for validation.
        fraction: f64,
        /// Rows available.
        rows: usize,
    },
    /// A regularisation path cannot start: no feature moves the loss.
    #[error("there is no penalty path to fit: {why}")]
    NoPath {
        /// Why (e.g. `"every feature is constant"`).
        why: &'static str,
    },
    /// The cross-validated measure is NaN at every penalty, so none can be chosen.
    #[error("the cross-validated measure is undefined at every penalty")]
    CvUndefined,
    /// A cross-validation fold holds no events, so the grouped partial-likelihood
    /// deviance (which weights folds by their events) is undefined.
    #[error(
        "fold {fold} has no events: the grouped partial-likelihood deviance weights folds by their events"
    )]
    FoldWithoutEvents {
        /// The fold id.
        fold: usize,
    },
    /// The training rows of a cross-validation fold lack a class of the outcome.
    #[error("fold {fold}: the training rows lack class {class} (use stratified folds)")]
    FoldMissingClass {
        /// The fold id.
        fold: usize,
        /// The missing class (0-based).
        class: usize,
    },
    /// A class index below the largest has no rows with positive weight.
    #[error(
        "class {class} has no rows with positive weight: classes must be coded 0..K-1 with every class present (K = {classes})"
    )]
    EmptyClass {
        /// The class without rows (0-based).
        class: usize,
        /// Number of classes K.
        classes: usize,
    },
    /// A position along a regularisation path that the path does not have.
    #[error("path index {index} out of range (path has {len} penalties)")]
    PathIndex {
        /// The position asked for, from 0.
        index: usize,
        /// The number of penalties on the path.
        len: usize,
    },
    /// A matrix that must be inverted is singular.
    #[error("the {what} matrix is singular")]
    Singular {
        /// Which matrix (e.g. `"log-rank variance"`).
        what: &'static str,
    },
    /// A prediction names a stratum the stratified model was not fitted on.
    #[error("stratum {label} was not in the training data")]
    UnknownStratum {
        /// The stratum label.
        label: u32,
    },
    /// A stratified model was asked for survival curves without the rows' strata.
    #[error("stratified model: use predict_survival_in with the rows' strata")]
    StrataRequired,
    /// A restricted-mean horizon beyond an arm's last follow-up time, where the
    /// Kaplan-Meier curve is not estimated.
    #[error("tau {tau} is beyond the last follow-up time of the {arm} arm ({last})")]
    TauBeyondFollowUp {
        /// The horizon asked for.
        tau: f64,
        /// Which arm (`"reference"` or `"treated"`).
        arm: &'static str,
        /// That arm's last follow-up time.
        last: f64,
    },
    /// A survival model was given a binary (class) outcome.
    #[error("{model} is a survival model: it needs a survival outcome (time and event)")]
    NeedsSurvivalOutcome {
        /// The model's name.
        model: String,
    },
    /// A classifier was given a survival outcome.
    #[error("model '{model}' is a classifier; a survival outcome needs a survival model")]
    NeedsClassOutcome {
        /// The model's name.
        model: String,
    },
    /// A right-censored-only model was given counting-process `(start, stop]` rows.
    #[error("{model} takes right-censored data, not (start, stop] rows; the Cox model takes them")]
    RightCensoredOnly {
        /// The model, as a noun phrase (e.g. `"the random survival forest"`).
        model: &'static str,
    },
    /// Class probabilities were asked of a survival model.
    #[error(
        "this is a survival model: it predicts risk scores and survival curves, not class probabilities"
    )]
    NotAClassifier,
    /// One probability of an event was asked of a classifier of more than two classes.
    #[error(
        "this classifier has {classes} classes: it predicts a probability per class, not one probability of an event"
    )]
    NotBinary {
        /// The number of classes.
        classes: usize,
    },
    /// A model that fits two classes only was given an outcome of more.
    #[error(
        "model '{model}' fits two classes only; an outcome of {classes} classes needs {fitting}"
    )]
    TwoClassesOnly {
        /// The model's name.
        model: String,
        /// The number of classes of the outcome.
        classes: usize,
        /// The model kinds that fit more than two classes (`enet, mlp`).
        fitting: String,
    },
    /// A sequence model was given one row per patient instead of visit sequences.
    #[error(
        "this is a sequence model: it reads each patient's visits from long-format data (a patient-id and a visit-time column), not one row per patient"
    )]
    NeedsSequences,
    /// An image classifier was given a table instead of image files.
    #[error(
        "this is an image classifier: it reads image files (PNG, JPEG, DICOM) through its image input contract, not table rows"
    )]
    NeedsImages,
    /// A risk score or survival curve was asked of a classifier.
    #[error("this is a classifier: it has no risk score or survival curve")]
    NotASurvivalModel,
    /// Per-prediction explanations were asked of a model family without them.
    #[error("explanations are not available for {model}")]
    NoExplanations {
        /// The model family.
        model: String,
    },
    /// Neural-network training diverged: the loss became NaN or infinite.
    #[error(
        "training diverged: the loss became {loss} at epoch {epoch} (learning rate {learning_rate}); try a lower learning rate (e.g. {suggested}){}",
        last_good_epoch.map_or(String::new(), |e| format!("; the last good checkpoint is from epoch {e}"))
    )]
    Diverged {
        /// Epoch (1-based) in which the loss stopped being finite.
        epoch: usize,
        /// Learning rate of that epoch.
        learning_rate: f64,
        /// A lower learning rate to try.
        suggested: f64,
        /// The offending loss as text (`NaN`, `inf`, or an exploded mean).
        loss: String,
        /// Epoch of the last weights whose losses were all finite, if any.
        last_good_epoch: Option<usize>,
    },
    /// Any other failure of a neural-network model, worded by the network engine;
    /// `user_error` keeps whether the input or options (true) or the engine (false) are at fault.
    #[error("{message}")]
    Network {
        /// The engine's message.
        message: String,
        /// Whether the user can fix it by changing the input or the options.
        user_error: bool,
    },
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

impl ModelError {
    /// An [`ModelError::InvalidOption`] with `value` formatted as text.
    pub(crate) fn invalid(
        option: &'static str,
        value: impl std::fmt::Display,
        expected: &'static str,
    ) -> Self {
        ModelError::InvalidOption { option, value: value.to_string(), expected }
    }

    /// Whether the user can fix this error by changing the data or the options
    /// (`true`), as opposed to an internal failure of an engine (`false`).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, ModelError::Network { user_error: false, .. })
    }
}

/// `" (together with features [..])"`, or nothing when `with` is empty.
fn together(with: &[usize]) -> String {
    if with.is_empty() { String::new() } else { format!(" (together with features {with:?})") }
}
