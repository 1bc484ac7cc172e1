//! Kaplan-Meier curves of a table, one per group (R `survfit`), with entry
//! times and case weights.

use osler_data::{Schema, Table};
use osler_models::survival::{ConfType, KaplanMeier};
use serde::Serialize;

use super::{AnalysisError, prepare};
use crate::analysis::columns::{labels, levels};
use crate::missing_rows::{MissingPolicy, MissingRows};
use crate::survival_data::{SurvivalSpec, case_weights};

/// What [`kaplan_meier`] estimates.
#[derive(Debug, Clone)]
pub struct KmRequest {
    /// The outcome columns; a start column holds entry times: a row is at
    /// risk on (start, time] (left truncation, R `Surv(start, stop, event)`).
    pub outcome: SurvivalSpec,
    /// Rows missing the outcome, group or weight: dropped and counted, or refused.
    pub missing: MissingPolicy,
    /// Case-weight column (finite, >= 0), as R's `survfit(weights = )`.
    pub weights: Option<String>,
    /// One curve per level of this column (sorted levels); `None`: one curve.
    pub group: Option<String>,
    /// Transform of the pointwise confidence intervals.
    pub conf_type: ConfType,
    /// Extra times at which to report survival and the numbers at risk.
    pub times: Vec<f64>,
    /// Also report the restricted mean survival time up to this time (R
    /// `print(survfit, rmean = tau)`).
    pub tau: Option<f64>,
    /// Infinitesimal-jackknife standard errors (R `survfit(robust = TRUE)`,
    /// R's default when weights are not integers) instead of Greenwood's.
    pub robust: bool,
}

/// Kaplan-Meier curves, one per group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KmAnalysis {
    /// One entry per group, in sorted level order (`all` without a group).
    pub groups: Vec<KmGroup>,
    /// The interval transform: `log`, `loglog` or `plain`.
    pub conf_type: String,
    /// The entry-time column when rows are left-truncated, else `None`.
    pub entry: Option<String>,
    /// The case-weight column, else `None`.
    pub weights: Option<String>,
    /// The standard errors: `greenwood` (Greenwood's and `sqrt(sum d / n^2)`)
    /// or `robust` (R's infinitesimal jackknife).
    pub variance: String,
    /// Rows dropped for a missing value (R `na.omit`).
    pub missing: MissingRows,
}

/// One Kaplan-Meier curve, at its distinct event and censoring times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KmGroup {
    /// `COLUMN=LEVEL`, or `all`.
    pub group: String,
    /// Patients (rows) in the group, unweighted (R's `n`).
    pub n: f64,
    /// Events in the group (weighted with case weights).
    pub events: f64,
    /// Distinct times.
    pub time: Vec<f64>,
    /// Survival S(t) just after each time.
    pub survival: Vec<f64>,
    /// Standard error of S(t), Greenwood's or robust (`None` where S(t) = 0).
    pub se: Vec<Option<f64>>,
    /// (Weighted) numbers at risk just before each time.
    pub at_risk: Vec<f64>,
    /// Events at each time.
    pub n_event: Vec<f64>,
    /// Censorings at each time.
    pub n_censor: Vec<f64>,
    /// Lower 95% pointwise bound (`None` where undefined).
    pub lower: Vec<Option<f64>>,
    /// Upper 95% pointwise bound.
    pub upper: Vec<Option<f64>>,
    /// Nelson-Aalen cumulative hazard at each time.
    pub cumulative_hazard: Vec<f64>,
    /// Standard error of the cumulative hazard, `sqrt(sum d / n^2)` or robust (R `std.chaz`).
    pub se_cumulative_hazard: Vec<f64>,
    /// Median survival time (`None`: not reached).
    pub median: Option<f64>,
    /// 95% confidence interval of the median (R's `survfit` rule; `None`: not reached).
    pub median_ci95: [Option<f64>; 2],
    /// Survival and numbers at risk at the requested times (`None` when none were asked).
    pub at_times: Option<KmAtTimes>,
    /// Restricted mean survival time, when a `tau` was asked for.
    pub rmst: Option<KmRmst>,
}

/// Restricted mean survival time of one curve (R `survival`'s `rmean` and
/// `se(rmean)`, see [`osler_models::survival::KaplanMeier::rmst`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KmRmst {
    /// Upper limit of the integral (the data's time unit).
    pub tau: f64,
    /// `int_0^tau S(t) dt`; beyond the last observed time the curve is carried forward, as R does.
    pub estimate: f64,
    /// Its standard error.
    pub se: f64,
}

