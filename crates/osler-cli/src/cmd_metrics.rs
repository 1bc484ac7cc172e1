//! `osler metrics`: the metric panel of any saved predictions.

use clap::Args;
use serde_json::json;

use osler_data::ColumnData;
use osler_eval::{BinaryMetrics, auroc_ci_delong, binary_metrics};

use crate::output::{num, print_json};
use crate::{CliError, CliResult};

#[derive(Args)]
pub struct MetricsArgs {
    /// A file (CSV, CSV.gz or JSON records) with a label column and a score column,
    /// or a shipped dataset with `--dataset`.
    #[command(flatten)]
    pub data: crate::input::DataArgs,
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
    #[arg(long)]
    pub json: bool,
}

pub fn metrics(a: MetricsArgs) -> CliResult {
    let crate::input::Loaded { table, schema, .. } = a.data.load()?;
    let table = schema.conform(table, &[&a.label, &a.score], false)?;
    let (y, _) =
        osler_data::target::binary_target(&table, &schema, &a.label, a.positive.as_deref())?;
    let col = table.column(&a.score).ok_or_else(|| {
        CliError::user(format!("{}: no column named '{}'", table.source, a.score))
    })?;
    let ColumnData::Numeric(p) = &col.data else {
        return Err(CliError::user(format!(
            "{}: score column '{}' is not numeric",
            table.source, a.score
        )));
    };
    if let Some(i) = p.iter().position(|v| v.is_nan()) {
        return Err(CliError::user(format!(
            "{}: line {}, column '{}': the score is missing",
            table.source, table.lines[i], a.score
        )));
    }
    let y: Vec<bool> = y.iter().map(|&v| v == 1.0).collect();
    let m = binary_metrics(&y, p, a.threshold)?;
    let ci = auroc_ci_delong(&y, p, 0.95)?;
    if a.json {
        let mut v = serde_json::to_value(m).map_err(|e| CliError::user(e.to_string()))?;
        v["auroc_ci95_delong"] = json!([ci.lower, ci.upper]);
        return print_json(&v);
    }
    print_metrics(&m);
    println!("{:<24} {} to {} (DeLong)", "AUROC 95% CI", num(ci.lower, 4), num(ci.upper, 4));
    Ok(())
}

/// Readable metric table.
pub fn print_metrics(m: &BinaryMetrics) {
    println!("n = {}, events = {}, threshold = {}", m.n, m.events, m.threshold);
    for (name, v) in m.values() {
        println!("{name:<24} {}", num(v, 6));
    }
}
