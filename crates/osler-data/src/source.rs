//! Where a table comes from, for every front end: a shipped dataset by name,
//! or a file (CSV, CSV.gz with the delimiter sniffed, or JSON records) or
//! standard input, optionally joined with a gene-expression matrix on the
//! sample id; then the schema to use (a schema file, the dataset's own, or
//! one inferred from the data).
//!
//! Join policy ([`crate::join`]): sample ids are compared as text (leading
//! zeros kept); a clinical row without an expression profile, or a profile
//! without a clinical row, is an error naming the counts and the first ids
//! unless [`ExpressionSource::allow_unmatched`]: then only the shared samples
//! are kept and [`RawData::unmatched_note`] gives the counts (never patient
//! values) for the caller to show.
//!
//! Loading happens in two steps, [`read`] then [`RawData::with_schema`], so a
//! front end can show the join's note before a later step fails.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::Digest;

use crate::csv_reader::{CsvOptions, IdColumn, hex, read_csv_reader_with};
use crate::datasets;
use crate::error::DataError;
use crate::expression::{Orientation, read_expression_reader};
use crate::join::{Joined, join_expression};
use crate::json_input::read_json_records;
use crate::schema::Schema;
use crate::table::Table;

/// A file on disk or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileInput {
    /// A file: CSV, CSV.gz or JSON records (told apart by content).
    Path(PathBuf),
    /// Standard input, read to its end; named `<stdin>` in messages.
    Stdin,
}

impl FileInput {
    /// The input a command-line argument names: `-` is standard input.
    pub fn from_arg(path: &Path) -> Self {
        if path == Path::new("-") { FileInput::Stdin } else { FileInput::Path(path.to_path_buf()) }
    }

    /// A short name for default output paths: the file name up to its first
    /// dot (`data` when there is none), `-` for standard input.
    pub fn stem(&self) -> String {
        match self {
            FileInput::Stdin => "-".into(),
            FileInput::Path(p) => p
                .file_name()
                .map(|s| s.to_string_lossy().split('.').next().unwrap_or("data").to_string())
                .unwrap_or_else(|| "data".into()),
        }
    }
}

/// A gene-expression matrix (CSV or CSV.gz) to join to a clinical file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpressionSource {
    /// The matrix file.
    pub path: PathBuf,
    /// One row per sample (header = gene names) or one row per gene (header = sample ids).
    pub orientation: Orientation,
    /// The clinical table's sample-id column, matched as text.
    pub id: IdColumn,
    /// Keep only the samples present in both files instead of refusing unmatched ids.
    pub allow_unmatched: bool,
}

/// Where the data of one command comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// A dataset shipped with osler ([`crate::datasets::DATASETS`]), with its schema.
    Dataset(String),
    /// A file or standard input, optionally joined with an expression matrix.
    File {
        /// The clinical (or only) table.
        input: FileInput,
        /// A matrix joined to it on the sample id.
        expression: Option<ExpressionSource>,
    },
}

impl DataSource {
    /// A short name for default output paths: the dataset's name or the file's stem.
    pub fn stem(&self) -> String {
        match self {
            DataSource::Dataset(name) => name.clone(),
            DataSource::File { input, .. } => input.stem(),
        }
    }
}

