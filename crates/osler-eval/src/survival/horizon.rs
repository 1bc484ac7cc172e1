//! Calibration and decision curves of predicted risks at a fixed horizon `t`,
//! with Kaplan-Meier estimates of the observed risk.

use serde::Serialize;

use super::censoring::{km_at, km_interval_at};
use super::input;
use crate::decision::NetBenefit;
use crate::error::EvalError;

/// One risk group of [`calibration_at_horizon`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HorizonGroup {
    /// Subjects in the group.
    pub n: usize,
    /// Observed events at or before `t` in the group.
    pub events: usize,
    /// Smallest predicted risk in the group.
    pub min_predicted: f64,
    /// Largest predicted risk in the group.
    pub max_predicted: f64,
    /// Mean predicted risk `P(T <= t | x)` in the group.
    pub mean_predicted: f64,
    /// Observed risk `1 - S_KM(t)`, Kaplan-Meier within the group.
    pub observed: f64,
    /// 95% interval of `observed`: one minus the log-log (Greenwood) interval
    /// of the group's `S_KM(t)`; `None` where that is undefined (no event, or
    /// every subject with an event, by `t`).
    pub observed_ci95: Option<(f64, f64)>,
}

/// Result of [`calibration_at_horizon`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizonCalibration {
    /// The horizon `t`.
    pub time: f64,
    /// Groups in increasing order of predicted risk.
    pub groups: Vec<HorizonGroup>,
    /// Grouped integrated calibration index:
    /// `sum_g n_g |mean_predicted_g - observed_g| / n`.
    pub ici: f64,
    /// Largest `|mean_predicted_g - observed_g|` over groups.
    pub max_abs_error: f64,
}

/// Calibration of predicted risks `P(T <= t | x_i)` at horizon `t`.
///
/// Subjects are sorted by predicted risk (stable) and split into
/// `min(n_groups, n)` consecutive groups of sizes differing by at most one
/// (the first `n mod G` groups get the extra subject, like numpy
/// `array_split`; tied predictions may straddle a boundary). Per group, the
/// observed risk is `1 - S(t)` from the Kaplan-Meier estimator of the group
/// (carried forward past the group's last time), which handles censoring
/// before `t` (e.g. Royston & Altman 2013, BMC Med Res Methodol 13:33).
///
/// The ICI reported here is a *grouped* version of Austin, Harrell & van
/// Klaveren's (2020, Stat Med 39:2714) integrated calibration index, the
/// group-size-weighted mean absolute difference between predicted and observed
/// risk; Austin et al. use a smoothed (hazard-regression) calibration curve
/// evaluated at every subject instead, so values are comparable only roughly.
///
/// # Errors
/// Invalid input, predictions outside `[0, 1]`, `t` outside `[min T, max T)`,
/// or `n_groups == 0` ([`EvalError::ZeroBins`]).
pub fn calibration_at_horizon(
    time: &[f64],
    event: &[bool],
    predicted_risk: &[f64],
    t: f64,
    n_groups: usize,
) -> Result<HorizonCalibration, EvalError> {
    input::outcomes(time, event)?;
    input::probabilities(time.len(), predicted_risk, "predicted_risk")?;
    input::horizon(time, t)?;
    if n_groups == 0 {
        return Err(EvalError::ZeroBins);
    }
    let n = time.len();
    let n_groups = n_groups.min(n);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| predicted_risk[a].total_cmp(&predicted_risk[b]));
    let (base, extra) = (n / n_groups, n % n_groups);
    let mut groups = Vec::with_capacity(n_groups);
    let mut start = 0;
    for g in 0..n_groups {
        let rows = &order[start..start + base + usize::from(g < extra)];
        start += rows.len();
        let p: Vec<f64> = rows.iter().map(|&i| predicted_risk[i]).collect();
        let (s, s_ci) = km_interval_at(time, event, rows, t);
        groups.push(HorizonGroup {
            n: rows.len(),
            events: rows.iter().filter(|&&i| event[i] && time[i] <= t).count(),
            min_predicted: p[0],
            max_predicted: p[p.len() - 1],
            mean_predicted: p.iter().sum::<f64>() / p.len() as f64,
            observed: 1.0 - s,
            observed_ci95: s_ci.map(|(lo, hi)| (1.0 - hi, 1.0 - lo)),
        });
    }
    let err = |g: &HorizonGroup| (g.mean_predicted - g.observed).abs();
    let ici = groups.iter().map(|g| g.n as f64 * err(g)).sum::<f64>() / n as f64;
    let max_abs_error = groups.iter().map(err).fold(0.0, f64::max);
    Ok(HorizonCalibration { time: t, groups, ici, max_abs_error })
}

