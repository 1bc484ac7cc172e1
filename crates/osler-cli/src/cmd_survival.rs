//! `osler survival km | logrank | cox`: flags to an
//! [`osler_pipeline::analysis::survival`] request, and its result as
//! the tables of [`osler_report::text`] or one JSON object.

use std::time::Instant;

use clap::{Args, Subcommand, ValueEnum};

use osler_pipeline::api::estimators::{
    ConfType, PhMethod, PhTestOptions, PhTransform, Ties, Weighting,
};
use osler_pipeline::api::{
    self as analysis, CoxRequest, KmRequest, LogrankRequest, MissingPolicy, SurvivalSpec,
};

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
    /// Log-rank test between groups (k groups, stratified, weighted family).
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
    /// Start-time column for (start, stop] counting-process rows: with km and
    /// logrank the entry time (left truncation), a row is at risk on (start, stop].
    #[arg(long, value_name = "COL")]
    start: Option<String>,
    /// Rows missing a model variable (time, event, start, covariates, group, strata, weights,
    /// cluster): drop them and report how many (R's na.omit), or refuse the data.
    #[arg(long, value_enum, default_value = "drop")]
    missing: MissingArg,
    /// Case-weight column (finite, >= 0), as R's `survfit(weights = )` and `coxph(weights = )`.
    #[arg(long, value_name = "COL")]
    weights: Option<String>,
    /// Print one JSON object on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum MissingArg {
    Drop,
    Fail,
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
    /// Also report the restricted mean survival time up to TAU (R's `rmean`).
    #[arg(long, value_name = "TAU")]
    tau: Option<f64>,
    /// Robust (infinitesimal-jackknife) standard errors, as R's `survfit(robust = TRUE)`,
    /// R's default when weights are not integers (default here: Greenwood, as lifelines).
    #[arg(long)]
    robust: bool,
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
    /// R survdiff's rho: weight S(t-)^rho (0 = log-rank, 1 = Peto-Peto/Prentice); the same as
    /// `--weighting fleming-harrington --p RHO --q 0`.
    #[arg(long, conflicts_with = "weighting")]
    rho: Option<f64>,
    /// Weight of each event time: logrank 1, wilcoxon n (Gehan-Breslow), tarone-ware sqrt(n),
    /// peto S~(t), modified-peto S~(t) n/(n+1), fleming-harrington S(t-)^p (1-S(t-))^q.
    #[arg(long, value_enum)]
    weighting: Option<WeightingArg>,
    /// Fleming-Harrington exponent of S(t-) (default 0).
    #[arg(long, value_name = "P")]
    p: Option<f64>,
    /// Fleming-Harrington exponent of 1 - S(t-) (default 0).
    #[arg(long, value_name = "Q")]
    q: Option<f64>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum WeightingArg {
    Logrank,
    Wilcoxon,
    TaroneWare,
    Peto,
    ModifiedPeto,
    FlemingHarrington,
}

impl LogrankArgs {
    /// The weighting the flags ask for; `--p`/`--q` belong to fleming-harrington only.
    fn weighting(&self) -> Result<Weighting, crate::CliError> {
        let fh = self.weighting == Some(WeightingArg::FlemingHarrington);
        if !fh && (self.p.is_some() || self.q.is_some()) {
            return Err(crate::CliError::user(
                "--p and --q are the exponents of --weighting fleming-harrington".to_string(),
            ));
        }
        Ok(match (self.weighting, self.rho) {
            (None, Some(rho)) => Weighting::FlemingHarrington { p: rho, q: 0.0 },
            (None | Some(WeightingArg::Logrank), _) => Weighting::LogRank,
            (Some(WeightingArg::Wilcoxon), _) => Weighting::Wilcoxon,
            (Some(WeightingArg::TaroneWare), _) => Weighting::TaroneWare,
            (Some(WeightingArg::Peto), _) => Weighting::Peto,
            (Some(WeightingArg::ModifiedPeto), _) => Weighting::ModifiedPeto,
            (Some(WeightingArg::FlemingHarrington), _) => {
                Weighting::FlemingHarrington { p: self.p.unwrap_or(0.0), q: self.q.unwrap_or(0.0) }
            }
        })
    }
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
    /// Handling of tied event times (efron as R's default, breslow, or exact for small data).
    #[arg(long, value_enum, default_value = "efron")]
    ties: TiesArg,
    /// Also test proportional hazards (R cox.zph: score test per covariate and global).
    #[arg(long)]
    ph_test: bool,
    /// Firth's penalised partial likelihood (Heinze & Schemper 2001, R coxphf): finite
    /// coefficients when a covariate separates the events (monotone likelihood).
    #[arg(long)]
    firth: bool,
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

    fn missing(&self) -> MissingPolicy {
        match self.missing {
            MissingArg::Drop => MissingPolicy::Drop,
            MissingArg::Fail => MissingPolicy::Fail,
        }
    }
}

fn km(a: KmArgs) -> CliResult {
    let loaded = a.outcome.data.load()?;
    let request = KmRequest {
        outcome: a.outcome.spec(),
        missing: a.outcome.missing(),
        weights: a.outcome.weights.clone(),
        group: a.group,
        conf_type: match a.conf_type {
            ConfArg::Log => ConfType::Log,
            ConfArg::LogLog => ConfType::LogLog,
            ConfArg::Plain => ConfType::Plain,
        },
        times: a.times,
        tau: a.tau,
        robust: a.robust,
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
    let weighting = a.weighting()?;
    let request = LogrankRequest {
        outcome: a.outcome.spec(),
        missing: a.outcome.missing(),
        group: a.group,
        strata: a.strata,
        weights: a.outcome.weights.clone(),
        weighting,
    };
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
        weights: a.outcome.weights.clone(),
        exclude: a.group.into_iter().collect(),
        ties: match a.ties {
            TiesArg::Efron => Ties::Efron,
            TiesArg::Breslow => Ties::Breslow,
            TiesArg::Exact => Ties::Exact,
        },
        ph_test: a.ph_test,
        missing: a.outcome.missing(),
        firth: a.firth,
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
