//! The shipped datasets: the listing and one dataset's description.

use std::fmt::Write;

use osler_data::catalog::{DatasetDescription, DatasetList};

/// The shipped datasets, one line each: name, rows, columns and task.
pub fn dataset_list(list: &DatasetList) -> String {
    // Writing to a String cannot fail: the `fmt::Result`s below are ignored.
    let mut out = String::new();
    let _ = writeln!(out, "{:<26} {:>6} {:>8}  task", "name", "rows", "columns");
    for d in &list.datasets {
        let _ = writeln!(
            out,
            "{:<26} {:>6} {:>8}  {}",
            d.name,
            d.rows,
            d.columns,
            d.task.as_deref().unwrap_or_default()
        );
    }
    out
}

/// A kind or role as its schema word (`numeric`, `feature`): the serde name,
/// so the text says what a schema file would.
fn word<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

/// One shipped dataset in full: name, title, task, rows and columns; a table
/// of the listed columns (kind, role, missing count, unit, valid range or
/// levels, missing codes); one line summarising the columns the schema's
/// `[defaults]` cover (e.g. genes); then citation, licence and source.
pub fn dataset(d: &DatasetDescription) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n{}\n", d.name, d.title);
    let _ = writeln!(out, "task:     {}", d.task);
    let _ = writeln!(out, "rows:     {}", d.rows);
    let _ = writeln!(out, "columns:  {}\n", d.n_columns);
    let _ = writeln!(
        out,
        "{:<26} {:<12} {:<8} {:>7}  {:<10} valid range / levels",
        "column", "kind", "role", "missing", "unit"
    );
    for c in &d.columns {
        let codes = if c.missing_codes.is_empty() {
            String::new()
        } else {
            format!("  (missing codes: {})", c.missing_codes.join(", "))
        };
        let _ = writeln!(
            out,
            "{:<26} {:<12} {:<8} {:>7}  {:<10} {}{codes}",
            c.name,
            word(c.kind),
            word(c.role),
            c.missing,
            c.unit.as_deref().unwrap_or_default(),
            c.valid_text
        );
    }
    if let Some(g) = d.defaults.as_ref().filter(|g| g.columns > 0) {
        let _ = writeln!(
            out,
            "... and {} more columns ({}, {}) with {} missing values{}: {}",
            g.columns,
            word(g.kind),
            word(g.role),
            g.missing,
            g.unit.as_ref().map(|u| format!(", unit {u}")).unwrap_or_default(),
            g.description.as_deref().unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "\ncitation: {}\nlicence:  {}\nsource:   {}",
        d.citation, d.licence, d.source
    );
    out
}

#[cfg(test)]
mod tests {
    use osler_data::catalog::{ColumnDescription, DatasetEntry, DefaultsDescription};
    use osler_data::schema::{Kind, Role};

    use super::*;

    #[test]
    fn dataset_list_prints_one_line_per_dataset() {
        let list = DatasetList {
            datasets: vec![DatasetEntry {
                name: "toy".into(),
                rows: 12,
                columns: 3,
                task: Some("binary: y".into()),
                title: None,
            }],
        };
        assert_eq!(
            dataset_list(&list),
            "name                         rows  columns  task\n\
             toy                            12        3  binary: y\n"
        );
    }

    #[test]
    fn dataset_prints_columns_defaults_and_provenance() {
        let column = ColumnDescription {
            name: "glucose".into(),
            kind: Kind::Numeric,
            role: Role::Feature,
            unit: Some("mg/dL".into()),
            missing: 5,
            missing_codes: vec!["0".into()],
            min: Some(0.0),
            max: Some(200.0),
            min_exclusive: true,
            max_exclusive: false,
            levels: None,
            description: None,
            valid_text: "0 < x <= 200 mg/dL".into(),
        };
        let d = DatasetDescription {
            name: "toy".into(),
            title: "A toy dataset".into(),
            task: "binary: y".into(),
            rows: 12,
            n_columns: 101,
            columns: vec![column],
            defaults: Some(DefaultsDescription {
                kind: Kind::Numeric,
                role: Role::Feature,
                unit: Some("log2".into()),
                description: Some("expression".into()),
                columns: 100,
                missing: 0,
            }),
            citation: "Someone (2020)".into(),
            licence: "CC0".into(),
            source: "made up".into(),
            positive: None,
            sha256: None,
        };
        let text = dataset(&d);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[..3], ["toy", "A toy dataset", ""]);
        assert_eq!(lines[5], "columns:  101");
        assert_eq!(
            lines[8],
            "glucose                    numeric      feature        5  mg/dL      \
             0 < x <= 200 mg/dL  (missing codes: 0)"
        );
        assert_eq!(
            lines[9],
            "... and 100 more columns (numeric, feature) with 0 missing values, unit log2: expression"
        );
        assert!(text.ends_with("\ncitation: Someone (2020)\nlicence:  CC0\nsource:   made up\n"));
    }
}
