//! `osler treatment`: treatment effects in a two-arm randomised trial —
//! Kaplan-Meier and log-rank by arm, Cox hazard ratio, RMST, risk
//! difference, heterogeneity (interactions, subgroups) and a cross-fitted
//! T-learner of individual benefit (see `osler_pipeline::treatment`).

use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use osler_models::survival::WaldEstimate;
use osler_pipeline::survival_data::SurvivalSpec;
use osler_pipeline::treatment::{
    BenefitEvaluation, Effects, Heterogeneity, OutcomeSpec, Ratio, TreatmentAnalysis,
    TreatmentSpec, analyse,
};

use crate::input::DataArgs;
use crate::output::{num, print_json, pval, write_atomic};
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
    let mut required: Vec<&str> = vec![&a.arm];
    match &outcome {
        OutcomeSpec::Survival(s) => required.extend([s.time.as_str(), s.event.as_str()]),
        OutcomeSpec::Binary { column, .. } => required.push(column),
    }
    required.extend(a.covariates.iter().map(String::as_str));
    let table = loaded
        .schema
        .conform(loaded.table, &required, false)
        .map_err(osler_pipeline::PipelineError::from)?;
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
    let t = analyse(&table, &loaded.schema, &spec)?;
    let v = to_json(&t, &spec);
    if let Some(path) = &a.report {
        let html = osler_report::treatment_report(&t, &spec, &table.source);
        write_atomic(path, html.as_bytes())?;
    }
    if a.json {
        return print_json(&v);
    }
    print_text(&t, &v);
    Ok(())
}

fn wald(w: &WaldEstimate) -> Value {
    json!({"estimate": w.estimate, "se": w.se, "ci95": w.ci95, "p": w.p_value})
}

fn ratio(r: &Ratio) -> Value {
    json!({"estimate": r.estimate, "ci95": r.ci95, "p": r.p_value, "coef": r.coef, "se": r.se})
}

/// The JSON object of `--json` (contract in README: `hazard_ratio`, `rmst`, ...).
pub fn to_json(t: &TreatmentAnalysis, spec: &TreatmentSpec) -> Value {
    let mut v = json!({
        "arm": {"column": t.arms.column, "reference": t.arms.reference, "treated": t.arms.treated},
        "n": t.n,
        "hazard_ratio": null, "hazard_ratio_adjusted": null, "rmst": null, "logrank": null,
        "odds_ratio": null, "odds_ratio_adjusted": null,
    });
    match &t.effects {
        Effects::Survival(s) => {
            let max_t = s.arms[0].km.max_time().max(s.arms[1].km.max_time());
            let grid = osler_report::compose::at_risk_times(max_t);
            let mut arms = serde_json::Map::new();
            let mut rmst_arms = serde_json::Map::new();
            for (k, a) in s.arms.iter().enumerate() {
                arms.insert(a.level.clone(), json!({
                    "n": a.n, "events": a.events, "median": a.median, "median_ci95": a.median_ci95,
                    "risk_at_horizon": a.risk.0, "risk_se": a.risk.1, "last_follow_up": a.km.max_time(),
                    "at_risk": {"time": grid, "n": a.km.n_at_risk(&grid)},
                }));
                let (e, se) = if k == 0 { s.rmst.reference } else { s.rmst.treated };
                rmst_arms.insert(a.level.clone(), json!({"estimate": e, "se": se}));
            }
            let (ev, tm) = match &spec.outcome {
                OutcomeSpec::Survival(o) => (o.event.clone(), o.time.clone()),
                OutcomeSpec::Binary { column, .. } => (column.clone(), String::new()),
            };
            v["outcome"] = json!({"kind": "survival", "time": tm, "event": ev});
            v["arms"] = Value::Object(arms);
            v["logrank"] = json!({"chisq": s.logrank.chisq, "df": s.logrank.df, "p": s.logrank.p_value,
                "groups": s.logrank.groups, "observed": s.logrank.observed, "expected": s.logrank.expected});
            v["hazard_ratio"] = ratio(&s.hazard_ratio);
            v["hazard_ratio_adjusted"] =
                s.hazard_ratio_adjusted.as_ref().map_or(Value::Null, |a| {
                    let mut r = ratio(&a.ratio);
                    r["n"] = json!(a.n);
                    r["covariates"] = json!(a.covariates);
                    r
                });
            v["rmst"] = json!({"tau": s.rmst.tau, "tau_default": !s.tau_given,
                "arms": Value::Object(rmst_arms), "difference": wald(&s.rmst.difference)});
            let mut rd = s.risk_difference.as_ref().map_or(json!({}), wald);
            rd["horizon"] = json!(s.horizon);
            v["risk_difference"] = rd;
        }
        Effects::Binary(b) => {
            let mut arms = serde_json::Map::new();
            for a in &b.arms {
                arms.insert(
                    a.level.clone(),
                    json!({"n": a.n, "events": a.events, "risk": a.risk, "se": a.se}),
                );
            }
            if let OutcomeSpec::Binary { column, .. } = &spec.outcome {
                v["outcome"] = json!({"kind": "binary", "column": column});
            }
            v["arms"] = Value::Object(arms);
            v["risk_difference"] = wald(&b.risk_difference);
            v["odds_ratio"] = ratio(&b.odds_ratio);
            v["odds_ratio_adjusted"] = b.odds_ratio_adjusted.as_ref().map_or(Value::Null, |a| {
                let mut r = ratio(&a.ratio);
                r["n"] = json!(a.n);
                r["covariates"] = json!(a.covariates);
                r
            });
        }
    }
    v["interactions"] = t.heterogeneity.as_ref().map_or(Value::Null, interactions_json);
    v["subgroups"] = t.heterogeneity.as_ref().map_or(Value::Null, |h| {
        h.subgroups
            .iter()
            .map(|s| {
                json!({"covariate": s.covariate, "label": s.label, "n": s.n, "events": s.events,
                   "ratio": s.ratio.as_ref().map(ratio), "note": s.note})
            })
            .collect()
    });
    v["benefit"] = t.benefit.as_ref().map_or(Value::Null, benefit_json);
    v
}

