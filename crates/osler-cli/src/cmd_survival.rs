//! `osler survival km | logrank | cox`: flags to an
//! [`osler_pipeline::analysis::survival`] request, and its result as
//! readable tables or one JSON object.

use std::time::Instant;

use clap::{Args, Subcommand, ValueEnum};

use osler_models::survival::{ConfType, Ties};
use osler_pipeline::analysis::survival::{
    self as analysis, CoxAnalysis, CoxRequest, KmAnalysis, KmRequest, LogrankAnalysis,
    LogrankRequest,
};
use osler_pipeline::survival_data::SurvivalSpec;

use crate::CliResult;
use crate::input::DataArgs;
use crate::output::{json_num, num, print_json, pval};

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

impl OutcomeArgs {
    fn spec(&self) -> SurvivalSpec {
        SurvivalSpec {
            time: self.time.clone(),
            event: self.event.clone(),
            event_level: self.event_level.clone(),
            start: self.start.clone(),
        }
    }
}

fn km(a: KmArgs) -> CliResult {
    let loaded = a.outcome.data.load()?;
    let request = KmRequest {
        outcome: a.outcome.spec(),
        group: a.group,
        conf_type: match a.conf_type {
            ConfArg::Log => ConfType::Log,
            ConfArg::LogLog => ConfType::LogLog,
            ConfArg::Plain => ConfType::Plain,
        },
        times: a.times,
    };
    let km = analysis::kaplan_meier(loaded.table, &loaded.schema, &request)?;
    if a.outcome.json {
        return print_json(&km);
    }
    print_km(&km);
    Ok(())
}

/// Optional numbers as R prints them: `NA` when absent.
fn or_na(x: Option<f64>) -> String {
    x.filter(|m| m.is_finite()).map_or("NA".into(), |m| num(m, 6))
}

fn print_km(km: &KmAnalysis) {
    for g in &km.groups {
        println!(
            "{}: n = {}, events = {}, median = {} (95% CI {} to {})",
            g.group,
            json_num(g.n),
            json_num(g.events),
            g.median.filter(|m| m.is_finite()).map_or("not reached".into(), |m| num(m, 6)),
            or_na(g.median_ci95[0]),
            or_na(g.median_ci95[1]),
        );
        if let Some(at) = &g.at_times {
            println!("  {:>12} {:>10} {:>8}", "time", "survival", "at risk");
            for i in 0..at.time.len() {
                // The at-risk count is printed as its JSON number, unpadded.
                println!(
                    "  {:>12} {:>10} {}",
                    num(at.time[i], 6),
                    num(at.survival[i], 4),
                    json_num(at.at_risk[i])
                );
            }
        }
    }
}

fn logrank(a: LogrankArgs) -> CliResult {
    let loaded = a.outcome.data.load()?;
    let request =
        LogrankRequest { outcome: a.outcome.spec(), group: a.group, strata: a.strata, rho: a.rho };
    let t = analysis::logrank(loaded.table, &loaded.schema, &request)?;
    if a.outcome.json {
        return print_json(&t);
    }
    print_logrank(&t);
    Ok(())
}

fn print_logrank(t: &LogrankAnalysis) {
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
    println!("\nchisq = {} on {} df, p = {}", num(t.chisq, 6), t.df, pval(t.p));
}

fn cox(a: CoxArgs) -> CliResult {
    // Reading the data counts in the analysis' `timing.read_seconds`.
    let started = Instant::now();
    let loaded = a.outcome.data.load()?;
    let request = CoxRequest {
        outcome: a.outcome.spec(),
        covariates: a.covariates,
        strata: a.strata,
        cluster: a.cluster,
        weights: a.weights,
        exclude: a.group.into_iter().collect(),
        ties: match a.ties {
            TiesArg::Efron => Ties::Efron,
            TiesArg::Breslow => Ties::Breslow,
        },
        ph_test: a.ph_test,
    };
    let fit = analysis::cox(loaded.table, &loaded.schema, &request, started)?;
    if a.outcome.json {
        return print_json(&fit);
    }
    print_cox(&fit);
    Ok(())
}

fn print_cox(fit: &CoxAnalysis) {
    let dropped = fit.n_dropped_missing;
    println!(
        "n = {}, events = {}{}",
        fit.n,
        fit.events,
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
    for r in &fit.coefficients {
        println!(
            "{:<24} {:>11} {:>10} {:>10} {:>8} {:>10} {:>22}",
            r.name,
            num(r.coef, 5),
            num(r.exp_coef, 4),
            num(r.se, 4),
            num(r.z, 3),
            pval(r.p),
            format!("{} to {}", num(r.exp_coef_ci95[0], 4), num(r.exp_coef_ci95[1], 4))
        );
    }
    println!("\nconcordance = {}", num(fit.concordance, 4));
    println!("log-likelihood = {} (null {})", num(fit.loglik, 10), num(fit.loglik_null, 10));
    let tests = [
        ("likelihood ratio test", &fit.likelihood_ratio_test),
        ("Wald test", &fit.wald_test),
        ("score (log-rank) test", &fit.score_test),
    ];
    for (name, t) in tests {
        println!("{name:<21} = {} on {} df, p = {}", num(t.statistic, 5), t.df, pval(t.p));
    }
    if let Some(p) = &fit.ph_test {
        println!("\nproportional-hazards test (scaled Schoenfeld residuals, KM time transform):");
        println!("{:<24} {:>8} {:>10} {:>4} {:>10}", "", "rho", "chisq", "df", "p");
        for r in &p.covariates {
            println!(
                "{:<24} {:>8} {:>10} {:>4} {:>10}",
                r.name,
                num(r.rho, 3),
                num(r.chisq, 4),
                r.df,
                pval(r.p)
            );
        }
        println!(
            "{:<24} {:>8} {:>10} {:>4} {:>10}",
            "GLOBAL",
            "",
            num(p.global.statistic, 4),
            p.global.df,
            pval(p.global.p)
        );
    }
}
