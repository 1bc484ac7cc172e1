//! osler-eval: metrics of binary risk predictions, matching scikit-learn,
//! statsmodels and pROC to floating-point precision.
//!
//! Every function takes outcomes `y: &[bool]` (`true` = event) and either
//! scores (`score`, any finite values) or probabilities (`p`, in `[0, 1]`).
//! Inputs are validated in one place and problems come back as [`EvalError`].

#![warn(missing_docs)]

mod benefit;
pub mod binomial;
mod bootstrap;
mod calibration;
mod counts;
mod curves;
mod decision;
mod delong;
mod ece;
mod error;
mod multiclass;
mod normal;
mod probability;
mod ranking;
mod resampled;
mod summary;
pub mod survival;
mod threshold;
mod validate;

pub use benefit::{CForBenefit, c_for_benefit, concordance_uncensored, match_by_benefit};
pub use binomial::{BinomialError, wilson_interval};
pub use bootstrap::{
    bias_shifted_percentile_interval, bootstrap_ci, percentile_interval, quantile_linear, resample,
};
pub use calibration::{Calibration, calibration};
pub use curves::{PrCurve, RocCurve, precision_recall_curve, roc_curve};
pub use decision::{NetBenefit, decision_curve};
pub use delong::{AurocCi, auroc_ci_delong, delong_auc_variance};
pub use ece::{Ece, EceBin, ece};
pub use error::EvalError;
pub use multiclass::{
    MulticlassMetrics, ROW_SUM_TOLERANCE, confusion_matrix, multiclass_metrics, predicted_classes,
};
pub use normal::{Z_975, normal_quantile};
pub use probability::{LOG_LOSS_CLIP, brier, log_loss};
pub use ranking::{auroc, average_precision};
pub use resampled::{BinaryResampler, ResampleScratch};
pub use summary::{BinaryMetrics, BinaryPanel, ECE_BINS, Undefined, binary_metrics, binary_panel};
pub use threshold::{ThresholdMetrics, confusion_at, youden_threshold};
