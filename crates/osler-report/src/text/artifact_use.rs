//! The text of an artifact's predictions (CSV-like: one line per row or
//! patient, full precision) and of its metrics on labelled data.

use std::fmt::Write;

use osler_pipeline::Explanation;
use osler_pipeline::analysis::use_artifact::{
    ArtifactPredictions, EvaluationOutput, PredictionOutput,
};

use crate::format::fmt_num;

/// Values joined by commas, each as Rust prints it (full precision).
fn cells(values: &[f64]) -> String {
    values.iter().map(f64::to_string).collect::<Vec<_>>().join(",")
}

/// Per-row contributions to `scale` after a blank line: the method and base
/// value, then `row,<features>` and one line per row.
fn contributions(out: &mut String, scale: &str, e: &Explanation) {
    let _ =
        writeln!(out, "\ncontributions to {scale} ({}; base {}):", e.method, fmt_num(e.base, 5));
    let _ = writeln!(out, "row,{}", e.feature_names.join(","));
    for (i, c) in e.contributions.iter().enumerate() {
        let _ = writeln!(out, "{},{}", i + 1, cells(c));
    }
}

/// The predictions as `osler predict` prints them: a header line, then one
/// line per row (`row,probability,predicted_class` with the class as its
/// outcome level's name; a probability per class; a risk and `S(t)` per time;
/// or one line per patient of a sequence model), with the row's id after
/// `row` (headed by the id column's name) when the rows have ids, and with
/// explanations the contributions to the log-odds per row.
pub fn predictions(p: &ArtifactPredictions) -> String {
    let mut out = String::new();
    let head = |out: &mut String, rest: &str| {
        let id = p.ids.as_ref().map(|r| format!("{},", r.column)).unwrap_or_default();
        let _ = writeln!(out, "row,{id}{rest}");
    };
    // Row `i`'s number and, when the rows have ids, its id.
    let row = |i: usize| match &p.ids {
        Some(r) => format!("{},{}", i + 1, r.values.get(i).map_or("", String::as_str)),
        None => (i + 1).to_string(),
    };
    match &p.output {
        PredictionOutput::Binary { predictions, positive, negative } => {
            head(&mut out, "probability,predicted_class");
            for (i, p) in predictions.probability.iter().enumerate() {
                let level = if predictions.predicted_class[i] == 1 { positive } else { negative };
                let _ = writeln!(out, "{},{p},{level}", row(i));
            }
            if let Some(e) = &predictions.explanation {
                contributions(&mut out, "the log-odds", e);
            }
        }
        PredictionOutput::Classes(c) => {
            let probs: Vec<String> = c.classes.iter().map(|k| format!("p({k})")).collect();
            head(&mut out, &format!("{},predicted_class", probs.join(",")));
            for (i, p) in c.probabilities.iter().enumerate() {
                let _ = writeln!(out, "{},{},{}", row(i), cells(p), c.predicted_class[i]);
            }
        }
        PredictionOutput::Survival(s) => {
            let times: Vec<String> = s.times.iter().map(|t| format!("S({t})")).collect();
            head(&mut out, &format!("risk,{}", times.join(",")));
            for (i, r) in s.risk.iter().enumerate() {
                let _ = writeln!(out, "{},{r},{}", row(i), cells(&s.survival[i]));
            }
            if let Some(e) = &s.explanation {
                contributions(&mut out, "the risk score", e);
            }
        }
        PredictionOutput::Sequences(s) => {
            let _ = writeln!(out, "id,probability,predicted_class");
            for p in &s.predictions {
                let _ = writeln!(out, "{},{},{}", p.id, p.probability, p.predicted_class);
            }
        }
    }
    out
}

/// The metrics as `osler evaluate` prints them: the binary panel with its
/// intervals ([`super::metrics_with_intervals`]), the survival concordances and Brier score, or the
/// multiclass metrics with the confusion matrix.
pub fn evaluation(e: &EvaluationOutput) -> String {
    let mut out = String::new();
    match e {
        EvaluationOutput::Binary { metrics, intervals } => {
            return super::metrics_with_intervals(metrics, intervals);
        }
        EvaluationOutput::Survival { evaluation: s, intervals } => {
            let _ = writeln!(out, "n = {}, events = {}", s.n, s.events);
            for (k, v) in &s.metrics {
                let _ = writeln!(out, "{}", super::metric_line(k, *v, intervals.ci95.get(*k)));
            }
            let _ = writeln!(out, "95% CI: {}", intervals.ci_method);
        }
        EvaluationOutput::Multiclass(m) => {
            let _ = writeln!(out, "n = {}, classes {}", m.n, m.classes.join(", "));
            for (k, v) in m.metrics.values() {
                let _ = writeln!(out, "{k:<24} {}", fmt_num(v, 6));
            }
            let _ = writeln!(out, "confusion matrix (rows: true class, columns: predicted class):");
            for (c, row) in m.classes.iter().zip(&m.confusion) {
                let counts: Vec<String> = row.iter().map(usize::to_string).collect();
                let _ = writeln!(out, "  {c:<20} {}", counts.join(" "));
            }
        }
    }
    out
}
