//! Printing results: one JSON object with `--json`, otherwise the readable
//! tables of [`osler_report::text`]; output files written atomically (temp
//! file + rename).

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
