//! Pieces shared by the diagnosis, survival and treatment reports.

use osler_eval::NetBenefit;
use osler_pipeline::{Artifact, CvSummary, OutOfFold};

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
        _ => {
            r.section("Performance").note("The model was trained without cross-validation: no performance estimate is available; evaluate it on held-out data.");
            None
        }
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
