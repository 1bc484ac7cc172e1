//! Printing results: one JSON object with `--json`, readable tables otherwise;
//! output files written atomically (temp file + rename).

use std::path::Path;

use serde::Serialize;

use crate::{CliError, CliResult};

/// Prints one pretty JSON object on stdout.
pub fn print_json<T: Serialize>(v: &T) -> CliResult {
    let s = serde_json::to_string_pretty(v)
        .map_err(|e| CliError { code: 1, message: format!("cannot render JSON: {e}") })?;
    println!("{s}");
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> CliResult {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| CliError::user(format!("cannot write {}: {e}", path.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
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
