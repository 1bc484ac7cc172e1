//! Input checks shared by the survival estimators.

use crate::ModelError;

pub(crate) fn check_lengths(
    what: &'static str,
    found: usize,
    expected: usize,
) -> Result<(), ModelError> {
    if found == expected {
        Ok(())
    } else {
        Err(ModelError::LengthMismatch { what, found, expected })
    }
}

/// Survival times must be finite and strictly positive.
pub(crate) fn check_times(time: &[f64]) -> Result<(), ModelError> {
    match time.iter().position(|t| !(t.is_finite() && *t > 0.0)) {
        Some(row) => Err(ModelError::BadTime { row, value: time[row] }),
        None => Ok(()),
    }
}

/// Event indicators must be exactly 0 or 1.
pub(crate) fn check_event(event: &[f64]) -> Result<(), ModelError> {
    match event.iter().position(|&e| e != 0.0 && e != 1.0) {
        Some(row) => Err(ModelError::BadLabel { row, value: event[row] }),
        None => Ok(()),
    }
}

/// Case weights must be finite, non-negative and not all zero.
pub(crate) fn check_weights(w: &[f64]) -> Result<(), ModelError> {
    if let Some(row) = w.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        return Err(ModelError::BadWeight { row, value: w[row] });
    }
    if w.iter().all(|&v| v == 0.0) {
        return Err(ModelError::ZeroWeights);
    }
    Ok(())
}
