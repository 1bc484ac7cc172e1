//! Input validation and the internal standardisation shared by all solvers.

use osler_data::Matrix;

use super::numeric::sum_of_terms;
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
    let (w, wsum) = rows_and_weights(x, y.len(), w)?;
    if let Some((row, &value)) = y.iter().enumerate().find(|(_, v)| !(**v == 0.0 || **v == 1.0)) {
        return Err(ModelError::BadLabel { row, value });
    }
    let ysum: f64 = y.iter().zip(&w).map(|(y, w)| y * w).sum();
    let (mean, sd) = standardisation(x, &w, wsum)?;
    if ysum == 0.0 || ysum == wsum {
        let class = if ysum == 0.0 { 0.0 } else { 1.0 };
        return Err(ModelError::SingleClass { class });
    }
    Ok(Prepared { w, wsum, mean, sd, ybar: ysum / wsum })
}

/// Checks that `x` has rows and the outcome (of length `y_len`) one entry
/// per row, then returns the checked [`case_weights`] and their sum.
pub(crate) fn rows_and_weights(
    x: &Matrix,
    y_len: usize,
    w: Option<&[f64]>,
) -> Result<(Vec<f64>, f64), ModelError> {
    let n = x.rows();
    if n == 0 {
        return Err(ModelError::Empty);
    }
    if y_len != n {
        return Err(ModelError::LengthMismatch { what: "outcome y", found: y_len, expected: n });
    }
    case_weights(n, w)
}

/// Case weights (all 1 when `w` is `None`) and their sum, checked: the
/// length, each weight finite and non-negative, a positive finite sum.
pub(crate) fn case_weights(n: usize, w: Option<&[f64]>) -> Result<(Vec<f64>, f64), ModelError> {
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
    if let Some((row, &value)) = w.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0))
    {
        return Err(ModelError::BadWeight { row, value });
    }
    let wsum: f64 = w.iter().sum();
    if !(wsum > 0.0 && wsum.is_finite()) {
        return Err(ModelError::ZeroWeights);
    }
    Ok((w, wsum))
}

/// Weighted means and population SDs of the columns of `x` (SD 0 and mean
/// equal to the common value for a column constant over the weighted rows);
/// a non-finite value is an error naming its feature and row.
pub(crate) fn standardisation(
    x: &Matrix,
    w: &[f64],
    wsum: f64,
) -> Result<(Vec<f64>, Vec<f64>), ModelError> {
    // One pass per column checks the values and sums them, a second (from
    // cache) gives the SD; sums use four interleaved accumulators.
    let mut mean = Vec::with_capacity(x.cols());
    let mut sd = Vec::with_capacity(x.cols());
    for feature in 0..x.cols() {
        let c = x.col(feature);
        let (sum, finite) = weighted_sum(c, w);
        if !finite {
            let (row, &value) =
                c.iter().enumerate().find(|(_, v)| !v.is_finite()).unwrap_or((0, &f64::NAN));
            return Err(ModelError::NonFinite { feature, row, value });
        }
        let m = sum / wsum;
        let first = c.iter().zip(w).find(|(_, w)| **w > 0.0).map_or(0.0, |(x, _)| *x);
        let constant = c.iter().zip(w).all(|(x, w)| *w == 0.0 || *x == first);
        let s = if constant { 0.0 } else { (weighted_sq_dev(c, w, m) / wsum).sqrt() };
        mean.push(if constant { first } else { m });
        sd.push(s);
    }
    Ok((mean, sd))
}

/// `(sum_i w_i x_i, all x_i finite)`, in four interleaved partial sums.
fn weighted_sum(x: &[f64], w: &[f64]) -> (f64, bool) {
    let n = x.len().min(w.len());
    let (xc, xt) = x[..n].as_chunks::<4>();
    let (wc, wt) = w[..n].as_chunks::<4>();
    let (mut acc, mut bad) = ([0.0; 4], [false; 4]);
    for (xv, wv) in xc.iter().zip(wc) {
        for l in 0..4 {
            acc[l] += xv[l] * wv[l];
            bad[l] |= !xv[l].is_finite();
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    let mut finite = !bad.iter().any(|b| *b);
    for (xv, wv) in xt.iter().zip(wt) {
        s += xv * wv;
        finite &= xv.is_finite();
    }
    (s, finite)
}

/// `sum_i w_i (x_i - m)^2`, in four interleaved partial sums.
fn weighted_sq_dev(x: &[f64], w: &[f64], m: f64) -> f64 {
    sum_of_terms(x, w, |xv, wv| wv * (xv - m) * (xv - m))
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
        let (mut lo1, mut hi1, mut lo0, mut hi0) =
            (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
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
