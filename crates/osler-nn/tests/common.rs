//! Shared helpers of the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use osler_data::{ColumnData, Matrix, Table};

/// A numeric column of a shipped dataset (text columns: their level codes).
pub fn column(t: &Table, name: &str) -> Vec<f64> {
    match &t.column(name).unwrap_or_else(|| panic!("column {name}")).data {
        ColumnData::Numeric(v) => v.clone(),
        ColumnData::Text { codes, .. } => codes.iter().map(|&c| c as f64).collect(),
    }
}

pub fn dataset(name: &str) -> Table {
    osler_data::datasets::find(name).unwrap().table().unwrap()
}

/// whas500: the 14 covariates, `lenfol`, `fstat`.
pub fn whas500() -> (Matrix, Vec<f64>, Vec<f64>) {
    let t = dataset("whas500");
    let names = [
        "afb", "age", "av3", "bmi", "chf", "cvd", "diasbp", "gender", "hr", "los", "miord",
        "mitype", "sho", "sysbp",
    ];
    let cols: Vec<Vec<f64>> = names.iter().map(|n| column(&t, n)).collect();
    (Matrix::from_columns(&cols).unwrap(), column(&t, "lenfol"), column(&t, "fstat"))
}
