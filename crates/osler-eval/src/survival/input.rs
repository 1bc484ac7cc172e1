//! Validation of survival inputs: the only place user data is checked here.

use osler_data::Matrix;

use super::error::SurvivalError;
use crate::error::EvalError;

/// Checks `time`/`event`: equal non-zero lengths, finite non-negative times.
/// Returns the number of events.
pub(crate) fn outcomes(time: &[f64], event: &[bool]) -> Result<usize, EvalError> {
    if time.len() != event.len() {
        return Err(SurvivalError::LengthMismatch {
            what: "event",
            n: time.len(),
            other: event.len(),
        }
        .into());
    }
    if time.is_empty() {
        return Err(SurvivalError::Empty.into());
    }
    finite(time, "time")?;
    if let Some(index) = time.iter().position(|&t| t < 0.0) {
        return Err(SurvivalError::NegativeTime { index, value: time[index] }.into());
    }
    Ok(event.iter().filter(|&&e| e).count())
}

/// As [`outcomes`], and at least one event is required by `metric`.
pub(crate) fn with_events(
    time: &[f64],
    event: &[bool],
    metric: &'static str,
) -> Result<usize, EvalError> {
    let events = outcomes(time, event)?;
    if events == 0 {
        return Err(SurvivalError::NoEvents { metric }.into());
    }
    Ok(events)
}

/// A per-subject column: same length as `time`, finite values.
pub(crate) fn column(n: usize, x: &[f64], what: &'static str) -> Result<(), EvalError> {
    if x.len() != n {
        return Err(SurvivalError::LengthMismatch { what, n, other: x.len() }.into());
    }
    finite(x, what)
}

/// A per-subject column of probabilities in `[0, 1]`.
pub(crate) fn probabilities(n: usize, p: &[f64], what: &'static str) -> Result<(), EvalError> {
    column(n, p, what)?;
    match p.iter().position(|v| !(0.0..=1.0).contains(v)) {
        Some(index) => Err(SurvivalError::NotProbability { what, index, value: p[index] }.into()),
        None => Ok(()),
    }
}

/// An `n x times.len()` matrix of finite values (probabilities if `unit`).
pub(crate) fn matrix(
    n: usize,
    m: &Matrix,
    n_times: usize,
    what: &'static str,
    unit: bool,
) -> Result<(), EvalError> {
    if m.rows() != n || m.cols() != n_times {
        return Err(SurvivalError::ShapeMismatch {
            what,
            rows: m.rows(),
            cols: m.cols(),
            n,
            n_times,
        }
        .into());
    }
    for j in 0..n_times {
        if unit {
            probabilities(n, m.col(j), what)?;
        } else {
            column(n, m.col(j), what)?;
        }
    }
    Ok(())
}

/// Checks evaluation times against observed `time`: non-empty, strictly
/// increasing, each in `[min T, max T)` (as scikit-survival requires: beyond
/// the last observed time nobody is at risk).
///
/// # Errors
/// [`SurvivalError::InvalidTimes`], [`SurvivalError::TimeOutOfRange`] or a non-finite time.
pub fn eval_times(time: &[f64], times: &[f64]) -> Result<(), EvalError> {
    if times.is_empty() {
        return Err(SurvivalError::InvalidTimes { reason: "at least one time is needed" }.into());
    }
    finite(times, "times")?;
    if times.windows(2).any(|w| w[0] >= w[1]) {
        return Err(
            SurvivalError::InvalidTimes { reason: "times must be strictly increasing" }.into()
        );
    }
    times.iter().try_for_each(|&t| horizon(time, t))
}

/// One evaluation time in `[min T, max T)`.
pub(crate) fn horizon(time: &[f64], t: f64) -> Result<(), EvalError> {
    finite(&[t], "t")?;
    let min = time.iter().copied().fold(f64::INFINITY, f64::min);
    let max = time.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if t >= min && t < max {
        Ok(())
    } else {
        Err(SurvivalError::TimeOutOfRange { value: t, min, max }.into())
    }
}

fn finite(x: &[f64], what: &'static str) -> Result<(), EvalError> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(EvalError::NonFinite { what, index, value: x[index] }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_argument() {
        let e = outcomes(&[1.0, 2.0], &[true]).expect_err("length");
        assert_eq!(
            e.to_string(),
            "time has 2 rows but event has 1; they must have the same length"
        );
        let e = outcomes(&[1.0, -2.0], &[true, false]).expect_err("negative");
        assert_eq!(e.to_string(), "time[1] = -2 is negative; survival times must be >= 0");
        let e = outcomes(&[1.0, f64::NAN], &[true, false]).expect_err("nan");
        assert_eq!(e.to_string(), "time[1] = NaN is not finite");
        assert_eq!(outcomes(&[], &[]), Err(SurvivalError::Empty.into()));
        let e = with_events(&[1.0], &[false], "harrell_c").expect_err("no events");
        assert_eq!(
            e.to_string(),
            "harrell_c needs at least one observed event, but every subject is censored"
        );
        let e = probabilities(2, &[0.5, 1.5], "surv").expect_err("prob");
        assert_eq!(e.to_string(), "surv[1] = 1.5 is not a probability; it must lie in [0, 1]");
    }

    #[test]
    fn eval_times_are_checked() {
        let time = [1.0, 2.0, 5.0];
        assert!(eval_times(&time, &[1.0, 4.9]).is_ok());
        assert!(eval_times(&time, &[5.0]).is_err());
        assert!(eval_times(&time, &[0.5]).is_err());
        assert!(eval_times(&time, &[2.0, 2.0]).is_err());
        assert!(eval_times(&time, &[]).is_err());
        assert!(eval_times(&time, &[f64::NAN]).is_err());
    }
}
