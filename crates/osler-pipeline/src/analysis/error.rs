//! Why an analysis failed, with the facts (file, row, column) as fields.

use osler_data::DataError;
use osler_eval::EvalError;
use osler_models::ModelError;

use crate::error::PipelineError;

/// A problem with the data or the request of an analysis.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// Preparing the data (schema, outcome, design matrix) failed.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// The data do not fit their schema or the request.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A metric is undefined for these data (e.g. one class only).
    #[error(transparent)]
    Eval(#[from] EvalError),
    /// A column the request names is not in the table.
    #[error("{source_name}: no column named '{column}'")]
    MissingColumn {
        /// The table's source (file name or `dataset:NAME`).
        source_name: String,
        /// The column asked for.
        column: String,
    },
    /// A grouping, strata or cluster column with a missing value.
    #[error("{source_name}: {location}, column '{column}': missing group value")]
    MissingLabel {
        /// The table's source.
        source_name: String,
        /// Where in the file (`line N` or `record N`).
        location: String,
        /// The column.
        column: String,
    },
    /// A predicted-probability column that holds text.
    #[error("{source_name}: score column '{column}' is not numeric")]
    ScoreNotNumeric {
        /// The table's source.
        source_name: String,
        /// The column.
        column: String,
    },
    /// A row without a predicted probability.
    #[error("{source_name}: line {line}, column '{column}': the score is missing")]
    MissingScore {
        /// The table's source.
        source_name: String,
        /// The 1-based line of the file (record number for JSON).
        line: u64,
        /// The column.
        column: String,
    },
    /// A predicted probability outside `[0, 1]`.
    #[error("{source_name}: {location}, column '{column}': {value} is not a probability in [0, 1]")]
    NotProbability {
        /// The table's source.
        source_name: String,
        /// Where in the file (`line N` or `record N`).
        location: String,
        /// The column.
        column: String,
        /// The value.
        value: f64,
    },
    /// A Cox model without covariates: none named and no numeric feature left.
    #[error("no covariates: none named and no numeric feature column besides the outcome")]
    NoCovariates,
    /// The model could not be fitted; `names` name the features the error's indices point to.
    #[error("{}", crate::model::name_features(.source, .names))]
    Model {
        /// The model's error.
        source: ModelError,
        /// Feature names, in the design matrix's column order.
        names: Vec<String>,
    },
}

impl AnalysisError {
    /// True when the user can fix the problem (bad data or request); false for internal errors.
    pub fn is_user_error(&self) -> bool {
        match self {
            AnalysisError::Pipeline(e) => e.is_user_error(),
            AnalysisError::Data(e) => e.is_user_error(),
            _ => true,
        }
    }

    pub(crate) fn model(source: ModelError, names: &[String]) -> Self {
        AnalysisError::Model { source, names: names.to_vec() }
    }
}
