//! Dense column-major design matrix shared by every estimator.

use serde::{Deserialize, Serialize};

/// A dense `rows x cols` matrix of `f64` stored column by column.
///
/// Column-major because estimators sweep one feature at a time (coordinate
/// descent, histogram binning); `NaN` marks a missing value, which only
/// estimators that route missing values natively (GBDT) accept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

/// The buffer handed to [`Matrix::from_columns`] had columns of unequal length.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("column {column} has {found} values, expected {expected}")]
pub struct ShapeError {
    /// Zero-based index of the first column whose length differs from column 0.
    pub column: usize,
    /// Number of values in that column.
    pub found: usize,
    /// Number of values in column 0 (the row count every column must have).
    pub expected: usize,
}

impl Matrix {
    /// A matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Matrix { rows, cols, data: vec![0.0; rows * cols] }
    }

    /// Builds a matrix from equally long columns.
    pub fn from_columns(columns: &[Vec<f64>]) -> Result<Self, ShapeError> {
        let rows = columns.first().map_or(0, Vec::len);
        let mut data = Vec::with_capacity(rows * columns.len());
        for (j, c) in columns.iter().enumerate() {
            if c.len() != rows {
                return Err(ShapeError { column: j, found: c.len(), expected: rows });
            }
            data.extend_from_slice(c);
        }
        Ok(Matrix { rows, cols: columns.len(), data })
    }

    /// Builds a matrix from a row-major buffer of `rows * cols` values.
    ///
    /// # Panics
    /// If `values.len() != rows * cols` (a programming error, not user data).
    pub fn from_row_major(rows: usize, cols: usize, values: &[f64]) -> Self {
        assert_eq!(values.len(), rows * cols, "row-major buffer has the wrong length");
        let mut m = Matrix::zeros(rows, cols);
        for i in 0..rows {
            for j in 0..cols {
                m.data[j * rows + i] = values[i * cols + j];
            }
        }
        m
    }

    /// Takes a column-major buffer of `rows * cols` values without copying.
    ///
    /// # Panics
    /// If `data.len() != rows * cols` (a programming error, not user data).
    pub fn from_column_major(rows: usize, cols: usize, data: Vec<f64>) -> Self {
        assert_eq!(data.len(), rows * cols, "column-major buffer has the wrong length");
        Matrix { rows, cols, data }
    }

    /// The column-major buffer (column `j` is `[j * rows, (j + 1) * rows)`),
    /// without copying: lets a consumer reuse the memory.
    pub fn into_column_major(self) -> Vec<f64> {
        self.data
    }

    /// Number of rows (observations).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (features).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Value at row `i`, column `j`.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[j * self.rows + i]
    }

    /// Overwrites the value at row `i`, column `j` with `v`.
    #[inline]
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[j * self.rows + i] = v;
    }

    /// Column `j` as a contiguous slice.
    #[inline]
    pub fn col(&self, j: usize) -> &[f64] {
        &self.data[j * self.rows..(j + 1) * self.rows]
    }

    /// Column `j` as a contiguous mutable slice, for in-place column transforms.
    #[inline]
    pub fn col_mut(&mut self, j: usize) -> &mut [f64] {
        &mut self.data[j * self.rows..(j + 1) * self.rows]
    }

    /// Row `i` copied into a new vector.
    pub fn row(&self, i: usize) -> Vec<f64> {
        (0..self.cols).map(|j| self.get(i, j)).collect()
    }

    /// The sub-matrix made of the given rows, in the given order.
    pub fn select_rows(&self, idx: &[usize]) -> Matrix {
        let mut data = Vec::with_capacity(idx.len() * self.cols);
        for j in 0..self.cols {
            let c = self.col(j);
            data.extend(idx.iter().map(|&i| c[i]));
        }
        Matrix { rows: idx.len(), cols: self.cols, data }
    }

    /// True when any entry is NaN.
    pub fn has_nan(&self) -> bool {
        self.data.iter().any(|v| v.is_nan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_major_and_columns_agree() {
        let a = Matrix::from_row_major(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let b = Matrix::from_columns(&[vec![1.0, 4.0], vec![2.0, 5.0], vec![3.0, 6.0]])
            .expect("equal columns");
        assert_eq!(a, b);
        assert_eq!(a.col(1), &[2.0, 5.0]);
        assert_eq!(a.row(1), vec![4.0, 5.0, 6.0]);
        assert_eq!(a.select_rows(&[1, 0]).row(0), vec![4.0, 5.0, 6.0]);
        let c = Matrix::from_column_major(2, 3, a.clone().into_column_major());
        assert_eq!(a, c);
    }

    #[test]
    fn ragged_columns_are_refused() {
        let e = Matrix::from_columns(&[vec![1.0, 2.0], vec![3.0]]).expect_err("ragged");
        assert_eq!(e, ShapeError { column: 1, found: 1, expected: 2 });
    }
}
