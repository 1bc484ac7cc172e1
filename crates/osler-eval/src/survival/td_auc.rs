//! Cumulative/dynamic time-dependent AUC (IPCW).

use osler_data::Matrix;
use osler_data::sort::f64_key;
use serde::Serialize;

use super::censoring::{CensoringConvention, CensoringKm, RiskTable};
use super::error::SurvivalError;
use super::input;
use crate::error::EvalError;

/// Result of [`cumulative_dynamic_auc`]: `AUC(t)` at each requested time and
/// their survival-weighted mean.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CumulativeDynamicAuc {
    /// The evaluation times, as given.
    pub times: Vec<f64>,
    /// `AUC(t_k)`.
    pub auc: Vec<f64>,
    /// `sum_k AUC(t_k) (S(t_{k-1}) - S(t_k)) / (1 - S(t_K))` with the Kaplan-Meier
    /// `S` of the data and `S(t_0) = 1` (scikit-survival's `mean_auc`): the
    /// AUC integrated over the distribution of event times in `[0, t_K]`.
    /// Equals `auc[0]` for a single time.
    pub mean_auc: f64,
}

/// Cumulative/dynamic AUC of one risk score used at every time (Uno et al. 2007,
/// JASA 102:527; Hung & Chiang 2010, Can J Stat 38:8), as scikit-survival's
/// `cumulative_dynamic_auc` (train = test):
///
/// `AUC(t) = sum_i sum_j w_i [T_i <= t, E_i] [T_j > t] ([r_i > r_j] + [r_i == r_j] / 2)
///           / (sum_i w_i [T_i <= t, E_i] * #{j: T_j > t})`,
///
/// cases (events by `t`) weighted by `w_i = 1 / G_i` with `G_i = G(T_i-)`
/// ([`CensoringConvention::LeftLimit`], R riskRegression `Score(metrics = "auc")`)
/// or `G(T_i)` ([`CensoringConvention::AtTime`], scikit-survival); controls
/// (still event-free after `t`) unweighted. Scores tie only if exactly equal
/// (sksurv: within 1e-8). Each time costs one sort of the controls' scores and
/// a binary search per case: O(n log n). See [`CumulativeDynamicAuc::mean_auc`].
///
/// # Errors
/// Invalid input; `times` empty, not strictly increasing, or outside
/// `[min T, max T)`; a time without cases or controls; `G = 0` at a case.
pub fn cumulative_dynamic_auc(
    time: &[f64],
    event: &[bool],
    risk: &[f64],
    times: &[f64],
    convention: CensoringConvention,
) -> Result<CumulativeDynamicAuc, EvalError> {
    input::with_events(time, event, "cumulative_dynamic_auc")?;
    input::column(time.len(), risk, "risk")?;
    auc_at_times(time, event, |_| risk, times, convention)
}

/// As [`cumulative_dynamic_auc`], with a different risk score per time: column
/// `k` of `risk` (`n x times.len()`, e.g. `1 - S(t_k | x_i)`) ranks subjects at `times[k]`.
///
/// # Errors
/// As [`cumulative_dynamic_auc`], or `risk` of the wrong shape.
pub fn cumulative_dynamic_auc_by_time(
    time: &[f64],
    event: &[bool],
    risk: &Matrix,
    times: &[f64],
    convention: CensoringConvention,
) -> Result<CumulativeDynamicAuc, EvalError> {
    input::with_events(time, event, "cumulative_dynamic_auc")?;
    input::matrix(time.len(), risk, times.len(), "risk", false)?;
    auc_at_times(time, event, |k| risk.col(k), times, convention)
}

