//! osler-models: estimators (linear models, gradient-boosted trees).

pub mod error;
pub mod gbdt;
pub mod linear;
pub mod rsf;
pub mod survival;

pub use error::ModelError;
