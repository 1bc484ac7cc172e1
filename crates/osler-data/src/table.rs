//! In-memory table: named columns, each numeric (`f64`, NaN = missing) or
//! dictionary-encoded text.

use serde::{Deserialize, Serialize};

/// Code of a missing text cell in [`ColumnData::Text`].
pub const MISSING_CODE: u32 = u32::MAX;

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Numbers; `NaN` marks a missing value (inputs never contain NaN as a value:
    /// the readers refuse it).
    Numeric(Vec<f64>),
    /// Text stored as codes into `levels` (first-seen order); [`MISSING_CODE`] = missing.
    Text { codes: Vec<u32>, levels: Vec<String> },
}

/// One named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub data: ColumnData,
}

/// A rectangular table read from a file or built in code.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Where the data came from (a path, `<stdin>` or `dataset:NAME`), used in messages.
    pub source: String,
    pub columns: Vec<Column>,
    /// File line of each data row (header = line 1), so errors found later can
    /// point at the line a user can open; for JSON, the record number.
    pub lines: Vec<u64>,
    /// SHA-256 (hex) of the bytes the table was read from, when read from bytes.
    pub sha256: Option<String>,
}

impl ColumnData {
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Numeric(v) => v.len(),
            ColumnData::Text { codes, .. } => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Is row `i` missing?
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            ColumnData::Numeric(v) => v[i].is_nan(),
            ColumnData::Text { codes, .. } => codes[i] == MISSING_CODE,
        }
    }

    /// Number of missing cells.
    pub fn missing_count(&self) -> usize {
        (0..self.len()).filter(|&i| self.is_missing(i)).count()
    }

    /// The cell as text (numbers in shortest round-trip form), `None` if missing.
    pub fn text_at(&self, i: usize) -> Option<String> {
        match self {
            ColumnData::Numeric(v) => (!v[i].is_nan()).then(|| v[i].to_string()),
            ColumnData::Text { codes, levels } => {
                (codes[i] != MISSING_CODE).then(|| levels[codes[i] as usize].clone())
            }
        }
    }
}

impl Table {
    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    /// Index of the column called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }
}

/// Summary of a table column, for `osler datasets show` and reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnSummary {
    pub name: String,
    pub kind: String,
    pub role: String,
    pub missing: usize,
    pub distinct: usize,
    pub unit: Option<String>,
}
