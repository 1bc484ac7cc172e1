//! Sections of a survival artifact: Kaplan-Meier curves by predicted risk
//! group with numbers at risk, time-dependent AUC, calibration and net
//! benefit at a horizon (all from out-of-fold predictions), and the model.

use osler_eval::survival::{
    CensoringConvention, calibration_at_horizon, cumulative_dynamic_auc, decision_curve_at_horizon,
};
use osler_models::rsf::RandomSurvivalForest;
use osler_models::survival::KaplanMeier;
use osler_models::survival::{CoxModel, CoxnetModel};
use osler_pipeline::Artifact;

use super::ReportError;
use super::shared::{
    EFFECT_SCALE_NOTE, comparable_effects, cross_validation, cv_design, cv_metric_table,
    descending, feature_name, net_benefit_plot, time_axis,
};
use crate::{ErrorPoint, Plot, Report, Table, bar_chart_horizontal, fmt_interval, fmt_num, fmt_p};

/// Risk groups of the Kaplan-Meier figure: thirds of the patients ranked by
/// out-of-fold risk score, lowest first.
const RISK_GROUPS: [&str; 3] = ["low risk", "middle risk", "high risk"];

/// Sections built from the out-of-fold predictions of a survival artifact.
pub(crate) fn performance(r: &mut Report, art: &Artifact) -> Result<(), ReportError> {
    let Some((cv, oof)) = cross_validation(r, art) else { return Ok(()) };
    let (Some(time), Some(surv)) = (&oof.time, &oof.survival) else {
        return Err(ReportError::MissingSurvivalPredictions);
    };
    let grid = cv.eval_times.clone().unwrap_or_default();
    let event: Vec<bool> = oof.y.iter().map(|&e| e == 1.0).collect();
    let time_label = art
        .manifest
        .survival
        .as_ref()
        .map_or_else(|| "Time".to_string(), |c| time_axis(&art.manifest.schema, &c.time));
    let s = r.section("Cross-validated performance");
    s.paragraph(format!(
        "{} Harrell's C and Uno's C (IPCW, censoring survivor at T−) rank patients by risk; the integrated Brier score averages the IPCW Brier score over {} (lower is better).",
        cv_design(cv, "event"),
        grid.iter().map(|t| fmt_num(*t, 4)).collect::<Vec<_>>().join(", ")
    ));
    let t = cv_metric_table(cv);
    s.table(t.caption(format!(
        "Mean and SD over test folds; {}; pooled = all out-of-fold risk scores together.",
        cv.ci_description()
    )));

    let mut order: Vec<usize> = (0..oof.p.len()).collect();
    order.sort_by(|&a, &b| oof.p[a].total_cmp(&oof.p[b]));
    let mut plot = Plot::new("Kaplan-Meier by predicted risk tertile (out-of-fold)")
        .x_label(&time_label)
        .y_label("Survival")
        .y_range(0.0, 1.0);
    let horizon_marks: Vec<f64> = grid.iter().step_by(2).copied().collect();
    let mut at_risk = Table::new(
        std::iter::once("group".to_string())
            .chain(horizon_marks.iter().map(|t| format!("t = {}", fmt_num(*t, 4)))),
    );
    let groups = RISK_GROUPS.len();
    for (g, group) in RISK_GROUPS.into_iter().enumerate() {
        let rows = &order[g * order.len() / groups..(g + 1) * order.len() / groups];
        let tt: Vec<f64> = rows.iter().map(|&i| time[i]).collect();
        let ee: Vec<f64> = rows.iter().map(|&i| oof.y[i]).collect();
        let km = KaplanMeier::fit(&tt, &ee, None)
            .map_err(|source| ReportError::KaplanMeier { group, source })?;
        let mut pts = vec![(0.0, 1.0)];
        pts.extend(km.time.iter().copied().zip(km.surv.iter().copied()));
        plot = plot.step(format!("{group} (n = {})", rows.len()), &pts);
        at_risk = at_risk.row(
            std::iter::once(group.to_string())
                .chain(km.n_at_risk(&horizon_marks).iter().map(|n| format!("{n}"))),
        );
    }
    s.figure(plot.render(), "Observed survival in thirds of the patients ranked by their out-of-fold risk score: separation shows discrimination.");
    s.table(at_risk.caption("Number at risk."));

    let s = r.section("Time-dependent discrimination and calibration");
    let ok_times: Vec<f64> = {
        let max_t = time.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        grid.iter().copied().filter(|t| *t < max_t).collect()
    };
    // The time-dependent figures are optional: a grid the data cannot
    // support (e.g. no events before a time) leaves them out.
    if let Ok(auc) =
        cumulative_dynamic_auc(time, &event, &oof.p, &ok_times, CensoringConvention::LeftLimit)
    {
        let pts: Vec<(f64, f64)> = auc.times.iter().copied().zip(auc.auc.iter().copied()).collect();
        let svg = Plot::new("Cumulative/dynamic AUC(t) (out-of-fold)")
            .x_label(&time_label)
            .y_label("AUC(t)")
            .y_range(0.5, 1.0)
            .line("model", &pts)
            .render();
        s.figure(svg, format!("AUC(t): patients with an event by t (IPCW-weighted) against those still event-free; mean {}.", fmt_num(auc.mean_auc, 3)));
    }
    let k = grid.len() / 2;
    if let Some(&horizon) = grid.get(k) {
        let risk_at: Vec<f64> =
            surv.iter().map(|row| row.get(k).map_or(f64::NAN, |s| 1.0 - s)).collect();
        if let Ok(cal) = calibration_at_horizon(time, &event, &risk_at, horizon, 10) {
            let pts: Vec<ErrorPoint> = cal
                .groups
                .iter()
                .map(|g| {
                    let (lo, hi) = g.observed_ci95.unwrap_or((g.observed, g.observed));
                    ErrorPoint { x: g.mean_predicted, y: g.observed, lo, hi }
                })
                .collect();
            let svg = Plot::new(format!("Calibration at t = {}", fmt_num(horizon, 4)))
                .x_label("Predicted risk by t")
                .y_label("Observed risk by t (1 − KM)")
                .x_range(0.0, 1.0)
                .y_range(0.0, 1.0)
                .points_with_error_bars("risk deciles", &pts)
                .reference_line("perfect calibration", (0.0, 0.0), (1.0, 1.0))
                .render();
            s.figure(svg, format!("Predicted against observed risk by decile of predicted risk, with 95% intervals of the observed risk (Kaplan-Meier log-log, Greenwood variance); ICI {} (group-weighted mean absolute difference).", fmt_num(cal.ici, 3)));
        }
        let thresholds: Vec<f64> = (1..=90).map(|t| f64::from(t) / 100.0).collect();
        if let Ok(nb) = decision_curve_at_horizon(time, &event, &risk_at, horizon, &thresholds) {
            let top = nb.first().map_or(0.5, |b| b.treat_all.max(b.model)).max(0.05) * 1.1;
            let title = format!("Net benefit at t = {}", fmt_num(horizon, 4));
            let svg = net_benefit_plot(&title, "Threshold risk", &nb, 0.9, top);
            s.figure(svg, "Net benefit with Kaplan-Meier risk among those above the threshold (Vickers et al. 2008).");
        }
    }
    Ok(())
}

