//! Sections of a diagnosis (binary outcome) artifact: cross-validated
//! discrimination, calibration and net benefit from the out-of-fold
//! predictions, and the fitted model.

use osler_eval::{decision_curve, ece, precision_recall_curve, roc_curve, wilson_interval};
use osler_models::gbdt::GbdtModel;
use osler_models::linear::LogisticModel;
use osler_pipeline::Artifact;
use osler_pipeline::enet::EnetModel;

use super::shared::{
    EFFECT_SCALE_NOTE, comparable_effects, cross_validation, cv_design, cv_metric_table,
    descending, feature_name, net_benefit_plot,
};
use super::{ReportError, enet, nn};
use crate::{
    ErrorPoint, Plot, Report, Table, bar_chart_horizontal, fmt_interval, fmt_num, fmt_p, histogram,
};

/// Equal-width bins of the calibration plot and ECE.
const CALIBRATION_BINS: usize = 10;
/// Confidence level of the calibration bins' Wilson intervals.
const BIN_LEVEL: f64 = 0.95;

/// Performance sections from the out-of-fold predictions (or a note that
/// the model was trained without cross-validation).
pub(crate) fn performance(r: &mut Report, art: &Artifact) -> Result<(), ReportError> {
    let Some((cv, oof)) = cross_validation(r, art) else { return Ok(()) };
    let metric = |figure: &'static str| move |source| ReportError::Metric { figure, source };
    let s = r.section("Cross-validated performance");
    s.paragraph(format!(
        "{} Mean and SD over folds; {}.",
        cv_design(cv, "outcome"),
        cv.ci_description()
    ));
    let t = cv_metric_table(cv);
    s.table(t.caption(format!(
        "Threshold-dependent metrics use threshold {}.",
        fmt_num(cv.threshold.unwrap_or(f64::NAN), 3)
    )));

    let y: Vec<bool> = oof.y.iter().map(|&v| v == 1.0).collect();
    let p = &oof.p;
    let roc = roc_curve(&y, p, true).map_err(metric("ROC curve"))?;
    let pts: Vec<(f64, f64)> = roc.fpr.iter().copied().zip(roc.tpr.iter().copied()).collect();
    let auc = cv.metrics.get("auroc").map_or(f64::NAN, |m| m.pooled);
    let svg = Plot::new("ROC curve (out-of-fold)")
        .x_label("1 − specificity")
        .y_label("Sensitivity")
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.0)
        .line(format!("model (AUROC {})", fmt_num(auc, 3)), &pts)
        .reference_line("chance", (0.0, 0.0), (1.0, 1.0))
        .render();
    s.figure(svg, "Receiver operating characteristic of the pooled out-of-fold predictions.");
    let pr = precision_recall_curve(&y, p).map_err(metric("precision-recall curve"))?;
    let pts: Vec<(f64, f64)> =
        pr.recall.iter().copied().zip(pr.precision.iter().copied()).collect();
    let prev = oof.y.iter().sum::<f64>() / oof.y.len().max(1) as f64;
    let svg = Plot::new("Precision-recall curve (out-of-fold)")
        .x_label("Recall (sensitivity)")
        .y_label("Precision (PPV)")
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.0)
        .step("model", &pts)
        .reference_line(format!("prevalence {}", fmt_num(prev, 3)), (0.0, prev), (1.0, prev))
        .render();
    s.figure(svg, "Precision against recall; the horizontal line is a model without skill.");

    let s = r.section("Calibration");
    let e = ece(&y, p, CALIBRATION_BINS).map_err(metric("calibration curve"))?;
    let mut bins = Vec::new();
    for b in &e.bins {
        if let (Some(ms), Some(fp)) = (b.mean_score, b.frac_pos) {
            // The bin reports its share of events; `fp * n` is within
            // rounding of the whole count it was computed from.
            let events = (fp * b.n as f64).round() as usize;
            let [lo, hi] = wilson_interval(events, b.n, BIN_LEVEL)
                .map_err(|source| ReportError::BinInterval { bin: b.bin, source })?;
            bins.push(ErrorPoint { x: ms, y: fp, lo, hi });
        }
    }
    let svg = Plot::new("Calibration (10 equal-width bins)")
        .x_label("Predicted probability")
        .y_label("Observed proportion")
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.0)
        .points_with_error_bars("observed (Wilson 95% CI)", &bins)
        .reference_line("perfect calibration", (0.0, 0.0), (1.0, 1.0))
        .render();
    s.figure(svg, format!(
        "Observed event rate against mean predicted probability per bin. ECE {}, calibration intercept {}, slope {}.",
        fmt_num(e.value, 3),
        fmt_num(cv.metrics.get("calibration_intercept").map_or(f64::NAN, |m| m.pooled), 3),
        fmt_num(cv.metrics.get("calibration_slope").map_or(f64::NAN, |m| m.pooled), 3)
    ));
    let groups = vec![
        (
            format!("{} = {}", art.manifest.target, art.manifest.levels.negative),
            y.iter().zip(p).filter(|(y, _)| !**y).map(|(_, p)| *p).collect(),
        ),
        (
            format!("{} = {}", art.manifest.target, art.manifest.levels.positive),
            y.iter().zip(p).filter(|(y, _)| **y).map(|(_, p)| *p).collect(),
        ),
    ];
    let svg = histogram(
        "Predicted probabilities by outcome",
        "Predicted probability",
        &groups,
        20,
        (0.0, 1.0),
    )
    .render();
    s.figure(svg, "Distribution of out-of-fold predicted probabilities in each outcome class.");

    let s = r.section("Decision curve");
    let thresholds: Vec<f64> = (1..=95).map(|k| f64::from(k) / 100.0).collect();
    let nb = decision_curve(&y, p, &thresholds).map_err(metric("decision curve"))?;
    let svg = net_benefit_plot(
        "Net benefit (out-of-fold)",
        "Threshold probability",
        &nb,
        1.0,
        prev.max(0.01) * 1.1,
    );
    s.figure(svg, "Net benefit = TP/n − FP/n · t/(1 − t) (Vickers & Elkin 2006) against treating everyone or no one.");
    Ok(())
}