/// Why data could not be loaded. Every variant names the file involved.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The file could not be opened.
    #[error("cannot read {}: {}", .path.display(), io_reason(.source))]
    Open {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file was opened but reading it failed.
    #[error("cannot read {source_name}: {source}")]
    Read {
        /// The file's name as shown in messages (`<stdin>` for standard input).
        source_name: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A JSON input (first non-space byte `[` or `{`) that is not UTF-8 text.
    #[error("{source_name}: JSON input is not valid UTF-8")]
    JsonNotUtf8 {
        /// The file's name as shown in messages.
        source_name: String,
    },
    /// The content is not valid data (a CSV, JSON, join or schema problem).
    #[error(transparent)]
    Data(#[from] DataError),
}

impl SourceError {
    /// True when the user can fix the problem (a missing or unreadable file,
    /// bad content); false for internal errors (see [`DataError::is_user_error`]).
    pub fn is_user_error(&self) -> bool {
        match self {
            SourceError::Data(e) => e.is_user_error(),
            SourceError::Open { .. }
            | SourceError::Read { .. }
            | SourceError::JsonNotUtf8 { .. } => true,
        }
    }
}

/// A short reason for an I/O error ("no such file", "permission denied").
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// A loaded table with the schema to use (given, shipped, or inferred).
#[derive(Debug, Clone)]
pub struct LoadedData {
    /// The table as read (not yet conformed to the schema).
    pub table: Table,
    /// Every column listed (`[defaults]` expanded).
    pub schema: Schema,
    /// Short name for default output paths ([`DataSource::stem`]).
    pub stem: String,
}

/// What a [`DataSource`] holds, before a schema is chosen.
#[derive(Debug, Clone)]
pub enum RawData {
    /// A plain file: its schema is inferred unless one is given.
    File(Table),
    /// A shipped dataset and its schema (`[defaults]` expanded).
    Shipped(Table, Schema),
    /// A clinical table joined with an expression matrix.
    Joined(Joined),
}

/// Reads a source's table (and a shipped dataset's schema).
///
/// # Errors
/// [`SourceError`] naming the file: it cannot be opened or read, is not
/// valid CSV or JSON, the dataset name is unknown, or the join fails.
pub fn read(source: &DataSource) -> Result<RawData, SourceError> {
    read_with(source, &CsvOptions::default())
}

/// [`read`] with the CSV options of a file source: its decimal mark and the
/// columns left unparsed. A join reads its id column as text whatever
/// `options.text_column` says; a shipped dataset is read as shipped.
///
/// # Errors
/// As [`read`], and [`DataError::AmbiguousDecimal`] for a file whose decimal
/// mark is not given and cannot be told.
pub fn read_with(source: &DataSource, options: &CsvOptions) -> Result<RawData, SourceError> {
    match source {
        DataSource::Dataset(name) => {
            let (table, schema) = datasets::find(name)?.load()?;
            Ok(RawData::Shipped(table, schema))
        }
        DataSource::File { input, expression: None } => {
            Ok(RawData::File(read_table_with(input, options)?))
        }
        DataSource::File { input, expression: Some(e) } => {
            Ok(RawData::Joined(join(input, e, options)?))
        }
    }
}

/// [`read`] then [`RawData::with_schema`].
///
/// # Errors
/// As [`read`], and a schema file that cannot be read or parsed.
pub fn load(source: &DataSource, schema: Option<&Path>) -> Result<LoadedData, SourceError> {
    read(source)?.with_schema(schema, source.stem())
}

impl RawData {
    /// The raw table and, for a shipped dataset, its schema.
    pub fn into_table(self) -> (Table, Option<Schema>) {
        match self {
            RawData::File(t) => (t, None),
            RawData::Shipped(t, s) => (t, Some(s)),
            RawData::Joined(j) => (j.table, None),
        }
    }

    /// The table as read (for a join, the joined table), e.g. to see the
    /// decimal mark its numbers were read with ([`Table::decimal`]).
    pub fn table(&self) -> &Table {
        match self {
            RawData::File(t) | RawData::Shipped(t, _) => t,
            RawData::Joined(j) => &j.table,
        }
    }

    /// A one-line note on samples an unmatched-tolerant join dropped (counts only).
    pub fn unmatched_note(&self) -> Option<String> {
        match self {
            RawData::Joined(j) => j.unmatched_note(),
            RawData::File(_) | RawData::Shipped(..) => None,
        }
    }

    /// Picks the schema: the schema file (its `[defaults]` expanded) if
    /// given, else the dataset's, else inferred (for a joined table: clinical
    /// columns inferred, the id column an id, genes numeric features).
    ///
    /// # Errors
    /// A schema file that cannot be read or parsed, or a table whose schema
    /// cannot be inferred.
    pub fn with_schema(
        self,
        schema: Option<&Path>,
        stem: String,
    ) -> Result<LoadedData, SourceError> {
        let (table, schema) = match (schema, self) {
            (Some(p), raw) => {
                let (table, _) = raw.into_table();
                let mut s = Schema::from_file(p)?;
                s.expand_defaults(&table);
                (table, s)
            }
            (None, RawData::Shipped(t, s)) => (t, s),
            (None, RawData::Joined(j)) => {
                let s = j.infer_schema()?;
                (j.table, s)
            }
            (None, RawData::File(t)) => {
                let s = Schema::infer(&t)?;
                (t, s)
            }
        };
        Ok(LoadedData { table, schema, stem })
    }
}

/// Reads a file or standard input; JSON (first non-space byte `[` or `{`)
/// becomes records, anything else is streamed through the CSV reader.
///
/// # Errors
/// [`SourceError`] naming the file: it cannot be opened or read, or is not
/// valid CSV or JSON.
pub fn read_table(input: &FileInput) -> Result<Table, SourceError> {
    read_table_with(input, &CsvOptions::default())
}

/// [`read_table`] with CSV options (an id column kept as text, the decimal
/// mark, unparsed columns); of JSON records, whose values carry their type,
/// only the unparsed columns are marked (so their checks are skipped).
///
/// # Errors
/// As [`read_table`].
pub fn read_table_with(input: &FileInput, options: &CsvOptions) -> Result<Table, SourceError> {
    match input {
        FileInput::Stdin => read_from(std::io::stdin().lock(), "<stdin>", options),
        FileInput::Path(path) => {
            let file = open(path)?;
            read_from(file, &path.display().to_string(), options)
        }
    }
}

fn open(path: &Path) -> Result<std::fs::File, SourceError> {
    std::fs::File::open(path).map_err(|source| SourceError::Open { path: path.into(), source })
}

fn read_from<R: Read>(reader: R, name: &str, options: &CsvOptions) -> Result<Table, SourceError> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let head = reader
        .fill_buf()
        .map_err(|source| SourceError::Read { source_name: name.to_string(), source })?;
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'[' | b'{')) {
        let mut text = String::new();
        reader
            .read_to_string(&mut text)
            .map_err(|_| SourceError::JsonNotUtf8 { source_name: name.to_string() })?;
        let mut t = read_json_records(&text, name)?;
        t.sha256 = Some(hex(&sha2::Sha256::digest(text.as_bytes())));
        // JSON values carry their type, so only the checks are skipped.
        t.unparsed =
            t.names().filter(|n| options.unparsed.iter().any(|u| u == n)).map(Into::into).collect();
        return Ok(t);
    }
    Ok(read_csv_reader_with(reader, name, options)?)
}

