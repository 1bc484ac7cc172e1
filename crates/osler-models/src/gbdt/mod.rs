//! Histogram gradient-boosted trees for binary outcomes (LightGBM-style).
//!
//! * Features are binned once into at most 255 quantile bins plus one bin for
//!   missing values (module `binning`); splits are found on gradient histograms,
//!   building only the smaller child's histogram and subtracting it from the
//!   parent's for the larger child.
//! * Trees grow leaf-wise (best gain first) up to `max_leaves`, under
//!   `max_depth`, `min_leaf` and `min_child_weight`; leaf outputs are
//!   `-G / (H + lambda_l2) * learning_rate` on the logistic loss.
//! * Missing values (NaN) are routed natively: every split tries sending them
//!   left and right and stores the better default direction. Where a node saw
//!   no missing value, NaN follows the child with the larger hessian sum.
//! * Early stopping watches the log loss of a stratified validation split and
//!   keeps the best iteration.
//! * [`GbdtModel::shap_values`] gives exact path-dependent TreeSHAP values.

pub(crate) mod binning;
mod booster;
mod data;
mod grow;
mod histogram;
mod options;
mod shap;
mod tree;

pub use booster::{GbdtModel, TrainingHistory};
pub use options::{GbdtOptions, ImportanceKind};
pub use tree::{Node, Tree};
