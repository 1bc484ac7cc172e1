//! Hyper-parameters of the random survival forest and their validation.

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// How many features are drawn at random as split candidates at each node (`mtry`).
///
/// Whatever the rule, the count is clamped to `1..=p`. Features that are constant
/// within a node do not count: the search keeps drawing until `mtry` features
/// that vary in the node were tried or every feature was seen (the
/// scikit-learn / scikit-survival rule), so a node never becomes a leaf just
/// because the draw hit constant columns.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Mtry {
    /// `ceil(sqrt(p))`, the randomForestSRC default for survival forests
    /// (scikit-survival's `"sqrt"` rounds down instead).
    Sqrt,
    /// `ceil(log2(p))`.
    Log2,
    /// Every feature at every node (bagged survival trees).
    All,
    /// A fixed count, at least 1 (clamped to `p`).
    Count(usize),
    /// `ceil(fraction * p)` for a fraction in `(0, 1]`.
    Fraction(f64),
}

impl Mtry {
    /// The number of features tried per node for `p` features.
    pub fn resolve(self, p: usize) -> usize {
        let pf = p as f64;
        let k = match self {
            Mtry::Sqrt => pf.sqrt().ceil() as usize,
            Mtry::Log2 => pf.log2().ceil() as usize,
            Mtry::All => p,
            Mtry::Count(k) => k,
            Mtry::Fraction(f) => (f * pf).ceil() as usize,
        };
        k.clamp(1, p.max(1))
    }
}

/// Options of [`RandomSurvivalForest::fit`](super::RandomSurvivalForest::fit).
///
/// Defaults follow randomForestSRC's `rfsrc` for survival data
/// (`ntree` aside: 100 trees as in scikit-survival, `mtry = ceil(sqrt(p))`,
/// `nodesize = 15`, unlimited depth, bootstrap "by root" with replacement).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RsfOptions {
    /// Number of trees, at least 1.
    pub n_trees: usize,
    /// Features tried per node.
    pub max_features: Mtry,
    /// Minimum number of in-bag rows (bootstrap duplicates counted) in each
    /// child of a split, at least 1. 15 is randomForestSRC's survival
    /// `nodesize`; scikit-survival's `min_samples_leaf` defaults to 3, which
    /// gives deeper trees with noisier leaf curves.
    pub min_leaf: usize,
    /// Maximum depth of a leaf (the root has depth 0); `None` = unlimited.
    pub max_depth: Option<usize>,
    /// Split candidates per feature: each feature is cut once, before any tree
    /// is grown, into at most this many quantile bins of about equal count
    /// (one bin per distinct value when there are fewer), and a node may only
    /// split at a bin edge, i.e. at one of at most `split_candidates - 1`
    /// thresholds half-way between two training values. In `2..=255`; 64 by
    /// default. This is the histogram approximation of LightGBM / ranger's
    /// `maxbins`; an exact search over every distinct value (randomForestSRC
    /// `nsplit = 0`, scikit-survival) is the limit of many bins.
    pub split_candidates: usize,
    /// Grow each tree on `n` rows drawn with replacement (true; out-of-bag
    /// estimates are then available) or on every row once (false).
    pub bootstrap: bool,
    /// Seed of every random choice (bootstrap samples, feature draws, bin sample).
    pub seed: u64,
}

impl Default for RsfOptions {
    fn default() -> Self {
        RsfOptions {
            n_trees: 100,
            max_features: Mtry::Sqrt,
            min_leaf: 15,
            max_depth: None,
            split_candidates: 64,
            bootstrap: true,
            seed: 0,
        }
    }
}

impl RsfOptions {
    /// Checks every option, naming the first one out of range.
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.n_trees == 0 {
            return Err(ModelError::invalid("n_trees", 0, "be at least 1"));
        }
        match self.max_features {
            Mtry::Count(0) => {
                return Err(ModelError::invalid(
                    "max_features",
                    "a count of 0",
                    "count at least 1 feature",
                ));
            }
            Mtry::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                return Err(ModelError::invalid(
                    "max_features",
                    format!("a fraction of {f}"),
                    "be a fraction in (0, 1]",
                ));
            }
            _ => {}
        }
        if self.min_leaf == 0 {
            return Err(ModelError::invalid("min_leaf", 0, "be at least 1"));
        }
        if self.max_depth == Some(0) {
            return Err(ModelError::invalid(
                "max_depth",
                0,
                "be at least 1 (or None for unlimited)",
            ));
        }
        if !(2..=255).contains(&self.split_candidates) {
            return Err(ModelError::invalid(
                "split_candidates",
                self.split_candidates,
                "be between 2 and 255",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mtry_resolves_and_clamps() {
        assert_eq!(Mtry::Sqrt.resolve(40), 7);
        assert_eq!(Mtry::Sqrt.resolve(1), 1);
        assert_eq!(Mtry::Log2.resolve(40), 6);
        assert_eq!(Mtry::All.resolve(5), 5);
        assert_eq!(Mtry::Count(9).resolve(5), 5);
        assert_eq!(Mtry::Fraction(0.3).resolve(10), 3);
    }

    #[test]
    fn bad_options_are_named() {
        let o = RsfOptions { split_candidates: 1, ..RsfOptions::default() };
        assert!(o.validate().is_err());
        let o = RsfOptions { max_features: Mtry::Fraction(0.0), ..RsfOptions::default() };
        assert!(o.validate().is_err());
        assert!(RsfOptions::default().validate().is_ok());
    }
}
