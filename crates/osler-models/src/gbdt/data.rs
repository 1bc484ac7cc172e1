//! Checks on the training data and the stratified validation split.

use osler_data::{Matrix, SplitMix64};

use crate::ModelError;

/// Checks shapes, feature values (NaN allowed, infinities not), labels and weights.
pub(crate) fn check_inputs(x: &Matrix, y: &[f64], w: Option<&[f64]>) -> Result<(), ModelError> {
    if x.rows() == 0 {
        return Err(ModelError::Empty);
    }
    if y.len() != x.rows() {
        return Err(ModelError::LengthMismatch {
            what: "outcome",
            found: y.len(),
            expected: x.rows(),
        });
    }
    if let Some(w) = w
        && w.len() != x.rows()
    {
        return Err(ModelError::LengthMismatch {
            what: "weights",
            found: w.len(),
            expected: x.rows(),
        });
    }
    for j in 0..x.cols() {
        if let Some((row, &value)) = x.col(j).iter().enumerate().find(|(_, v)| v.is_infinite()) {
            return Err(ModelError::NonFinite { feature: j, row, value });
        }
    }
    if let Some((row, &value)) = y.iter().enumerate().find(|(_, v)| **v != 0.0 && **v != 1.0) {
        return Err(ModelError::BadLabel { row, value });
    }
    let mut class_weight = [0.0f64; 2];
    for (i, &yi) in y.iter().enumerate() {
        let wi = match w {
            Some(w) => {
                let wi = w[i];
                if !(wi.is_finite() && wi >= 0.0) {
                    return Err(ModelError::BadWeight { row: i, value: wi });
                }
                wi
            }
            None => 1.0,
        };
        class_weight[usize::from(yi == 1.0)] += wi;
    }
    if class_weight[1] <= 0.0 {
        return Err(ModelError::SingleClass { class: 0.0 });
    }
    if class_weight[0] <= 0.0 {
        return Err(ModelError::SingleClass { class: 1.0 });
    }
    Ok(())
}

/// Stratified split: returns `(train, valid)` row indices, both ascending.
/// Each class gives `round(fraction * n_class)` rows to validation, but always
/// keeps at least one row of each class for training.
pub(crate) fn stratified_split(
    y: &[f64],
    fraction: f64,
    rng: &mut SplitMix64,
) -> Result<(Vec<usize>, Vec<usize>), ModelError> {
    let mut train = Vec::with_capacity(y.len());
    let mut valid = Vec::new();
    for class in [0.0, 1.0] {
        let mut idx: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        rng.shuffle(&mut idx);
        let k = ((fraction * idx.len() as f64).round() as usize).min(idx.len().saturating_sub(1));
        valid.extend_from_slice(&idx[..k]);
        train.extend_from_slice(&idx[k..]);
    }
    if valid.is_empty() {
        return Err(ModelError::NoValidationRows { fraction, rows: y.len() });
    }
    train.sort_unstable();
    valid.sort_unstable();
    Ok((train, valid))
}

/// Weighted mean log loss of raw scores (log-odds).
pub(crate) fn log_loss(scores: &[f64], y: &[f64], w: Option<&[f64]>) -> f64 {
    let mut num = 0.0;
    let mut den = 0.0;
    for (i, (&s, &yi)) in scores.iter().zip(y).enumerate() {
        let wi = w.map_or(1.0, |w| w[i]);
        num += wi * point_loss(s, yi);
        den += wi;
    }
    if den > 0.0 { num / den } else { 0.0 }
}

/// Logistic loss of one raw score, computed without overflow.
#[inline]
pub(crate) fn point_loss(s: f64, y: f64) -> f64 {
    let e = (-s.abs()).exp();
    let base = (1.0 + e).ln();
    if s >= 0.0 { base + (1.0 - y) * s } else { base - y * s }
}
