//! The serialisable summary of a [`TreatmentAnalysis`]: the object
//! `osler treatment --json` prints (README contract: `hazard_ratio`, `rmst`,
//! `risk_difference`, `benefit`, ...). Fields that do not apply to the
//! outcome (an odds ratio for a survival outcome) are `null`.

use std::collections::BTreeMap;

use osler_models::survival::{LogRankTest, WaldEstimate};
use serde::Serialize;

use super::{
    Adjusted, BenefitEvaluation, ControlChoice, Effects, Heterogeneity, OutcomeSpec, Ratio,
    TreatmentAnalysis, TreatmentSpec,
};

/// Everything [`analyse`](super::analyse) found, in its reported form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatmentReport {
    /// The arm column and its two levels.
    pub arm: ArmsReport,
    /// Patients analysed.
    pub n: usize,
    /// The outcome analysed.
    pub outcome: OutcomeReport,
    /// Per-arm summaries, by arm level.
    pub arms: BTreeMap<String, ArmReport>,
    /// Cox hazard ratio treated vs reference (survival outcomes).
    pub hazard_ratio: Option<RatioReport>,
    /// The hazard ratio adjusted for the covariates.
    pub hazard_ratio_adjusted: Option<AdjustedReport>,
    /// Restricted mean survival times and their difference (survival outcomes).
    pub rmst: Option<RmstReport>,
    /// The log-rank test by arm (survival outcomes).
    pub logrank: Option<LogrankReport>,
    /// Logistic odds ratio treated vs reference (binary outcomes).
    pub odds_ratio: Option<RatioReport>,
    /// The odds ratio adjusted for the covariates.
    pub odds_ratio_adjusted: Option<AdjustedReport>,
    /// Risk difference treated - reference (at the horizon for survival outcomes).
    pub risk_difference: RiskDifferenceReport,
    /// Arm x covariate interaction tests (with covariates).
    pub interactions: Option<InteractionsReport>,
    /// Ratios within subgroups (with covariates).
    pub subgroups: Option<Vec<SubgroupReport>>,
    /// The cross-fitted T-learner of individual benefit (with covariates).
    pub benefit: Option<BenefitReport>,
}

/// The arm column and its levels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmsReport {
    /// The arm column.
    pub column: String,
    /// The reference (control) level.
    pub reference: String,
    /// The treated level.
    pub treated: String,
    /// `given` (named by the caller) or `coding` (recognised from the levels).
    pub reference_chosen_by: ControlChoice,
}

/// The outcome's columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutcomeReport {
    /// Time to event.
    Survival {
        /// Follow-up time column.
        time: String,
        /// Event indicator column.
        event: String,
    },
    /// A binary outcome.
    Binary {
        /// The outcome column.
        column: String,
    },
}

/// One arm's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ArmReport {
    /// Survival outcome: Kaplan-Meier summaries.
    Survival {
        /// Patients.
        n: usize,
        /// Events.
        events: usize,
        /// Median survival (`None`: not reached).
        median: Option<f64>,
        /// 95% interval of the median.
        median_ci95: [Option<f64>; 2],
        /// Kaplan-Meier risk 1 - S(horizon).
        risk_at_horizon: f64,
        /// Greenwood standard error of that risk.
        risk_se: Option<f64>,
        /// The arm's last follow-up time.
        last_follow_up: f64,
        /// Numbers at risk on a grid of times.
        at_risk: AtRiskReport,
    },
    /// Binary outcome: the observed risk.
    Binary {
        /// Patients.
        n: usize,
        /// Events.
        events: usize,
        /// Events / patients.
        risk: f64,
        /// Binomial standard error of the risk.
        se: f64,
    },
}

/// Numbers at risk at chosen times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtRiskReport {
    /// The times.
    pub time: Vec<f64>,
    /// Patients at risk at each time.
    pub n: Vec<f64>,
}

/// A Wald estimate with its 95% interval and p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WaldReport {
    /// The estimate.
    pub estimate: f64,
    /// Its standard error.
    pub se: f64,
    /// estimate -+ z(0.975) se.
    pub ci95: [f64; 2],
    /// Two-sided p-value of estimate / se.
    pub p: f64,
}

