//! osler-models: estimators (linear models, gradient-boosted trees, survival
//! models) and the selection tools for wide data.

#![warn(missing_docs)]

pub mod cv;
pub mod error;
pub mod gbdt;
pub mod linear;
pub mod rsf;
pub mod selection;
pub mod survival;

pub use error::ModelError;
