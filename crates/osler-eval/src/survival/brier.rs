//! Time-dependent Brier score with inverse-probability-of-censoring weights.

use osler_data::Matrix;
use serde::Serialize;

use super::censoring::{CensoringConvention, CensoringKm};
use super::error::SurvivalError;
use super::input;
use crate::error::EvalError;

/// Result of [`integrated_brier_score`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntegratedBrier {
    /// The time grid, as given.
    pub times: Vec<f64>,
    /// `BS(t_k)` at each grid time.
    pub brier: Vec<f64>,
    /// Trapezoid integral of `BS` over the grid divided by `t_K - t_1`.
    pub ibs: f64,
}

/// IPCW Brier score at time `t` (Graf et al. 1999, Stat Med 18:2529):
///
/// `BS(t) = (1/n) sum_i [ [T_i <= t, E_i] S_i(t)^2 / G_i + [T_i > t] (1 - S_i(t))^2 / G(t) ]`,
///
/// `surv[i] = S(t | x_i)` the predicted probability of surviving past `t`;
/// subjects censored by `t` contribute 0 (they are represented through the
/// weights). `G_i = G(T_i-)` ([`CensoringConvention::LeftLimit`], Graf 1999,
/// R riskRegression `Score(metrics = "brier")`) or `G(T_i)`
/// ([`CensoringConvention::AtTime`], scikit-survival `brier_score`); `G(t)` is
/// the right-continuous reverse Kaplan-Meier at `t` (both conventions).
///
/// # Errors
/// Invalid input, `surv` not in `[0, 1]`, `t` outside `[min T, max T)`.
pub fn brier_score(
    time: &[f64],
    event: &[bool],
    surv: &[f64],
    t: f64,
    convention: CensoringConvention,
) -> Result<f64, EvalError> {
    input::outcomes(time, event)?;
    input::probabilities(time.len(), surv, "surv")?;
    input::eval_times(time, &[t])?;
    let g = CensoringKm::fit(time, event)?;
    brier_at(time, event, &g, &g.for_rows(convention), surv, t)
}

/// Integrated Brier score over a time grid, as scikit-survival's
/// `integrated_brier_score`:
///
/// `IBS = (1 / (t_K - t_1)) sum_{k<K} (t_{k+1} - t_k) (BS(t_k) + BS(t_{k+1})) / 2`,
///
/// with [`brier_score`] at each grid time and column `k` of `surv`
/// (`n x times.len()`) holding `S(times[k] | x_i)`.
///
/// # Errors
/// As [`brier_score`]; fewer than two times, times not strictly increasing,
/// or `surv` of the wrong shape.
pub fn integrated_brier_score(
    time: &[f64],
    event: &[bool],
    surv: &Matrix,
    times: &[f64],
    convention: CensoringConvention,
) -> Result<IntegratedBrier, EvalError> {
    input::outcomes(time, event)?;
    if times.len() < 2 {
        return Err(SurvivalError::InvalidTimes {
            reason: "the integrated Brier score needs at least two times",
        }
        .into());
    }
    input::eval_times(time, times)?;
    input::matrix(time.len(), surv, times.len(), "surv", true)?;
    let g = CensoringKm::fit(time, event)?;
    let g_rows = g.for_rows(convention);
    let brier = times
        .iter()
        .enumerate()
        .map(|(k, &t)| brier_at(time, event, &g, &g_rows, surv.col(k), t))
        .collect::<Result<Vec<f64>, EvalError>>()?;
    let integral: f64 = times
        .windows(2)
        .zip(brier.windows(2))
        .map(|(t, b)| (t[1] - t[0]) * (b[0] + b[1]) / 2.0)
        .sum();
    let ibs = integral / (times[times.len() - 1] - times[0]);
    Ok(IntegratedBrier { times: times.to_vec(), brier, ibs })
}

fn brier_at(
    time: &[f64],
    event: &[bool],
    g: &CensoringKm,
    g_rows: &[f64],
    surv: &[f64],
    t: f64,
) -> Result<f64, EvalError> {
    let g_t = g.at(t);
    if g_t <= 0.0 {
        return Err(SurvivalError::CensoringSurvivalZero { time: t }.into());
    }
    let mut sum = 0.0;
    for (((&ti, &ei), &s), &gi) in time.iter().zip(event).zip(surv).zip(g_rows) {
        if ti <= t && ei {
            if gi <= 0.0 {
                return Err(SurvivalError::CensoringSurvivalZero { time: ti }.into());
            }
            sum += s * s / gi;
        } else if ti > t {
            sum += (1.0 - s) * (1.0 - s) / g_t;
        }
    }
    Ok(sum / time.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brier_by_hand() {
        // Censored at 1; events at 2 and 4; censored at 5. Ordinary G: 3/4 after 1.
        let time = [1.0, 2.0, 4.0, 5.0];
        let event = [false, true, true, false];
        let surv = [0.9, 0.2, 0.7, 0.8];
        let bs = brier_score(&time, &event, &surv, 3.0, Default::default()).expect("valid");
        // Case 2: 0.2^2 / 0.75; controls 4, 5: (0.3^2 + 0.2^2) / 0.75; row 1 adds 0.
        let expect = (0.04 / 0.75 + (0.09 + 0.04) / 0.75) / 4.0;
        assert!((bs - expect).abs() < 1e-15, "{bs} vs {expect}");
    }

    #[test]
    fn ibs_trapezoid_and_errors() {
        let time = [1.0, 2.0, 3.0, 4.0];
        let event = [true, true, true, true];
        let surv = Matrix::from_columns(&[vec![0.5; 4], vec![0.5; 4]]).expect("columns");
        // Every BS term is 0.25 (G = 1): IBS = 0.25.
        let r = integrated_brier_score(&time, &event, &surv, &[1.0, 3.0], Default::default())
            .expect("valid");
        assert_eq!(r.brier, vec![0.25, 0.25]);
        assert_eq!(r.ibs, 0.25);
        assert!(integrated_brier_score(&time, &event, &surv, &[1.0], Default::default()).is_err());
        let e = brier_score(&time, &event, &[0.5, 0.5, 0.5, 2.0], 2.0, Default::default())
            .expect_err("not a probability");
        assert!(e.to_string().contains("surv[3] = 2"));
        assert!(brier_score(&time, &event, &[0.5; 4], 4.0, Default::default()).is_err());
    }
}
