//! `osler survival km | logrank | cox`: classical survival analyses, with R
//! `survival`'s definitions and readable or JSON output.

use std::time::Instant;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

use osler_data::{Schema, Table};
use osler_models::survival::{ConfType, CoxModel, CoxOptions, KaplanMeier, Ties, logrank_test};
use osler_pipeline::survival_data::{
    SurvivalOutcome, SurvivalSpec, complete_case_design_owned, default_covariates, survival_outcome,
};

use crate::input::DataArgs;
use crate::output::{num, print_json, pval};
use crate::{CliError, CliResult};

#[derive(Args)]
pub struct SurvivalArgs {
    #[command(subcommand)]
    command: SurvivalCommand,
}

#[derive(Subcommand)]
enum SurvivalCommand {
    /// Kaplan-Meier curves (Greenwood SE, CIs, medians), optionally by group.
    Km(KmArgs),
    /// Log-rank test between groups (k groups, stratified, rho for Peto-Peto).
    Logrank(LogrankArgs),
    /// Cox proportional-hazards model (Efron or Breslow ties, strata, start/stop, robust SEs).
    Cox(CoxArgs),
}

/// Columns shared by every survival analysis.
#[derive(Args)]
struct OutcomeArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Follow-up time column (the stop time with --start).
    #[arg(long, value_name = "COL")]
    time: String,
    /// Event indicator column (0/1).
    #[arg(long, value_name = "COL")]
    event: String,
    /// Value of the event column that means the event happened (e.g. 2 for R's 1/2 coding).
    #[arg(long, value_name = "VALUE")]
    event_level: Option<String>,
    /// Start-time column for (start, stop] counting-process rows.
    #[arg(long, value_name = "COL")]
    start: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ConfArg {
    Log,
    LogLog,
    Plain,
}

#[derive(Args)]
struct KmArgs {
    #[command(flatten)]
    outcome: OutcomeArgs,
    /// Estimate one curve per level of this column.
    #[arg(long, value_name = "COL")]
    group: Option<String>,
    /// Confidence-interval transform (R's default is log; lifelines/sksurv use log-log).
    #[arg(long, value_enum, default_value = "log")]
    conf_type: ConfArg,
    /// Also report survival and numbers at risk at these times.
    #[arg(long, value_delimiter = ',')]
    times: Vec<f64>,
}

#[derive(Args)]
struct LogrankArgs {
    #[command(flatten)]
    outcome: OutcomeArgs,
    /// Groups to compare.
    #[arg(long, value_name = "COL")]
    group: String,
    /// Stratify the test by this column.
    #[arg(long, value_name = "COL")]
    strata: Option<String>,
    /// Fleming-Harrington weight S(t-)^rho: 0 = log-rank, 1 = Peto-Peto.
    #[arg(long, default_value_t = 0.0)]
    rho: f64,
}

#[derive(Clone, Copy, ValueEnum)]
enum TiesArg {
    Efron,
    Breslow,
}

#[derive(Args)]
struct CoxArgs {
    #[command(flatten)]
    outcome: OutcomeArgs,
    /// Covariates (default: every other numeric column), used on their original scale.
    #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
    covariates: Option<Vec<String>>,
    /// Separate baseline hazard per level of this column.
    #[arg(long, value_name = "COL")]
    strata: Option<String>,
    /// Cluster column for robust (sandwich) standard errors.
    #[arg(long, value_name = "COL")]
    cluster: Option<String>,
    /// Case-weight column (finite, >= 0), as R's `coxph(weights = )`.
    #[arg(long, value_name = "COL")]
    weights: Option<String>,
    #[arg(long, value_enum, default_value = "efron")]
    ties: TiesArg,
    /// Also test proportional hazards (scaled Schoenfeld residuals vs KM-transformed time, like R cox.zph).
    #[arg(long)]
    ph_test: bool,
    /// Accepted for symmetry with `km`; the Cox model ignores groups.
    #[arg(long, value_name = "COL", hide = true)]
    group: Option<String>,
}

