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
