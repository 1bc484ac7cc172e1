//! Treatment effects in a two-arm randomised trial (`osler treatment`).
//!
//! From a conformed table, an arm column with exactly two levels and a
//! survival (`time`, `event`) or binary outcome:
//!
//! 1. **Average effects** ([`effects`]): per-arm Kaplan-Meier with medians,
//!    the log-rank test, the Cox hazard ratio of the treated arm (Efron ties,
//!    unadjusted and adjusted for the covariates), the restricted mean
//!    survival time per arm and its difference at `tau` (R `survival`'s SE,
//!    see [`osler_models::survival::KaplanMeier::rmst`]), and the
//!    Kaplan-Meier risk difference at a horizon (Greenwood SEs). For a binary
//!    outcome: per-arm risks, the risk difference (Wald) and the odds ratio
//!    from logistic regression.
//! 2. **Heterogeneity** ([`heterogeneity`]): arm x covariate interaction
//!    tests and subgroup ratios.
//! 3. **Predicted benefit** ([`benefit`]): a cross-fitted T-learner evaluated
//!    on held-out predictions (calibration by quantile group, C-for-benefit).
//!
//! The reference (control) arm is the level named in
//! [`TreatmentSpec::reference`], or else the one its coding marks
//! ([`data::control_by_coding`]: 0/1, no/yes, false/true, or a control word
//! such as placebo against another level); any other pair of levels is
//! refused rather than ordered alphabetically. Every difference and ratio is
//! treated versus reference. No patient-level values leave this module except
//! through the aggregate results.

pub mod benefit;
pub mod data;
pub mod effects;
pub mod error;
mod fit;
pub mod heterogeneity;
pub mod report;

use osler_data::{Schema, Table};

use self::error::TreatmentError;

pub use benefit::{BenefitEvaluation, BenefitGroup};
pub use data::{
    Arms, ControlChoice, Covariates, Subgroup, TrialData, control_by_coding, read_trial,
};
pub use effects::{
    Adjusted, BinaryArm, BinaryEffects, Effects, SurvivalArm, SurvivalEffects, median_follow_up,
};
pub use fit::Ratio;
pub use heterogeneity::{Heterogeneity, InteractionTerm, InteractionTest, LrTest, SubgroupEffect};
pub use report::TreatmentReport;

use crate::error::PipelineError;
use crate::outcome::Outcome;
use crate::survival_data::SurvivalSpec;

/// Which outcome the trial is analysed on.
#[derive(Debug, Clone)]
pub enum OutcomeSpec {
    /// Right-censored time to event.
    Survival(SurvivalSpec),
    /// A 0/1 (or two-level) outcome; `positive` names the event level.
    Binary {
        /// The outcome column.
        column: String,
        /// The event level(s); `None`: the schema's declared positive level, else `1`, `true`, `yes`, ...
        positive: Option<String>,
    },
}

/// Everything `osler treatment` needs besides the data.
#[derive(Debug, Clone)]
pub struct TreatmentSpec {
    /// The arm column (exactly two levels).
    pub arm: String,
    /// The reference (control) level. `None`: the level the coding marks as
    /// the control ([`control_by_coding`]), and an error when it marks none.
    pub reference: Option<String>,
    /// The outcome column(s) and their kind.
    pub outcome: OutcomeSpec,
    /// Baseline covariates for adjustment, heterogeneity and predicted benefit.
    pub covariates: Vec<String>,
    /// RMST truncation time (survival); default: the smaller of the arms'
    /// last follow-up times.
    pub tau: Option<f64>,
    /// Risk horizon (survival); default: `tau` if given, else the median follow-up.
    pub horizon: Option<f64>,
    /// Cross-fitting folds of the benefit model (>= 2).
    pub folds: usize,
    /// Quantile groups of the benefit calibration (>= 1).
    pub groups: usize,
    /// Seed of the cross-fitting folds and of the C-for-benefit's pair matching.
    pub seed: u64,
}

/// The complete analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentAnalysis {
    /// The arm column and its reference and treated levels.
    pub arms: Arms,
    /// Patients analysed (every row of the table).
    pub n: usize,
    /// Average treatment effects (survival or binary).
    pub effects: Effects,
    /// `None` without covariates.
    pub heterogeneity: Option<Heterogeneity>,
    /// `None` without covariates.
    pub benefit: Option<BenefitEvaluation>,
}

/// Conforms `table` to `schema`, requiring the arm, outcome and covariate
/// columns of `spec`: the table [`analyse`] expects.
///
/// # Errors
/// [`PipelineError::Data`] naming the column or value that does not fit.
pub fn conform_trial(
    table: Table,
    schema: &Schema,
    spec: &TreatmentSpec,
) -> Result<Table, PipelineError> {
    let mut required: Vec<&str> = vec![&spec.arm];
    match &spec.outcome {
        OutcomeSpec::Survival(s) => required.extend([s.time.as_str(), s.event.as_str()]),
        OutcomeSpec::Binary { column, .. } => required.push(column),
    }
    required.extend(spec.covariates.iter().map(String::as_str));
    Ok(schema.conform(table, &required, false)?)
}

/// Runs every analysis of a two-arm trial on a conformed table.
///
/// # Errors
/// [`PipelineError::Treatment`] naming the column, level or value at fault:
/// an arm column without exactly two levels or with missing values, no
/// control level given for levels whose coding does not mark one, a `tau`
/// or horizon beyond an arm's follow-up, options that do not fit the outcome,
/// or a model that cannot be fitted.
pub fn analyse(
    table: &Table,
    schema: &Schema,
    spec: &TreatmentSpec,
) -> Result<TreatmentAnalysis, PipelineError> {
    let binary = matches!(spec.outcome, OutcomeSpec::Binary { .. });
    if binary && (spec.tau.is_some() || spec.horizon.is_some()) {
        return Err(TreatmentError::TimeOptionsOnBinary.into());
    }
    if spec.folds < 2 {
        return Err(TreatmentError::TooFewFolds { folds: spec.folds }.into());
    }
    if spec.groups == 0 {
        return Err(TreatmentError::NoGroups.into());
    }
    let d = read_trial(table, schema, spec)?;
    let (effects, horizon) = match &d.outcome {
        Outcome::Survival(_) => {
            let e = effects::survival_effects(&d, spec.tau, spec.horizon)?;
            let h = e.horizon;
            (Effects::Survival(Box::new(e)), Some(h))
        }
        Outcome::Binary { .. } => (Effects::Binary(Box::new(effects::binary_effects(&d)?)), None),
        Outcome::Multiclass { .. } => return Err(benefit::not_a_trial_outcome()),
    };
    let (heterogeneity, benefit) = match &d.covariates {
        None => (None, None),
        Some(c) => (
            Some(heterogeneity::heterogeneity(&d, c)),
            Some(benefit::predicted_benefit(&d, c, horizon, spec.folds, spec.groups, spec.seed)?),
        ),
    };
    Ok(TreatmentAnalysis { n: d.treated.len(), arms: d.arms, effects, heterogeneity, benefit })
}