/// Decision curve at horizon `t` for censored outcomes (Vickers, Cronin, Elkin
/// & Gonen 2008, BMC Med Inform Decis Mak 8:53): at threshold `p_t`, with
/// "treat" meaning `risk_i >= p_t`, a fraction `f` of subjects treated and
/// `S_f(t)` the Kaplan-Meier survival among them,
///
/// `NB(p_t) = (1 - S_f(t)) f - S_f(t) f p_t / (1 - p_t)`
///
/// (true positives `(1 - S_f(t)) f n`, false positives `S_f(t) f n`; 0 when
/// nobody is treated). "Treat all" uses the KM of everyone; "treat none" is 0.
/// One Kaplan-Meier fit per threshold: O(T n log n).
///
/// # Errors
/// Invalid input, risks outside `[0, 1]`, `t` outside `[min T, max T)`, or a
/// threshold outside `[0, 1)`.
pub fn decision_curve_at_horizon(
    time: &[f64],
    event: &[bool],
    risk: &[f64],
    t: f64,
    thresholds: &[f64],
) -> Result<Vec<NetBenefit>, EvalError> {
    input::outcomes(time, event)?;
    input::probabilities(time.len(), risk, "risk")?;
    input::horizon(time, t)?;
    if let Some(&value) = thresholds.iter().find(|p| !(0.0..1.0).contains(*p)) {
        return Err(EvalError::InvalidThreshold {
            value,
            reason: "a decision-curve threshold must lie in [0, 1)",
        });
    }
    let n = time.len();
    let all: Vec<usize> = (0..n).collect();
    let s_all = km_at(time, event, &all, t);
    Ok(thresholds
        .iter()
        .map(|&p| {
            let odds = p / (1.0 - p);
            let treated: Vec<usize> = all.iter().copied().filter(|&i| risk[i] >= p).collect();
            let model = if treated.is_empty() {
                0.0
            } else {
                let f = treated.len() as f64 / n as f64;
                let s = km_at(time, event, &treated, t);
                (1.0 - s) * f - s * f * odds
            };
            NetBenefit {
                threshold: p,
                model,
                treat_all: (1.0 - s_all) - s_all * odds,
                treat_none: 0.0,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_groups_by_hand() {
        // No censoring before t = 2.5: observed risk = share of events by t.
        let time = [1.0, 2.0, 3.0, 4.0, 1.5, 5.0];
        let event = [true, true, false, true, false, true];
        let risk = [0.9, 0.8, 0.1, 0.2, 0.5, 0.3];
        let c = calibration_at_horizon(&time, &event, &risk, 2.5, 2).expect("valid");
        assert_eq!(c.groups.len(), 2);
        // Low group: rows 2, 3, 5 (risks 0.1, 0.2, 0.3): nobody fails by 2.5.
        assert_eq!(c.groups[0].n, 3);
        assert_eq!(c.groups[0].observed, 0.0);
        assert!((c.groups[0].mean_predicted - 0.2).abs() < 1e-15);
        // High group: rows 4 (censored 1.5), 1 (event 2), 0 (event 1): KM 2/3 -> 1/2 ... -> 0.
        assert_eq!(c.groups[1].events, 2);
        assert_eq!(c.groups[1].observed, 1.0);
        let expect = (3.0 * 0.2 + 3.0 * (1.0 - 2.2 / 3.0)) / 6.0;
        assert!((c.ici - expect).abs() < 1e-15);
        assert!(calibration_at_horizon(&time, &event, &risk, 2.5, 0).is_err());
        assert_eq!(
            calibration_at_horizon(&time, &event, &risk, 2.5, 10).expect("valid").groups.len(),
            6
        );
    }

    #[test]
    fn decision_curve_matches_binary_without_censoring() {
        // Without censoring before t the KM risk is the event share, so the
        // survival decision curve equals the binary one with y = [T <= t].
        let time = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let event = [true; 6];
        let risk = [0.8, 0.3, 0.6, 0.1, 0.7, 0.2];
        let y: Vec<bool> = time.iter().map(|&x| x <= 3.5).collect();
        let th = [0.0, 0.25, 0.5, 0.65];
        let surv = decision_curve_at_horizon(&time, &event, &risk, 3.5, &th).expect("valid");
        let bin = crate::decision_curve(&y, &risk, &th).expect("valid");
        for (a, b) in surv.iter().zip(&bin) {
            assert!((a.model - b.model).abs() < 1e-15, "{a:?} vs {b:?}");
            assert!((a.treat_all - b.treat_all).abs() < 1e-15);
        }
        assert!(decision_curve_at_horizon(&time, &event, &risk, 3.5, &[1.0]).is_err());
    }
}
