//! Errors about user data: every message names the file, line, column and value involved.

use std::path::{Path, PathBuf};

use crate::matrix::ShapeError;
use crate::schema::Role;

/// How many unmatched sample ids a message shows.
const SHOWN_IDS: usize = 5;

/// A problem with the data a user supplied.
///
/// Line numbers are 1-based lines of the file as a text editor shows them
/// (the header is line 1); for JSON inputs they are 1-based record numbers.
/// Messages state the fact only: front ends add how to fix it with their own
/// options (a flag, a form field), so no message names a command-line flag.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The input has no header line.
    #[error("{source_name}: the file is empty (no header line)")]
    EmptyFile {
        /// The file's name as shown in messages.
        source_name: String,
    },
    /// The input has a header but no data rows.
    #[error("{source_name}: the file has a header but no data rows")]
    NoRows {
        /// The file's name as shown in messages.
        source_name: String,
    },
    /// The CSV parser refused a line.
    #[error("{source_name}: malformed CSV at line {line}: {detail}")]
    Csv {
        /// The file's name as shown in messages.
        source_name: String,
        /// The 1-based line.
        line: u64,
        /// What the parser said.
        detail: String,
    },
    /// Two header cells carry the same name.
    #[error("{source_name}: duplicate column name '{column}' in the header")]
    DuplicateColumn {
        /// The file's name as shown in messages.
        source_name: String,
        /// The repeated name.
        column: String,
    },
    /// One cell breaks its column's rule (type, range, level).
    #[error("{source_name}: {location}, column '{column}': {problem}")]
    Cell {
        /// The file's name as shown in messages.
        source_name: String,
        /// `line N` (CSV) or `record N` (JSON).
        location: String,
        /// The column.
        column: String,
        /// What is wrong with the value.
        problem: String,
    },
    /// A text value in a column whose other values are nearly all numbers
    /// (at least 90% of at least 10): most likely a typo or an undeclared
    /// missing-value code.
    #[error(
        "{source_name}: {location}, column '{column}': '{value}' is not a number, but {numeric} \
         of {total} values in this column are; fix the value, or declare it as a missing code \
         in a schema"
    )]
    NotANumber {
        /// The file's name as shown in messages.
        source_name: String,
        /// `line N` (CSV) or `record N` (JSON).
        location: String,
        /// The column.
        column: String,
        /// The first non-numeric value.
        value: String,
        /// How many present values are numbers.
        numeric: usize,
        /// How many values are present.
        total: usize,
    },
    /// A column that was asked for is absent.
    #[error("{source_name}: no column named '{column}'{hint}")]
    MissingColumn {
        /// The table's source.
        source_name: String,
        /// The column asked for.
        column: String,
        /// ` (did you mean 'x'?)` or empty.
        hint: String,
    },
    /// A column the model's schema does not know.
    #[error("{source_name}: unexpected column '{column}' (not in the model's schema: {known})")]
    UnknownColumn {
        /// The table's source.
        source_name: String,
        /// The unexpected column.
        column: String,
        /// The schema's columns, comma-separated.
        known: String,
    },
    /// A JSON input that is not an array of flat records.
    #[error("{source_name}: invalid JSON input: {detail}")]
    Json {
        /// The file's name as shown in messages.
        source_name: String,
        /// What is wrong.
        detail: String,
    },
    /// A schema that does not parse or contradicts itself.
    #[error("schema: {}{problem}", path_prefix(.path.as_deref()))]
    InvalidSchema {
        /// The schema file, when the schema came from one.
        path: Option<PathBuf>,
        /// What is wrong with it.
        problem: SchemaProblem,
    },
    /// A shipped dataset asked for by a name that is not shipped.
    #[error("no dataset named '{name}'{hint}; shipped datasets: {}", .known.join(", "))]
    UnknownDataset {
        /// The name asked for.
        name: String,
        /// ` (did you mean 'x'?)` or empty.
        hint: String,
        /// The shipped names.
        known: Vec<String>,
    },
    /// A shipped dataset's schema without its `[dataset]` description (a packaging bug).
    #[error("dataset '{dataset}' has no metadata in its shipped schema")]
    NoDatasetMetadata {
        /// The dataset.
        dataset: String,
    },
    /// A gene of an expression matrix with the name of a clinical column.
    #[error(
        "gene '{gene}' of the expression matrix {matrix} is also a column of the clinical table \
         {clinical}; rename one of them"
    )]
    GeneColumnClash {
        /// The gene (and column) name.
        gene: String,
        /// The matrix file.
        matrix: String,
        /// The clinical file.
        clinical: String,
    },
    /// A clinical table and an expression matrix whose sample ids do not
    /// match one to one (or do not overlap at all); boxed to keep results small.
    #[error("{0}")]
    UnmatchedSamples(Box<SampleMismatch>),
    /// A numeric feature without any value in the training rows.
    #[error("column '{column}' has no values in the training rows: nothing to impute from")]
    NothingToImpute {
        /// The column.
        column: String,
    },
    /// Text in a column the model learnt as numeric.
    #[error("column '{column}' holds text but the model was trained on numbers")]
    TextWhereNumeric {
        /// The column.
        column: String,
    },
    /// Design-matrix columns of unequal length (a bug, not a data problem).
    #[error("internal error building the design matrix: {0}")]
    Shape(#[from] ShapeError),
    /// Group labels and outcomes of different lengths (a bug of the caller).
    #[error("internal error: {groups} group labels for {rows} outcomes")]
    GroupLength {
        /// Number of group labels.
        groups: usize,
        /// Number of outcomes.
        rows: usize,
    },
    /// Cross-validation asked for fewer than two folds.
    #[error("cross-validation needs at least 2 folds, got {folds}")]
    TooFewFolds {
        /// The folds asked for.
        folds: usize,
    },
    /// More folds than rows.
    #[error("cannot make {folds} folds from {rows} rows")]
    TooFewRows {
        /// The folds asked for.
        folds: usize,
        /// The rows available.
        rows: usize,
    },
    /// More folds than groups (patients) in a grouped split.
    #[error(
        "{groups} groups cannot be split into {folds} folds: each fold needs at least one group"
    )]
    TooFewGroups {
        /// The distinct groups.
        groups: usize,
        /// The folds asked for.
        folds: usize,
    },
    /// A long-format row without a patient id.
    #[error(
        "{source_name}: {location}: the patient id '{column}' is missing; every row of a \
         long-format table (one row per patient per visit) must name its patient"
    )]
    PatientIdMissing {
        /// The table's source.
        source_name: String,
        /// `line N` (CSV) or `record N` (JSON).
        location: String,
        /// The patient-id column.
        column: String,
    },
    /// A visit-time cell that is not a number (dates must be converted to a
    /// number of days, e.g. since enrolment, first).
    #[error(
        "{source_name}: {location}, column '{column}': the visit time is not a number; give \
         visit times as numbers (e.g. days since enrolment)"
    )]
    VisitTimeNotNumeric {
        /// The table's source.
        source_name: String,
        /// `line N` (CSV) or `record N` (JSON) of the first such cell.
        location: String,
        /// The visit-time column.
        column: String,
    },
    /// A visit without its time, so it cannot be put in order.
    #[error(
        "{source_name}: {location}: the visit time '{column}' of patient '{patient}' is \
         missing; every visit needs its time to be put in order"
    )]
    VisitTimeMissing {
        /// The table's source.
        source_name: String,
        /// `line N` (CSV) or `record N` (JSON).
        location: String,
        /// The visit-time column.
        column: String,
        /// The patient's id.
        patient: String,
    },
    /// Two rows of one patient at the same visit time: a duplicated visit
    /// whose order is undefined (`column` is the visit-time column; boxed to
    /// keep results small).
    #[error(
        "{}: patient '{}' has two visits at the same time '{}' ({} and {}); merge or remove the \
         duplicated visit",
        .0.source_name, .0.patient, .0.column, .0.first, .0.second
    )]
    DuplicateVisit(Box<PatientRows>),
    /// A per-patient column (an outcome, a baseline covariate) whose value
    /// changes between the visits of one patient (boxed to keep results small).
    #[error(
        "{}: column '{}' must hold one value per patient, but patient '{}' has different values \
         ({} and {})",
        .0.source_name, .0.column, .0.patient, .0.first, .0.second
    )]
    NotConstantPerPatient(Box<PatientRows>),
    /// A file whose numbers are written with a decimal comma in one place and
    /// a decimal point in another, so neither can be read as the decimal mark
    /// (the other could be a thousands separator).
    #[error(transparent)]
    AmbiguousDecimal(Box<MixedMarks>),
    /// A binary outcome with one class only.
    #[error(
        "{source_name}: outcome '{column}' has a single class ('{level}') in all {rows} rows; a \
         classifier needs both classes"
    )]
    SingleClass {
        /// The table's source.
        source_name: String,
        /// The outcome column.
        column: String,
        /// The only level.
        level: String,
        /// Rows of the table.
        rows: usize,
    },
    /// An event level that the outcome does not have.
    #[error(
        "event level '{level}' is not a level of outcome '{column}' (levels: {})",
        .levels.join(", ")
    )]
    UnknownEventLevel {
        /// The outcome column.
        column: String,
        /// The level given as the event.
        level: String,
        /// The outcome's levels, sorted.
        levels: Vec<String>,
    },
    /// A binary outcome with more than two levels and no event level given.
    #[error(
        "outcome '{column}' has {count} distinct values ({}{}); binary classification needs two",
        .shown.join(", "),
        if *.count > .shown.len() { ", ..." } else { "" }
    )]
    TooManyLevels {
        /// The outcome column.
        column: String,
        /// How many distinct values it has.
        count: usize,
        /// The first (at most 8) of them, sorted.
        shown: Vec<String>,
    },
    /// Two outcome levels, neither declared nor conventionally the event.
    #[error("outcome '{column}' has levels '{first}' and '{second}' and no event level was given")]
    AmbiguousEvent {
        /// The outcome column.
        column: String,
        /// The first level, sorted.
        first: String,
        /// The second level.
        second: String,
    },
    /// The event levels given cover every level, leaving no non-event.
    #[error(
        "the event levels name every level of outcome '{column}' ({}); at least one must be the \
         non-event",
        .levels.join(", ")
    )]
    NoNonEvent {
        /// The outcome column.
        column: String,
        /// The outcome's levels, sorted.
        levels: Vec<String>,
    },
    /// The outcome named as a predictor too.
    #[error("'{column}' is the outcome; it cannot also be a predictor")]
    OutcomeAsPredictor {
        /// The column.
        column: String,
    },
    /// A predictor whose schema role excludes it from models.
    #[error("column '{column}' has role '{}' in the schema and is never a predictor", role_name(*.role))]
    NeverPredictor {
        /// The column.
        column: String,
        /// Its role in the schema (id, ignore, group or weight).
        role: Role,
    },
    /// Nothing left to predict from after the selection and the drops.
    #[error("no predictor columns left to train on")]
    NoPredictors,
}