/// The model section of a diagnosis artifact.
pub(crate) fn model_section(r: &mut Report, art: &Artifact) {
    let names = &art.manifest.feature_names;
    let s = r.section("Model");
    let m = &art.model;
    if let Some(lm) = m.get::<LogisticModel>() {
        let rows = lm.summary();
        let mut t = Table::new(["term", "coef", "SE", "z", "p", "odds ratio", "OR 95% CI"])
            .numeric_columns([1, 2, 3, 4, 5]);
        for row in &rows {
            let name = row.index.map_or("(Intercept)".to_string(), |j| feature_name(names, j));
            t = t.row([
                name,
                fmt_num(row.coef, 4),
                row.se.map_or("—".into(), |v| fmt_num(v, 3)),
                row.z.map_or("—".into(), |v| fmt_num(v, 3)),
                row.p_value.map_or("—".into(), fmt_p),
                fmt_num(row.odds_ratio, 4),
                fmt_interval(row.odds_ratio_ci95, 3),
            ]);
        }
        s.table(t.caption("Coefficients on the original scale of each input column (log-odds per unit). SEs, z, p and CIs are Wald statistics of the unpenalised fit; none are given for penalised fits."));
        let coefs: Vec<f64> = rows.iter().filter(|r| r.index.is_some()).map(|r| r.coef).collect();
        let (effects, labels) = comparable_effects(&art.manifest, &coefs);
        s.figure(
            bar_chart_horizontal(
                "Log-odds per interquartile range (numbers) or per level",
                &labels,
                &effects,
                "log-odds",
            ),
            EFFECT_SCALE_NOTE,
        );
    } else if let Some(e) = m.get::<EnetModel>() {
        enet::model_section(s, names, e);
    } else if m.get::<GbdtModel>().is_some() {
        let imp = art.model.importance().unwrap_or_default();
        let order = descending(&imp);
        let labels: Vec<String> = order.iter().map(|&j| feature_name(names, j)).collect();
        let vals: Vec<f64> = order.iter().map(|&j| imp[j]).collect();
        s.figure(
            bar_chart_horizontal("Feature importance (share of total split gain)", &labels, &vals, "gain share"),
            "Share of the total loss reduction from splits on each feature. Per-patient explanations come with the predictions (TreeSHAP).",
        );
    } else if let Some(svg) = nn::loss_curves(m) {
        s.figure(svg, "Training and validation loss per epoch of the final model (training_log.jsonl in the artifact); the kept weights are those of the best validation epoch.");
    }
}
