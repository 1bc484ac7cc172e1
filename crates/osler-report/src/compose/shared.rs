//! Pieces shared by the diagnosis, survival and treatment reports.

use osler_data::{ColumnSpec, Schema};
use osler_eval::NetBenefit;
use osler_pipeline::{Artifact, CvSummary, Manifest, OutOfFold};

use osler_pipeline::cv::CI_LABEL;

use crate::{Plot, Report, Table, fmt_interval, fmt_num};

/// The cross-validation summary and out-of-fold predictions of `art`, or
/// `None` after a "Performance" section noting that the model was trained
/// without cross-validation.
pub(crate) fn cross_validation<'a>(
    r: &mut Report,
    art: &'a Artifact,
) -> Option<(&'a CvSummary, &'a OutOfFold)> {
    match (&art.manifest.cv, &art.out_of_fold) {
        (Some(cv), Some(oof)) => Some((cv, oof)),
        _ if !art.manifest.held_out.is_empty() => {
            held_out_section(r, art);
            None
        }
        _ => {
            r.section("Performance").note("The model was trained without cross-validation: no performance estimate is available; evaluate it on held-out data.");
            None
        }
    }
}

/// The "Performance" section of a model evaluated on held-out splits at
/// training time (an image model's validation and official test splits).
fn held_out_section(r: &mut Report, art: &Artifact) {
    let s = r.section("Performance");
    for h in &art.manifest.held_out {
        s.paragraph(format!(
            "{} split: {} images, {} with the event. {}",
            h.split, h.n, h.events, h.ci_method
        ));
        let mut t = Table::new(["metric", "value", "95% CI"]).numeric_columns([1]);
        for (name, value) in &h.metrics {
            t = t.row([
                name.clone(),
                fmt_num(value.unwrap_or(f64::NAN), 4),
                fmt_interval(h.ci95.get(name).copied(), 4),
            ]);
        }
        s.table(t);
    }
}

/// The design sentence of a cross-validation whose folds were stratified by
/// `by` (the outcome, the class, the event).
pub(crate) fn cv_design(cv: &CvSummary, by: &str) -> String {
    format!(
        "{}-fold cross-validation stratified by {by}{}, repeated {} time(s).",
        cv.folds,
        if cv.grouped { " with patient groups kept together" } else { "" },
        cv.repeats
    )
}

/// The cross-validated metric table: mean and SD over folds, the bootstrap
/// CI of the mean ([`CvSummary::ci_description`] says how), pooled value.
pub(crate) fn cv_metric_table(cv: &CvSummary) -> Table {
    let mut t = Table::new(["metric", "mean", "SD", CI_LABEL, "pooled"]).numeric_columns([1, 2, 4]);
    for (name, ms) in &cv.metrics {
        t = t.row([
            name.clone(),
            fmt_num(ms.mean, 4),
            fmt_num(ms.sd, 2),
            fmt_interval(ms.ci95, 4),
            fmt_num(ms.pooled, 4),
        ]);
    }
    t
}

/// SVG of the net benefit of the model against treat-all and treat-none
/// over thresholds up to `x_max`, with the y axis up to `top`.
pub(crate) fn net_benefit_plot(
    title: &str,
    x_label: &str,
    nb: &[NetBenefit],
    x_max: f64,
    top: f64,
) -> String {
    let model: Vec<(f64, f64)> = nb.iter().map(|b| (b.threshold, b.model)).collect();
    let all: Vec<(f64, f64)> = nb.iter().map(|b| (b.threshold, b.treat_all)).collect();
    Plot::new(title)
        .x_label(x_label)
        .y_label("Net benefit")
        .x_range(0.0, x_max)
        .y_range(-0.05 * top.max(0.2), top)
        .line("model", &model)
        .line("treat all", &all)
        .reference_line("treat none", (0.0, 0.0), (x_max, 0.0))
        .render()
}

/// The serde name of a unit enum variant (e.g. a column kind), or `""`.
pub(crate) fn enum_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

pub(crate) use osler_pipeline::summary::feature_name;

/// Feature indices ordered by decreasing `values` (ties keep index order).
pub(crate) fn descending(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    order
}

/// A survival outcome in words from its schema: `time to event: <what the
/// event code 1 means> (<time column>, <unit>)`, e.g. "time to event: died
/// (lenfol, days)"; without a described event, the event column's name.
pub(crate) fn time_to_event(schema: &Schema, time: &str, event: &str) -> String {
    let what = schema.get(event).and_then(ColumnSpec::event_meaning).unwrap_or(event);
    match time_unit(schema, time) {
        Some(unit) => format!("time to event: {what} ({time}, {unit})"),
        None => format!("time to event: {what} ({time})"),
    }
}

/// The label of a time axis: `Time (<unit of the time column>)`, or `Time`.
pub(crate) fn time_axis(schema: &Schema, time: &str) -> String {
    time_unit(schema, time).map_or_else(|| "Time".to_string(), |u| format!("Time ({u})"))
}

fn time_unit<'a>(schema: &'a Schema, time: &str) -> Option<&'a str> {
    schema.get(time).and_then(|c| c.unit.as_deref())
}

/// The caption of a chart of [`comparable_effects`].
pub(crate) const EFFECT_SCALE_NOTE: &str = "Effect of each model feature on a comparable scale: a numeric input moved from its 25th to its 75th training percentile (the IQR in its label), a category or indicator from 0 to 1. The table gives the per-unit coefficients.";

/// Coefficients on a comparable scale for a chart: a numeric design column
/// that is an input column with an interquartile range is scaled by that
/// range (the effect of moving from its 25th to its 75th percentile), and a
/// one-hot or indicator column keeps its per-level effect (0 -> 1). Returns
/// the scaled effects and the chart labels, each saying its scale.
pub(crate) fn comparable_effects(m: &Manifest, coefs: &[f64]) -> (Vec<f64>, Vec<String>) {
    let iqr = |name: &str| {
        m.data
            .columns
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.iqr)
            .map(|[q1, q3]| q3 - q1)
            .filter(|w| *w > 0.0)
    };
    coefs
        .iter()
        .enumerate()
        .map(|(j, &b)| {
            let name = feature_name(&m.feature_names, j);
            match iqr(&name) {
                Some(w) => (b * w, format!("{name} (per IQR {})", fmt_num(w, 3))),
                None => (b, name),
            }
        })
        .unzip()
}