impl From<&WaldEstimate> for WaldReport {
    fn from(w: &WaldEstimate) -> Self {
        WaldReport { estimate: w.estimate, se: w.se, ci95: w.ci95, p: w.p_value }
    }
}

/// A hazard or odds ratio.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RatioReport {
    /// exp(coef).
    pub estimate: f64,
    /// 95% interval of the ratio.
    pub ci95: [f64; 2],
    /// Wald p-value.
    pub p: f64,
    /// The log ratio.
    pub coef: f64,
    /// Standard error of the log ratio.
    pub se: f64,
}

impl From<&Ratio> for RatioReport {
    fn from(r: &Ratio) -> Self {
        RatioReport { estimate: r.estimate, ci95: r.ci95, p: r.p_value, coef: r.coef, se: r.se }
    }
}

/// A covariate-adjusted ratio.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdjustedReport {
    /// The ratio.
    #[serde(flatten)]
    pub ratio: RatioReport,
    /// Complete cases used.
    pub n: usize,
    /// The covariates adjusted for.
    pub covariates: Vec<String>,
}

impl From<&Adjusted> for AdjustedReport {
    fn from(a: &Adjusted) -> Self {
        AdjustedReport { ratio: (&a.ratio).into(), n: a.n, covariates: a.covariates.clone() }
    }
}

/// Restricted mean survival times at `tau`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RmstReport {
    /// The truncation time.
    pub tau: f64,
    /// True when `tau` was chosen by default (the smaller last follow-up).
    pub tau_default: bool,
    /// Per arm: RMST and its standard error.
    pub arms: BTreeMap<String, RmstArm>,
    /// Treated - reference.
    pub difference: WaldReport,
}

/// One arm's restricted mean survival time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RmstArm {
    /// RMST up to tau.
    pub estimate: f64,
    /// Its standard error.
    pub se: f64,
}

/// The log-rank test by arm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogrankReport {
    /// Chi-square statistic.
    pub chisq: f64,
    /// Degrees of freedom.
    pub df: usize,
    /// P-value.
    pub p: f64,
    /// Arm levels.
    pub groups: Vec<String>,
    /// Observed events per arm.
    pub observed: Vec<f64>,
    /// Expected events per arm.
    pub expected: Vec<f64>,
}

impl From<&LogRankTest> for LogrankReport {
    fn from(t: &LogRankTest) -> Self {
        LogrankReport {
            chisq: t.chisq,
            df: t.df,
            p: t.p_value,
            groups: t.groups.clone(),
            observed: t.observed.clone(),
            expected: t.expected.clone(),
        }
    }
}

/// The risk difference (empty without an estimate) and, for survival, its horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskDifferenceReport {
    /// The estimate, if there is one.
    #[serde(flatten)]
    pub estimate: Option<WaldReport>,
    /// The horizon (survival outcomes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub horizon: Option<f64>,
}

/// Arm x covariate interaction tests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InteractionsReport {
    /// Complete cases used.
    pub n: usize,
    /// One test per covariate.
    pub tests: Vec<InteractionTestReport>,
    /// Likelihood-ratio test of all interactions at once.
    pub global_lr: Option<ChiSquareReport>,
    /// Why the global test is missing, if it is.
    pub global_note: Option<String>,
}

/// A chi-square test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChiSquareReport {
    /// Statistic.
    pub chisq: f64,
    /// Degrees of freedom.
    pub df: usize,
    /// P-value.
    pub p: f64,
}

/// The Wald test of one covariate's interaction terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InteractionTestReport {
    /// The covariate.
    pub covariate: String,
    /// Chi-square statistic (`None`: not estimable).
    pub chisq: Option<f64>,
    /// Degrees of freedom.
    pub df: usize,
    /// P-value.
    pub p: Option<f64>,
    /// The interaction terms.
    pub terms: Vec<TermReport>,
    /// Why the test is not estimable, if it is not.
    pub note: Option<String>,
}

/// One interaction coefficient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermReport {
    /// Design column.
    pub name: String,
    /// Coefficient.
    pub coef: f64,
    /// Its standard error.
    pub se: f64,
    /// Its Wald p-value.
    pub p: f64,
}