/// The model section of a survival artifact.
pub(crate) fn model_section(r: &mut Report, art: &Artifact) {
    let names = &art.manifest.feature_names;
    let s = r.section("Model");
    if let Some(m) = art.model.get::<CoxModel>() {
        let rows = m.summary();
        let mut t = Table::new(["covariate", "coef", "SE", "z", "p", "hazard ratio", "HR 95% CI"])
            .numeric_columns([1, 2, 3, 4, 5]);
        for row in &rows {
            t = t.row([
                feature_name(names, row.index),
                fmt_num(row.coef, 4),
                fmt_num(row.se, 3),
                fmt_num(row.z, 3),
                fmt_p(row.p_value),
                fmt_num(row.hazard_ratio, 4),
                fmt_interval(Some(row.hr_ci95), 3),
            ]);
        }
        s.table(t.caption(format!(
            "Cox model ({:?} ties) on the original scale of each column; log partial likelihood {} (null {}); concordance {}.",
            m.ties(),
            fmt_num(m.loglik(), 8),
            fmt_num(m.loglik_null(), 8),
            fmt_num(m.concordance().c_index, 4)
        )));
        let coefs: Vec<f64> = rows.iter().map(|r| r.coef).collect();
        let (effects, labels) = comparable_effects(&art.manifest, &coefs);
        s.figure(
            bar_chart_horizontal(
                "Log hazard ratio per interquartile range (numbers) or per level",
                &labels,
                &effects,
                "log hazard ratio",
            ),
            EFFECT_SCALE_NOTE,
        );
    }
    if let Some(m) = art.model.get::<CoxnetModel>() {
        let mut t = Table::new(["covariate", "coef", "hazard ratio"]).numeric_columns([1, 2]);
        for (n, b) in names.iter().zip(m.coefficients()).filter(|(_, b)| **b != 0.0) {
            t = t.row([n.clone(), fmt_num(*b, 4), fmt_num(b.exp(), 4)]);
        }
        s.table(t.caption(format!(
            "Selected covariates of the elastic-net Cox model (alpha {}, lambda {}); penalised estimates are shrunk towards 0 and carry no Wald SEs.",
            fmt_num(m.alpha(), 2),
            fmt_num(m.lambda(), 4)
        )));
    }
    if let (Some(f), Some(imp)) = (art.model.get::<RandomSurvivalForest>(), art.model.importance())
    {
        let order = descending(&imp);
        let labels: Vec<String> = order.iter().map(|&j| feature_name(names, j)).collect();
        let vals: Vec<f64> = order.iter().map(|&j| imp[j]).collect();
        s.figure(
            bar_chart_horizontal("Share of splits per feature", &labels, &vals, "share of splits"),
            format!("How often each feature splits a node across the {} trees; out-of-bag Harrell's C {}.", f.trees().len(), f.oob_concordance().map_or("—".into(), |c| fmt_num(c, 4))),
        );
    }
}
