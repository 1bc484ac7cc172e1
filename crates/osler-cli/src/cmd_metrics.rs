//! `osler metrics`: the metric panel of any saved predictions.

use clap::Args;

use osler_pipeline::api::{MetricsRequest, score_metrics};

use crate::CliResult;
use crate::output::print_json;

#[derive(Args)]
pub struct MetricsArgs {
    /// A file (CSV, CSV.gz or JSON records) with a label column and a score column,
    /// or a shipped dataset with `--dataset`.
    #[command(flatten)]
    pub data: crate::input::TableArgs,
    /// Outcome column (0/1, or two levels with --positive).
    #[arg(long, value_name = "COL")]
    pub label: String,
    /// Predicted probability column.
    #[arg(long, value_name = "COL")]
    pub score: String,
    /// Event level of a text label.
    #[arg(long)]
    pub positive: Option<String>,
    /// Threshold for sensitivity, specificity, PPV, NPV.
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f64,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn metrics(a: MetricsArgs) -> CliResult {
    let loaded = a.data.load()?;
    let request = MetricsRequest {
        label: a.label,
        score: a.score,
        positive: a.positive,
        threshold: a.threshold,
    };
    let m = score_metrics(loaded.table, &loaded.schema, &request)?;
    if a.json {
        return print_json(&m);
    }
    print!("{}", osler_report::text::prediction_metrics(&m));
    Ok(())
}
