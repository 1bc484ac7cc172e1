//! Where data comes from: `--data FILE` (CSV, CSV.gz, JSON records, `-` = stdin)
//! or `--dataset NAME`, with an optional `--schema` file.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use osler_data::{Schema, Table, datasets, json_input, read_csv_bytes};

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

/// Reads a file or stdin; JSON (first non-space byte `[` or `{`) becomes records, else CSV.
pub fn read_table(path: &Path) -> Result<Table, CliError> {
    let (bytes, name) = if path == Path::new("-") {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| CliError::user(format!("cannot read standard input: {e}")))?;
        (b, "<stdin>".to_string())
    } else {
        let b = std::fs::read(path).map_err(|e| {
            CliError::user(format!("cannot read {}: {}", path.display(), io_reason(&e)))
        })?;
        (b, path.display().to_string())
    };
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'[' | b'{')) {
        let text = String::from_utf8(bytes)
            .map_err(|_| CliError::user(format!("{name}: JSON input is not valid UTF-8")))?;
        let mut t = json_input::read_json_records(&text, &name)?;
        t.sha256 = Some(osler_data::csv_reader::hex(&sha2_digest(text.as_bytes())));
        return Ok(t);
    }
    Ok(read_csv_bytes(&bytes, &name)?)
}

fn sha2_digest(b: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(b).to_vec()
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
        let (table, shipped_schema, stem) = match (&self.data, &self.dataset) {
            (_, Some(name)) => {
                let d = datasets::find(name)?;
                (d.table()?, Some(d.schema()?), name.clone())
            }
            (Some(path), None) => {
                let stem = path
                    .file_name()
                    .map(|s| s.to_string_lossy().split('.').next().unwrap_or("data").to_string())
                    .unwrap_or_else(|| "data".into());
                (read_table(path)?, None, stem)
            }
            (None, None) => return Err(CliError::user("give --data FILE or --dataset NAME")),
        };
        let schema = match (&self.schema, shipped_schema) {
            (Some(p), _) => Schema::from_file(p)?,
            (None, Some(s)) => s,
            (None, None) => Schema::infer(&table)?,
        };
        Ok(Loaded { table, schema, stem })
    }
}