/// The treatment ratio within one subgroup.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubgroupReport {
    /// The covariate defining the subgroup.
    pub covariate: String,
    /// The subgroup (a level or a range).
    pub label: String,
    /// Patients per arm (reference, treated).
    pub n: [usize; 2],
    /// Events per arm.
    pub events: [usize; 2],
    /// The ratio (`None`: not estimable).
    pub ratio: Option<RatioReport>,
    /// Why not, if not.
    pub note: Option<String>,
}

/// The cross-fitted T-learner of individual benefit, on held-out predictions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenefitReport {
    /// The per-arm model.
    pub model: &'static str,
    /// The learner.
    pub learner: &'static str,
    /// Cross-fitting folds.
    pub folds: usize,
    /// Seed of the folds and of the matching.
    pub seed: u64,
    /// Horizon of predicted benefit (survival outcomes).
    pub horizon: Option<f64>,
    /// Patients with a prediction.
    pub n: usize,
    /// Mean predicted benefit.
    pub mean_predicted: f64,
    /// Observed average benefit.
    pub observed: Option<WaldReport>,
    /// C-for-benefit.
    pub c_for_benefit: Option<CForBenefitReport>,
    /// Patients entering the C-for-benefit.
    pub c_for_benefit_patients: usize,
    /// Patients left out of it as censored before the horizon.
    pub c_for_benefit_dropped_censored: usize,
    /// Why the C-for-benefit is missing or partial, if it is.
    pub c_for_benefit_note: Option<String>,
    /// Calibration by quantile group of predicted benefit.
    pub calibration: Vec<CalibrationGroupReport>,
}

/// C-for-benefit (van Klaveren et al. 2018).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CForBenefitReport {
    /// (concordant + tied / 2) / comparable.
    pub estimate: f64,
    /// Matched pairs.
    pub n_pairs: usize,
    /// Comparable pairs of pairs.
    pub comparable: f64,
    /// Concordant pairs of pairs.
    pub concordant: f64,
    /// Pairs of pairs tied on predicted benefit.
    pub tied: f64,
}

/// One quantile group of predicted benefit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationGroupReport {
    /// Patients per arm.
    pub n: [usize; 2],
    /// Mean predicted benefit.
    pub mean_predicted: f64,
    /// Smallest predicted benefit.
    pub min_predicted: f64,
    /// Largest predicted benefit.
    pub max_predicted: f64,
    /// Observed benefit in the group.
    pub observed: Option<WaldReport>,
}

