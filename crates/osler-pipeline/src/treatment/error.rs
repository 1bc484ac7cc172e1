//! Why a treatment-effect analysis cannot run, with the arm, level, covariate
//! or time at fault as fields.

use osler_models::ModelError;

/// A time option of the survival effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeOption {
    /// The truncation time of the restricted mean survival time.
    Tau,
    /// The horizon of the Kaplan-Meier risk difference and the predicted benefit.
    Horizon,
}

impl TimeOption {
    /// What the option is, in words.
    pub fn describe(self) -> &'static str {
        match self {
            TimeOption::Tau => "the restricted-mean time (tau)",
            TimeOption::Horizon => "the risk horizon",
        }
    }

    /// The estimate the option sets the time of.
    pub fn estimate(self) -> &'static str {
        match self {
            TimeOption::Tau => "the restricted mean",
            TimeOption::Horizon => "the Kaplan-Meier risk",
        }
    }
}

/// A problem with the data or the options of a two-arm trial analysis.
#[derive(Debug, thiserror::Error)]
pub enum TreatmentError {
    /// A time option given with a binary outcome.
    #[error(
        "a restricted-mean time or a risk horizon applies to survival outcomes (time and event), \
         not to a binary outcome"
    )]
    TimeOptionsOnBinary,
    /// Fewer than two cross-fitting folds for the benefit model.
    #[error("the benefit model needs at least 2 cross-fitting folds, got {folds}")]
    TooFewFolds {
        /// The folds asked for.
        folds: usize,
    },
    /// Zero quantile groups for the benefit calibration.
    #[error("the benefit calibration needs at least 1 quantile group")]
    NoGroups,
    /// Start/stop rows, which the effects (Kaplan-Meier per arm, RMST) do not take.
    #[error("treatment effects take right-censored (time, event) data, not start/stop rows")]
    StartStopOutcome,
    /// A covariate that is the arm or an outcome column.
    #[error(
        "covariate '{covariate}' is the arm or the outcome column; list only baseline covariates"
    )]
    CovariateIsOutcome {
        /// The covariate.
        covariate: String,
    },
    /// A row without an arm.
    #[error(
        "{source_name}: {location}, column '{column}': the arm is missing ({missing} of {rows} \
         rows have no arm); every patient needs the arm they were randomised to"
    )]
    ArmMissing {
        /// The table's source.
        source_name: String,
        /// Where the first such row is (`line N` or `record N`).
        location: String,
        /// The arm column.
        column: String,
        /// Rows without an arm.
        missing: usize,
        /// Rows in the table.
        rows: usize,
    },
    /// A table without rows.
    #[error("{source_name}: no rows")]
    NoRows {
        /// The table's source.
        source_name: String,
    },
    /// An arm column with one level.
    #[error(
        "arm column '{column}' has a single level ('{level}') in all {rows} rows; a treatment \
         comparison needs two arms"
    )]
    SingleArm {
        /// The arm column.
        column: String,
        /// Its only level.
        level: String,
        /// Rows in the table.
        rows: usize,
    },
    /// An arm column with more than two levels.
    #[error(
        "arm column '{column}' has {} levels ({}); a treatment comparison takes exactly two arms: \
         keep the rows of two of them",
        .levels.len(), .levels.join(", ")
    )]
    TooManyArms {
        /// The arm column.
        column: String,
        /// Its levels, in order.
        levels: Vec<String>,
    },
    /// A reference arm that is not a level of the arm column.
    #[error(
        "reference arm '{reference}' is not a level of arm column '{column}' (levels: {})",
        .levels.join(", ")
    )]
    ReferenceAbsent {
        /// The reference asked for.
        reference: String,
        /// The arm column.
        column: String,
        /// Its levels.
        levels: Vec<String>,
    },
    /// Two arm levels whose coding does not say which is the control, and no
    /// control level named: a sorted-order guess could invert every ratio.
    #[error(
        "arm column '{column}' has levels {}: neither is recognisably the control arm (0 of 0/1, \
         no of no/yes, false of false/true, or control, placebo, standard, none or usual care \
         against another level); name the control level",
        .levels.join(" and ")
    )]
    ControlAmbiguous {
        /// The arm column.
        column: String,
        /// Its two levels, in sorted order.
        levels: Vec<String>,
    },
    /// A covariate named twice.
    #[error("covariate '{covariate}' is listed twice")]
    CovariateTwice {
        /// The covariate.
        covariate: String,
    },
    /// A categorical covariate with one level.
    #[error("covariate '{covariate}' has a single level: it cannot explain or modify anything")]
    CovariateSingleLevel {
        /// The covariate.
        covariate: String,
    },
    /// Fewer than 10 complete cases for the covariate analyses.
    #[error(
        "only {complete} patients have every covariate ({}); too few for adjusted or \
         heterogeneity analyses",
        .covariates.join(", ")
    )]
    TooFewCompleteCases {
        /// Patients with every covariate.
        complete: usize,
        /// The covariates.
        covariates: Vec<String>,
    },
    /// An arm without events.
    #[error(
        "arm '{arm}' of '{column}' has no events: its survival curve and the comparison are not \
         estimable"
    )]
    NoEventsInArm {
        /// The arm's level.
        arm: String,
        /// The arm column.
        column: String,
    },
    /// A time option that is not a positive number.
    #[error("{} must be a positive time, got {time}", .option.describe())]
    TimeNotPositive {
        /// Which option.
        option: TimeOption,
        /// The time given.
        time: f64,
    },
    /// A time option beyond an arm's last follow-up time.
    #[error(
        "{} {time} is beyond the last follow-up time of arm '{arm}' ({last}): {} is not \
         estimated there (survRM2::rmst2 refuses such a tau; R survival would silently carry the \
         last value forward); use a time <= {limit}",
        .option.describe(), .option.estimate()
    )]
    TimeBeyondFollowUp {
        /// Which option.
        option: TimeOption,
        /// The time given (or its default).
        time: f64,
        /// The arm whose follow-up ends first.
        arm: String,
        /// That arm's last follow-up time.
        last: f64,
        /// The largest time both arms reach.
        limit: f64,
    },
    /// A model of the average effects could not be fitted; `names` name the
    /// features the error's indices point to.
    #[error("{step}: {}", crate::model::name_features(.source, .names))]
    Fit {
        /// The estimate being computed (`Cox model`, `arm 'yes'`, `RMST`, ...).
        step: String,
        /// The model's error.
        source: ModelError,
        /// Feature names, in the design matrix's column order.
        names: Vec<String>,
    },
    /// The benefit model of one arm could not be fitted in one fold.
    #[error(
        "benefit model for arm '{arm}' (fold {fold} of {folds}, {patients} patients): {}",
        crate::model::name_features(.source, .names)
    )]
    BenefitFit {
        /// The arm's level.
        arm: String,
        /// The 1-based fold.
        fold: usize,
        /// Folds in all.
        folds: usize,
        /// Training patients of that arm in the fold.
        patients: usize,
        /// The model's error.
        source: ModelError,
        /// Feature names, in the design matrix's column order.
        names: Vec<String>,
    },
    /// A broken invariant of the analysis code (a bug, not the user's input).
    #[error("internal error: {invariant}")]
    Internal {
        /// The invariant that did not hold.
        invariant: &'static str,
    },
}

impl TreatmentError {
    /// True when the user can fix the problem (exit code 2); false for internal errors (exit 1).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, TreatmentError::Internal { .. })
    }
}
