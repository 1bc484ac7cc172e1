//! Where data comes from, as flags: `--data FILE` (CSV, CSV.gz, JSON
//! records, `-` = stdin) or `--dataset NAME`, with an optional `--schema`
//! file and the CSV's `--decimal` mark; and a gene-expression matrix
//! (`--expression FILE`, `--transpose` when genes are rows) joined to the
//! `--data` table on its sample-id column (`--id`, default: the first
//! column). The flags become an [`osler_data::source::DataSource`]; loading,
//! the decimal-mark detection and the join policy are the library's. A join
//! with `--allow-unmatched` that dropped samples prints a warning on stderr
//! with the counts (never patient values); a detected decimal comma, a note.

use std::path::{Path, PathBuf};

use clap::Args;
use osler_data::csv_reader::{CsvOptions, IdColumn};
use osler_data::source::{self, DataSource, ExpressionSource, FileInput, RawData};
use osler_data::{DecimalMark, Orientation, Schema, Table};

use crate::CliError;

/// `--data FILE` or `--dataset NAME` (exactly one), plus `--schema`, and a
/// gene-expression matrix joined to the `--data` table.
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub genes: ExpressionArgs,
}

/// `--data FILE` or `--dataset NAME` (exactly one), plus `--schema` and
/// `--decimal`: the flags of the commands that read one table and never a
/// gene-expression matrix (`metrics`, `survival km` and `logrank`).
#[derive(Args, Debug, Clone)]
pub struct TableArgs {
    /// Data file: CSV or CSV.gz (delimiter sniffed), or JSON records; `-` reads stdin.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "dataset",
        required_unless_present = "dataset"
    )]
    pub data: Option<PathBuf>,
    /// A dataset shipped with osler (see `osler datasets list`).
    #[arg(long, value_name = "NAME")]
    pub dataset: Option<String>,
    /// Schema file (TOML or JSON) declaring types, roles, missing codes and valid ranges.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    #[command(flatten)]
    pub csv: DecimalArg,
}

impl TableArgs {
    /// [`DataArgs::load`] without a matrix to join.
    pub fn load(&self) -> Result<Loaded, CliError> {
        DataArgs { table: self.clone(), genes: ExpressionArgs::default() }.load()
    }
}

/// `--decimal , | .`: the decimal mark of a CSV file's numbers.
#[derive(Args, Debug, Clone, Default)]
pub struct DecimalArg {
    /// Decimal mark of the CSV's numbers: `,` (33,6) or `.` (33.6). Default: a point in a
    /// `,`-separated file; otherwise detected (a comma when numbers are written 33,6).
    #[arg(long, value_name = ", | .", value_parser = decimal_mark)]
    pub decimal: Option<DecimalMark>,
}

impl DecimalArg {
    /// The reader's options: this mark, and `unparsed` columns left as unchecked text.
    fn options(&self, unparsed: Vec<String>) -> CsvOptions {
        CsvOptions { decimal: self.decimal, unparsed, ..CsvOptions::default() }
    }
}

/// `--decimal`'s value: `,` or `.` (or their names).
fn decimal_mark(s: &str) -> Result<DecimalMark, String> {
    match s {
        "," | "comma" => Ok(DecimalMark::Comma),
        "." | "point" => Ok(DecimalMark::Point),
        _ => Err(format!("expected , or . (the decimal mark), got '{s}'")),
    }
}

/// `--expression FILE [--transpose] [--id COL] [--allow-unmatched]`: a
/// gene-expression matrix joined to a clinical table (`--data`, or
/// `predict`'s `--input`) on the sample id.
#[derive(Args, Debug, Clone, Default)]
pub struct ExpressionArgs {
    /// Gene-expression matrix (CSV or CSV.gz) joined to the clinical table on the sample id:
    /// one row per sample (first column = sample id, header = gene names) unless --transpose.
    #[arg(long, value_name = "FILE")]
    pub expression: Option<PathBuf>,
    /// The --expression matrix has one row per gene (first column = gene id, header = sample ids).
    #[arg(long, requires = "expression")]
    pub transpose: bool,
    /// Sample-id column of the clinical table joined to --expression (default: its first
    /// column; matched as text). With `osler train --model lstm|gru`: the patient-id column of
    /// long-format data (one row per patient per visit). With `osler predict` on a tabular
    /// model: also the id each prediction row carries (with or without --expression).
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// Keep only the samples present in both files (a warning gives the counts) instead of
    /// refusing ids that are missing from either file.
    #[arg(long, requires = "expression")]
    pub allow_unmatched: bool,
}

