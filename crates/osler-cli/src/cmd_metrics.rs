//! `osler metrics`: the metric panel of any saved predictions, binary
//! (a label and a probability) or survival (time, event, a risk score and
//! optionally `surv_<t>` survival probabilities).

use clap::{Args, ValueEnum};

use osler_pipeline::api::estimators::CensoringConvention;
use osler_pipeline::api::{
    Artifact, IntervalSpec, MetricsRequest, SurvivalMetricsRequest, SurvivalPredictionSource,
    SurvivalSpec, score_metrics, survival_metrics,
};

use crate::output::print_json;
use crate::{CliError, CliResult};

#[derive(Clone, Copy, ValueEnum)]
pub enum MetricsTask {
    /// A 0/1 label and a predicted probability (--label, --score).
    Binary,
    /// Time, event and a risk score (--time, --event, --risk).
    Survival,
}

/// Where the censoring survivor G weights an event at T.
#[derive(Clone, Copy, ValueEnum)]
pub enum IpcwConvention {
    /// 1 / G(T), as scikit-survival.
    AtTime,
    /// 1 / G(T-), as R survival and riskRegression.
    LeftLimit,
}

#[derive(Args)]
pub struct MetricsArgs {
    /// A file (CSV, CSV.gz or JSON records) with the prediction columns,
    /// or a shipped dataset with `--dataset`.
    #[command(flatten)]
    pub data: crate::input::TableArgs,
    /// What the predictions are of.
    #[arg(long, value_enum, default_value = "binary", value_name = "TASK")]
    pub task: MetricsTask,
    /// Outcome column (0/1, or two levels with --positive); binary task.
    #[arg(long, value_name = "COL")]
    pub label: Option<String>,
    /// Predicted probability column; binary task.
    #[arg(long, value_name = "COL")]
    pub score: Option<String>,
    /// Event level of a text label.
    #[arg(long)]
    pub positive: Option<String>,
    /// Threshold for sensitivity, specificity, PPV, NPV.
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f64,
    /// Follow-up time column; survival task.
    #[arg(long, value_name = "COL")]
    pub time: Option<String>,
    /// Event indicator column (0/1); survival task.
    #[arg(long, value_name = "COL")]
    pub event: Option<String>,
    /// Value of the event column that means the event happened (e.g. 2 for R's 1/2 coding).
    #[arg(long, value_name = "VALUE")]
    pub event_level: Option<String>,
    /// Risk-score column (higher = earlier event); survival task. Survival
    /// probabilities are read from columns named surv_<t> (e.g. surv_365).
    #[arg(long, value_name = "COL", conflicts_with = "model")]
    pub risk: Option<String>,
    /// A survival model's artifact whose risk scores and survival curves on
    /// the rows are scored (instead of --risk and surv_<t> columns).
    #[arg(long, value_name = "DIR")]
    pub model: Option<std::path::PathBuf>,
    /// Times of AUC(t) and the Brier score (default: the surv_<t> columns'
    /// times, else the 10%..80% quantiles of the observed times).
    #[arg(long, value_delimiter = ',', value_name = "T1,T2,...")]
    pub times: Vec<f64>,
    /// Truncation time of Uno's C (only events before it carry weight).
    #[arg(long, value_name = "T")]
    pub tau: Option<f64>,
    /// Censoring weights of Uno's C, AUC(t) and the Brier score.
    #[arg(long, value_enum, default_value = "at-time", value_name = "CONV")]
    pub ipcw_convention: IpcwConvention,
    /// Bootstrap replicates of the survival metrics' intervals (0: none).
    #[arg(long, default_value_t = 200, value_name = "B")]
    pub bootstrap: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `Some(value)` of a flag the task needs, or the usage error naming it.
fn needed(value: Option<String>, flags: &str, task: &str) -> Result<String, CliError> {
    value.ok_or_else(|| CliError::user(format!("the {task} metrics need {flags}")))
}

/// A flag the task does not use: an error rather than silently ignored.
fn unused(given: bool, flag: &str, task: &str) -> CliResult {
    if given {
        return Err(CliError::user(format!("{flag} does not apply to the {task} metrics")));
    }
    Ok(())
}

pub fn metrics(a: MetricsArgs) -> CliResult {
    match a.task {
        MetricsTask::Binary => binary(a),
        MetricsTask::Survival => survival(a),
    }
}

fn binary(a: MetricsArgs) -> CliResult {
    for (given, flag) in [
        (a.time.is_some(), "--time"),
        (a.event.is_some(), "--event"),
        (a.risk.is_some(), "--risk"),
        (a.model.is_some(), "--model"),
        (!a.times.is_empty(), "--times"),
        (a.tau.is_some(), "--tau"),
    ] {
        unused(given, flag, "binary")?;
    }
    let request = MetricsRequest {
        label: needed(a.label, "--label", "binary")?,
        score: needed(a.score, "--score", "binary")?,
        positive: a.positive,
        threshold: a.threshold,
    };
    let loaded = a.data.load()?;
    let m = score_metrics(loaded.table, &loaded.schema, &request)?;
    if a.json {
        return print_json(&m);
    }
    print!("{}", osler_report::text::prediction_metrics(&m));
    Ok(())
}

fn survival(a: MetricsArgs) -> CliResult {
    for (given, flag) in [
        (a.label.is_some(), "--label"),
        (a.score.is_some(), "--score"),
        (a.positive.is_some(), "--positive"),
    ] {
        unused(given, flag, "survival")?;
    }
    let request = SurvivalMetricsRequest {
        outcome: SurvivalSpec {
            time: needed(a.time, "--time", "survival")?,
            event: needed(a.event, "--event", "survival")?,
            event_level: a.event_level,
            start: None,
        },
        predictions: match a.model {
            Some(dir) => SurvivalPredictionSource::Artifact(Box::new(Artifact::load(&dir)?)),
            None => SurvivalPredictionSource::Columns {
                risk: needed(a.risk, "--risk or --model", "survival")?,
            },
        },
        times: a.times,
        tau: a.tau,
        convention: match a.ipcw_convention {
            IpcwConvention::AtTime => CensoringConvention::AtTime,
            IpcwConvention::LeftLimit => CensoringConvention::LeftLimit,
        },
        intervals: IntervalSpec { replicates: a.bootstrap, seed: a.seed },
    };
    let loaded = a.data.load()?;
    let m = survival_metrics(loaded.table, &loaded.schema, &request)?;
    if a.json {
        return print_json(&m);
    }
    print!("{}", osler_report::text::survival_prediction_metrics(&m));
    Ok(())
}