fn interactions_json(h: &Heterogeneity) -> Value {
    let tests: Vec<Value> = h
        .interactions
        .iter()
        .map(|i| {
            json!({"covariate": i.covariate, "chisq": i.chisq, "df": i.df, "p": i.p_value,
               "terms": i.terms.iter().map(|t| json!({"name": t.name, "coef": t.coef, "se": t.se, "p": t.p_value})).collect::<Vec<_>>(),
               "note": i.note})
        })
        .collect();
    json!({"n": h.n, "tests": tests,
           "global_lr": h.global.map(|g| json!({"chisq": g.chisq, "df": g.df, "p": g.p_value})),
           "global_note": h.global_note})
}

fn benefit_json(b: &BenefitEvaluation) -> Value {
    let cal: Vec<Value> = b
        .calibration
        .iter()
        .map(|g| {
            json!({"n": g.n, "mean_predicted": g.mean_predicted, "min_predicted": g.min_predicted,
               "max_predicted": g.max_predicted, "observed": g.observed.as_ref().map(wald)})
        })
        .collect();
    json!({
        "model": b.model, "learner": "T-learner, cross-fitted", "folds": b.folds, "seed": b.seed,
        "horizon": b.horizon, "n": b.n, "mean_predicted": b.mean_predicted,
        "observed": b.observed.as_ref().map(wald),
        "c_for_benefit": b.c_for_benefit.map(|c| json!({"estimate": c.c_index, "n_pairs": c.n_pairs,
            "comparable": c.comparable, "concordant": c.concordant, "tied": c.tied})),
        "c_for_benefit_patients": b.c_n, "c_for_benefit_dropped_censored": b.c_dropped_censored,
        "c_for_benefit_note": b.c_note,
        "calibration": cal,
    })
}

fn ci(v: &Value) -> String {
    let (a, b) = (v[0].as_f64().unwrap_or(f64::NAN), v[1].as_f64().unwrap_or(f64::NAN));
    format!("{} to {}", num(a, 4), num(b, 4))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn print_text(t: &TreatmentAnalysis, v: &Value) {
    println!(
        "{} patients: arm '{}' = {} (treated) vs {} (reference)",
        t.n, t.arms.column, t.arms.treated, t.arms.reference
    );
    if let Some(arms) = v["arms"].as_object() {
        for (level, a) in arms {
            let med = a["median"].as_f64().map_or("not reached".into(), |m| m.to_string());
            let extra = if a["risk"].is_number() {
                format!(", risk {}", num(f(&a["risk"]), 4))
            } else {
                format!(", median {med}")
            };
            println!("  {level}: n = {}, events = {}{extra}", a["n"], a["events"]);
        }
    }
    let show_ratio = |name: &str, r: &Value| {
        if r.is_object() {
            println!(
                "{name:<26} {} (95% CI {}), p = {}",
                num(f(&r["estimate"]), 4),
                ci(&r["ci95"]),
                pval(f(&r["p"]))
            );
        }
    };
    show_ratio("hazard ratio", &v["hazard_ratio"]);
    show_ratio("hazard ratio (adjusted)", &v["hazard_ratio_adjusted"]);
    show_ratio("odds ratio", &v["odds_ratio"]);
    show_ratio("odds ratio (adjusted)", &v["odds_ratio_adjusted"]);
    if v["logrank"].is_object() {
        let l = &v["logrank"];
        println!(
            "{:<26} chisq = {} on {} df, p = {}",
            "log-rank",
            num(f(&l["chisq"]), 5),
            l["df"],
            pval(f(&l["p"]))
        );
    }
    if v["rmst"].is_object() {
        let r = &v["rmst"];
        let d = &r["difference"];
        println!(
            "{:<26} {} (95% CI {}, p = {}) at tau = {}",
            "RMST difference",
            num(f(&d["estimate"]), 5),
            ci(&d["ci95"]),
            pval(f(&d["p"])),
            f(&r["tau"])
        );
    }
    let rd = &v["risk_difference"];
    if rd["estimate"].is_number() {
        let at = rd["horizon"].as_f64().map_or(String::new(), |h| format!(" at {h}"));
        println!(
            "{:<26} {} (95% CI {}, p = {}){at}",
            "risk difference",
            num(f(&rd["estimate"]), 4),
            ci(&rd["ci95"]),
            pval(f(&rd["p"]))
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
