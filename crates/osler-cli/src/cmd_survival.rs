//! `osler survival km | logrank | cox`: flags to an
//! [`osler_pipeline::analysis::survival`] request, and its result as
//! the tables of [`osler_report::text`] or one JSON object.

use std::time::Instant;

use clap::{Args, Subcommand, ValueEnum};

use osler_pipeline::api::estimators::{ConfType, PhMethod, PhTestOptions, PhTransform, Ties};
use osler_pipeline::api::{self as analysis, CoxRequest, KmRequest, LogrankRequest, SurvivalSpec};

use crate::CliResult;
use crate::input::{DataArgs, ExpressionArgs, TableArgs};
use crate::output::print_json;

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
    /// Cox proportional-hazards model (Efron, Breslow or exact ties, strata, start/stop, robust SEs).
    Cox(CoxArgs),
}

/// Columns shared by every survival analysis.
#[derive(Args)]
struct OutcomeArgs {
    #[command(flatten)]
    data: TableArgs,
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
    /// Print one JSON object on stdout.
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
    /// The exact partial likelihood (R `ties = "exact"`): small data with heavy ties only,
    /// its cost grows with the tied deaths times the risk set at each time; no case weights.
    Exact,
}

/// The transform of time of the proportional-hazards test (R `cox.zph`'s `transform`).
#[derive(Clone, Copy, ValueEnum)]
enum PhTransformArg {
    /// 1 - S(t-) of the pooled Kaplan-Meier (R's default).
    Km,
    /// Average rank of the time.
    Rank,
    /// The time itself.
    Identity,
    /// Log of the time.
    Log,
}

/// The statistic of the proportional-hazards test.
#[derive(Clone, Copy, ValueEnum)]
enum PhMethodArg {
    /// The score test of R survival >= 3.0.
    Score,
    /// Survival 2.x's approximation (its chi-squares can differ several-fold).
    Approximate,
}

#[derive(Args)]
struct CoxArgs {
    #[command(flatten)]
    outcome: OutcomeArgs,
    // Gene-expression covariates: the Cox model is the one survival analysis that takes them.
    #[command(flatten)]
    genes: ExpressionArgs,
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
    /// Handling of tied event times (efron as R's default, breslow, or exact for small data).
    #[arg(long, value_enum, default_value = "efron")]
    ties: TiesArg,
    /// Also test proportional hazards (R cox.zph: score test per covariate and global).
    #[arg(long)]
    ph_test: bool,
    /// Transform of time for --ph-test.
    #[arg(long, value_enum, default_value = "km", requires = "ph_test")]
    ph_transform: PhTransformArg,
    /// Statistic of --ph-test.
    #[arg(long, value_enum, default_value = "score", requires = "ph_test")]
    ph_method: PhMethodArg,
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
    print!("{}", osler_report::text::km(&km));
    Ok(())
}

fn logrank(a: LogrankArgs) -> CliResult {
    let loaded = a.outcome.data.load()?;
    let request =
        LogrankRequest { outcome: a.outcome.spec(), group: a.group, strata: a.strata, rho: a.rho };
    let t = analysis::logrank(loaded.table, &loaded.schema, &request)?;
    if a.outcome.json {
        return print_json(&t);
    }
    print!("{}", osler_report::text::logrank(&t));
    Ok(())
}

fn cox(a: CoxArgs) -> CliResult {
    // Reading the data counts in the analysis' `timing.read_seconds`.
    let started = Instant::now();
    let loaded = DataArgs { table: a.outcome.data.clone(), genes: a.genes }.load()?;
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
            TiesArg::Exact => Ties::Exact,
        },
        ph_test: a.ph_test,
        ph_options: PhTestOptions {
            transform: match a.ph_transform {
                PhTransformArg::Km => PhTransform::Km,
                PhTransformArg::Rank => PhTransform::Rank,
                PhTransformArg::Identity => PhTransform::Identity,
                PhTransformArg::Log => PhTransform::Log,
            },
            method: match a.ph_method {
                PhMethodArg::Score => PhMethod::Score,
                PhMethodArg::Approximate => PhMethod::Approximate,
            },
        },
    };
    let fit = analysis::cox(loaded.table, &loaded.schema, &request, started)?;
    if a.outcome.json {
        return print_json(&fit);
    }
    print!("{}", osler_report::text::cox(&fit));
    Ok(())
}