fn auc_at_times<'a>(
    time: &[f64],
    event: &[bool],
    risk: impl Fn(usize) -> &'a [f64],
    times: &[f64],
    convention: CensoringConvention,
) -> Result<CumulativeDynamicAuc, EvalError> {
    input::eval_times(time, times)?;
    let table = RiskTable::new(time, event);
    let km = table.kaplan_meier();
    let s_at: Vec<f64> = times.iter().map(|&t| table.at(&km, t)).collect();
    let g = CensoringKm::from_table(table).for_rows(convention);
    // 1 / G_i for events (infinite where G_i = 0: an error only if i is a case).
    let weight: Vec<f64> =
        g.iter().zip(event).map(|(&gi, &e)| if e { 1.0 / gi } else { 0.0 }).collect();
    let auc = times
        .iter()
        .enumerate()
        .map(|(k, &t)| auc_at(time, event, risk(k), &weight, t))
        .collect::<Result<Vec<f64>, EvalError>>()?;
    let mean_auc = if auc.len() == 1 {
        auc[0]
    } else {
        let mut prev = 1.0;
        let mut integral = 0.0;
        for (a, &s) in auc.iter().zip(&s_at) {
            integral += a * (prev - s);
            prev = s;
        }
        integral / (1.0 - prev)
    };
    Ok(CumulativeDynamicAuc { times: times.to_vec(), auc, mean_auc })
}

/// `AUC(t)` for one score column, given the case weights `1 / G_i`.
fn auc_at(
    time: &[f64],
    event: &[bool],
    risk: &[f64],
    weight: &[f64],
    t: f64,
) -> Result<f64, EvalError> {
    let mut controls: Vec<u64> =
        time.iter().zip(risk).filter(|&(&ti, _)| ti > t).map(|(_, &r)| f64_key(r)).collect();
    controls.sort_unstable();
    let (mut num, mut den, mut cases) = (0.0, 0.0, 0usize);
    let n_controls = controls.len() as f64;
    for i in (0..time.len()).filter(|&i| event[i] && time[i] <= t) {
        if weight[i].is_infinite() {
            return Err(SurvivalError::CensoringSurvivalZero { time: time[i] }.into());
        }
        let k = f64_key(risk[i]);
        let below = controls.partition_point(|&c| c < k);
        let tied = controls[below..].partition_point(|&c| c == k);
        num += weight[i] * (below as f64 + 0.5 * tied as f64);
        den += weight[i] * n_controls;
        cases += 1;
    }
    if cases == 0 || controls.is_empty() {
        return Err(SurvivalError::NoCasesOrControls {
            metric: "cumulative_dynamic_auc",
            time: t,
            cases,
            controls: controls.len(),
        }
        .into());
    }
    Ok(num / den)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_by_hand_without_censoring() {
        // No censoring before t: weights are 1 and AUC(t) is the plain Mann-Whitney AUC.
        let time = [1.0, 2.0, 3.0, 4.0, 5.0];
        let event = [true, true, true, true, false];
        let risk = [0.9, 0.2, 0.5, 0.5, 0.1];
        let r = cumulative_dynamic_auc(&time, &event, &risk, &[2.0], Default::default())
            .expect("valid");
        // Cases {0.9, 0.2}, controls {0.5, 0.5, 0.1}: 3 + 1 = 4 of 6.
        assert_eq!(r.auc, vec![4.0 / 6.0]);
        assert_eq!(r.mean_auc, r.auc[0]);
        // t = 3: cases {0.9, 0.2, 0.5} vs controls {0.5, 0.1}: 2 + 1 + 1.5 = 4.5 of 6.
        let r = cumulative_dynamic_auc(&time, &event, &risk, &[2.0, 3.0], Default::default())
            .expect("valid");
        assert_eq!(r.auc, vec![4.0 / 6.0, 0.75]);
        // KM: S(2) = 0.6, S(3) = 0.4 -> (0.4 * 4/6 + 0.2 * 0.75) / 0.6.
        assert!((r.mean_auc - (0.4 * 4.0 / 6.0 + 0.2 * 0.75) / 0.6).abs() < 1e-15);
    }

    #[test]
    fn needs_cases_and_valid_times() {
        let time = [1.0, 2.0, 3.0];
        let event = [false, true, true];
        let e = cumulative_dynamic_auc(&time, &event, &[1.0, 2.0, 3.0], &[1.0], Default::default())
            .expect_err("no case by t = 1");
        assert!(e.to_string().contains("0 cases"));
        assert!(
            cumulative_dynamic_auc(&time, &event, &[1.0, 2.0, 3.0], &[3.0], Default::default())
                .is_err()
        );
        let m = Matrix::zeros(3, 2);
        let e = cumulative_dynamic_auc_by_time(&time, &event, &m, &[2.0], Default::default())
            .expect_err("shape");
        assert!(e.to_string().contains("3 x 2"));
    }
}
