//! The front ends' facade: every name a command line, a service or a binding
//! needs, in one place, grouped by job. A front end builds a request from
//! these types, calls one function and renders the typed result; it needs no
//! other module of this crate and none of the crates below it.
//!
//! - **Train**: [`TrainingJob`] (a [`DataSpec`], a [`TaskInput`] and a
//!   [`TrainSpec`] with its [`ModelSpec`]) -> [`run_training`] ->
//!   [`Artifact`] + [`TrainingReport`]. The model kinds are listed by [`kinds`].
//! - **Use an artifact**: [`Artifact::load`], then [`predict`] and
//!   [`evaluate`] whatever its task ([`ArtifactPredictions`]: a
//!   [`PredictionOutput`] with optional [`RowIds`];
//!   [`EvaluationOutput`]; their JSON is [`PredictionReport`],
//!   [`EvaluationReport`], their survival twins or the multiclass and
//!   sequence results).
//! - **Analyses**: [`kaplan_meier`], [`logrank`], [`cox`] (survival),
//!   [`score_metrics`] and [`survival_metrics`] (any predictions), [`analyse`] (a two-arm trial).
//! - **Errors**: [`PipelineError`] and [`AnalysisError`], with the model,
//!   network and metric errors they wrap.

pub use crate::analysis::AnalysisError;
pub use crate::analysis::intervals::{IntervalSpec, MetricIntervals};
pub use crate::analysis::metrics::{MetricsRequest, score_metrics};
pub use crate::analysis::prediction::{
    EvaluationReport, PredictionReport, SurvivalEvaluationReport, SurvivalPredictionReport,
};
pub use crate::analysis::survival::{
    CoxRequest, KmRequest, LogrankRequest, cox, kaplan_meier, logrank,
};
pub use crate::analysis::survival_metrics::{
    SurvivalMetricsRequest, SurvivalPredictionMetrics, SurvivalPredictionSource, survival_metrics,
};
pub use crate::analysis::use_artifact::{
    ArtifactPredictions, EvaluationOutput, PredictRequest, PredictionOutput, RowIds, evaluate,
    predict,
};
pub use crate::artifact::{Artifact, InputContract};
pub use crate::cv_bootstrap::CvProgress;
pub use crate::enet::{EnetSpec, LambdaRule};
pub use crate::error::{
    ArtifactProblem, PipelineError, SurvivalRowProblem, TimeOption, TreatmentError,
};
pub use crate::image::{ImageContract, ImageTaskError};
pub use crate::leakage::Warning;
pub use crate::missing_rows::{MissingColumn, MissingPolicy, MissingRows};
pub use crate::model::{ModelSpec, name_features};
pub use crate::prepare::DataSpec;
pub use crate::registry::{Task, kinds};
pub use crate::sequence::{Cell, SequenceError, SequenceOptions, SequenceSpec};
pub use crate::session::{TaskInput, TrainingJob, run_training};
pub use crate::summary::TrainingReport;
pub use crate::survival_data::SurvivalSpec;
pub use crate::train::{ThresholdRule, TrainSpec};
pub use crate::treatment::{OutcomeSpec, TreatmentReport, TreatmentSpec, analyse, conform_trial};

/// The hyperparameter types of every model kind, and the errors of the
/// estimators, networks and metrics a [`PipelineError`] may wrap.
pub mod estimators {
    pub use crate::kinds::cox::CoxSpec;
    pub use crate::kinds::coxnet::CoxnetSpec;
    pub use crate::kinds::deepsurv::DeepSurvSpec;
    pub use crate::kinds::gbdt::GbdtSpec;
    pub use crate::kinds::image::ImageSpec;
    pub use crate::kinds::logistic::LogisticSpec;
    pub use crate::kinds::mlp::MlpSpec;
    pub use crate::kinds::recurrent::RecurrentSpec;
    pub use crate::kinds::rsf::RsfSpec;
    pub use osler_eval::survival::CensoringConvention;
    pub use osler_eval::{BinaryMetrics, BinomialError, EvalError};
    pub use osler_models::ModelError;
    pub use osler_models::gbdt::GbdtOptions;
    pub use osler_models::linear::{LogisticOptions, Penalty};
    pub use osler_models::rsf::RsfOptions;
    pub use osler_models::selection::{Prefilter, PrefilterMethod};
    pub use osler_models::survival::Weighting;
    pub use osler_models::survival::{ConfType, PhMethod, PhTestOptions, PhTransform, Ties};
    pub use osler_nn::layers::Norm;
    pub use osler_nn::{
        Augment, CnnKind, DeepSurvOptions, DeviceChoice, ImageOptions, LrSchedule, MlpOptions,
        NnError, OptimizerKind, ProgressObserver, StopOn, TrainEvent, TrainOptions,
    };
}
