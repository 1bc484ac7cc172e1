//! `osler predict` and `osler evaluate`: use a saved artifact.

use std::path::PathBuf;

use clap::Args;

use osler_pipeline::api::{
    Artifact, InputContract, IntervalSpec, PredictRequest, evaluate, predict,
};
use osler_pipeline::image::predict_image_files;

use crate::input::{DataArgs, DecimalArg, ExpressionArgs, read_input};
use crate::output::print_json;
use crate::{CliError, CliResult};

#[derive(Args)]
pub struct PredictArgs {
    /// Artifact directory written by `osler train`.
    pub artifact: PathBuf,
    /// Patients to predict: CSV, or JSON (a list of objects or {"records": [...]}); `-` = stdin.
    /// Image models (cnn, resnet18): one or more PNG, JPEG or DICOM files.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub input: Vec<PathBuf>,
    /// Image models: write each prediction's Grad-CAM heat map as a PNG overlay here
    /// (several inputs: OUT-1.png, OUT-2.png, ...).
    #[arg(long, value_name = "OUT.png")]
    pub heatmap: Option<PathBuf>,
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
    if let InputContract::Image(_) = art.manifest.input {
        return predict_images(&art, &a);
    }
    if a.heatmap.is_some() {
        return Err(CliError::user("--heatmap is an option of image models (cnn, resnet18)"));
    }
    let [input] = a.input.as_slice() else {
        return Err(CliError::user(format!(
            "--input takes one table for this model, got {} files",
            a.input.len()
        )));
    };
    if let (Some(id), InputContract::Sequence { id: patient, .. }) =
        (&a.genes.id, &art.manifest.input)
        && id != patient
    {
        return Err(CliError::user(format!(
            "--id {id}: this sequence model's predictions are one per patient, keyed by its \
             patient-id column '{patient}'"
        )));
    }
    let table = read_input(input, &a.genes, &a.csv)?;
    let request =
        PredictRequest { times: a.times.clone(), explain: a.explain, id: a.genes.id.clone() };
    let out = predict(&art, table, &request)?;
    if a.json {
        return print_json(&out);
    }
    print!("{}", osler_report::text::predictions(&out));
    Ok(())
}

/// `osler predict` of an image artifact: every `--input` file through the
/// artifact's image contract, one probability per file.
fn predict_images(art: &Artifact, a: &PredictArgs) -> CliResult {
    if a.explain || !a.times.is_empty() {
        return Err(CliError::user(
            "--explain and --times are options of table models; image models take --heatmap",
        ));
    }
    let out = predict_image_files(art, &a.input, a.heatmap.as_deref())?;
    if a.json {
        return print_json(&out);
    }
    for p in &out.predictions {
        let heatmap = p.heatmap.as_deref().map(|h| format!("\theat map: {h}")).unwrap_or_default();
        println!("{}\t{:.4}\t{}{heatmap}", p.file, p.probability, p.class);
    }
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
