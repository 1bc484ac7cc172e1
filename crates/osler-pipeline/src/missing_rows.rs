//! Rows with a missing value in a model variable of a survival analysis:
//! dropped and counted, as R's default `na.action = na.omit` (`coxph`,
//! `survfit` and `survdiff` fit the complete rows and print "N observations
//! deleted due to missingness"), or refused where each column is read.

use osler_data::Table;
use serde::Serialize;

use crate::survival_data::SurvivalSpec;

/// What a survival analysis does with a row missing a value it needs
/// (time, event, start, covariates, strata, group, weights, cluster).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingPolicy {
    /// Fit the complete rows and report how many were dropped (R `na.omit`).
    #[default]
    Drop,
    /// Refuse the data at the first missing value, naming its line and column (R `na.fail`).
    Fail,
}

/// How many rows a missing value removed, per column, as R's `naprint`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingRows {
    /// The policy applied.
    pub policy: MissingPolicy,
    /// Rows removed because at least one model variable was missing.
    pub rows_dropped: usize,
    /// Missing values per model variable (a row missing two counts in both), in
    /// the order the analysis lists its variables; columns without any are left out.
    pub columns: Vec<MissingColumn>,
}

/// Missing values in one model variable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingColumn {
    /// The column.
    pub column: String,
    /// Rows of the input without a value in it.
    pub missing: usize,
}

impl MissingRows {
    /// No row dropped under `policy`.
    pub fn none(policy: MissingPolicy) -> Self {
        MissingRows { policy, rows_dropped: 0, columns: Vec::new() }
    }

    /// The same report with `more` rows dropped later (e.g. by a design
    /// matrix whose categorical covariate had a missing level), counted in
    /// `column`.
    pub fn add(&mut self, column: &str, more: usize) {
        if more == 0 {
            return;
        }
        self.rows_dropped += more;
        match self.columns.iter_mut().find(|c| c.column == column) {
            Some(c) => c.missing += more,
            None => self.columns.push(MissingColumn { column: column.into(), missing: more }),
        }
    }
}

/// The outcome columns of `spec` (time, start, event) followed by `columns`,
/// each once, in that order.
fn model_columns<'a>(spec: &'a SurvivalSpec, columns: &[&'a str]) -> Vec<&'a str> {
    let mut all: Vec<&str> = vec![spec.time.as_str()];
    all.extend(spec.start.as_deref());
    all.push(&spec.event);
    for c in columns {
        if !all.contains(c) {
            all.push(c);
        }
    }
    all
}

/// Applies `policy` to the rows of a conformed `table` missing a value in the
/// outcome of `spec` or in `columns` (the analysis' other model variables).
///
/// With [`MissingPolicy::Drop`] the incomplete rows are removed (file lines
/// kept, so later errors still name the right line) and counted; with
/// [`MissingPolicy::Fail`] the table is returned whole and the reader of each
/// column refuses its first missing value with its own error. A column absent
/// from the table is left to its reader's error too.
pub fn drop_incomplete(
    table: Table,
    spec: &SurvivalSpec,
    columns: &[&str],
    policy: MissingPolicy,
) -> (Table, MissingRows) {
    if policy == MissingPolicy::Fail {
        return (table, MissingRows::none(policy));
    }
    let cols: Vec<_> =
        model_columns(spec, columns).into_iter().filter_map(|c| table.column(c)).collect();
    let n = table.n_rows();
    let mut report = MissingRows::none(policy);
    for col in &cols {
        let missing = col.data.missing_count();
        if missing > 0 {
            report.columns.push(MissingColumn { column: col.name.clone(), missing });
        }
    }
    if report.columns.is_empty() {
        return (table, report);
    }
    let kept: Vec<usize> = (0..n).filter(|&i| cols.iter().all(|c| !c.data.is_missing(i))).collect();
    report.rows_dropped = n - kept.len();
    (table.take_rows(&kept), report)
}

/// The first row (in file order) of `table` missing a value in one of
/// `columns`, with that column; `None` when they are complete.
pub fn first_missing(table: &Table, columns: &[String]) -> Option<(usize, String)> {
    let cols: Vec<_> = columns.iter().filter_map(|c| table.column(c)).collect();
    (0..table.n_rows())
        .find_map(|i| cols.iter().find(|c| c.data.is_missing(i)).map(|c| (i, c.name.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(csv: &str) -> Table {
        osler_data::read_csv_bytes(csv.as_bytes(), "m.csv").expect("csv")
    }

    fn spec() -> SurvivalSpec {
        SurvivalSpec { time: "time".into(), event: "status".into(), ..SurvivalSpec::default() }
    }

    // R survival tests/r_lung.R fits lung with its NAs under na.omit: the
    // rows missing any model variable go, each column's NAs are counted.
    #[test]
    fn drop_counts_rows_and_columns_as_na_omit() {
        let t = table("time,status,x,g\n1,1,,a\n,0,2,b\n3,1,,\n4,0,1,a\n5,1,2,b\n");
        let (kept, report) =
            drop_incomplete(t, &spec(), &["x", "g", "absent"], MissingPolicy::Drop);
        assert_eq!(kept.n_rows(), 2);
        assert_eq!(kept.locate(0), "line 5");
        assert_eq!(report.rows_dropped, 3);
        let counts: Vec<(&str, usize)> =
            report.columns.iter().map(|c| (c.column.as_str(), c.missing)).collect();
        assert_eq!(counts, [("time", 1), ("x", 2), ("g", 1)]);
        let v = serde_json::to_value(&report).expect("json");
        assert_eq!(v["policy"], "drop");
        assert_eq!(v["rows_dropped"], 3);
    }

    #[test]
    fn fail_keeps_every_row_and_first_missing_names_it() {
        let t = table("time,status,x,g\n1,1,1,a\n2,0,,b\n3,1,2,\n");
        let (kept, report) = drop_incomplete(t.clone(), &spec(), &["x"], MissingPolicy::Fail);
        assert_eq!((kept.n_rows(), report.rows_dropped), (3, 0));
        let cols = vec!["g".to_string(), "x".to_string()];
        assert_eq!(first_missing(&t, &cols), Some((1, "x".to_string())));
        assert_eq!(first_missing(&t, &cols[..1]), Some((2, "g".to_string())));
        let mut r = MissingRows::none(MissingPolicy::Drop);
        r.add("x", 2);
        r.add("x", 0);
        assert_eq!((r.rows_dropped, r.columns[0].missing), (2, 2));
    }
}
