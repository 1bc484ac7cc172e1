//! Errors of the training / prediction pipeline, split by who must act:
//! the user (bad data, bad options, bad artifact) or us (a bug).
//!
//! Messages state the facts in the library's words ("the outcome column",
//! "cross-validation folds"); a front end that knows its own option names
//! (the CLI's `--target`, `--cv`) matches on the variant and words it its way.

use osler_data::{DataError, Table};
use osler_eval::EvalError;
use osler_models::ModelError;

pub use crate::treatment::error::{TimeOption, TreatmentError};

/// Why a pipeline step failed.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// Reading or conforming the data failed (schema, file, column types).
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("{context}: {source}")]
    /// An estimator failed to fit or predict.
    Model {
        /// Which step was running (`predict`, `explain`, or the fit).
        context: String,
        /// The estimator's own error.
        source: ModelError,
    },
    /// A metric could not be computed (e.g. a single-class outcome).
    #[error("metrics: {0}")]
    Eval(#[from] EvalError),
    /// Training was asked for without an outcome: none given and none in the schema.
    #[error("no outcome given: name the outcome column (or give it the target role in the schema)")]
    NoOutcome,
    /// A column the request names is absent from the table.
    #[error("{source_name}: no {what} column named '{column}'")]
    MissingColumn {
        /// The table's source (file name or `dataset:NAME`).
        source_name: String,
        /// The column's job: `outcome`, `group`, `time`, `start`, `event`, `arm`, `covariate`.
        what: &'static str,
        /// The column asked for.
        column: String,
    },
    /// A column that must hold numbers holds text.
    #[error("{source_name}: {what} column '{column}' must be numeric")]
    ColumnNotNumeric {
        /// The table's source.
        source_name: String,
        /// The column's job (`time`, `start`).
        what: &'static str,
        /// The column.
        column: String,
    },
    /// An outcome level to keep that does not occur in the outcome column.
    #[error("'{level}' is not a value of outcome '{column}' (values: {})", .seen.join(", "))]
    LevelAbsent {
        /// The level asked for.
        level: String,
        /// The outcome column.
        column: String,
        /// The values the column holds, sorted.
        seen: Vec<String>,
    },
    /// A number of cross-validation folds that is neither 0 (none) nor at least 2.
    #[error("cross-validation needs 0 folds (none) or at least 2, got {folds}")]
    CvFolds {
        /// The folds asked for.
        folds: usize,
    },
    /// A cross-validation test fold holding one outcome class only.
    #[error(
        "CV fold {fold} has a single class; use fewer folds than the {rarer_class} {unit} of \
         the rarer class"
    )]
    SingleClassFold {
        /// The 1-based fold.
        fold: usize,
        /// Rows (or patients) of the rarer class in the whole data.
        rarer_class: usize,
        /// What the folds hold: `rows`, or `patients` for long-format data.
        unit: &'static str,
    },
    /// An estimator could not be fitted; `names` name the features its indices point to.
    #[error("fitting {model}: {}", crate::model::name_features(.source, .names))]
    Fit {
        /// The model kind (`logistic`, `cox`, ...).
        model: &'static str,
        /// The estimator's error.
        source: ModelError,
        /// Feature names, in the design matrix's column order.
        names: Vec<String>,
    },
    /// A survival outcome value that cannot be used.
    #[error("{source_name}: {location}, column '{column}': {problem}")]
    SurvivalRow {
        /// The table's source.
        source_name: String,
        /// Where in the file (`line N` or `record N`).
        location: String,
        /// The time, start or event column.
        column: String,
        /// What is wrong with the value.
        problem: SurvivalRowProblem,
    },
    /// A missing value in a model variable when missing values are refused.
    #[error("{source_name}: {location}, column '{column}': missing value")]
    MissingValue {
        /// The table's source.
        source_name: String,
        /// Where in the file (`line N` or `record N`).
        location: String,
        /// The column.
        column: String,
    },
    /// A survival outcome without a single event.
    #[error(
        "{source_name}: every row of '{column}' is censored (no '{level}' events); survival \
         models need events"
    )]
    NoEvents {
        /// The table's source.
        source_name: String,
        /// The event column.
        column: String,
        /// The level counted as the event.
        level: String,
    },
    /// An event level that does not occur in the event column.
    #[error(
        "{source_name}: event level '{level}' does not occur in '{column}' (values: {})",
        .values.join(", ")
    )]
    EventLevelAbsent {
        /// The table's source.
        source_name: String,
        /// The level declared as the event.
        level: String,
        /// The event column.
        column: String,
        /// The values the column holds, sorted.
        values: Vec<String>,
    },
    /// An event column coded 1/2 (R's `Surv` convention), which is ambiguous without a level.
    #[error(
        "{source_name}: event column '{column}' is coded 1/2 (R's 1 = censored, 2 = event?); \
         say which value is the event"
    )]
    EventCodedOneTwo {
        /// The table's source.
        source_name: String,
        /// The event column.
        column: String,
    },
    /// An event column whose values are not 0/1 and hold no recognisable event word.
    #[error(
        "{source_name}: event column '{column}' has values {}; it must be 0/1, or say which \
         value is the event",
        .values.join(", ")
    )]
    EventNotBinary {
        /// The table's source.
        source_name: String,
        /// The event column.
        column: String,
        /// The values the column holds, sorted.
        values: Vec<String>,
    },
    /// A survival-outcome column named as a predictor.
    #[error("'{column}' is part of the survival outcome; it cannot be a predictor")]
    SurvivalOutcomeAsPredictor {
        /// The column.
        column: String,
    },
    /// A labelled row whose outcome is neither of the model's two levels.
    #[error(
        "{source_name}: line {line}, outcome '{column}': {} is not '{}' or '{}'",
        .value.as_ref().map_or("a missing value".to_string(), |v| format!("'{v}'")),
        .expected[0], .expected[1]
    )]
    UnknownOutcomeValue {
        /// The table's source.
        source_name: String,
        /// The 1-based line of the file (record number for JSON).
        line: u64,
        /// The outcome column.
        column: String,
        /// The value found; `None` when missing.
        value: Option<String>,
        /// The negative and the positive level (boxed to keep the error small).
        expected: Box<[String; 2]>,
    },
    /// A prediction time that is negative, infinite or not a number.
    #[error("prediction times must be finite and non-negative, got {time}")]
    PredictionTime {
        /// The time asked for.
        time: f64,
    },
    /// A labelled row whose outcome is none of a multiclass model's classes.
    #[error(
        "{source_name}: {location}, outcome '{column}': {} is not one of the model's classes ({})",
        .value.as_ref().map_or("a missing value".to_string(), |v| format!("'{v}'")),
        .classes.join(", ")
    )]
    UnknownClass {
        /// The table's source.
        source_name: String,
        /// Where in the file (`line N` or `record N`).
        location: String,
        /// The outcome column.
        column: String,
        /// The value found; `None` when missing.
        value: Option<String>,
        /// The model's classes.
        classes: Vec<String>,
    },
    /// Prepared data whose outcome does not fit the step it was given to (a
    /// classifier's training on a time to event, or the reverse).
    #[error("this step needs {needs} outcome; the prepared data has {has} outcome")]
    OutcomeMismatch {
        /// The outcome the data has (`a binary`, `a multiclass`, `a survival`).
        has: &'static str,
        /// The outcome the step needs (`a class`, `a survival`).
        needs: &'static str,
    },
    /// A request an artifact's model cannot answer (survival curves from a classifier...).
    #[error("this artifact holds a {holds}, not a {wanted}")]
    WrongArtifactTask {
        /// What the artifact holds (`classifier`, `binary model`...).
        holds: String,
        /// What the request needs (`survival model`, `multiclass classifier`...).
        wanted: &'static str,
    },
    /// A save to a directory that exists, without permission to replace it.
    #[error("{path} already exists; save elsewhere or allow replacing it")]
    ArtifactExists {
        /// The directory.
        path: String,
    },
    /// A treatment-effect analysis whose data or options do not fit (boxed:
    /// its variants are larger than the other errors).
    #[error(transparent)]
    Treatment(Box<TreatmentError>),
    /// Long-format data or options that do not fit a sequence model.
    #[error(transparent)]
    Sequence(#[from] crate::sequence::SequenceError),
    /// Image files or options that do not fit an image classifier.
    #[error(transparent)]
    Image(#[from] crate::image::ImageTaskError),
    #[error("artifact {path}: {problem}")]
    /// A saved model directory is missing, corrupt or of another version.
    Artifact {
        /// The artifact directory.
        path: String,
        /// What is wrong with it.
        problem: ArtifactProblem,
    },
    #[error("cannot write {path}: {source}")]
    /// Writing an output file failed (an environment problem, not the user's input).
    Write {
        /// The file that could not be written.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// An artifact part could not be turned into JSON (a bug: every part is plain data).
    #[error("cannot serialise artifact: {source}")]
    Serialise {
        /// The serialiser's error.
        source: serde_json::Error,
    },
}

/// What is wrong with one survival-outcome value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SurvivalRowProblem {
    /// No follow-up time.
    #[error("the time is missing; remove rows without follow-up")]
    MissingTime,
    /// A follow-up time below zero.
    #[error("time {time} is negative; times count from the start of follow-up")]
    NegativeTime {
        /// The time found.
        time: f64,
    },
    /// A follow-up time of zero: the event or censoring at the very start of
    /// follow-up, which no estimator here uses (R keeps such rows in the
    /// risk set at time 0; lifelines and scikit-survival accept them too).
    #[error(
        "time is 0; follow-up times must be positive (drop the row, or give it the smallest \
         time unit if the event happened after entry)"
    )]
    ZeroTime,
    /// No start time in start/stop data.
    #[error("the start time is missing")]
    MissingStart,
    /// A start/stop interval of zero or negative length.
    #[error("stop {stop} is not after start {start}: intervals must have positive length")]
    EmptyInterval {
        /// The interval's start.
        start: f64,
        /// The interval's stop (the time column).
        stop: f64,
    },
    /// No event indicator.
    #[error("the event indicator is missing")]
    MissingEvent,
    /// No case weight.
    #[error("the weight is missing")]
    MissingWeight,
    /// A case weight that is negative, infinite or not a number.
    #[error("weight {weight} is not allowed; case weights must be finite and >= 0")]
    BadWeight {
        /// The weight found.
        weight: f64,
    },
    /// An event column with more than two values; the row holds the third.
    #[error(
        "the event indicator has {} distinct values ({}); expected two",
        .values.len(), .values.join(", ")
    )]
    TooManyEventValues {
        /// The values the column holds, sorted.
        values: Vec<String>,
    },
}

