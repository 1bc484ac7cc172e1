//! In-memory table: named columns, each numeric (`f64`, NaN = missing) or
//! dictionary-encoded text.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::decimal::DecimalMark;

/// Code of a missing text cell in [`ColumnData::Text`].
pub const MISSING_CODE: u32 = u32::MAX;

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Numbers; `NaN` marks a missing value (inputs never contain NaN as a value:
    /// the readers refuse it).
    Numeric(Vec<f64>),
    /// Text stored as codes into `levels` (first-seen order); [`MISSING_CODE`] = missing.
    Text {
        /// One code per row: an index into `levels`, or [`MISSING_CODE`].
        codes: Vec<u32>,
        /// Distinct non-missing values, in the order first seen.
        levels: Vec<String>,
    },
}

/// One named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Column name, as in the input header.
    pub name: String,
    /// The column's values, one per row.
    pub data: ColumnData,
}

/// A rectangular table read from a file or built in code.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Where the data came from (a path, `<stdin>` or `dataset:NAME`), used in messages.
    pub source: String,
    /// The columns, in input order; all have `lines.len()` rows.
    pub columns: Vec<Column>,
    /// File line of each data row (header = line 1), so errors found later can
    /// point at the line a user can open; for JSON, the record number.
    pub lines: Vec<u64>,
    /// SHA-256 (hex) of the bytes the table was read from, when read from bytes.
    pub sha256: Option<String>,
    /// Whether `lines` are file lines or JSON record numbers.
    pub rows_are_records: bool,
    /// The decimal mark the numbers were written with (detected or given when
    /// read from CSV); the text of a column that turned to text writes its
    /// numbers with it.
    pub decimal: DecimalMark,
    /// Columns kept as the text of their cells, never read as numbers nor
    /// type-checked (the columns a model drops): a schema inferred from the
    /// table gives them role `ignore`.
    pub unparsed: Vec<String>,
}

/// Dictionary-encodes numbers as their shortest round-trip text written with
/// `mark` (NaN = missing): `(codes, levels, index of each level)`, levels in
/// first-seen order.
pub(crate) fn numbers_to_text(
    v: &[f64],
    mark: DecimalMark,
) -> (Vec<u32>, Vec<String>, HashMap<String, u32>) {
    let mut levels = Vec::new();
    let mut index = HashMap::new();
    let codes = v
        .iter()
        .map(|x| {
            if x.is_nan() {
                return MISSING_CODE;
            }
            let s = mark.render(*x);
            *index.entry(s.clone()).or_insert_with(|| {
                levels.push(s);
                (levels.len() - 1) as u32
            })
        })
        .collect();
    (codes, levels, index)
}

impl ColumnData {
    /// The values of `rows`, in that order.
    pub fn take_rows(&self, rows: &[usize]) -> ColumnData {
        match self {
            ColumnData::Numeric(v) => ColumnData::Numeric(rows.iter().map(|&r| v[r]).collect()),
            ColumnData::Text { codes, levels } => ColumnData::Text {
                codes: rows.iter().map(|&r| codes[r]).collect(),
                levels: levels.clone(),
            },
        }
    }

    /// Number of rows (missing cells included).
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Numeric(v) => v.len(),
            ColumnData::Text { codes, .. } => codes.len(),
        }
    }

    /// Whether the column has no rows.
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
    /// The table restricted to `rows` (in that order), lines and hash kept.
    pub fn take_rows(&self, rows: &[usize]) -> Table {
        Table {
            source: self.source.clone(),
            columns: self
                .columns
                .iter()
                .map(|c| Column { name: c.name.clone(), data: c.data.take_rows(rows) })
                .collect(),
            lines: rows.iter().map(|&r| self.lines[r]).collect(),
            sha256: self.sha256.clone(),
            rows_are_records: self.rows_are_records,
            decimal: self.decimal,
            unparsed: self.unparsed.clone(),
        }
    }

    /// Where row `i` is in the input, as a user would look for it: `line 12` or `record 3`.
    pub fn locate(&self, i: usize) -> String {
        locate(&self.lines, self.rows_are_records, i)
    }

    /// Number of data rows (records for JSON input).
    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    /// Index of the column called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The first column called `name`, if any.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Column names, in table order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }
}

/// Aggregate description of one column (no individual values), saved in
/// artifacts and shown in reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSummary {
    /// Column name.
    pub name: String,
    /// Number of missing cells.
    pub missing: usize,
    /// Number of distinct non-missing values.
    pub distinct: usize,
    /// Median of a numeric column.
    pub median: Option<f64>,
    /// 25th and 75th percentiles of a numeric column (linear interpolation).
    pub iqr: Option<[f64; 2]>,
}

impl Column {
    /// Counts and, for numbers, median and quartiles.
    pub fn summary(&self) -> ColumnSummary {
        let missing = self.data.missing_count();
        let (distinct, median, iqr) = match &self.data {
            ColumnData::Numeric(v) => {
                let mut x: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
                x.sort_by(f64::total_cmp);
                let q = |p: f64| {
                    let h = p * (x.len() as f64 - 1.0);
                    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
                    x[lo] + (h - lo as f64) * (x[hi] - x[lo])
                };
                let stats = (!x.is_empty()).then(|| (q(0.5), [q(0.25), q(0.75)]));
                let mut d = x.clone();
                d.dedup();
                (d.len(), stats.map(|s| s.0), stats.map(|s| s.1))
            }
            ColumnData::Text { codes, levels } => {
                let mut seen = vec![false; levels.len()];
                for &c in codes.iter().filter(|&&c| c != MISSING_CODE) {
                    seen[c as usize] = true;
                }
                (seen.iter().filter(|&&s| s).count(), None, None)
            }
        };
        ColumnSummary { name: self.name.clone(), missing, distinct, median, iqr }
    }
}

/// `line N` or `record N` for row `i`.
pub(crate) fn locate(lines: &[u64], records: bool, i: usize) -> String {
    format!("{} {}", if records { "record" } else { "line" }, lines.get(i).copied().unwrap_or(0))
}