pub fn survival(a: SurvivalArgs) -> CliResult {
    match a.command {
        SurvivalCommand::Km(k) => km(k),
        SurvivalCommand::Logrank(l) => logrank(l),
        SurvivalCommand::Cox(c) => cox(c),
    }
}

struct Loaded {
    table: Table,
    schema: Schema,
    outcome: SurvivalOutcome,
    read_seconds: f64,
}

fn load(o: &OutcomeArgs, extra: &[&str]) -> Result<Loaded, CliError> {
    let t0 = Instant::now();
    let loaded = o.data.load()?;
    let mut required: Vec<&str> = vec![&o.time, &o.event];
    required.extend(o.start.as_deref());
    required.extend(extra);
    let table = loaded
        .schema
        .conform(loaded.table, &required, false)
        .map_err(osler_pipeline::PipelineError::from)?;
    let spec = SurvivalSpec {
        time: o.time.clone(),
        event: o.event.clone(),
        event_level: o.event_level.clone(),
        start: o.start.clone(),
    };
    let outcome = survival_outcome(&table, &loaded.schema, &spec)?;
    Ok(Loaded { table, schema: loaded.schema, outcome, read_seconds: t0.elapsed().as_secs_f64() })
}

/// Text of each row of a column (missing rows are an error naming the line).
fn labels(table: &Table, name: &str) -> Result<Vec<String>, CliError> {
    let col = table
        .column(name)
        .ok_or_else(|| CliError::user(format!("{}: no column named '{name}'", table.source)))?;
    (0..table.n_rows())
        .map(|i| {
            col.data.text_at(i).ok_or_else(|| {
                CliError::user(format!(
                    "{}: {}, column '{name}': missing group value",
                    table.source,
                    table.locate(i)
                ))
            })
        })
        .collect()
}

/// Dense codes 0..k of a label column, in sorted label order.
fn codes(labels: &[String]) -> Vec<u32> {
    let mut levels: Vec<&String> = labels.iter().collect();
    levels.sort();
    levels.dedup();
    labels.iter().map(|l| levels.iter().position(|x| *x == l).unwrap_or(0) as u32).collect()
}

/// Dense codes 0..k of codes already in label order (a subset of the rows
/// of [`codes`]' output gives the codes of those rows' labels).
fn recode(v: Vec<u32>) -> Vec<u32> {
    let mut levels = v.clone();
    levels.sort_unstable();
    levels.dedup();
    if levels.last().is_none_or(|&l| l as usize + 1 == levels.len()) {
        return v;
    }
    v.into_iter().map(|c| levels.binary_search(&c).unwrap_or(0) as u32).collect()
}

fn model_err(e: osler_models::ModelError, names: &[String]) -> CliError {
    CliError::user(osler_pipeline::model::name_features(&e, names))
}

