//! Average treatment effects: per-arm Kaplan-Meier, log-rank, Cox hazard
//! ratio, RMST and risk difference for survival outcomes; risks, risk
//! difference and odds ratio for binary outcomes.

use osler_models::ModelError;
use osler_models::survival::{
    ConfType, KaplanMeier, LogRankTest, RmstComparison, WaldEstimate, logrank_test, rmst_difference,
};
use serde::Serialize;

use super::data::{Outcome, TrialData};
use super::error::{TimeOption, TreatmentError};
use super::fit::{Fitted, Ratio, build};
use crate::error::PipelineError;

/// One arm of a survival comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalArm {
    /// The arm's level in the arm column.
    pub level: String,
    /// Patients in the arm.
    pub n: usize,
    /// Observed events in the arm.
    pub events: usize,
    /// Kaplan-Meier curve of the arm.
    pub km: KaplanMeier,
    /// Median survival (R's `quantile.survfit`), `None` if not reached.
    pub median: Option<f64>,
    /// R's log-interval for the median.
    pub median_ci95: [Option<f64>; 2],
    /// `1 - S(horizon)` and its Greenwood SE (`None` where `S = 0`).
    pub risk: (f64, Option<f64>),
}

/// A ratio adjusted for covariates, with the patients it used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adjusted {
    /// The arm's ratio (treated vs reference) with every covariate in the model.
    pub ratio: Ratio,
    /// Patients with every covariate (complete cases).
    pub n: usize,
    /// The design columns adjusted for.
    pub covariates: Vec<String>,
}

/// Survival comparison of the two arms.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalEffects {
    /// Reference arm, then treated arm.
    pub arms: [SurvivalArm; 2],
    /// Log-rank test of equal survival in the two arms.
    pub logrank: LogRankTest,
    /// Cox hazard ratio treated vs reference (Efron ties), unadjusted.
    pub hazard_ratio: Ratio,
    /// Cox hazard ratio treated vs reference adjusted for the covariates; `None` without covariates.
    pub hazard_ratio_adjusted: Option<Adjusted>,
    /// Whether `tau` was given (else the smaller of the arms' last follow-up times).
    pub tau_given: bool,
    /// Restricted mean survival time of each arm up to `tau`, and their difference (treated - reference).
    pub rmst: RmstComparison,
    /// The time at which risks are compared.
    pub horizon: f64,
    /// `risk_treated - risk_reference` at the horizon (Greenwood SEs); `None`
    /// when an SE is undefined (`S = 0`).
    pub risk_difference: Option<WaldEstimate>,
}

/// One arm of a binary comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinaryArm {
    /// The arm's level in the arm column.
    pub level: String,
    /// Patients in the arm.
    pub n: usize,
    /// Patients with the event (outcome 1) in the arm.
    pub events: usize,
    /// `events / n`.
    pub risk: f64,
    /// `sqrt(risk (1 - risk) / n)`.
    pub se: f64,
}

/// Binary-outcome comparison of the two arms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinaryEffects {
    /// Reference arm, then treated arm.
    pub arms: [BinaryArm; 2],
    /// `risk_treated - risk_reference`, Wald SE from the two binomial variances.
    pub risk_difference: WaldEstimate,
    /// Odds ratio treated vs reference from logistic regression.
    pub odds_ratio: Ratio,
    /// Odds ratio treated vs reference adjusted for the covariates; `None` without covariates.
    pub odds_ratio_adjusted: Option<Adjusted>,
}

/// The average effects, by kind of outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Effects {
    /// Effects on a censored time to event.
    Survival(Box<SurvivalEffects>),
    /// Effects on a 0/1 outcome.
    Binary(Box<BinaryEffects>),
}

/// Rows of the reference and the treated arm.
pub(crate) fn arm_rows(treated: &[f64]) -> [Vec<usize>; 2] {
    let (t, r): (Vec<usize>, Vec<usize>) = (0..treated.len()).partition(|&i| treated[i] == 1.0);
    [r, t]
}

fn model_err(step: &str, names: &[String]) -> impl Fn(ModelError) -> PipelineError {
    move |source| TreatmentError::Fit { step: step.into(), source, names: names.to_vec() }.into()
}

/// The ratio of the arm alone, and adjusted for every covariate.
fn ratios(d: &TrialData, what: &str) -> Result<(Ratio, Option<Adjusted>), PipelineError> {
    let arm_name = vec![d.arms.column.clone()];
    let x = osler_data::Matrix::from_column_major(d.treated.len(), 1, d.treated.clone());
    let crude = Fitted::fit(&x, &d.outcome).map_err(model_err(what, &arm_name))?.ratio(0);
    let adjusted = match &d.covariates {
        None => None,
        Some(c) => {
            let rows: Vec<usize> = (0..c.rows.len()).collect();
            let cols: Vec<usize> = (0..c.x.cols()).collect();
            let arm: Vec<f64> = c.rows.iter().map(|&i| d.treated[i]).collect();
            let x = build(&c.x, &rows, &cols, &[arm]);
            let names: Vec<String> = arm_name.iter().chain(&c.design_names).cloned().collect();
            let fit = Fitted::fit(&x, &d.outcome.select(&c.rows))
                .map_err(model_err(&format!("adjusted {what}"), &names))?;
            Some(Adjusted {
                ratio: fit.ratio(0),
                n: c.rows.len(),
                covariates: c.design_names.clone(),
            })
        }
    };
    Ok((crude, adjusted))
}