impl DataError {
    /// True when the user can fix the problem by changing the data or the
    /// request (exit code 2 in the CLI); false for internal errors and
    /// packaging bugs (exit code 1).
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            DataError::Shape(_)
                | DataError::GroupLength { .. }
                | DataError::NoDatasetMetadata { .. }
        )
    }
    pub(crate) fn cell(
        source_name: &str,
        location: String,
        column: &str,
        problem: impl Into<String>,
    ) -> Self {
        DataError::Cell {
            source_name: source_name.to_string(),
            location,
            column: column.to_string(),
            problem: problem.into(),
        }
    }
}

/// What is wrong with a schema (see [`DataError::InvalidSchema`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SchemaProblem {
    /// The text is not a schema in TOML or JSON.
    #[error("{detail}")]
    Syntax {
        /// What the TOML or JSON parser said (with its line and column).
        detail: String,
    },
    /// One column declared twice.
    #[error("column '{column}' is declared twice")]
    DuplicateColumn {
        /// The column.
        column: String,
    },
    /// An empty valid range.
    #[error("column '{column}': min {min} is above max {max}")]
    EmptyRange {
        /// The column.
        column: String,
        /// The declared minimum.
        min: f64,
        /// The declared maximum.
        max: f64,
    },
    /// A binary column declared with more than two levels.
    #[error("column '{column}' is binary but lists {levels} levels")]
    BinaryLevels {
        /// The column.
        column: String,
        /// How many levels it lists.
        levels: usize,
    },
}