/// Reads the clinical table (id column as text) and the matrix, and joins them.
fn join(
    clinical: &FileInput,
    e: &ExpressionSource,
    options: &CsvOptions,
) -> Result<Joined, SourceError> {
    let options = CsvOptions { text_column: Some(e.id.clone()), ..options.clone() };
    let table = read_table_with(clinical, &options)?;
    let file = open(&e.path)?;
    let m = read_expression_reader(file, &e.path.display().to_string(), e.orientation)?;
    Ok(join_expression(table, &e.id, m, e.allow_unmatched)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("temp file");
        p
    }

    #[test]
    fn stems_follow_the_file_name() {
        assert_eq!(FileInput::from_arg(Path::new("-")), FileInput::Stdin);
        assert_eq!(FileInput::Stdin.stem(), "-");
        assert_eq!(FileInput::from_arg(Path::new("/a/b.csv.gz")).stem(), "b");
        assert_eq!(DataSource::Dataset("rossi".into()).stem(), "rossi");
    }

    #[test]
    fn json_and_csv_are_told_apart_by_content() {
        let dir = tempfile::tempdir().expect("temp dir");
        let csv = write(dir.path(), "a.csv", "x,y\n1,2\n3,4\n");
        let json = write(dir.path(), "b.txt", " [{\"x\": 1, \"y\": 2}]");
        let t = read_table(&FileInput::Path(csv)).expect("csv");
        assert_eq!((t.n_rows(), t.columns.len()), (2, 2));
        let t = read_table(&FileInput::Path(json)).expect("json");
        assert_eq!((t.n_rows(), t.columns.len()), (1, 2));
        assert!(t.sha256.is_some());
    }

    #[test]
    fn a_missing_file_is_an_open_error_naming_it() {
        let e = read_table(&FileInput::Path("/no/such/file.csv".into())).expect_err("missing");
        assert!(
            matches!(&e, SourceError::Open { path, .. } if path == Path::new("/no/such/file.csv"))
        );
        assert_eq!(e.to_string(), "cannot read /no/such/file.csv: no such file");
    }

    #[test]
    fn json_that_is_not_utf8_is_a_typed_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path().join("bad.json");
        std::fs::write(&p, b"[{\"a\": \"\xff\"}]").expect("temp file");
        let e = read_table(&FileInput::Path(p)).expect_err("not utf-8");
        assert!(matches!(e, SourceError::JsonNotUtf8 { .. }), "{e}");
    }

    #[test]
    fn a_joined_table_reports_dropped_samples_and_infers_gene_features() {
        let dir = tempfile::tempdir().expect("temp dir");
        let clinical = write(dir.path(), "c.csv", "sample,age\n01,50\n02,60\n03,70\n");
        let genes = write(dir.path(), "g.csv", "id,g1,g2\n01,0.5,1\n02,0.1,2\n");
        let source = DataSource::File {
            input: FileInput::Path(clinical),
            expression: Some(ExpressionSource {
                path: genes,
                orientation: Orientation::SamplesAsRows,
                id: IdColumn::First,
                allow_unmatched: true,
            }),
        };
        let raw = read(&source).expect("join");
        assert!(raw.unmatched_note().is_some_and(|n| n.contains("dropped 1 clinical rows")));
        let loaded = raw.with_schema(None, source.stem()).expect("schema");
        assert_eq!(loaded.table.n_rows(), 2);
        assert_eq!(loaded.stem, "c");
        assert!(loaded.schema.columns.iter().any(|c| c.name == "g2"));
    }
}
