//! osler-models: estimators (linear models, gradient-boosted trees).

pub mod gbdt;
pub mod linear;
