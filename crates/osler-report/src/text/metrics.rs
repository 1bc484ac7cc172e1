//! The binary metric panel.

use std::fmt::Write;

use osler_eval::BinaryMetrics;
use osler_pipeline::analysis::metrics::PredictionMetrics;

use crate::format::fmt_num;

/// A binary metric panel: `n = N, events = E, threshold = T`, then one line
/// per metric of [`BinaryMetrics::values`] (name, value to 6 significant
/// digits).
pub fn metrics(m: &BinaryMetrics) -> String {
    // Writing to a String cannot fail: the `fmt::Result`s below are ignored.
    let mut out = String::new();
    let _ = writeln!(out, "n = {}, events = {}, threshold = {}", m.n, m.events, m.threshold);
    for (name, v) in m.values() {
        let _ = writeln!(out, "{name:<24} {}", fmt_num(v, 6));
    }
    out
}

/// The metrics of saved predictions: the panel of [`metrics`] followed by
/// DeLong's 95% interval of the AUROC (DeLong, DeLong & Clarke-Pearson 1988).
pub fn prediction_metrics(m: &PredictionMetrics) -> String {
    let mut out = metrics(&m.metrics);
    let [lo, hi] = m.auroc_ci95_delong;
    let _ =
        writeln!(out, "{:<24} {} to {} (DeLong)", "AUROC 95% CI", fmt_num(lo, 4), fmt_num(hi, 4));
    out
}
