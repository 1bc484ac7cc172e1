//! osler-models: estimators (linear models, gradient-boosted trees).

pub mod error;
pub mod gbdt;
pub mod linear;

pub use error::ModelError;