/// Two rows of one patient of a long-format table that conflict (see
/// [`DataError::DuplicateVisit`] and [`DataError::NotConstantPerPatient`]);
/// the rows are named, never their values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRows {
    /// The table's source.
    pub source_name: String,
    /// The patient's id.
    pub patient: String,
    /// The column in question (the visit time, or the per-patient column).
    pub column: String,
    /// `line N` (CSV) or `record N` (JSON) of the earlier row.
    pub first: String,
    /// `line N` (CSV) or `record N` (JSON) of the row that conflicts with it.
    pub second: String,
}

/// Where a file writes a decimal comma and where a decimal point (see
/// [`DataError::AmbiguousDecimal`]); lines are named, never values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixedMarks {
    /// The file's name as shown in messages.
    pub source_name: String,
    /// The (first) column with a number written `d,d`.
    pub comma_column: String,
    /// The first line of that column with such a number.
    pub comma_line: u64,
    /// The (first) column with a number written `d.d`.
    pub point_column: String,
    /// The first line of that column with such a number.
    pub point_line: u64,
}

impl std::fmt::Display for MixedMarks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (c, p) = (&self.comma_column, &self.point_column);
        let (cl, pl) = (self.comma_line, self.point_line);
        write!(
            f,
            "{}: column '{c}' has numbers with a decimal comma (line {cl}) ",
            self.source_name
        )?;
        if c == p {
            write!(f, "and with a decimal point (line {pl})")?;
        } else {
            write!(f, "but column '{p}' with a decimal point (line {pl})")?;
        }
        f.write_str("; the decimal mark is ambiguous")
    }
}

