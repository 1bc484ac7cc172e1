//! osler-data: tables, schemas, readers, clinical validation, preprocessing and splits.

pub mod matrix;
pub mod rng;

pub use matrix::Matrix;
pub use rng::SplitMix64;