/// Median follow-up: the median of the reverse Kaplan-Meier curve (censoring
/// as the event), or the median observed time if that is not reached.
pub fn median_follow_up(time: &[f64], event: &[f64]) -> Result<f64, ModelError> {
    let cens: Vec<f64> = event.iter().map(|e| 1.0 - e).collect();
    let median =
        if cens.contains(&1.0) { KaplanMeier::fit(time, &cens, None)?.median() } else { None };
    Ok(median.unwrap_or_else(|| {
        let mut t = time.to_vec();
        t.sort_by(f64::total_cmp);
        t[t.len() / 2]
    }))
}

/// Refuses a time beyond an arm's last follow-up.
fn check_time(option: TimeOption, t: f64, arms: &[(String, f64); 2]) -> Result<(), PipelineError> {
    if !(t.is_finite() && t > 0.0) {
        return Err(TreatmentError::TimeNotPositive { option, time: t }.into());
    }
    for (level, last) in arms {
        if t > *last {
            return Err(TreatmentError::TimeBeyondFollowUp {
                option,
                time: t,
                arm: level.clone(),
                last: *last,
                limit: arms[0].1.min(arms[1].1),
            }
            .into());
        }
    }
    Ok(())
}

/// Survival effects; `tau` defaults to the smaller of the arms' last
/// follow-up times (survRM2's default), `horizon` to `tau` when it was given,
/// else to the median follow-up.
pub(crate) fn survival_effects(
    d: &TrialData,
    tau: Option<f64>,
    horizon: Option<f64>,
) -> Result<SurvivalEffects, PipelineError> {
    let Outcome::Survival { time, event } = &d.outcome else {
        let invariant = "survival effects called on a binary outcome";
        return Err(TreatmentError::Internal { invariant }.into());
    };
    let rows = arm_rows(&d.treated);
    let levels = [d.arms.reference.clone(), d.arms.treated.clone()];
    let mut kms = Vec::with_capacity(2);
    for (r, level) in rows.iter().zip(&levels) {
        let t: Vec<f64> = r.iter().map(|&i| time[i]).collect();
        let e: Vec<f64> = r.iter().map(|&i| event[i]).collect();
        if !e.contains(&1.0) {
            return Err(TreatmentError::NoEventsInArm {
                arm: level.clone(),
                column: d.arms.column.clone(),
            }
            .into());
        }
        kms.push(
            KaplanMeier::fit(&t, &e, None).map_err(model_err(&format!("arm '{level}'"), &[]))?,
        );
    }
    let last = [(levels[0].clone(), kms[0].max_time()), (levels[1].clone(), kms[1].max_time())];
    let tau_value = tau.unwrap_or(last[0].1.min(last[1].1));
    check_time(TimeOption::Tau, tau_value, &last)?;
    let horizon = match (horizon, tau) {
        (Some(h), _) => h,
        (None, Some(t)) => t,
        (None, None) => median_follow_up(time, event).map_err(model_err("follow-up", &[]))?,
    };
    check_time(TimeOption::Horizon, horizon, &last)?;
    let rmst = rmst_difference(&kms[0], &kms[1], tau_value).map_err(model_err("RMST", &[]))?;
    let group: Vec<&str> =
        d.treated.iter().map(|&t| levels[usize::from(t == 1.0)].as_str()).collect();
    let logrank =
        logrank_test(time, event, &group, None, 0.0).map_err(model_err("log-rank test", &[]))?;
    let (hazard_ratio, hazard_ratio_adjusted) = ratios(d, "Cox model")?;
    let mut arms = Vec::with_capacity(2);
    for ((km, r), level) in kms.into_iter().zip(&rows).zip(levels) {
        let (s, se) = km.survival_with_se(horizon);
        let (lo, hi) = km.median_ci(ConfType::Log);
        arms.push(SurvivalArm {
            level,
            n: r.len(),
            events: d.outcome.events(r),
            median: km.median(),
            median_ci95: [lo, hi],
            risk: (1.0 - s, se),
            km,
        });
    }
    let risk_difference = match (arms[0].risk, arms[1].risk) {
        ((r0, Some(s0)), (r1, Some(s1))) => Some(WaldEstimate::difference((r0, s0), (r1, s1))),
        _ => None,
    };
    let [a0, a1]: [SurvivalArm; 2] =
        arms.try_into().map_err(|_| TreatmentError::Internal { invariant: "two arms expected" })?;
    Ok(SurvivalEffects {
        arms: [a0, a1],
        logrank,
        hazard_ratio,
        hazard_ratio_adjusted,
        tau_given: tau.is_some(),
        rmst,
        horizon,
        risk_difference,
    })
}

/// Binary effects: risks, risk difference, odds ratio.
pub(crate) fn binary_effects(d: &TrialData) -> Result<BinaryEffects, PipelineError> {
    let rows = arm_rows(&d.treated);
    let levels = [&d.arms.reference, &d.arms.treated];
    let arm = |k: usize| {
        let (n, events) = (rows[k].len(), d.outcome.events(&rows[k]));
        let risk = events as f64 / n as f64;
        BinaryArm {
            level: levels[k].clone(),
            n,
            events,
            risk,
            se: (risk * (1.0 - risk) / n as f64).sqrt(),
        }
    };
    let arms = [arm(0), arm(1)];
    let risk_difference =
        WaldEstimate::difference((arms[0].risk, arms[0].se), (arms[1].risk, arms[1].se));
    let (odds_ratio, odds_ratio_adjusted) = ratios(d, "logistic model")?;
    Ok(BinaryEffects { arms, risk_difference, odds_ratio, odds_ratio_adjusted })
}
