//! Predicted individual benefit by a cross-fitted T-learner, evaluated on
//! held-out predictions only.
//!
//! * **Cross-fitting**: `K` folds stratified by arm (seeded, `SplitMix64`).
//!   For each fold, one outcome model per arm is fitted on the other folds'
//!   patients of that arm (Cox on the covariates, risk by the horizon
//!   `1 - S(h | x)` from the Efron-type baseline of its Efron fit, as R
//!   `survfit.coxph`; or logistic regression), and
//!   both potential risks are predicted for the held-out patients. Benefit =
//!   risk under the reference arm - risk under the treated arm (positive =
//!   the treatment helps).
//! * **Calibration of benefit**: patients sorted by predicted benefit are
//!   split into `G` groups of near-equal size; per group the mean predicted
//!   benefit is set against the observed benefit, the Kaplan-Meier risk
//!   difference `(1 - S_ref(h)) - (1 - S_trt(h))` with Greenwood SEs (or the
//!   difference of proportions with binomial SEs), with a Wald 95% interval.
//! * **C-for-benefit** (van Klaveren et al. 2018, see
//!   [`osler_eval::c_for_benefit`]). For survival outcomes the binary outcome
//!   is "event by the horizon": an event at `t <= h` is 1, follow-up beyond
//!   `h` (or censoring at `h`) is 0, and patients censored before `h` are
//!   dropped, because their status at `h` is unknown. This ignores the
//!   information in early censoring and can be biased when censoring depends
//!   on the covariates.

use osler_data::SplitMix64;
use osler_data::split::{fold_rows, stratified_kfold};
use osler_eval::{CForBenefit, c_for_benefit};
use osler_models::survival::{KaplanMeier, WaldEstimate};
use serde::Serialize;

use super::data::{Covariates, TrialData};
use super::error::TreatmentError;
use super::fit::{Fitted, build};
use crate::error::PipelineError;
use crate::outcome::Outcome;
use crate::survival_data::SurvivalOutcome;

/// One quantile group of predicted benefit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenefitGroup {
    /// Patients in the reference and treated arms.
    pub n: [usize; 2],
    /// Mean predicted benefit in the group (absolute risk difference).
    pub mean_predicted: f64,
    /// Smallest predicted benefit in the group.
    pub min_predicted: f64,
    /// Largest predicted benefit in the group.
    pub max_predicted: f64,
    /// Observed risk under reference minus risk under treatment; `None`
    /// when an arm is empty or a Greenwood SE is undefined.
    pub observed: Option<WaldEstimate>,
}

/// The held-out evaluation of predicted benefit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenefitEvaluation {
    /// `"cox"` or `"logistic"`.
    pub model: &'static str,
    /// Number of cross-fitting folds (stratified by arm).
    pub folds: usize,
    /// Seed of the fold assignment and of the C-for-benefit's pair matching.
    pub seed: u64,
    /// Risk horizon (survival outcomes).
    pub horizon: Option<f64>,
    /// Patients with held-out predictions (complete cases).
    pub n: usize,
    /// Mean held-out predicted benefit (risk under reference - risk under treatment).
    pub mean_predicted: f64,
    /// Observed benefit over all these patients.
    pub observed: Option<WaldEstimate>,
    /// Predicted against observed benefit in quantile groups of predicted benefit.
    pub calibration: Vec<BenefitGroup>,
    /// C-for-benefit (van Klaveren et al. 2018); `None` when undefined (see `c_note`).
    pub c_for_benefit: Option<CForBenefit>,
    /// Patients with a known outcome status used by the C-for-benefit.
    pub c_n: usize,
    /// Patients censored before the horizon, left out of the C-for-benefit.
    pub c_dropped_censored: usize,
    /// Why the C-for-benefit is missing, when it is.
    pub c_note: Option<String>,
}

/// Cross-fitted risks under each arm `[reference, treated]` for every complete case.
fn cross_fit(
    d: &TrialData,
    c: &Covariates,
    outcome: &Outcome,
    arm: &[f64],
    horizon: f64,
    folds: usize,
    rng: &mut SplitMix64,
) -> Result<[Vec<f64>; 2], PipelineError> {
    let fold = stratified_kfold(arm, folds, &mut rng.fork())?;
    let cols: Vec<usize> = (0..c.x.cols()).collect();
    let m = arm.len();
    let mut risk = [vec![f64::NAN; m], vec![f64::NAN; m]];
    let levels = [&d.arms.reference, &d.arms.treated];
    for f in 0..folds {
        let (train, test) = fold_rows(&fold, f);
        let xt = build(&c.x, &test, &cols, &[]);
        for (a, level) in levels.iter().enumerate() {
            let tr: Vec<usize> = train.iter().copied().filter(|&i| arm[i] == a as f64).collect();
            let fail = |source| TreatmentError::BenefitFit {
                arm: level.to_string(),
                fold: f + 1,
                folds,
                patients: tr.len(),
                source,
                names: c.design_names.clone(),
            };
            let fit =
                Fitted::fit(&build(&c.x, &tr, &cols, &[]), &outcome.select(&tr)).map_err(fail)?;
            for (k, r) in fit.risk(&xt, horizon).map_err(fail)?.into_iter().enumerate() {
                risk[a][test[k]] = r;
            }
        }
    }
    Ok(risk)
}

