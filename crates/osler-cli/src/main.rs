//! `osler`: the command line of the osler clinical modelling engine.
//!
//! Exit codes: 0 success, 2 bad input or usage (message on stderr), 1 internal error.

mod cmd_data;
mod cmd_image;
mod cmd_metrics;
mod cmd_model;
mod cmd_report;
mod cmd_survival;
mod cmd_train;
mod cmd_train_enet;
mod cmd_train_image;
mod cmd_train_nn;
mod cmd_train_sequence;
mod cmd_treatment;
mod errors;
mod input;
mod model_errors;
mod output;
mod progress;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// osler: validated, calibrated, explained clinical prediction models.
#[derive(Parser)]
#[command(name = "osler", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List or describe the datasets shipped with osler.
    Datasets(cmd_data::DatasetsArgs),
    /// Infer a data file's schema (types, roles, missing codes, ranges) and write it out.
    Schema(cmd_data::SchemaArgs),
    /// Cross-validate a model and write it as an artifact directory.
    Train(Box<cmd_train::TrainArgs>),
    /// Predict with a saved artifact (CSV or JSON input, `-` for stdin).
    Predict(cmd_model::PredictArgs),
    /// Evaluate a saved artifact on labelled data.
    Evaluate(cmd_model::EvaluateArgs),
    /// Write a self-contained HTML report of an artifact.
    Report(cmd_report::ReportArgs),
    /// Metrics of any predictions: a label and a score, or (--task survival) time, event and risk.
    Metrics(cmd_metrics::MetricsArgs),
    /// Generate synthetic benchmark data (bit-exact SplitMix64 recipe).
    Synth(cmd_data::SynthArgs),
    /// Survival analyses: Kaplan-Meier, log-rank, Cox.
    Survival(cmd_survival::SurvivalArgs),
    /// Treatment effects in a two-arm randomised trial: KM, log-rank, HR, RMST, benefit.
    Treatment(Box<cmd_treatment::TreatmentArgs>),
    /// Medical image files (DICOM, PNG, JPEG): `image info FILE [--preview OUT.png]`.
    Image(cmd_image::ImageArgs),
}

/// An error with its exit code: user errors (2) or internal errors (1).
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn user(message: impl Into<String>) -> Self {
        CliError { code: 2, message: message.into() }
    }
}

pub type CliResult = Result<(), CliError>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Datasets(a) => cmd_data::datasets(a),
        Command::Schema(a) => cmd_data::schema(a),
        Command::Train(a) => cmd_train::train(*a),
        Command::Predict(a) => cmd_model::predict_command(a),
        Command::Evaluate(a) => cmd_model::evaluate_command(a),
        Command::Report(a) => cmd_report::report(a),
        Command::Metrics(a) => cmd_metrics::metrics(a),
        Command::Synth(a) => cmd_data::synth(a),
        Command::Survival(a) => cmd_survival::survival(a),
        Command::Treatment(a) => cmd_treatment::treatment(*a),
        Command::Image(a) => cmd_image::image(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
