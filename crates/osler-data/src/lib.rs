//! osler-data: tables, schemas, readers, clinical validation, preprocessing and splits.
//!
//! Data flows: read ([`read_csv_path`], [`json_input::read_json_records`], a
//! gene-expression matrix ([`read_expression_path`]) joined to a clinical table
//! ([`join_expression`]), or a shipped [`datasets`] entry) -> [`Schema::conform`] (missing codes, types,
//! valid ranges) -> [`target::select_features`] / [`target::binary_target`] ->
//! [`preprocess::Preprocessor`] fitted on training rows -> [`Matrix`].

#![warn(missing_docs)]

pub mod atomic;
pub mod catalog;
pub mod csv_reader;
pub mod datasets;
pub mod decimal;
pub mod error;
pub mod expression;
pub mod join;
pub mod json_input;
pub mod long;
pub mod matrix;
pub mod preprocess;
pub mod rng;
pub mod schema;
pub mod sort;
pub mod source;
pub mod split;
pub mod synth;
pub mod table;
pub mod target;

pub use csv_reader::{CsvOptions, IdColumn, read_csv_bytes, read_csv_path};
pub use decimal::DecimalMark;
pub use error::DataError;
pub use expression::{ExpressionMatrix, Orientation, read_expression_path};
pub use join::{Joined, join_expression};
pub use matrix::Matrix;
pub use preprocess::{PreprocessOptions, Preprocessor};
pub use rng::SplitMix64;
pub use schema::{ColumnDefaults, ColumnSpec, DatasetMeta, Kind, Role, Schema};
pub use table::{Column, ColumnData, ColumnSummary, Table};
pub use target::BinaryLevels;
