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
    /// A Cox model without covariates: none named and no numeric feature left.
    #[error("no covariates: none named and no numeric feature column besides the outcome")]
    NoCovariates,
    /// A case-weight column that is absent or not numeric.
    #[error("weights column '{column}' must exist and be numeric")]
    WeightsNotNumeric {
        /// The column.
        column: String,
    },
    /// A case weight that is missing, negative or not finite (R's `survfit`
    /// and lifelines refuse them too).
    #[error("{source_name}: {location}, column '{column}': {}", weight_problem(*.value))]
    BadWeight {
        /// The table's source.
        source_name: String,
        /// Where in the file (`line N` or `record N`).
        location: String,
        /// The weights column.
        column: String,
        /// The value found; `None` when the cell is empty.
        value: Option<f64>,
    },
    /// The model could not be fitted; `names` name the features the error's indices point to.
    #[error("{}", crate::model::name_features(.source, .names))]
    Model {
        /// The model's error.
        source: ModelError,
        /// Feature names, in the design matrix's column order.
        names: Vec<String>,
    },
}

/// What is wrong with a weight, for [`AnalysisError::BadWeight`].
fn weight_problem(value: Option<f64>) -> String {
    match value {
        None => "the weight is missing".to_string(),
        Some(v) => format!("weight {v} must be finite and >= 0"),
    }
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
