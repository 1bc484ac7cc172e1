//! Errors of the training / prediction pipeline, split by who must act:
//! the user (bad data, bad options, bad artifact) or us (a bug).

use osler_data::DataError;
use osler_eval::EvalError;
use osler_models::ModelError;

/// Why a pipeline step failed.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("{context}: {source}")]
    Model { context: String, source: ModelError },
    #[error("metrics: {0}")]
    Eval(#[from] EvalError),
    #[error("{0}")]
    Usage(String),
    #[error("artifact {path}: {problem}")]
    Artifact { path: String, problem: String },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
}

impl PipelineError {
    /// True when the user can fix the problem (exit code 2); false for internal errors (exit 1).
    pub fn is_user_error(&self) -> bool {
        match self {
            PipelineError::Data(e) => e.is_user_error(),
            PipelineError::Write { .. } => false,
            _ => true,
        }
    }

    pub(crate) fn model(context: impl Into<String>, source: ModelError) -> Self {
        PipelineError::Model { context: context.into(), source }
    }
}