fn km(a: KmArgs) -> CliResult {
    let extra: Vec<&str> = a.group.iter().map(String::as_str).collect();
    let l = load(&a.outcome, &extra)?;
    let groups: Vec<(String, Vec<usize>)> = match &a.group {
        Some(g) => {
            let lab = labels(&l.table, g)?;
            let mut levels: Vec<String> = lab.clone();
            levels.sort();
            levels.dedup();
            levels
                .into_iter()
                .map(|lv| {
                    let rows = (0..lab.len()).filter(|&i| lab[i] == lv).collect();
                    (format!("{g}={lv}"), rows)
                })
                .collect()
        }
        None => vec![("all".to_string(), (0..l.outcome.time.len()).collect())],
    };
    let conf = match a.conf_type {
        ConfArg::Log => ConfType::Log,
        ConfArg::LogLog => ConfType::LogLog,
        ConfArg::Plain => ConfType::Plain,
    };
    let mut out = Vec::new();
    for (name, rows) in &groups {
        let o = l.outcome.select(rows);
        let fit = KaplanMeier::fit(&o.time, &o.event, None).map_err(|e| model_err(e, &[]))?;
        let ci = fit.confidence_interval(conf);
        let (mlo, mhi) = fit.median_ci(conf);
        out.push(json!({
            "group": name, "n": fit.n, "events": fit.n_events,
            "time": fit.time, "survival": fit.surv, "se": fit.se_surv(),
            "at_risk": fit.n_risk, "n_event": fit.n_event, "n_censor": fit.n_censor,
            "lower": ci.iter().map(|c| c.map(|c| c.0)).collect::<Vec<_>>(),
            "upper": ci.iter().map(|c| c.map(|c| c.1)).collect::<Vec<_>>(),
            "cumulative_hazard": fit.cumhaz,
            "median": fit.median(), "median_ci95": [mlo, mhi],
            "at_times": if a.times.is_empty() { Value::Null } else {
                json!({"time": a.times, "survival": fit.survival_at(&a.times), "at_risk": fit.n_at_risk(&a.times)})
            },
        }));
    }
    if a.outcome.json {
        return print_json(
            &json!({"groups": out, "conf_type": format!("{:?}", conf).to_lowercase()}),
        );
    }
    for g in &out {
        println!(
            "{}: n = {}, events = {}, median = {} (95% CI {} to {})",
            g["group"].as_str().unwrap_or_default(),
            g["n"],
            g["events"],
            g["median"].as_f64().map_or("not reached".into(), |m| num(m, 6)),
            g["median_ci95"][0].as_f64().map_or("NA".into(), |m| num(m, 6)),
            g["median_ci95"][1].as_f64().map_or("NA".into(), |m| num(m, 6)),
        );
        if let Some(at) = g["at_times"].as_object() {
            println!("  {:>12} {:>10} {:>8}", "time", "survival", "at risk");
            let (t, s, r) = (&at["time"], &at["survival"], &at["at_risk"]);
            for i in 0..a.times.len() {
                println!(
                    "  {:>12} {:>10} {:>8}",
                    num(t[i].as_f64().unwrap_or(f64::NAN), 6),
                    num(s[i].as_f64().unwrap_or(f64::NAN), 4),
                    r[i]
                );
            }
        }
    }
    Ok(())
}

fn logrank(a: LogrankArgs) -> CliResult {
    let mut extra: Vec<&str> = vec![&a.group];
    extra.extend(a.strata.as_deref());
    let l = load(&a.outcome, &extra)?;
    let groups = labels(&l.table, &a.group)?;
    let strata = a.strata.as_ref().map(|s| labels(&l.table, s).map(|v| codes(&v))).transpose()?;
    let t = logrank_test(&l.outcome.time, &l.outcome.event, &groups, strata.as_deref(), a.rho)
        .map_err(|e| model_err(e, &[]))?;
    if a.outcome.json {
        return print_json(&json!({
            "chisq": t.chisq, "df": t.df, "p": t.p_value, "rho": t.rho,
            "groups": t.groups, "n": t.n, "observed": t.observed, "expected": t.expected,
        }));
    }
    println!("{:<24} {:>8} {:>10} {:>10}", "group", "N", "observed", "expected");
    for i in 0..t.groups.len() {
        println!(
            "{:<24} {:>8} {:>10} {:>10}",
            t.groups[i],
            t.n[i],
            t.observed[i],
            num(t.expected[i], 5)
        );
    }
    println!("\nchisq = {} on {} df, p = {}", num(t.chisq, 6), t.df, pval(t.p_value));
    Ok(())
}

