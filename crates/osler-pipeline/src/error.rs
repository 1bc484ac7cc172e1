//! Errors of the training / prediction pipeline, split by who must act:
//! the user (bad data, bad options, bad artifact) or us (a bug).

use osler_data::DataError;
use osler_eval::EvalError;
use osler_models::ModelError;

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
    /// Options or data that do not fit together; the message says how to fix it.
    #[error("{0}")]
    Usage(String),
    #[error("artifact {path}: {problem}")]
    /// A saved model directory is missing, corrupt or of another version.
    Artifact {
        /// The artifact directory.
        path: String,
        /// What is wrong with it.
        problem: String,
    },
    #[error("cannot write {path}: {source}")]
    /// Writing an output file failed (an environment problem, not the user's input).
    Write {
        /// The file that could not be written.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
}

impl PipelineError {
    /// True when the user can fix the problem (exit code 2); false for internal errors (exit 1).
    pub fn is_user_error(&self) -> bool {
        match self {
            PipelineError::Data(e) => e.is_user_error(),
            PipelineError::Model { source, .. } => source.is_user_error(),
            PipelineError::Write { .. } => false,
            _ => true,
        }
    }

    pub(crate) fn model(context: impl Into<String>, source: ModelError) -> Self {
        PipelineError::Model { context: context.into(), source }
    }
}