/// The error of a multiclass outcome reaching a trial analysis, which
/// [`super::read_trial`] never builds: trial outcomes are binary or survival.
pub(crate) fn not_a_trial_outcome() -> PipelineError {
    TreatmentError::Internal { invariant: "a trial outcome is binary or a time to event" }.into()
}

/// Observed benefit (reference risk - treated risk) among `rows`.
fn observed(outcome: &Outcome, arm: &[f64], rows: &[usize], horizon: f64) -> Option<WaldEstimate> {
    let mut risk = [(0.0, 0.0); 2];
    for (a, r) in risk.iter_mut().enumerate() {
        let sel: Vec<usize> = rows.iter().copied().filter(|&i| arm[i] == a as f64).collect();
        if sel.is_empty() {
            return None;
        }
        *r = match outcome.select(&sel) {
            Outcome::Survival(SurvivalOutcome { time, event, .. }) => {
                let km = KaplanMeier::fit(&time, &event, None).ok()?;
                let (s, se) = km.survival_with_se(horizon);
                (1.0 - s, se?)
            }
            Outcome::Binary { y, .. } => {
                let p = y.iter().sum::<f64>() / y.len() as f64;
                (p, (p * (1.0 - p) / y.len() as f64).sqrt())
            }
            // A trial's outcome is binary or a time to event (read_trial).
            Outcome::Multiclass { .. } => return None,
        };
    }
    Some(WaldEstimate::difference(risk[1], risk[0]))
}

/// Benefit groups: `groups` consecutive near-equal groups of the patients
/// sorted by predicted benefit (the first `m mod G` one larger).
fn calibration(
    outcome: &Outcome,
    arm: &[f64],
    benefit: &[f64],
    groups: usize,
    horizon: f64,
) -> Vec<BenefitGroup> {
    let m = benefit.len();
    let g = groups.clamp(1, m.max(1));
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| benefit[a].total_cmp(&benefit[b]));
    let mut out = Vec::with_capacity(g);
    let mut start = 0;
    for k in 0..g {
        let size = m / g + usize::from(k < m % g);
        let rows = &order[start..start + size];
        start += size;
        let b: Vec<f64> = rows.iter().map(|&i| benefit[i]).collect();
        let n1 = rows.iter().filter(|&&i| arm[i] == 1.0).count();
        out.push(BenefitGroup {
            n: [rows.len() - n1, n1],
            mean_predicted: b.iter().sum::<f64>() / b.len().max(1) as f64,
            min_predicted: b.first().copied().unwrap_or(f64::NAN),
            max_predicted: b.last().copied().unwrap_or(f64::NAN),
            observed: observed(outcome, arm, rows, horizon),
        });
    }
    out
}

/// The cross-fitted T-learner and its held-out evaluation.
pub(crate) fn predicted_benefit(
    d: &TrialData,
    c: &Covariates,
    horizon: Option<f64>,
    folds: usize,
    groups: usize,
    seed: u64,
) -> Result<BenefitEvaluation, PipelineError> {
    let outcome = d.outcome.select(&c.rows);
    let arm: Vec<f64> = c.rows.iter().map(|&i| d.treated[i]).collect();
    let h = horizon.unwrap_or(0.0);
    let mut rng = SplitMix64::new(seed);
    let [r0, r1] = cross_fit(d, c, &outcome, &arm, h, folds, &mut rng)?;
    let benefit: Vec<f64> = r0.iter().zip(&r1).map(|(a, b)| a - b).collect();
    let m = benefit.len();
    let all: Vec<usize> = (0..m).collect();
    // Binary outcome status (event by the horizon), dropping early censorings.
    let status: Vec<Option<bool>> = match &outcome {
        Outcome::Survival(SurvivalOutcome { time, event, .. }) => (0..m)
            .map(|i| {
                let e = event[i] == 1.0;
                (e || time[i] >= h).then_some(e && time[i] <= h)
            })
            .collect(),
        Outcome::Binary { y, .. } => y.iter().map(|&v| Some(v == 1.0)).collect(),
        Outcome::Multiclass { .. } => return Err(not_a_trial_outcome()),
    };
    let keep: Vec<usize> = (0..m).filter(|&i| status[i].is_some()).collect();
    let treated: Vec<bool> = keep.iter().map(|&i| arm[i] == 1.0).collect();
    let y: Vec<bool> = keep.iter().map(|&i| status[i] == Some(true)).collect();
    let b: Vec<f64> = keep.iter().map(|&i| benefit[i]).collect();
    let (c_for_benefit, c_note) = match c_for_benefit(&treated, &y, &b, rng.next_u64()) {
        Ok(cb) if cb.comparable > 0.0 => (Some(cb), None),
        Ok(_) => (None, Some("no matched pairs with unequal observed benefit".to_string())),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(BenefitEvaluation {
        model: if matches!(outcome, Outcome::Survival(_)) { "cox" } else { "logistic" },
        folds,
        seed,
        horizon,
        n: m,
        mean_predicted: benefit.iter().sum::<f64>() / m.max(1) as f64,
        observed: observed(&outcome, &arm, &all, h),
        calibration: calibration(&outcome, &arm, &benefit, groups, h),
        c_for_benefit,
        c_n: keep.len(),
        c_dropped_censored: m - keep.len(),
        c_note,
    })
}
