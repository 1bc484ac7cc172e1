//! Shared helpers of the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use osler_data::{ColumnData, Matrix, SplitMix64, Table};
use osler_nn::sequence::Sequences;
use osler_nn::{Geometry, Images};

/// `n` rows of 4 uniform(-2, 2) features and a 0/1 outcome with
/// logit `1.5 x0 - x1 x2 + 0.3` (an interaction a linear model misses).
pub fn toy(n: usize, seed: u64) -> (Matrix, Vec<f64>) {
    let mut r = SplitMix64::new(seed);
    let cols: Vec<Vec<f64>> =
        (0..4).map(|_| (0..n).map(|_| r.next_f64() * 4.0 - 2.0).collect()).collect();
    let y = (0..n)
        .map(|i| {
            let z = 1.5 * cols[0][i] - cols[1][i] * cols[2][i] + 0.3;
            f64::from(r.next_f64() < 1.0 / (1.0 + (-z).exp()))
        })
        .collect();
    (Matrix::from_columns(&cols).unwrap(), y)
}

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

/// `n` sequences of `steps` steps with 2 uniform(-1, 1) features and a token
/// (1 with probability 0.1, vocabulary 2); class = whether the sum of feature 0
/// ends positive.
pub fn sequences(n: usize, steps: usize, seed: u64) -> (Sequences, Vec<f64>) {
    let mut r = SplitMix64::new(seed);
    let values: Vec<f64> = (0..n * steps * 2).map(|_| r.next_f64() * 2.0 - 1.0).collect();
    let tokens: Vec<i64> = (0..n * steps).map(|_| i64::from(r.next_f64() < 0.1)).collect();
    let y: Vec<f64> = (0..n)
        .map(|i| f64::from((0..steps).map(|t| values[(i * steps + t) * 2]).sum::<f64>() > 0.0))
        .collect();
    (Sequences { n, steps, features: 2, values, tokens: Some(tokens) }, y)
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

/// The geometry of [`toy_images`].
pub const TOY_GEOMETRY: Geometry = Geometry { channels: 1, height: 28, width: 28 };

/// `n` 28x28 images, alternately class 0 (a bright 6x6 square in one of the
/// four corners) and class 1 (a bright 6x6 square at the centre, moved by up
/// to 2 px), on uniform noise in [-0.5, 0.5].
pub fn toy_images(n: usize, seed: u64) -> (Images, Vec<usize>) {
    let mut r = SplitMix64::new(seed);
    let mut values = Vec::with_capacity(n * TOY_GEOMETRY.len());
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let class = i % 2;
        let (y0, x0) = if class == 1 {
            (11 + r.below(5) - 2, 11 + r.below(5) - 2)
        } else {
            [(1, 1), (1, 21), (21, 1), (21, 21)][r.below(4)]
        };
        for y in 0..28 {
            for x in 0..28 {
                let square = (y0..y0 + 6).contains(&y) && (x0..x0 + 6).contains(&x);
                values.push(r.next_f64() as f32 - 0.5 + if square { 2.0 } else { 0.0 });
            }
        }
        labels.push(class);
    }
    (Images::new(values, n, TOY_GEOMETRY).unwrap(), labels)
}
