//! `osler predict` and `osler evaluate`: use a saved artifact.

use std::path::PathBuf;

use clap::Args;

use osler_pipeline::api::{
    Artifact, EvaluationReport, InputContract, PredictionReport, SurvivalEvaluationReport,
    SurvivalPredictionReport,
};

use crate::input::{DataArgs, ExpressionArgs, read_input};
use crate::output::{num, print_json};
use crate::{CliError, CliResult};

#[derive(Args)]
pub struct PredictArgs {
    /// Artifact directory written by `osler train`.
    pub artifact: PathBuf,
    /// Patients to predict: CSV, or JSON (a list of objects or {"records": [...]}); `-` = stdin.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    #[command(flatten)]
    pub genes: ExpressionArgs,
    /// Add per-feature contributions (exact for linear models, TreeSHAP for trees).
    #[arg(long)]
    pub explain: bool,
    /// Survival models: times at which to give survival probabilities
    /// (default: the artifact's evaluation grid).
    #[arg(long, value_delimiter = ',', value_name = "T1,T2,...")]
    pub times: Vec<f64>,
    #[arg(long)]
    pub json: bool,
}

fn predict_survival(a: &PredictArgs, art: &Artifact, table: osler_data::Table) -> CliResult {
    let pred = art.predict_survival(table, &a.times, a.explain)?;
    if a.json {
        return print_json(&SurvivalPredictionReport::new(&pred));
    }
    let head: Vec<String> = pred.times.iter().map(|t| format!("S({t})")).collect();
    println!("row,risk,{}", head.join(","));
    for (i, r) in pred.risk.iter().enumerate() {
        let s: Vec<String> = pred.survival[i].iter().map(|v| v.to_string()).collect();
        println!("{},{r},{}", i + 1, s.join(","));
    }
    Ok(())
}

fn predict_classes(a: &PredictArgs, art: &Artifact, table: osler_data::Table) -> CliResult {
    if a.explain {
        return Err(CliError::user(
            "--explain gives contributions to one score; a multiclass model has one per class",
        ));
    }
    let pred = art.predict_classes(table)?;
    if a.json {
        return print_json(&pred);
    }
    let head: Vec<String> = pred.classes.iter().map(|c| format!("p({c})")).collect();
    println!("row,{},predicted_class", head.join(","));
    for (i, p) in pred.probabilities.iter().enumerate() {
        let cells: Vec<String> = p.iter().map(|v| v.to_string()).collect();
        println!("{},{},{}", i + 1, cells.join(","), pred.predicted_class[i]);
    }
    Ok(())
}

/// One probability per patient of a long-format input (a sequence model).
fn predict_sequences(a: &PredictArgs, art: &Artifact, table: osler_data::Table) -> CliResult {
    if a.explain {
        return Err(CliError::user("--explain is not available for sequence models (lstm, gru)"));
    }
    let pred = art.predict_sequences(table)?;
    if a.json {
        return print_json(&pred);
    }
    println!("id,probability,predicted_class");
    for p in &pred.predictions {
        println!("{},{},{}", p.id, p.probability, p.predicted_class);
    }
    Ok(())
}

pub fn predict(a: PredictArgs) -> CliResult {
    let art = Artifact::load(&a.artifact)?;
    let table = read_input(&a.input, &a.genes)?;
    if art.manifest.survival.is_some() {
        return predict_survival(&a, &art, table);
    }
    if matches!(art.manifest.input, InputContract::Sequence { .. }) {
        return predict_sequences(&a, &art, table);
    }
    if art.manifest.classes.is_some() {
        return predict_classes(&a, &art, table);
    }
    let pred = art.predict(table, a.explain)?;
    if a.json {
        return print_json(&PredictionReport::new(&pred, &art.manifest.levels.positive));
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
    let (table, _) = a.data.table()?;
    if art.manifest.survival.is_some() {
        let e = art.evaluate_survival(table)?;
        if a.json {
            return print_json(&SurvivalEvaluationReport::from(&e));
        }
        println!("n = {}, events = {}", e.n, e.events);
        for (k, v) in e.metrics {
            println!("{k:<24} {}", num(v, 6));
        }
        return Ok(());
    }
    if art.manifest.classes.is_some() {
        let e = art.evaluate_multiclass(table)?;
        if a.json {
            return print_json(&e);
        }
        println!("n = {}, classes {}", e.n, e.classes.join(", "));
        for (k, v) in e.metrics.values() {
            println!("{k:<24} {}", num(v, 6));
        }
        println!("confusion matrix (rows: true class, columns: predicted class):");
        for (c, row) in e.classes.iter().zip(&e.confusion) {
            let cells: Vec<String> = row.iter().map(usize::to_string).collect();
            println!("  {c:<20} {}", cells.join(" "));
        }
        return Ok(());
    }
    let (m, _, _) = match art.manifest.input {
        InputContract::Sequence { .. } => art.evaluate_sequences(table)?,
        InputContract::Tabular => art.evaluate(table)?,
    };
    if a.json {
        return print_json(&EvaluationReport::from(m));
    }
    crate::cmd_metrics::print_metrics(&m);
    Ok(())
}