impl TreatmentReport {
    /// The report of `t`, analysed with `spec`; `at_risk_times` gives, from
    /// the longest follow-up, the times of the numbers-at-risk tables.
    pub fn new(
        t: &TreatmentAnalysis,
        spec: &TreatmentSpec,
        at_risk_times: impl Fn(f64) -> Vec<f64>,
    ) -> Self {
        let outcome = match &spec.outcome {
            OutcomeSpec::Survival(o) => {
                OutcomeReport::Survival { time: o.time.clone(), event: o.event.clone() }
            }
            OutcomeSpec::Binary { column, .. } => OutcomeReport::Binary { column: column.clone() },
        };
        let mut r = TreatmentReport {
            arm: ArmsReport {
                column: t.arms.column.clone(),
                reference: t.arms.reference.clone(),
                treated: t.arms.treated.clone(),
                reference_chosen_by: t.arms.reference_chosen_by,
            },
            n: t.n,
            outcome,
            arms: BTreeMap::new(),
            hazard_ratio: None,
            hazard_ratio_adjusted: None,
            rmst: None,
            logrank: None,
            odds_ratio: None,
            odds_ratio_adjusted: None,
            risk_difference: RiskDifferenceReport { estimate: None, horizon: None },
            interactions: t.heterogeneity.as_ref().map(interactions),
            subgroups: t.heterogeneity.as_ref().map(subgroups),
            benefit: t.benefit.as_ref().map(benefit),
        };
        match &t.effects {
            Effects::Survival(s) => {
                let grid = at_risk_times(s.arms[0].km.max_time().max(s.arms[1].km.max_time()));
                let mut rmst_arms = BTreeMap::new();
                for (k, a) in s.arms.iter().enumerate() {
                    r.arms.insert(
                        a.level.clone(),
                        ArmReport::Survival {
                            n: a.n,
                            events: a.events,
                            median: a.median,
                            median_ci95: a.median_ci95,
                            risk_at_horizon: a.risk.0,
                            risk_se: a.risk.1,
                            last_follow_up: a.km.max_time(),
                            at_risk: AtRiskReport { time: grid.clone(), n: a.km.n_at_risk(&grid) },
                        },
                    );
                    let (estimate, se) = if k == 0 { s.rmst.reference } else { s.rmst.treated };
                    rmst_arms.insert(a.level.clone(), RmstArm { estimate, se });
                }
                r.logrank = Some((&s.logrank).into());
                r.hazard_ratio = Some((&s.hazard_ratio).into());
                r.hazard_ratio_adjusted = s.hazard_ratio_adjusted.as_ref().map(Into::into);
                r.rmst = Some(RmstReport {
                    tau: s.rmst.tau,
                    tau_default: !s.tau_given,
                    arms: rmst_arms,
                    difference: (&s.rmst.difference).into(),
                });
                r.risk_difference = RiskDifferenceReport {
                    estimate: s.risk_difference.as_ref().map(Into::into),
                    horizon: Some(s.horizon),
                };
            }
            Effects::Binary(b) => {
                for a in &b.arms {
                    r.arms.insert(
                        a.level.clone(),
                        ArmReport::Binary { n: a.n, events: a.events, risk: a.risk, se: a.se },
                    );
                }
                r.risk_difference = RiskDifferenceReport {
                    estimate: Some((&b.risk_difference).into()),
                    horizon: None,
                };
                r.odds_ratio = Some((&b.odds_ratio).into());
                r.odds_ratio_adjusted = b.odds_ratio_adjusted.as_ref().map(Into::into);
            }
        }
        r
    }
}

fn interactions(h: &Heterogeneity) -> InteractionsReport {
    InteractionsReport {
        n: h.n,
        tests: h
            .interactions
            .iter()
            .map(|i| InteractionTestReport {
                covariate: i.covariate.clone(),
                chisq: i.chisq,
                df: i.df,
                p: i.p_value,
                terms: i
                    .terms
                    .iter()
                    .map(|t| TermReport {
                        name: t.name.clone(),
                        coef: t.coef,
                        se: t.se,
                        p: t.p_value,
                    })
                    .collect(),
                note: i.note.clone(),
            })
            .collect(),
        global_lr: h.global.map(|g| ChiSquareReport { chisq: g.chisq, df: g.df, p: g.p_value }),
        global_note: h.global_note.clone(),
    }
}

fn subgroups(h: &Heterogeneity) -> Vec<SubgroupReport> {
    h.subgroups
        .iter()
        .map(|s| SubgroupReport {
            covariate: s.covariate.clone(),
            label: s.label.clone(),
            n: s.n,
            events: s.events,
            ratio: s.ratio.as_ref().map(Into::into),
            note: s.note.clone(),
        })
        .collect()
}

fn benefit(b: &BenefitEvaluation) -> BenefitReport {
    BenefitReport {
        model: b.model,
        learner: "T-learner, cross-fitted",
        folds: b.folds,
        seed: b.seed,
        horizon: b.horizon,
        n: b.n,
        mean_predicted: b.mean_predicted,
        observed: b.observed.as_ref().map(Into::into),
        c_for_benefit: b.c_for_benefit.map(|c| CForBenefitReport {
            estimate: c.c_index,
            n_pairs: c.n_pairs,
            comparable: c.comparable,
            concordant: c.concordant,
            tied: c.tied,
        }),
        c_for_benefit_patients: b.c_n,
        c_for_benefit_dropped_censored: b.c_dropped_censored,
        c_for_benefit_note: b.c_note.clone(),
        calibration: b
            .calibration
            .iter()
            .map(|g| CalibrationGroupReport {
                n: g.n,
                mean_predicted: g.mean_predicted,
                min_predicted: g.min_predicted,
                max_predicted: g.max_predicted,
                observed: g.observed.as_ref().map(Into::into),
            })
            .collect(),
    }
}

#[cfg(test)]
#[path = "report_test.rs"]
mod tests;