impl std::error::Error for MixedMarks {}

/// The sample ids of a clinical table and an expression matrix that do not
/// match one to one (see [`DataError::UnmatchedSamples`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "expression matrix {matrix} ({matrix_samples} samples) and clinical table {clinical} \
     ({clinical_rows} rows) share {shared} sample ids{}{}{}",
    id_list("missing from the matrix", .missing_from_matrix),
    id_list("missing from the clinical table", .missing_from_clinical),
    no_overlap_note(*.shared, .id_column)
)]
pub struct SampleMismatch {
    /// The matrix file.
    pub matrix: String,
    /// Samples in the matrix.
    pub matrix_samples: usize,
    /// The clinical file.
    pub clinical: String,
    /// Rows of the clinical table.
    pub clinical_rows: usize,
    /// Samples present in both.
    pub shared: usize,
    /// The clinical column the ids were read from.
    pub id_column: String,
    /// Clinical ids without an expression profile, in file order.
    pub missing_from_matrix: Vec<String>,
    /// Matrix samples without a clinical row, in file order.
    pub missing_from_clinical: Vec<String>,
}

fn path_prefix(path: Option<&Path>) -> String {
    path.map(|p| format!("{}: ", p.display())).unwrap_or_default()
}

/// `; N WHAT: a, b, ...` with the first few ids, or nothing when there are none.
fn id_list(what: &str, ids: &[String]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let shown: Vec<&str> = ids.iter().take(SHOWN_IDS).map(String::as_str).collect();
    format!(
        "; {} {what}: {}{}",
        ids.len(),
        shown.join(", "),
        if ids.len() > SHOWN_IDS { ", ..." } else { "" }
    )
}

/// Why no id matched, in the facts a user checks first.
fn no_overlap_note(shared: usize, id_column: &str) -> String {
    if shared > 0 {
        return String::new();
    }
    format!(
        "; ids are compared as text ('01005' is not '1005') and the clinical ids are read from \
         column '{id_column}'"
    )
}

/// The schema spelling of a role (`id`, `ignore`, ...).
fn role_name(role: Role) -> String {
    serde_json::to_value(role).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

/// Suggests the closest known column name ("did you mean 'glucose'?"), only
/// when it is close: a Levenshtein distance (case-insensitive) of at most
/// `max(2, len / 3)` for a typed name of `len` characters that keeps some of
/// the typed name (distance below the longer name's length), or one name
/// starting with the other (at least 3 characters, 'age' -> 'age_years').
/// A far name ('mass' for 'age') is no help, so nothing is suggested.
pub(crate) fn did_you_mean<'a>(wanted: &str, known: impl Iterator<Item = &'a str>) -> String {
    let w = wanted.to_lowercase();
    let limit = 2.max(w.chars().count() / 3);
    let best = known
        .filter_map(|k| {
            let kl = k.to_lowercase();
            let d = edit_distance(&w, &kl);
            let longer = w.chars().count().max(kl.chars().count());
            let (short, long) = if w.len() <= kl.len() { (&w, &kl) } else { (&kl, &w) };
            let prefix = short.chars().count() >= 3 && long.starts_with(short.as_str());
            // Ties go to names that contain what was typed ('y' -> 'yy', not 'x').
            ((d <= limit && d < longer) || prefix)
                .then(|| (d, !(kl.contains(&w) || w.contains(&kl)), k))
        })
        .min_by_key(|(d, c, _)| (*d, *c));
    match best {
        Some((_, _, k)) => format!(" (did you mean '{k}'?)"),
        None => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let cols = ["glucose", "pressure", "age"];
        assert_eq!(did_you_mean("glucos", cols.iter().copied()), " (did you mean 'glucose'?)");
        assert_eq!(did_you_mean("zzzzzzzzzz", cols.iter().copied()), "");
        // Three edits away from a three-letter name is another name.
        assert_eq!(did_you_mean("age", ["mass", "pedigree"].into_iter()), "");
        assert_eq!(did_you_mean("id", ["x"].into_iter()), "");
        assert_eq!(did_you_mean("y", ["yy", "x"].into_iter()), " (did you mean 'yy'?)");
        assert_eq!(
            did_you_mean("age", ["mass", "age_years"].into_iter()),
            " (did you mean 'age_years'?)"
        );
    }
}
