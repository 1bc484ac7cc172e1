//! `osler predict` and `osler evaluate`: use a saved artifact.

use std::path::PathBuf;

use clap::Args;

use osler_pipeline::api::{
    Artifact, InputContract, IntervalSpec, PredictRequest, evaluate, predict,
};

use crate::input::{DataArgs, DecimalArg, ExpressionArgs, read_input};
use crate::output::print_json;
use crate::{CliError, CliResult};

#[derive(Args)]
pub struct PredictArgs {
    /// Artifact directory written by `osler train`.
    pub artifact: PathBuf,
    /// Patients to predict: CSV, or JSON (a list of objects or {"records": [...]}); `-` = stdin.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    #[command(flatten)]
    pub csv: DecimalArg,
    #[command(flatten)]
    pub genes: ExpressionArgs,
    /// Add per-feature contributions (exact for linear models, TreeSHAP for trees).
    #[arg(long)]
    pub explain: bool,
    /// Survival models: times at which to give survival probabilities
    /// (default: the artifact's evaluation grid).
    #[arg(long, value_delimiter = ',', value_name = "T1,T2,...")]
    pub times: Vec<f64>,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn predict_command(a: PredictArgs) -> CliResult {
    let art = Artifact::load(&a.artifact)?;
    if let (Some(id), InputContract::Sequence { id: patient, .. }) =
        (&a.genes.id, &art.manifest.input)
        && id != patient
    {
        return Err(CliError::user(format!(
            "--id {id}: this sequence model's predictions are one per patient, keyed by its \
             patient-id column '{patient}'"
        )));
    }
    let table = read_input(&a.input, &a.genes, &a.csv)?;
    let request =
        PredictRequest { times: a.times.clone(), explain: a.explain, id: a.genes.id.clone() };
    let out = predict(&art, table, &request)?;
    if a.json {
        return print_json(&out);
    }
    print!("{}", osler_report::text::predictions(&out));
    Ok(())
}

#[derive(Args)]
pub struct EvaluateArgs {
    /// Artifact directory written by `osler train`.
    pub artifact: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Bootstrap replicates of the 95% CIs of a binary model's metrics (rows resampled with
    /// replacement; the AUROC's CI is DeLong's); 0 = none but the AUROC's.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub bootstrap: usize,
    /// Seed of the bootstrap resampling.
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn evaluate_command(a: EvaluateArgs) -> CliResult {
    let art = Artifact::load(&a.artifact)?;
    let (table, _) = a.data.table()?;
    let intervals = IntervalSpec { replicates: a.bootstrap, seed: a.seed };
    let out = evaluate(&art, table, intervals)?;
    if a.json {
        return print_json(&out);
    }
    print!("{}", osler_report::text::evaluation(&out));
    Ok(())
}
