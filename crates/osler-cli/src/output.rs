//! Printing results: one JSON object with `--json`, readable tables otherwise;
//! output files written atomically (temp file + rename).

use std::path::Path;

use serde::Serialize;

use crate::{CliError, CliResult};

/// Prints one pretty JSON object on stdout, keys in sorted order (as a
/// `serde_json::Value` holds them), whatever the order of a struct's fields.
pub fn print_json<T: Serialize>(v: &T) -> CliResult {
    let fail =
        |e: serde_json::Error| CliError { code: 1, message: format!("cannot render JSON: {e}") };
    let s = serde_json::to_value(v).and_then(|v| serde_json::to_string_pretty(&v)).map_err(fail)?;
    println!("{s}");
    Ok(())
}

/// Writes `bytes` to `path` atomically (a unique temporary sibling renamed into place).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> CliResult {
    osler_data::atomic::write_file(path, bytes)
        .map_err(|e| CliError::user(format!("cannot write {}: {e}", path.display())))
}

/// Formats a number with `sig` significant digits for tables (NaN as "-").
pub fn num(x: f64, sig: usize) -> String {
    osler_report::format::fmt_num(x, sig)
}

/// Formats a p-value like R's `format.pval`.
pub fn pval(p: f64) -> String {
    osler_report::format::fmt_p(p)
}

/// `[lo, hi]` as "lo to hi".
pub fn interval(ci: Option<[f64; 2]>, sig: usize) -> String {
    osler_report::fmt_interval(ci, sig)
}

/// A number as its JSON value prints (`432.0`, `null` for NaN): the form
/// earlier versions showed for counts held as floating point.
pub fn json_num(x: f64) -> String {
    serde_json::Value::from(x).to_string()
}
