//! osler-pipeline: the clinical modelling workflow as a library.
//!
//! `prepare` (conform data to its schema, resolve outcome and predictors) ->
//! `train` (cross-validate with preprocessing fitted inside each fold, then fit
//! the final model) -> `Artifact` (save / load, atomic and hash-checked) ->
//! `Artifact::predict` / `Artifact::evaluate`. The `osler` CLI is a thin layer
//! over these functions.

#![warn(missing_docs)]

pub mod analysis;
pub mod api;
pub mod apply;
pub mod apply_multiclass;
pub mod artifact;
pub mod contract;
pub mod cv;
pub mod cv_bootstrap;
mod cv_multiclass;
pub mod enet;
pub mod enet_multinomial;
pub mod error;
pub mod image;
pub mod kinds;
pub mod leakage;
pub mod missing_rows;
pub mod model;
mod nan_json;
pub mod outcome;
pub mod prepare;
pub mod registry;
pub mod sequence;
pub mod session;
pub mod summary;
pub mod survival_data;
pub mod survival_train;
pub mod train;
pub mod treatment;

pub use apply::{
    Explanation, Predictions, SurvivalPredictions, build_artifact, build_survival_artifact,
};
pub use apply_multiclass::{ClassPredictions, MulticlassEvaluation};
pub use artifact::{Artifact, DataInfo, HeldOutMetrics, InputContract, Manifest};
pub use contract::{
    BinaryClassifier, Contract, Estimator, MulticlassClassifier, SequenceModel, SurvivalModel,
};
pub use cv::{CvSummary, MetricSummary, OutOfFold};
pub use cv_bootstrap::CvProgress;
pub use error::PipelineError;
pub use leakage::Warning;
pub use model::{Fit, Fitted, FittedModel, ModelSpec, Specification};
pub use outcome::Outcome;
pub use prepare::{DataSpec, Prepared, prepare};
pub use registry::{Capabilities, ModelKind, Task, kinds};
pub use session::{TaskInput, TrainingJob, run_training};
pub use summary::{ModelSummary, Timing, TrainingReport};
pub use train::{ThresholdRule, TrainOutcome, TrainSpec, train};
