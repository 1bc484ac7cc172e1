//! osler-data: tables, schemas, readers, clinical validation, preprocessing and splits.

pub mod matrix;

pub use matrix::Matrix;
