//! Input validation and the internal standardisation shared by all solvers.

use osler_data::Matrix;

use crate::ModelError;

/// Validated training data summary: weights, weighted means and population
/// standard deviations of the features.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// Case weights (all 1 when none were given).
    pub w: Vec<f64>,
    /// `W = sum_i w_i`.
    pub wsum: f64,
    /// Weighted mean `m_j = sum_i w_i x_ij / W`.
    pub mean: Vec<f64>,
    /// Weighted population SD `s_j = sqrt(sum_i w_i (x_ij - m_j)^2 / W)`; 0 when
    /// the column is constant over the rows with positive weight.
    pub sd: Vec<f64>,
    /// Weighted mean of the outcome.
    pub ybar: f64,
}

impl Prepared {
    pub fn is_constant(&self, j: usize) -> bool {
        self.sd[j] == 0.0
    }
}

/// Validates `(x, y, w)` and computes the standardisation.
///
/// Errors, in this order: no rows, `y`/`w` length, a negative or non-finite
/// weight, weights summing to zero, a label other than 0/1, a non-finite
/// feature value, a single class among the rows with positive weight.
pub(crate) fn prepare(x: &Matrix, y: &[f64], w: Option<&[f64]>) -> Result<Prepared, ModelError> {
    let n = x.rows();
    if n == 0 {
        return Err(ModelError::Empty);
    }
    if y.len() != n {
        return Err(ModelError::LengthMismatch {
            what: "outcome y",
            found: y.len(),
            expected: n,
        });
    }
    let w: Vec<f64> = match w {
        Some(w) if w.len() != n => {
            return Err(ModelError::LengthMismatch {
                what: "case weights",
                found: w.len(),
                expected: n,
            });
        }
        Some(w) => w.to_vec(),
        None => vec![1.0; n],
    };
    if let Some((row, &value)) = w
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
    {
        return Err(ModelError::BadWeight { row, value });
    }
    let wsum: f64 = w.iter().sum();
    if !(wsum > 0.0 && wsum.is_finite()) {
        return Err(ModelError::ZeroWeights);
    }
    if let Some((row, &value)) = y
        .iter()
        .enumerate()
        .find(|(_, v)| !(**v == 0.0 || **v == 1.0))
    {
        return Err(ModelError::BadLabel { row, value });
    }
    for feature in 0..x.cols() {
        if let Some((row, &value)) = x
            .col(feature)
            .iter()
            .enumerate()
            .find(|(_, v)| !v.is_finite())
        {
            return Err(ModelError::NonFinite {
                feature,
                row,
                value,
            });
        }
    }
    let ysum: f64 = y.iter().zip(&w).map(|(y, w)| y * w).sum();
    if ysum == 0.0 || ysum == wsum {
        let class = if ysum == 0.0 { 0.0 } else { 1.0 };
        return Err(ModelError::SingleClass { class });
    }
    let mut mean = Vec::with_capacity(x.cols());
    let mut sd = Vec::with_capacity(x.cols());
    for j in 0..x.cols() {
        let c = x.col(j);
        let m = c.iter().zip(&w).map(|(x, w)| x * w).sum::<f64>() / wsum;
        let first = c
            .iter()
            .zip(&w)
            .find(|(_, w)| **w > 0.0)
            .map_or(0.0, |(x, _)| *x);
        let constant = c.iter().zip(&w).all(|(x, w)| *w == 0.0 || *x == first);
        let s = if constant {
            0.0
        } else {
            (c.iter()
                .zip(&w)
                .map(|(x, w)| w * (x - m) * (x - m))
                .sum::<f64>()
                / wsum)
                .sqrt()
        };
        mean.push(if constant { first } else { m });
        sd.push(s);
    }
    Ok(Prepared {
        w,
        wsum,
        mean,
        sd,
        ybar: ysum / wsum,
    })
}

/// A single feature that (quasi-)completely separates the outcome among the
/// rows with positive weight: every row with `y = 1` lies on one side of a
/// threshold and every row with `y = 0` on the other (ties allowed at the
/// threshold). Then the maximum-likelihood estimate does not exist (Albert &
/// Anderson 1984): the coefficient diverges. Returns `(feature, quasi)`.
pub(crate) fn univariate_separation(
    x: &Matrix,
    y: &[f64],
    prep: &Prepared,
) -> Option<(usize, bool)> {
    for j in 0..x.cols() {
        if prep.is_constant(j) {
            continue;
        }
        let (mut lo1, mut hi1, mut lo0, mut hi0) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        // Branch-free: rows of the other class (or without weight) map to +-inf.
        for ((&v, &yi), &wi) in x.col(j).iter().zip(y).zip(&prep.w) {
            let (one, zero) = (wi > 0.0 && yi == 1.0, wi > 0.0 && yi == 0.0);
            lo1 = lo1.min(if one { v } else { f64::INFINITY });
            hi1 = hi1.max(if one { v } else { f64::NEG_INFINITY });
            lo0 = lo0.min(if zero { v } else { f64::INFINITY });
            hi0 = hi0.max(if zero { v } else { f64::NEG_INFINITY });
        }
        if hi0 <= lo1 {
            return Some((j, hi0 == lo1));
        }
        if hi1 <= lo0 {
            return Some((j, hi1 == lo0));
        }
    }
    None
}

/// Writes rows `start..start+len` of the standardised design, with a leading
/// column of ones for the intercept, into `buf` (column-major, `len` rows,
/// `active.len() + 1` columns). `active` lists the features used.
#[inline]
pub(crate) fn standardised_block(
    x: &Matrix,
    prep: &Prepared,
    active: &[usize],
    start: usize,
    len: usize,
    buf: &mut [f64],
) {
    buf[..len].iter_mut().for_each(|v| *v = 1.0);
    for (k, &j) in active.iter().enumerate() {
        let (m, inv) = (prep.mean[j], 1.0 / prep.sd[j]);
        let src = &x.col(j)[start..start + len];
        let dst = &mut buf[(k + 1) * len..(k + 2) * len];
        for (d, s) in dst.iter_mut().zip(src) {
            *d = (s - m) * inv;
        }
    }
}
