//! Errors about user data: every message names the file, line, column and value involved.

use std::path::PathBuf;

/// A problem with the data a user supplied.
///
/// Line numbers are 1-based lines of the file as a text editor shows them
/// (the header is line 1); for JSON inputs they are 1-based record numbers.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{source_name}: the file is empty (no header line)")]
    EmptyFile { source_name: String },
    #[error("{source_name}: the file has a header but no data rows")]
    NoRows { source_name: String },
    #[error("{source_name}: malformed CSV at line {line}: {detail}")]
    Csv { source_name: String, line: u64, detail: String },
    #[error("{source_name}: duplicate column name '{column}' in the header")]
    DuplicateColumn { source_name: String, column: String },
    #[error("{source_name}: {location}, column '{column}': {problem}")]
    Cell { source_name: String, location: String, column: String, problem: String },
    #[error("{source_name}: no column named '{column}'{hint}")]
    MissingColumn { source_name: String, column: String, hint: String },
    #[error("{source_name}: unexpected column '{column}' (not in the model's schema: {known})")]
    UnknownColumn { source_name: String, column: String, known: String },
    #[error("schema: {0}")]
    Schema(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{source_name}: invalid JSON input: {detail}")]
    Json { source_name: String, detail: String },
}

impl DataError {
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

/// Suggests the closest known column name ("did you mean 'glucose'?").
pub(crate) fn did_you_mean<'a>(wanted: &str, known: impl Iterator<Item = &'a str>) -> String {
    let w = wanted.to_lowercase();
    let best = known
        .map(|k| {
            let kl = k.to_lowercase();
            // Ties go to names that contain what was typed ('y' -> 'yy', not 'x').
            (edit_distance(&w, &kl), !(kl.contains(&w) || w.contains(&kl)), k)
        })
        .min_by_key(|(d, c, _)| (*d, *c))
        .map(|(d, _, k)| (d, k));
    match best {
        Some((d, k)) if d <= 3.max(w.len() / 3) => format!(" (did you mean '{k}'?)"),
        _ => String::new(),
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
    }
}
