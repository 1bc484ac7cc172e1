//! Nonparametric survival: Kaplan-Meier and Nelson-Aalen curves ([`km`]),
//! log-rank tests and their weighted family ([`logrank`]), restricted
//! mean survival time ([`rmst`]) and the robust standard errors of the
//! curves ([`robust`]), all on right-censored or left-truncated
//! `(entry, time]` rows with optional case weights.

mod km;
mod logrank;
mod rmst;
mod robust;

pub use km::{ConfType, KaplanMeier};
pub use logrank::{LogRankOptions, LogRankTest, Weighting, logrank_test, logrank_test_with};
pub use rmst::{RmstComparison, WaldEstimate, rmst_difference};

use crate::ModelError;
use crate::survival::validate::check_lengths;

/// Entry (left-truncation) times must be finite and below their row's time,
/// as R's `Surv(start, stop, event)` and the Cox model's (start, stop] rows
/// require.
fn check_entry(entry: &[f64], time: &[f64]) -> Result<(), ModelError> {
    check_lengths("entry", entry.len(), time.len())?;
    match entry.iter().zip(time).position(|(&a, &b)| !(a.is_finite() && a < b)) {
        Some(row) => Err(ModelError::BadInterval { row, start: entry[row], stop: time[row] }),
        None => Ok(()),
    }
}
