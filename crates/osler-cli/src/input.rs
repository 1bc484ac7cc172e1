//! Where data comes from: `--data FILE` (CSV, CSV.gz, JSON records, `-` = stdin)
//! or `--dataset NAME`, with an optional `--schema` file.

use std::io::{BufRead, BufReader, Read};

use sha2::Digest;
use std::path::{Path, PathBuf};

use clap::Args;
use osler_data::{Schema, Table, datasets, json_input};

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
    Ok(osler_data::csv_reader::read_csv_reader(reader, name)?)
}

/// A short reason for an I/O error ("no such file", "permission denied").
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

impl DataArgs {
    /// Loads the table and picks the schema: `--schema`, else the dataset's, else inferred.
    pub fn load(&self) -> Result<Loaded, CliError> {
        let (table, shipped_schema) = self.table()?;
        let stem = match (&self.dataset, &self.data) {
            (Some(name), _) => name.clone(),
            (None, path) => path
                .as_ref()
                .and_then(|p| p.file_name())
                .map(|s| s.to_string_lossy().split('.').next().unwrap_or("data").to_string())
                .unwrap_or_else(|| "data".into()),
        };
        let schema = match (&self.schema, shipped_schema) {
            (Some(p), _) => Schema::from_file(p)?,
            (None, Some(s)) => s,
            (None, None) => Schema::infer(&table)?,
        };
        Ok(Loaded { table, schema, stem })
    }

    /// The raw table (not yet conformed) and, for a shipped dataset, its schema.
    pub fn table(&self) -> Result<(Table, Option<Schema>), CliError> {
        match (&self.data, &self.dataset) {
            (_, Some(name)) => {
                let d = datasets::find(name)?;
                Ok((d.table()?, Some(d.schema()?)))
            }
            (Some(path), None) => Ok((read_table(path)?, None)),
            (None, None) => Err(CliError::user("give --data FILE or --dataset NAME")),
        }
    }
}
