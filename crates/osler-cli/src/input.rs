//! Where data comes from: `--data FILE` (CSV, CSV.gz, JSON records, `-` = stdin)
//! or `--dataset NAME`, with an optional `--schema` file; and a gene-expression
//! matrix (`--expression FILE`, `--transpose` when genes are rows) joined to the
//! `--data` table on its sample-id column (`--id`, default: the first column).
//!
//! Join policy: sample ids are compared as text (leading zeros kept); a clinical
//! row without an expression profile, or a profile without a clinical row, is an
//! error (exit 2) naming the counts and the first ids, unless `--allow-unmatched`
//! is given: then only the shared samples are kept and a warning on stderr gives
//! the counts (never patient values).

use std::io::{BufRead, BufReader, Read};

use sha2::Digest;
use std::path::{Path, PathBuf};

use clap::Args;
use osler_data::csv_reader::{CsvOptions, IdColumn};
use osler_data::{Orientation, Schema, Table, datasets, json_input};

use crate::CliError;

/// `--data FILE` or `--dataset NAME` (exactly one), plus `--schema`.
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
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
    pub genes: ExpressionArgs,
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
    /// Sample-id column of the clinical table (default: its first column); matched as text.
    #[arg(long, value_name = "COL", requires = "expression")]
    pub id: Option<String>,
    /// Keep only the samples present in both files (a warning gives the counts) instead of
    /// refusing ids that are missing from either file.
    #[arg(long, requires = "expression")]
    pub allow_unmatched: bool,
}

/// A loaded table with the schema to use (given, shipped, or inferred).
pub struct Loaded {
    pub table: Table,
    pub schema: Schema,
    /// Short name for default output paths.
    pub stem: String,
}

/// Reads a file or stdin; JSON (first non-space byte `[` or `{`) becomes records,
/// anything else is streamed through the CSV reader.
pub fn read_table(path: &Path) -> Result<Table, CliError> {
    if path == Path::new("-") {
        return read_from(std::io::stdin().lock(), "<stdin>");
    }
    let file = std::fs::File::open(path).map_err(|e| {
        CliError::user(format!("cannot read {}: {}", path.display(), io_reason(&e)))
    })?;
    read_from(file, &path.display().to_string())
}

fn read_from<R: Read>(reader: R, name: &str) -> Result<Table, CliError> {
    read_from_with(reader, name, &CsvOptions::default())
}

/// [`read_table`] keeping the CSV column chosen in `options` as text.
fn read_table_with(path: &Path, options: &CsvOptions) -> Result<Table, CliError> {
    if path == Path::new("-") {
        return read_from_with(std::io::stdin().lock(), "<stdin>", options);
    }
    let file = std::fs::File::open(path).map_err(|e| {
        CliError::user(format!("cannot read {}: {}", path.display(), io_reason(&e)))
    })?;
    read_from_with(file, &path.display().to_string(), options)
}

fn read_from_with<R: Read>(reader: R, name: &str, options: &CsvOptions) -> Result<Table, CliError> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let head = reader.fill_buf().map_err(|e| CliError::user(format!("cannot read {name}: {e}")))?;
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'[' | b'{')) {
        let mut text = String::new();
        reader
            .read_to_string(&mut text)
            .map_err(|_| CliError::user(format!("{name}: JSON input is not valid UTF-8")))?;
        let mut t = json_input::read_json_records(&text, name)?;
        t.sha256 = Some(osler_data::csv_reader::hex(&sha2::Sha256::digest(text.as_bytes())));
        return Ok(t);
    }
    Ok(osler_data::csv_reader::read_csv_reader_with(reader, name, options)?)
}

/// A short reason for an I/O error ("no such file", "permission denied").
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// What `--data` / `--dataset` / `--expression` read, before a schema is chosen.
enum Raw {
    /// A plain file: its schema is inferred unless `--schema` is given.
    File(Table),
    /// A shipped dataset and its schema (`[defaults]` expanded).
    Shipped(Table, Schema),
    /// A clinical table joined with an expression matrix.
    Joined(osler_data::Joined),
}

impl DataArgs {
    /// Loads the table and picks the schema: `--schema` (with its `[defaults]`
    /// expanded), else the dataset's, else inferred (for a table joined with
    /// `--expression`: clinical columns inferred, the id column an id, genes
    /// numeric features).
    pub fn load(&self) -> Result<Loaded, CliError> {
        let raw = self.raw()?;
        let stem = match (&self.dataset, &self.data) {
            (Some(name), _) => name.clone(),
            (None, path) => path
                .as_ref()
                .and_then(|p| p.file_name())
                .map(|s| s.to_string_lossy().split('.').next().unwrap_or("data").to_string())
                .unwrap_or_else(|| "data".into()),
        };
        let (table, schema) = match (&self.schema, raw) {
            (Some(p), raw) => {
                let table = match raw {
                    Raw::File(t) | Raw::Shipped(t, _) => t,
                    Raw::Joined(j) => j.table,
                };
                let mut s = Schema::from_file(p)?;
                s.expand_defaults(&table);
                (table, s)
            }
            (None, Raw::Shipped(t, s)) => (t, s),
            (None, Raw::Joined(j)) => {
                let s = j.infer_schema()?;
                (j.table, s)
            }
            (None, Raw::File(t)) => {
                let s = Schema::infer(&t)?;
                (t, s)
            }
        };
        Ok(Loaded { table, schema, stem })
    }

    /// The raw table (not yet conformed) and, for a shipped dataset, its schema.
    pub fn table(&self) -> Result<(Table, Option<Schema>), CliError> {
        Ok(match self.raw()? {
            Raw::File(t) => (t, None),
            Raw::Shipped(t, s) => (t, Some(s)),
            Raw::Joined(j) => (j.table, None),
        })
    }

    fn raw(&self) -> Result<Raw, CliError> {
        match (&self.data, &self.dataset) {
            (_, Some(_)) if self.genes.expression.is_some() => Err(CliError::user(
                "--expression joins a matrix to a --data file; a shipped --dataset has its own",
            )),
            (_, Some(name)) => {
                let (table, schema) = datasets::find(name)?.load()?;
                Ok(Raw::Shipped(table, schema))
            }
            (Some(path), None) => match &self.genes.expression {
                None => Ok(Raw::File(read_table(path)?)),
                Some(matrix) => Ok(Raw::Joined(self.join(path, matrix)?)),
            },
            (None, None) => Err(CliError::user("give --data FILE or --dataset NAME")),
        }
    }

    /// Reads `--data` (id column as text) and the `--expression` matrix, and joins them.
    fn join(&self, clinical: &Path, matrix: &Path) -> Result<osler_data::Joined, CliError> {
        let g = &self.genes;
        let id = g.id.clone().map_or(IdColumn::First, IdColumn::Named);
        let table = read_table_with(clinical, &CsvOptions { text_column: Some(id.clone()) })?;
        let orientation =
            if g.transpose { Orientation::GenesAsRows } else { Orientation::SamplesAsRows };
        let file = std::fs::File::open(matrix).map_err(|e| {
            CliError::user(format!("cannot read {}: {}", matrix.display(), io_reason(&e)))
        })?;
        let m = osler_data::expression::read_expression_reader(
            file,
            &matrix.display().to_string(),
            orientation,
        )?;
        let joined = osler_data::join_expression(table, &id, m, g.allow_unmatched)?;
        if let Some(note) = joined.unmatched_note() {
            eprintln!("warning: {note}");
        }
        Ok(joined)
    }
}