fn cox(a: CoxArgs) -> CliResult {
    let o = &a.outcome;
    let mut exclude: Vec<&str> = vec![&o.time, &o.event];
    exclude.extend(o.start.as_deref());
    exclude.extend(a.strata.as_deref());
    exclude.extend(a.cluster.as_deref());
    exclude.extend(a.weights.as_deref());
    exclude.extend(a.group.as_deref());
    let Loaded { table, schema, outcome: full, read_seconds } = load(o, &exclude[2..])?;
    let covariates = match &a.covariates {
        Some(c) => c.clone(),
        None => default_covariates(&table, &schema, &exclude),
    };
    if covariates.is_empty() {
        return Err(CliError::user("no covariates: give --covariates A,B,..."));
    }
    // Everything else the fit needs comes out of the table before the design
    // matrix consumes it (errors are reported after the design's, as before).
    let all_codes = |col: &Option<String>| -> Option<Result<Vec<u32>, CliError>> {
        col.as_ref().map(|c| labels(&table, c).map(|v| codes(&v)))
    };
    let strata = all_codes(&a.strata);
    let cluster = all_codes(&a.cluster);
    let weights = a.weights.as_ref().map(|w| -> Result<Vec<f64>, CliError> {
        match table.column(w).map(|c| &c.data) {
            Some(osler_data::ColumnData::Numeric(v)) => Ok(v.clone()),
            _ => Err(CliError::user(format!("weights column '{w}' must exist and be numeric"))),
        }
    });
    let (x, names, kept) = complete_case_design_owned(table, &schema, &covariates)?;
    drop(schema);
    let dropped = full.time.len() - kept.len();
    let mut outcome = if dropped == 0 { full } else { full.select(&kept) };
    // Codes of the kept rows, dense in label order (as `codes` of their labels).
    let pick = |c: Option<Result<Vec<u32>, CliError>>| -> Result<Option<Vec<u32>>, CliError> {
        c.map(|r| r.map(|v| recode(kept.iter().map(|&i| v[i]).collect()))).transpose()
    };
    let opts = CoxOptions {
        ties: match a.ties {
            TiesArg::Efron => Ties::Efron,
            TiesArg::Breslow => Ties::Breslow,
        },
        strata: pick(strata)?,
        cluster: pick(cluster)?,
        weights: weights
            .map(|r| r.map(|v| if dropped == 0 { v } else { kept.iter().map(|&i| v[i]).collect() }))
            .transpose()?,
        start: outcome.start.take(),
        ..CoxOptions::default()
    };
    drop(kept);
    // The proportional-hazards test needs the covariates after the fit;
    // otherwise the fit takes them over (about half the peak memory).
    // Wall and CPU seconds of the fit, then of the model's concordance: R's
    // `coxph.fit` (the benchmark's peer) computes no concordance.
    let clock = || (Instant::now(), crate::cpu_time::thread_cpu_seconds());
    let since = |(t0, cpu0): (Instant, Option<f64>)| {
        let cpu = cpu0.zip(crate::cpu_time::thread_cpu_seconds()).map(|(a, b)| b - a);
        (t0.elapsed().as_secs_f64(), cpu)
    };
    let start = clock();
    let (deferred, kept_x) = if a.ph_test {
        (CoxModel::fit_deferred(&x, &outcome.time, &outcome.event, &opts), Some(x))
    } else {
        (CoxModel::fit_owned_deferred(x, &outcome.time, &outcome.event, &opts), None)
    };
    let deferred = deferred.map_err(|e| model_err(e, &names))?;
    let (fit_seconds, fit_cpu_seconds) = since(start);
    let start = clock();
    let fit = deferred.with_concordance();
    let (concordance_seconds, concordance_cpu_seconds) = since(start);
    let ph = kept_x
        .map(|x| fit.proportional_hazards_test(&x, &outcome.time, &outcome.event, &opts))
        .transpose()
        .map_err(|e| model_err(e, &names))?;
    let rows: Vec<Value> = fit
        .summary()
        .iter()
        .map(|r| {
            json!({"name": names[r.index], "coef": r.coef, "exp_coef": r.hazard_ratio, "se": r.se,
                   "robust_se": r.robust_se, "z": r.z, "p": r.p_value, "exp_coef_ci95": r.hr_ci95})
        })
        .collect();
    let (lr, wald, score) = (fit.likelihood_ratio_test(), fit.wald_test(), fit.score_test());
    let test = |t: &osler_models::survival::ChiSquareTest| json!({"statistic": t.statistic, "df": t.df, "p": t.p_value});
    let c = fit.concordance();
    let v = json!({
        "coefficients": rows, "loglik": fit.loglik(), "loglik_null": fit.loglik_null(),
        "concordance": c.c_index, "n": fit.n_obs(), "events": fit.n_events(), "n_dropped_missing": dropped,
        "ties": format!("{:?}", opts.ties).to_lowercase(), "iterations": fit.iterations(),
        "likelihood_ratio_test": test(&lr), "wald_test": test(&wald), "score_test": test(&score),
        "timing": {"read_seconds": read_seconds, "fit_seconds": fit_seconds,
                   "fit_cpu_seconds": fit_cpu_seconds, "concordance_seconds": concordance_seconds,
                   "concordance_cpu_seconds": concordance_cpu_seconds},
        "ph_test": ph.as_ref().map(|p| json!({
            "covariates": p.covariates.iter().zip(&names).map(|(r, n)| json!({"name": n, "rho": r.rho,
                "chisq": r.test.statistic, "df": r.test.df, "p": r.test.p_value})).collect::<Vec<_>>(),
            "global": test(&p.global),
        })),
    });
    if o.json {
        return print_json(&v);
    }
    println!(
        "n = {}, events = {}{}",
        fit.n_obs(),
        fit.n_events(),
        if dropped > 0 {
            format!(" ({dropped} rows with missing covariates dropped)")
        } else {
            String::new()
        }
    );
    println!(
        "{:<24} {:>11} {:>10} {:>10} {:>8} {:>10} {:>22}",
        "", "coef", "exp(coef)", "se(coef)", "z", "p", "exp(coef) 95% CI"
    );
    for r in fit.summary() {
        println!(
            "{:<24} {:>11} {:>10} {:>10} {:>8} {:>10} {:>22}",
            names[r.index],
            num(r.coef, 5),
            num(r.hazard_ratio, 4),
            num(r.se, 4),
            num(r.z, 3),
            pval(r.p_value),
            format!("{} to {}", num(r.hr_ci95[0], 4), num(r.hr_ci95[1], 4))
        );
    }
    println!("\nconcordance = {}", num(c.c_index, 4));
    println!("log-likelihood = {} (null {})", num(fit.loglik(), 10), num(fit.loglik_null(), 10));
    println!(
        "likelihood ratio test = {} on {} df, p = {}",
        num(lr.statistic, 5),
        lr.df,
        pval(lr.p_value)
    );
    println!(
        "Wald test             = {} on {} df, p = {}",
        num(wald.statistic, 5),
        wald.df,
        pval(wald.p_value)
    );
    println!(
        "score (log-rank) test = {} on {} df, p = {}",
        num(score.statistic, 5),
        score.df,
        pval(score.p_value)
    );
    if let Some(p) = &ph {
        println!("\nproportional-hazards test (scaled Schoenfeld residuals, KM time transform):");
        println!("{:<24} {:>8} {:>10} {:>4} {:>10}", "", "rho", "chisq", "df", "p");
        for (r, n) in p.covariates.iter().zip(&names) {
            println!(
                "{n:<24} {:>8} {:>10} {:>4} {:>10}",
                num(r.rho, 3),
                num(r.test.statistic, 4),
                r.test.df,
                pval(r.test.p_value)
            );
        }
        println!(
            "{:<24} {:>8} {:>10} {:>4} {:>10}",
            "GLOBAL",
            "",
            num(p.global.statistic, 4),
            p.global.df,
            pval(p.global.p_value)
        );
    }
    Ok(())
}
