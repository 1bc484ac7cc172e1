//! `osler`: the command line of the osler clinical modelling engine.
//!
//! Exit codes: 0 success, 2 bad input or usage (message on stderr), 1 internal error.

mod cmd_data;
mod cmd_metrics;
mod cmd_model;
mod cmd_report;
mod cmd_survival;
mod cmd_train;
mod cmd_train_enet;
mod cmd_train_nn;
mod cmd_train_survival;
mod cmd_treatment;
mod errors;
mod input;
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
    /// Metrics of any predictions: a label column and a score column.
    Metrics(cmd_metrics::MetricsArgs),
    /// Generate synthetic benchmark data (bit-exact SplitMix64 recipe).
    Synth(cmd_data::SynthArgs),
    /// Survival analyses: Kaplan-Meier, log-rank, Cox.
    Survival(cmd_survival::SurvivalArgs),
    /// Treatment effects in a two-arm randomised trial: KM, log-rank, HR, RMST, benefit.
    Treatment(Box<cmd_treatment::TreatmentArgs>),
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

impl From<osler_pipeline::PipelineError> for CliError {
    fn from(e: osler_pipeline::PipelineError) -> Self {
        let message = match &e {
            osler_pipeline::PipelineError::Data(d) => errors::data_message(d),
            _ => e.to_string(),
        };
        CliError { code: errors::exit_code(e.is_user_error()), message }
    }
}

impl From<osler_pipeline::analysis::AnalysisError> for CliError {
    fn from(e: osler_pipeline::analysis::AnalysisError) -> Self {
        use osler_pipeline::PipelineError;
        use osler_pipeline::analysis::AnalysisError;
        let message = match &e {
            AnalysisError::NoCovariates => "no covariates: give --covariates A,B,...".to_string(),
            AnalysisError::Data(d) | AnalysisError::Pipeline(PipelineError::Data(d)) => {
                errors::data_message(d)
            }
            _ => e.to_string(),
        };
        CliError { code: errors::exit_code(e.is_user_error()), message }
    }
}

impl From<osler_eval::EvalError> for CliError {
    fn from(e: osler_eval::EvalError) -> Self {
        CliError::user(e.to_string())
    }
}

pub type CliResult = Result<(), CliError>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Datasets(a) => cmd_data::datasets(a),
        Command::Schema(a) => cmd_data::schema(a),
        Command::Train(a) => cmd_train::train(*a),
        Command::Predict(a) => cmd_model::predict(a),
        Command::Evaluate(a) => cmd_model::evaluate(a),
        Command::Report(a) => cmd_report::report(a),
        Command::Metrics(a) => cmd_metrics::metrics(a),
        Command::Synth(a) => cmd_data::synth(a),
        Command::Survival(a) => cmd_survival::survival(a),
        Command::Treatment(a) => cmd_treatment::treatment(*a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CliError;
    use osler_pipeline::analysis::AnalysisError;

    #[test]
    fn library_errors_map_to_flag_names_and_exit_code_2() {
        let e = CliError::from(AnalysisError::NoCovariates);
        assert_eq!((e.code, e.message.as_str()), (2, "no covariates: give --covariates A,B,..."));
        let e = CliError::from(AnalysisError::WeightsNotNumeric { column: "w".into() });
        assert_eq!(
            (e.code, e.message.as_str()),
            (2, "weights column 'w' must exist and be numeric")
        );
        let open = osler_data::source::SourceError::Open {
            path: "/x.csv".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        let e = CliError::from(open);
        assert_eq!((e.code, e.message.as_str()), (2, "cannot read /x.csv: no such file"));
        let write = osler_pipeline::PipelineError::Write {
            path: "/out".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert_eq!(CliError::from(AnalysisError::Pipeline(write)).code, 1);
    }
}
