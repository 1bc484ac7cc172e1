//! `osler treatment`: treatment effects in a two-arm randomised trial —
//! Kaplan-Meier and log-rank by arm, Cox hazard ratio, RMST, risk
//! difference, heterogeneity (interactions, subgroups) and a cross-fitted
//! T-learner of individual benefit (see `osler_pipeline::treatment`).

use std::path::PathBuf;

use clap::Args;

use osler_pipeline::api::{
    OutcomeSpec, SurvivalSpec, TreatmentReport, TreatmentSpec, analyse, conform_trial,
};

use crate::input::DataArgs;
use crate::output::{print_json, write_atomic};
use crate::{CliError, CliResult};

#[derive(Args)]
pub struct TreatmentArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Arm column: the treatment each patient was randomised to (exactly two levels).
    #[arg(long, value_name = "COL")]
    arm: String,
    /// Follow-up time column (survival outcome; with --event).
    #[arg(long, value_name = "COL")]
    time: Option<String>,
    /// Event indicator column (0/1; survival outcome; with --time).
    #[arg(long, value_name = "COL")]
    event: Option<String>,
    /// Value of the event column that means the event happened (e.g. 2 for R's 1/2 coding).
    #[arg(long, value_name = "VALUE")]
    event_level: Option<String>,
    /// Binary outcome column (0/1 or two levels), instead of --time/--event.
    #[arg(long, value_name = "COL")]
    outcome: Option<String>,
    /// Level of --outcome that is the (unfavourable) event.
    #[arg(long, value_name = "LEVEL")]
    positive: Option<String>,
    /// Baseline covariates: adjusted ratio, interactions, subgroups, predicted benefit.
    #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
    covariates: Vec<String>,
    /// Control (reference) arm level; every ratio and difference is the other arm versus this
    /// one. Without it the coding must say: 0 of 0/1, no of no/yes, false of false/true, or
    /// control, placebo, standard, none or usual care against another level (any case);
    /// other levels are refused.
    #[arg(long, visible_alias = "reference", value_name = "LEVEL")]
    control: Option<String>,
    /// RMST truncation time (default: the smaller of the two arms' last follow-up times).
    #[arg(long, value_name = "T")]
    tau: Option<f64>,
    /// Horizon of the risk difference and of predicted benefit (default: --tau if given,
    /// else the median follow-up).
    #[arg(long, value_name = "T")]
    horizon: Option<f64>,
    /// Cross-fitting folds of the benefit model.
    #[arg(long, default_value_t = 5, value_name = "K")]
    folds: usize,
    /// Quantile groups of the benefit calibration.
    #[arg(long, default_value_t = 5, value_name = "G")]
    groups: usize,
    /// Seed of the folds and of the C-for-benefit matching.
    #[arg(long, default_value_t = 1, value_name = "S")]
    seed: u64,
    /// Print one JSON object on stdout.
    #[arg(long)]
    json: bool,
    /// Also write a self-contained HTML report here.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
}

fn outcome_spec(a: &TreatmentArgs) -> Result<OutcomeSpec, CliError> {
    match (&a.time, &a.event, &a.outcome) {
        (None, None, None) => Err(CliError::user(
            "no outcome: give --time COL --event COL (time to event) or --outcome COL (binary)",
        )),
        (Some(_), _, Some(_)) | (_, Some(_), Some(_)) => Err(CliError::user(
            "give either --time/--event (time to event) or --outcome (binary), not both",
        )),
        (Some(t), Some(e), None) => Ok(OutcomeSpec::Survival(SurvivalSpec {
            time: t.clone(),
            event: e.clone(),
            event_level: a.event_level.clone(),
            start: None,
        })),
        (Some(_), None, None) => Err(CliError::user("--time needs --event (the event indicator)")),
        (None, Some(_), None) => Err(CliError::user("--event needs --time (the follow-up time)")),
        (None, None, Some(o)) => {
            Ok(OutcomeSpec::Binary { column: o.clone(), positive: a.positive.clone() })
        }
    }
}

pub fn treatment(a: TreatmentArgs) -> CliResult {
    let outcome = outcome_spec(&a)?;
    if a.report.as_ref().is_some_and(|p| p.is_dir()) {
        return Err(CliError::user("--report must name a file, not a directory"));
    }
    let loaded = a.data.load()?;
    let spec = TreatmentSpec {
        arm: a.arm.clone(),
        reference: a.control.clone(),
        outcome,
        covariates: a.covariates.clone(),
        tau: a.tau,
        horizon: a.horizon,
        folds: a.folds,
        groups: a.groups,
        seed: a.seed,
    };
    let table = conform_trial(loaded.table, &loaded.schema, &spec)?;
    let t = analyse(&table, &loaded.schema, &spec)?;
    let report = TreatmentReport::new(&t, &spec, osler_report::compose::at_risk_times);
    if let Some(path) = &a.report {
        let html = osler_report::treatment_report(&t, &spec, &loaded.schema, &table.source);
        write_atomic(path, html.as_bytes())?;
    }
    if a.json {
        return print_json(&report);
    }
    print!("{}", osler_report::text::treatment(&report));
    Ok(())
}
