//! Random survival forests (Ishwaran, Kogalur, Blackstone and Lauer 2008,
//! *Ann. Appl. Stat.* 2:841-860), with randomForestSRC / scikit-survival semantics.
//!
//! * **Trees** are grown on bootstrap samples (`n` draws with replacement,
//!   randomForestSRC `bootstrap = "by.root"`), trying `mtry` random features
//!   per node and splitting where the standardized two-sample log-rank
//!   statistic `|L|` is largest (the private `split` module documents the
//!   formula and its one-sweep evaluation). Thresholds are the edges of per-feature quantile
//!   bins computed once on the training data (the LightGBM binning shared
//!   with the GBDT, [`RsfOptions::split_candidates`] bins per feature). A
//!   split must leave `min_leaf` in-bag rows on both sides; a node with no
//!   admissible split, under `max_depth`, is a leaf.
//! * **Leaves** keep their in-bag training-row indices, not curves: memory is
//!   `4 bytes x n x n_trees` plus the nodes, independent of the number of
//!   event times. Curves are computed from the stored training outcomes when
//!   predicting ([`RandomSurvivalForest`] gives the estimators: mean of leaf
//!   Nelson-Aalen for the cumulative hazard, mean of leaf Kaplan-Meier for
//!   survival, ensemble mortality for the risk score).
//! * **Missing values** are refused with [`ModelError::NonFinite`](crate::ModelError::NonFinite)
//!   at fit and predict time; impute first.
//! * **Out-of-bag**: with bootstrap, [`RandomSurvivalForest::oob_risk`] and
//!   [`RandomSurvivalForest::oob_concordance`] (Ishwaran's OOB error is `1 - C`).
//! * Single-threaded and deterministic for a seed; a JSON round trip gives
//!   bit-identical predictions (serde_json `float_roundtrip`).

mod codes;
mod forest;
mod options;
mod split;
mod tree;

pub use forest::RandomSurvivalForest;
pub use options::{Mtry, RsfOptions};
pub use tree::{RsfNode, RsfTree};
