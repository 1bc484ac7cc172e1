//! The binary metric panel.

use std::collections::BTreeMap;
use std::fmt::Write;

use osler_eval::BinaryMetrics;
use osler_pipeline::analysis::intervals::MetricIntervals;
use osler_pipeline::analysis::metrics::PredictionMetrics;

use crate::format::fmt_num;

/// A binary metric panel: `n = N, events = E, threshold = T`, then one line
/// per metric of [`BinaryMetrics::values`] (name, value to 6 significant
/// digits).
pub fn metrics(m: &BinaryMetrics) -> String {
    panel(m, &BTreeMap::new())
}

/// The panel of [`metrics`] with each metric's 95% interval after its value
/// (`95% CI lo to hi`, 4 significant digits; nothing where `ci95` has none),
/// then a line saying how the intervals were computed.
pub fn metrics_with_intervals(m: &BinaryMetrics, intervals: &MetricIntervals) -> String {
    let mut out = panel(m, &intervals.ci95);
    let _ = writeln!(out, "95% CI: {}", intervals.ci_method);
    out
}

/// The header and one line per metric, with its interval from `ci95` if any.
fn panel(m: &BinaryMetrics, ci95: &BTreeMap<String, [f64; 2]>) -> String {
    // Writing to a String cannot fail: the `fmt::Result`s below are ignored.
    let mut out = String::new();
    let _ = writeln!(out, "n = {}, events = {}, threshold = {}", m.n, m.events, m.threshold);
    for (name, v) in m.values() {
        let _ = writeln!(out, "{}", metric_line(name, v, ci95.get(name)));
    }
    out
}

/// One metric's line: its name, its value to 6 significant digits and, with
/// an interval, `95% CI lo to hi` (4 significant digits).
pub(crate) fn metric_line(name: &str, value: f64, ci95: Option<&[f64; 2]>) -> String {
    match ci95 {
        Some([lo, hi]) => format!(
            "{name:<24} {:<12} 95% CI {} to {}",
            fmt_num(value, 6),
            fmt_num(*lo, 4),
            fmt_num(*hi, 4)
        ),
        None => format!("{name:<24} {}", fmt_num(value, 6)),
    }
}

/// The metrics of saved predictions: the panel of [`metrics`] followed by
/// DeLong's 95% interval of the AUROC (DeLong, DeLong & Clarke-Pearson 1988),
/// then one `undefined: NAME: reason` line per metric without a value.
pub fn prediction_metrics(m: &PredictionMetrics) -> String {
    let mut out = metrics(&m.metrics);
    let ci = match m.auroc_ci95_delong {
        Some([lo, hi]) => format!("{} to {} (DeLong)", fmt_num(lo, 4), fmt_num(hi, 4)),
        None => "— (DeLong)".to_string(),
    };
    let _ = writeln!(out, "{:<24} {ci}", "AUROC 95% CI");
    for (name, why) in &m.undefined {
        let _ = writeln!(out, "undefined: {name}: {why}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel() -> BinaryMetrics {
        BinaryMetrics {
            auroc: 0.8125,
            average_precision: 0.75,
            brier: 0.18,
            log_loss: 0.52,
            calibration_intercept: 0.1,
            calibration_slope: 0.9,
            ece: 0.05,
            accuracy: 0.7,
            sensitivity: 0.6,
            specificity: 0.8,
            ppv: 0.75,
            npv: f64::NAN,
            threshold: 0.5,
            n: 10,
            events: 5,
        }
    }

    #[test]
    fn metrics_prints_the_header_and_one_line_per_metric() {
        let text = metrics(&panel());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "n = 10, events = 5, threshold = 0.5");
        assert_eq!(lines[1], "auroc                    0.812500");
        assert_eq!(lines[lines.len() - 1], "npv                      —");
        assert_eq!(lines.len(), 1 + BinaryMetrics::NAMES.len());
    }

    #[test]
    fn intervals_follow_their_values_and_the_method_ends_the_panel() {
        let intervals = MetricIntervals {
            ci95: [("auroc".to_string(), [0.71, 0.9])].into_iter().collect(),
            ci_method: "DeLong".to_string(),
        };
        let text = metrics_with_intervals(&panel(), &intervals);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "auroc                    0.812500     95% CI 0.7100 to 0.9000");
        assert_eq!(lines[2], "average_precision        0.750000");
        assert_eq!(lines[lines.len() - 1], "95% CI: DeLong");
    }

    #[test]
    fn prediction_metrics_adds_the_delong_interval() {
        let m = PredictionMetrics {
            metrics: panel(),
            auroc_ci95_delong: Some([0.6583, 1.0]),
            undefined: BTreeMap::new(),
        };
        let text = prediction_metrics(&m);
        assert!(text.starts_with(&metrics(&panel())));
        assert!(text.ends_with("AUROC 95% CI             0.6583 to 1.000 (DeLong)\n"));
    }

    #[test]
    fn prediction_metrics_lists_the_undefined_metrics() {
        let m = PredictionMetrics {
            metrics: BinaryMetrics { auroc: f64::NAN, ..panel() },
            auroc_ci95_delong: None,
            undefined: BTreeMap::from([("auroc", osler_eval::Undefined::OneClass)]),
        };
        let text = prediction_metrics(&m);
        assert!(text.contains("AUROC 95% CI             — (DeLong)\n"), "{text}");
        assert!(text.ends_with("undefined: auroc: only one class in the labels\n"), "{text}");
    }
}
