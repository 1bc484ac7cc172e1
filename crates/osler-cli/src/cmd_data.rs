//! `osler datasets`, `osler schema`, `osler synth`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use osler_data::{catalog, synth};

use crate::input::DataArgs;
use crate::output::{print_json, write_atomic};
use crate::{CliError, CliResult};

#[derive(Args)]
pub struct DatasetsArgs {
    #[command(subcommand)]
    command: DatasetsCommand,
}

#[derive(Subcommand)]
enum DatasetsCommand {
    /// One line per shipped dataset.
    List {
        /// Print the list as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Rows, columns, roles, units, missing counts, citation and licence.
    Show {
        name: String,
        /// Print one JSON object on stdout.
        #[arg(long)]
        json: bool,
    },
}

pub fn datasets(args: DatasetsArgs) -> CliResult {
    match args.command {
        DatasetsCommand::List { json } => {
            let list = catalog::list()?;
            if json {
                return print_json(&list);
            }
            print!("{}", osler_report::text::dataset_list(&list));
            Ok(())
        }
        DatasetsCommand::Show { name, json } => show(&name, json),
    }
}

fn show(name: &str, json: bool) -> CliResult {
    let d = catalog::describe(name)?;
    if json {
        return print_json(&d);
    }
    print!("{}", osler_report::text::dataset(&d));
    Ok(())
}

#[derive(Args)]
pub struct SchemaArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Write the schema here (`.toml` or `.json`); default: TOML on stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn schema(args: SchemaArgs) -> CliResult {
    let loaded = args.data.load()?;
    // Check it applies, so a written schema is known to fit its data.
    loaded.schema.conform(loaded.table.clone(), &[], false)?;
    let is_json = args.out.as_ref().is_some_and(|p| p.extension().is_some_and(|e| e == "json"));
    let text = if is_json {
        serde_json::to_string_pretty(&loaded.schema).map_err(|e| CliError::user(e.to_string()))?
            + "\n"
    } else {
        loaded.schema.to_toml()
    };
    match args.out {
        Some(p) => write_atomic(&p, text.as_bytes()),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum SynthKind {
    Binary,
    Survival,
}

#[derive(Args)]
pub struct SynthArgs {
    #[arg(value_enum)]
    kind: SynthKind,
    /// Rows.
    #[arg(long)]
    n: usize,
    /// Features.
    #[arg(long)]
    p: usize,
    #[arg(long)]
    seed: u64,
    /// Output CSV.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn synth(args: SynthArgs) -> CliResult {
    match args.kind {
        SynthKind::Binary if args.p < 3 => {
            return Err(CliError::user(
                "binary synthetic data needs --p 3 or more (the recipe uses x0, x1, x2)",
            ));
        }
        SynthKind::Survival if args.p < 1 => {
            return Err(CliError::user("survival synthetic data needs --p 1 or more"));
        }
        _ => {}
    }
    // Written to a temporary sibling and renamed, so a failure leaves no partial file.
    let res = osler_data::atomic::write_file_with(&args.out, |file| match args.kind {
        SynthKind::Binary => {
            synth::write_binary_csv(&synth::binary(args.n, args.p, args.seed), file)
        }
        SynthKind::Survival => {
            synth::write_survival_csv(&synth::survival(args.n, args.p, args.seed), file)
        }
    });
    res.map_err(|e| CliError::user(format!("cannot write {}: {e}", args.out.display())))
}