/// What is wrong with a saved model directory.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactProblem {
    /// The directory does not exist.
    #[error("not found (expected a directory written by a training run)")]
    NotFound,
    /// A file of the artifact could not be read.
    #[error("cannot read {file}: {source}")]
    Unreadable {
        /// The file inside the directory.
        file: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The manifest is not JSON.
    #[error("{file} is not valid JSON ({reason}); the artifact is corrupt")]
    NotJson {
        /// The manifest's file name.
        file: &'static str,
        /// The parser's message.
        reason: String,
    },
    /// The manifest is JSON but not an osler manifest.
    #[error("{file} is not an osler artifact manifest")]
    NotAManifest {
        /// The manifest's file name.
        file: &'static str,
    },
    /// A format version this build cannot read.
    #[error(
        "format version {} is not supported by osler {} (reads version {expected}); retrain the model",
        .found.map_or("unknown".to_string(), |v| v.to_string()),
        env!("CARGO_PKG_VERSION")
    )]
    Version {
        /// The version in the manifest; `None` when absent.
        found: Option<u64>,
        /// The version this build reads.
        expected: u32,
    },
    /// A manifest of the right version whose fields do not parse.
    #[error("{file} does not match format version {version}: {reason}")]
    ManifestFields {
        /// The manifest's file name.
        file: &'static str,
        /// The format version.
        version: u32,
        /// The parser's message.
        reason: String,
    },
    /// A file the manifest does not list (so its hash cannot be checked).
    #[error("{manifest} does not list {file}")]
    Unlisted {
        /// The manifest's file name.
        manifest: &'static str,
        /// The file.
        file: String,
    },
    /// A file whose SHA-256 differs from the one recorded for it (in the
    /// manifest, or in `manifest.sha256` for the manifest itself).
    #[error("{file} does not match its SHA-256 in {manifest}: the file was modified or corrupted")]
    HashMismatch {
        /// The file that records the expected hash.
        manifest: &'static str,
        /// The file.
        file: String,
    },
    /// An intact file (listed, or the manifest's hash file) whose content does not parse.
    #[error("{file} cannot be read: {reason}")]
    Corrupt {
        /// The file.
        file: &'static str,
        /// The parser's message.
        reason: String,
    },
}

impl From<TreatmentError> for PipelineError {
    fn from(e: TreatmentError) -> Self {
        PipelineError::Treatment(Box::new(e))
    }
}

impl PipelineError {
    /// True when the user can fix the problem (exit code 2); false for internal errors (exit 1).
    pub fn is_user_error(&self) -> bool {
        match self {
            PipelineError::Data(e) => e.is_user_error(),
            PipelineError::Model { source, .. } | PipelineError::Fit { source, .. } => {
                source.is_user_error()
            }
            PipelineError::Treatment(e) => e.is_user_error(),
            PipelineError::Write { .. } | PipelineError::Serialise { .. } => false,
            _ => true,
        }
    }

    /// The error for a `what` column (`outcome`, `arm`, ...) absent from `table`.
    pub(crate) fn missing_column(table: &Table, what: &'static str, column: &str) -> Self {
        PipelineError::MissingColumn {
            source_name: table.source.clone(),
            what,
            column: column.into(),
        }
    }

    pub(crate) fn model(context: impl Into<String>, source: ModelError) -> Self {
        PipelineError::Model { context: context.into(), source }
    }
}
