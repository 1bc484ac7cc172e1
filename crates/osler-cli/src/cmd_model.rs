//! `osler predict` and `osler evaluate`: use a saved artifact.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use osler_pipeline::Artifact;

use crate::input::{DataArgs, read_table};
use crate::output::{num, print_json};
use crate::CliResult;

#[derive(Args)]
pub struct PredictArgs {
    /// Artifact directory written by `osler train`.
    pub artifact: PathBuf,
    /// Patients to predict: CSV, or JSON (a list of objects or {"records": [...]}); `-` = stdin.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Add per-feature contributions (exact for linear models, TreeSHAP for trees).
    #[arg(long)]
    pub explain: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn predict(a: PredictArgs) -> CliResult {
    let art = Artifact::load(&a.artifact)?;
    let table = read_table(&a.input)?;
    let pred = art.predict(table, a.explain)?;
    if a.json {
        let rows: Vec<_> = (0..pred.probability.len())
            .map(|i| {
                let mut r = json!({"row": i + 1, "probability": pred.probability[i],
                                   "predicted_class": pred.predicted_class[i]});
                if let Some(e) = &pred.explanation {
                    let c: serde_json::Map<String, serde_json::Value> = e
                        .feature_names
                        .iter()
                        .zip(&e.contributions[i])
                        .map(|(n, v)| (n.clone(), json!(v)))
                        .collect();
                    r["contributions"] = serde_json::Value::Object(c);
                }
                r
            })
            .collect();
        let mut out = json!({"predictions": rows, "threshold": pred.threshold,
                             "positive": art.manifest.levels.positive});
        if let Some(e) = &pred.explanation {
            out["explanation"] = json!({"method": e.method, "base_log_odds": e.base,
                                        "scale": "log-odds: base + sum(contributions) = logit(probability)"});
        }
        return print_json(&out);
    }
    println!("row,probability,predicted_class");
    for (i, p) in pred.probability.iter().enumerate() {
        println!("{},{},{}", i + 1, p, pred.predicted_class[i]);
    }
    if let Some(e) = &pred.explanation {
        println!("\ncontributions to the log-odds ({}; base {}):", e.method, num(e.base, 5));
        println!("row,{}", e.feature_names.join(","));
        for (i, c) in e.contributions.iter().enumerate() {
            let cells: Vec<String> = c.iter().map(|v| v.to_string()).collect();
            println!("{},{}", i + 1, cells.join(","));
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct EvaluateArgs {
    /// Artifact directory written by `osler train`.
    pub artifact: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long)]
    pub json: bool,
}

pub fn evaluate(a: EvaluateArgs) -> CliResult {
    let art = Artifact::load(&a.artifact)?;
    let table = match (&a.data.data, &a.data.dataset) {
        (Some(p), _) => read_table(p)?,
        (None, Some(name)) => osler_data::datasets::find(name)?.table()?,
        (None, None) => return Err(crate::CliError::user("give --data FILE or --dataset NAME")),
    };
    let (m, _, _) = art.evaluate(table)?;
    if a.json {
        return print_json(&json!({"metrics": m, "n": m.n, "events": m.events, "threshold": m.threshold}));
    }
    crate::cmd_metrics::print_metrics(&m);
    Ok(())
}