/// A loaded table with the schema to use (given, shipped, or inferred).
pub type Loaded = source::LoadedData;

/// Reads `--input` (a file, or stdin for `-`) with its `--decimal` mark,
/// joined with the matrix of `--expression` if given (on `--id`, which
/// `predict` also carries into its output, so `--id` alone is no error here).
pub fn read_input(
    path: &Path,
    genes: &ExpressionArgs,
    csv: &DecimalArg,
) -> Result<Table, CliError> {
    let expression = match genes.expression {
        Some(_) => genes.source()?,
        None => None,
    };
    let source = DataSource::File { input: FileInput::from_arg(path), expression };
    Ok(read(&source, &csv.options(Vec::new()))?.into_table().0)
}

/// Reads the data, warns about samples an unmatched-tolerant join dropped
/// and notes a decimal comma that was detected rather than given.
fn read(source: &DataSource, options: &CsvOptions) -> Result<RawData, CliError> {
    let raw = source::read_with(source, options)?;
    if let Some(note) = raw.unmatched_note() {
        eprintln!("warning: {note}");
    }
    let table = raw.table();
    if options.decimal.is_none() && table.decimal == DecimalMark::Comma {
        eprintln!(
            "note: {}: numbers read with a decimal comma (detected; --decimal . reads them otherwise)",
            table.source
        );
    }
    Ok(raw)
}

impl ExpressionArgs {
    /// The matrix to join, if `--expression` was given; `--id` alone is an
    /// error here (only a sequence model's training takes it without a matrix).
    fn source(&self) -> Result<Option<ExpressionSource>, CliError> {
        if self.id.is_some() && self.expression.is_none() {
            return Err(CliError::user(
                "--id names the sample id of an --expression join, or the patient id of --model lstm or gru",
            ));
        }
        Ok(self.expression.as_ref().map(|path| ExpressionSource {
            path: path.clone(),
            orientation: if self.transpose {
                Orientation::GenesAsRows
            } else {
                Orientation::SamplesAsRows
            },
            id: self.id.clone().map_or(IdColumn::First, IdColumn::Named),
            allow_unmatched: self.allow_unmatched,
        }))
    }
}

impl DataArgs {
    /// The library's description of the flags.
    fn source(&self) -> Result<DataSource, CliError> {
        let expression = self.genes.source()?;
        match (&self.table.data, &self.table.dataset) {
            (_, Some(_)) if expression.is_some() => Err(CliError::user(
                "--expression joins a matrix to a --data file; a shipped --dataset has its own",
            )),
            (_, Some(name)) => Ok(DataSource::Dataset(name.clone())),
            (Some(path), None) => {
                Ok(DataSource::File { input: FileInput::from_arg(path), expression })
            }
            (None, None) => Err(CliError::user("give --data FILE or --dataset NAME")),
        }
    }

    /// Loads the table and picks the schema: `--schema` (with its `[defaults]`
    /// expanded), else the dataset's, else inferred.
    pub fn load(&self) -> Result<Loaded, CliError> {
        self.load_unparsed(Vec::new())
    }

    /// [`DataArgs::load`] leaving the `unparsed` columns (a model's dropped
    /// ones) as text that is neither parsed nor checked.
    pub fn load_unparsed(&self, unparsed: Vec<String>) -> Result<Loaded, CliError> {
        let source = self.source()?;
        let raw = read(&source, &self.table.csv.options(unparsed))?;
        Ok(raw.with_schema(self.table.schema.as_deref(), source.stem())?)
    }

    /// The raw table (not yet conformed) and, for a shipped dataset, its schema.
    pub fn table(&self) -> Result<(Table, Option<Schema>), CliError> {
        Ok(read(&self.source()?, &self.table.csv.options(Vec::new()))?.into_table())
    }
}
