//! Hyper-parameters of the gradient-boosted trees and their validation.

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// Options of [`GbdtModel::fit`](super::GbdtModel::fit).
///
/// Defaults follow LightGBM (100 trees, learning rate 0.1, 31 leaves, 255 bins,
/// 20 rows per leaf, minimum hessian 1e-3) except `lambda_l2`, which defaults
/// to 1.0 (like XGBoost) rather than LightGBM's 0: clinical data sets are often
/// small, and with no L2 penalty a nearly pure leaf gets a very large output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GbdtOptions {
    /// Number of boosting rounds (trees), at least 1.
    pub n_trees: usize,
    /// Shrinkage applied to every leaf output, any positive finite value (usually at most 1).
    pub learning_rate: f64,
    /// Maximum number of leaves per tree (leaf-wise growth), at least 2.
    pub max_leaves: usize,
    /// Maximum depth of a leaf (the root has depth 0); `None` = unlimited.
    pub max_depth: Option<usize>,
    /// Minimum number of training rows in a leaf, at least 1.
    pub min_leaf: usize,
    /// Minimum sum of hessians in a leaf, `>= 0`.
    pub min_child_weight: f64,
    /// L2 penalty on leaf outputs, `>= 0`.
    pub lambda_l2: f64,
    /// Maximum number of value bins per feature, in `2..=255` (missing values get one more bin).
    pub max_bins: usize,
    /// Stop when the validation log loss has not improved for this many rounds;
    /// `None` = no early stopping and no validation split (all rows train).
    pub early_stopping_rounds: Option<usize>,
    /// Fraction of rows (stratified by outcome) held out for early stopping, in `(0, 1)`.
    pub validation_fraction: f64,
    /// Seed of every random choice (validation split, binning sample).
    pub seed: u64,
}

impl Default for GbdtOptions {
    fn default() -> Self {
        GbdtOptions {
            n_trees: 100,
            learning_rate: 0.1,
            max_leaves: 31,
            max_depth: None,
            min_leaf: 20,
            min_child_weight: 1e-3,
            lambda_l2: 1.0,
            max_bins: 255,
            early_stopping_rounds: None,
            validation_fraction: 0.1,
            seed: 0,
        }
    }
}

impl GbdtOptions {
    /// Checks every option, naming the first one out of range.
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.n_trees == 0 {
            return Err(ModelError::invalid("n_trees", 0, "be at least 1"));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(ModelError::invalid(
                "learning_rate",
                self.learning_rate,
                "be positive and finite",
            ));
        }
        if self.max_leaves < 2 {
            return Err(ModelError::invalid("max_leaves", self.max_leaves, "be at least 2"));
        }
        if self.max_depth == Some(0) {
            return Err(ModelError::invalid(
                "max_depth",
                0,
                "be at least 1 (or None for unlimited)",
            ));
        }
        if self.min_leaf == 0 {
            return Err(ModelError::invalid("min_leaf", 0, "be at least 1"));
        }
        if !(self.min_child_weight.is_finite() && self.min_child_weight >= 0.0) {
            return Err(ModelError::invalid(
                "min_child_weight",
                self.min_child_weight,
                "be finite and non-negative",
            ));
        }
        if !(self.lambda_l2.is_finite() && self.lambda_l2 >= 0.0) {
            return Err(ModelError::invalid(
                "lambda_l2",
                self.lambda_l2,
                "be finite and non-negative",
            ));
        }
        if !(2..=255).contains(&self.max_bins) {
            return Err(ModelError::invalid("max_bins", self.max_bins, "be between 2 and 255"));
        }
        if self.early_stopping_rounds == Some(0) {
            return Err(ModelError::invalid("early_stopping_rounds", 0, "be at least 1 (or None)"));
        }
        if self.early_stopping_rounds.is_some()
            && !(self.validation_fraction > 0.0 && self.validation_fraction < 1.0)
        {
            return Err(ModelError::invalid(
                "validation_fraction",
                self.validation_fraction,
                "be strictly between 0 and 1 with early stopping",
            ));
        }
        Ok(())
    }
}

/// How [`GbdtModel::feature_importance`](super::GbdtModel::feature_importance) scores a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportanceKind {
    /// Total loss reduction (split gain) of the splits on the feature.
    Gain,
    /// Number of splits on the feature.
    Split,
}