/// Survival and numbers at risk at chosen times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KmAtTimes {
    /// The requested times.
    pub time: Vec<f64>,
    /// S(t) at each time.
    pub survival: Vec<f64>,
    /// (Weighted) numbers at risk at each time, as R's `summary(survfit, times =)`.
    pub at_risk: Vec<f64>,
    /// Standard error of S(t) at each time (`None` where S(t) = 0; 0 before the first event).
    pub se: Vec<Option<f64>>,
    /// Nelson-Aalen cumulative hazard at each time (0 before the first event).
    pub cumulative_hazard: Vec<f64>,
}

/// Kaplan-Meier curves (Greenwood standard errors, pointwise 95% intervals
/// with the chosen transform, medians with R's confidence interval), one per
/// level of the group column, on left-truncated rows when the outcome has a
/// start column and with case weights when asked. A group without events
/// has `S(t) = 1` and no median, as in R and lifelines.
///
/// # Errors
/// [`AnalysisError`] naming the column, line or value at fault: a column
/// missing, a value outside the schema, a bad outcome, a missing group
/// value, a bad weight.
pub fn kaplan_meier(
    table: Table,
    schema: &Schema,
    request: &KmRequest,
) -> Result<KmAnalysis, AnalysisError> {
    let mut extra: Vec<&str> = request.group.iter().map(String::as_str).collect();
    extra.extend(request.weights.as_deref());
    let (table, outcome, missing) =
        prepare(table, schema, &request.outcome, &extra, request.missing)?;
    let weights = request.weights.as_ref().map(|w| case_weights(&table, w)).transpose()?;
    let groups: Vec<(String, Vec<usize>)> = match &request.group {
        Some(g) => {
            let lab = labels(&table, g)?;
            levels(&lab)
                .into_iter()
                .map(|lv| {
                    let rows = (0..lab.len()).filter(|&i| lab[i] == *lv).collect();
                    (format!("{g}={lv}"), rows)
                })
                .collect()
        }
        None => vec![("all".to_string(), (0..outcome.time.len()).collect())],
    };
    let conf = request.conf_type;
    let mut out = Vec::with_capacity(groups.len());
    for (name, rows) in groups {
        let o = outcome.select(&rows);
        let w: Option<Vec<f64>> = weights.as_ref().map(|w| rows.iter().map(|&i| w[i]).collect());
        let fit = if request.robust {
            KaplanMeier::fit_robust(o.start.as_deref(), &o.time, &o.event, w.as_deref())
        } else {
            KaplanMeier::fit_entry(o.start.as_deref(), &o.time, &o.event, w.as_deref())
        }
        .map_err(|e| AnalysisError::model(e, &[]))?;
        let ci = fit.confidence_interval(conf);
        let (mlo, mhi) = fit.median_ci(conf);
        let at_times = (!request.times.is_empty()).then(|| KmAtTimes {
            time: request.times.clone(),
            survival: fit.survival_at(&request.times),
            at_risk: fit.n_at_risk(&request.times),
            se: request.times.iter().map(|&t| fit.survival_with_se(t).1).collect(),
            cumulative_hazard: fit.cumhaz_at(&request.times),
        });
        let rmst = request
            .tau
            .map(|tau| fit.rmst(tau).map(|(estimate, se)| KmRmst { tau, estimate, se }))
            .transpose()
            .map_err(|e| AnalysisError::model(e, &[]))?;
        out.push(KmGroup {
            group: name,
            n: rows.len() as f64,
            events: fit.n_events,
            se: fit.se_surv(),
            lower: ci.iter().map(|c| c.map(|c| c.0)).collect(),
            upper: ci.iter().map(|c| c.map(|c| c.1)).collect(),
            median: fit.median(),
            median_ci95: [mlo, mhi],
            at_times,
            rmst,
            time: fit.time,
            survival: fit.surv,
            at_risk: fit.n_risk,
            n_event: fit.n_event,
            n_censor: fit.n_censor,
            cumulative_hazard: fit.cumhaz,
            se_cumulative_hazard: fit.se_cumhaz,
        });
    }
    Ok(KmAnalysis {
        groups: out,
        conf_type: format!("{conf:?}").to_lowercase(),
        entry: request.outcome.start.clone(),
        weights: request.weights.clone(),
        variance: if request.robust { "robust" } else { "greenwood" }.to_string(),
        missing,
    })
}
