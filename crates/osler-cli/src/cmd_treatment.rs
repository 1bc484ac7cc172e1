//! `osler treatment`: treatment effects in a two-arm randomised trial —
//! Kaplan-Meier and log-rank by arm, Cox hazard ratio, RMST, risk
//! difference, heterogeneity (interactions, subgroups) and a cross-fitted
//! T-learner of individual benefit (see `osler_pipeline::treatment`).

use std::path::PathBuf;

use clap::Args;

use osler_pipeline::survival_data::SurvivalSpec;
use osler_pipeline::treatment::report::{ArmReport, RatioReport, WaldReport};
use osler_pipeline::treatment::{
    OutcomeSpec, TreatmentAnalysis, TreatmentReport, TreatmentSpec, analyse, conform_trial,
};

use crate::input::DataArgs;
use crate::output::{interval, num, print_json, pval, write_atomic};
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
    /// Reference (control) arm level (default: the first level in sorted order).
    #[arg(long, value_name = "LEVEL")]
    reference: Option<String>,
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
        reference: a.reference.clone(),
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
        let html = osler_report::treatment_report(&t, &spec, &table.source);
        write_atomic(path, html.as_bytes())?;
    }
    if a.json {
        return print_json(&report);
    }
    print_text(&t, &report);
    Ok(())
}

fn show_ratio(name: &str, r: Option<&RatioReport>) {
    if let Some(r) = r {
        println!(
            "{name:<26} {} (95% CI {}), p = {}",
            num(r.estimate, 4),
            interval(Some(r.ci95), 4),
            pval(r.p)
        );
    }
}

fn print_text(t: &TreatmentAnalysis, r: &TreatmentReport) {
    println!(
        "{} patients: arm '{}' = {} (treated) vs {} (reference)",
        t.n, t.arms.column, t.arms.treated, t.arms.reference
    );
    for (level, a) in &r.arms {
        let (n, events, extra) = match a {
            ArmReport::Binary { n, events, risk, .. } if risk.is_finite() => {
                (n, events, format!(", risk {}", num(*risk, 4)))
            }
            ArmReport::Binary { n, events, .. } => (n, events, ", median not reached".into()),
            ArmReport::Survival { n, events, median, .. } => {
                let med = median
                    .filter(|m| m.is_finite())
                    .map_or("not reached".into(), |m| m.to_string());
                (n, events, format!(", median {med}"))
            }
        };
        println!("  {level}: n = {n}, events = {events}{extra}");
    }
    show_ratio("hazard ratio", r.hazard_ratio.as_ref());
    show_ratio("hazard ratio (adjusted)", r.hazard_ratio_adjusted.as_ref().map(|a| &a.ratio));
    show_ratio("odds ratio", r.odds_ratio.as_ref());
    show_ratio("odds ratio (adjusted)", r.odds_ratio_adjusted.as_ref().map(|a| &a.ratio));
    if let Some(l) = &r.logrank {
        println!(
            "{:<26} chisq = {} on {} df, p = {}",
            "log-rank",
            num(l.chisq, 5),
            l.df,
            pval(l.p)
        );
    }
    if let Some(rm) = &r.rmst {
        let d = &rm.difference;
        println!(
            "{:<26} {} (95% CI {}, p = {}) at tau = {}",
            "RMST difference",
            num(d.estimate, 5),
            interval(Some(d.ci95), 4),
            pval(d.p),
            rm.tau
        );
    }
    let rd = &r.risk_difference;
    if let Some(WaldReport { estimate, ci95, p, .. }) =
        rd.estimate.filter(|w| w.estimate.is_finite())
    {
        let at = rd.horizon.filter(|h| h.is_finite()).map_or(String::new(), |h| format!(" at {h}"));
        println!(
            "{:<26} {} (95% CI {}, p = {}){at}",
            "risk difference",
            num(estimate, 4),
            interval(Some(ci95), 4),
            pval(p)
        );
    }
    if let Some(h) = &t.heterogeneity {
        println!("\ninteraction with the arm (Wald):");
        for i in &h.interactions {
            match (i.chisq, i.p_value) {
                (Some(c), Some(p)) => println!(
                    "  {:<24} chisq = {} on {} df, p = {}",
                    i.covariate,
                    num(c, 4),
                    i.df,
                    pval(p)
                ),
                _ => println!(
                    "  {:<24} not estimable: {}",
                    i.covariate,
                    i.note.clone().unwrap_or_default()
                ),
            }
        }
        if let Some(g) = h.global {
            println!(
                "  {:<24} LR chisq = {} on {} df, p = {}",
                "all (global)",
                num(g.chisq, 4),
                g.df,
                pval(g.p_value)
            );
        }
    }
    if let Some(b) = &t.benefit {
        let c = b.c_for_benefit.map_or("not estimable".into(), |c| num(c.c_index, 4));
        println!(
            "\npredicted benefit ({} T-learner, {}-fold cross-fitted): mean {}, C-for-benefit {c}",
            b.model,
            b.folds,
            num(b.mean_predicted, 4)
        );
    }
}
