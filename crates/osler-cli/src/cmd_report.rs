//! `osler report`: one self-contained HTML file describing an artifact:
//! data, cross-validated performance with CIs, ROC / PR / calibration /
//! decision curves from the out-of-fold predictions, and the model itself.

use std::path::{Path, PathBuf};

use clap::Args;

use osler_eval::{decision_curve, ece, precision_recall_curve, roc_curve};
use osler_pipeline::{Artifact, FittedModel};
use osler_report::{
    ErrorPoint, Plot, Report, Table, bar_chart_horizontal, fmt_num, fmt_p, histogram,
};

use crate::output::{interval, write_atomic};
use crate::{CliError, CliResult};

#[derive(Args)]
pub struct ReportArgs {
    /// Artifact directory written by `osler train`.
    pub artifact: PathBuf,
    /// HTML file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub fn report(a: ReportArgs) -> CliResult {
    let art = Artifact::load(&a.artifact)?;
    write_report(&art, &a.artifact, &a.out)
}

/// Renders the report of `art` (found at `dir`) into `out`.
pub fn write_report(art: &Artifact, dir: &Path, out: &Path) -> CliResult {
    let html = render(art, dir)?;
    write_atomic(out, html.as_bytes())
}

fn render(art: &Artifact, dir: &Path) -> Result<String, CliError> {
    let m = &art.manifest;
    let title = match &m.survival {
        Some(s) => format!("{} model of time to {} ({})", m.model.name(), s.event, s.time),
        None => format!("{} model for {} = {}", m.model.name(), m.target, m.levels.positive),
    };
    let mut r = Report::new(title);
    r.subtitle(format!("Artifact {} · data {}", dir.display(), m.data.source));
    r.footer(format!(
        "osler {} · artifact format {} · training data sha256 {} · seed {}",
        m.osler_version, m.format_version, m.data.sha256, m.seed
    ));

    let s = r.section("Summary");
    s.key_values([
        (
            "Task",
            match &m.survival {
                Some(s) => {
                    format!("survival: time {}, event {} = {}", s.time, s.event, m.levels.positive)
                }
                None => format!("binary classification: P({} = {})", m.target, m.levels.positive),
            },
        ),
        ("Model", model_description(art)),
        (
            "Training data",
            format!(
                "{} ({} rows, {} events, {:.1}% prevalence)",
                m.data.source,
                m.data.rows,
                m.data.events,
                100.0 * m.data.events as f64 / m.data.rows.max(1) as f64
            ),
        ),
        ("Data SHA-256", m.data.sha256.clone()),
        (
            "Predictors",
            format!("{} input columns, {} model features", m.features.len(), m.feature_names.len()),
        ),
        (
            "Decision threshold",
            if m.survival.is_some() { "—".to_string() } else { fmt_num(m.threshold, 3) },
        ),
    ]);
    if let Some(note) = &m.model_note {
        s.warning(note.clone());
    }

    let s = r.section("Data and preprocessing");
    let mut t = Table::new([
        "column",
        "kind",
        "role",
        "unit",
        "valid range",
        "missing codes",
        "missing",
        "median (IQR)",
    ])
    .numeric_columns([6]);
    let summaries: std::collections::HashMap<&str, &osler_data::ColumnSummary> =
        m.data.columns.iter().map(|s| (s.name.as_str(), s)).collect();
    // Wide data (gene expression): every non-feature column, the first
    // feature columns, and a count of the rest.
    let wide = m.schema.columns.len() > MAX_SCHEMA_ROWS;
    let mut features_shown = 0;
    let shown: Vec<&osler_data::ColumnSpec> = m
        .schema
        .columns
        .iter()
        .filter(|c| {
            let keep = !wide
                || c.role != osler_data::Role::Feature
                || features_shown < WIDE_FEATURES_SHOWN;
            features_shown += usize::from(keep && c.role == osler_data::Role::Feature);
            keep
        })
        .collect();
    let omitted = m.schema.columns.len() - shown.len();
    for c in shown {
        let summary = summaries.get(c.name.as_str());
        let missing = summary.map_or(String::new(), |s| {
            format!("{} ({:.1}%)", s.missing, 100.0 * s.missing as f64 / m.data.rows.max(1) as f64)
        });
        let median = summary.and_then(|s| {
            Some(format!(
                "{} ({} to {})",
                fmt_num(s.median?, 4),
                fmt_num(s.iqr?[0], 4),
                fmt_num(s.iqr?[1], 4)
            ))
        });
        t = t.row([
            c.name.clone(),
            enum_name(&c.kind),
            enum_name(&c.role),
            c.unit.clone().unwrap_or_default(),
            if c.min.is_some() || c.max.is_some() { c.range_text() } else { String::new() },
            c.missing.join(", "),
            missing,
            median.unwrap_or_default(),
        ]);
    }
    let more = if omitted > 0 {
        format!(
            " {omitted} further feature columns are not listed here (all are in the artifact's schema)."
        )
    } else {
        String::new()
    };
    s.table(t.caption(format!("Schema saved in the artifact (inputs are validated against it), with missing counts after applying the missing codes and quartiles of the training data.{more}")));
    let p = &m.preprocessing.options;
    s.paragraph(format!(
        "Preprocessing is part of the model and was fitted inside each training fold only: imputation {}, missing indicators {}, categorical columns one-hot encoded against their first level (unseen levels coded as the reference).",
        if p.impute { "by median (numbers) / most frequent level" } else { "none (missing values routed natively by the trees)" },
        if p.missing_indicators { "on" } else { "off" }
    ));

    if art.manifest.survival.is_some() {
        crate::report_survival::performance(&mut r, art)?;
        crate::report_survival::model_section(&mut r, art);
        if let Some(svg) = crate::cmd_train_nn::loss_curves(&art.model) {
            r.section("Training").figure(svg, "Training and validation loss (Cox partial likelihood per row) per epoch of the final model; the kept weights are those of the best validation epoch.");
        }
    } else {
        performance(&mut r, art)?;
        model_section(&mut r, art);
    }

    let s = r.section("Reporting notes (TRIPOD+AI)");
    s.list([
        "Performance is internal validation by cross-validation; external validation on data from another site or period is needed before clinical use.".to_string(),
        format!("Intervals are percentile bootstrap intervals ({} replicates) of the pooled out-of-fold predictions; fold-to-fold spread is the SD column.", m.cv.as_ref().map_or(0, |c| c.bootstrap_replicates)),
        "Calibration intercept 0 and slope 1 are ideal; slope < 1 indicates overfitting (predictions too extreme).".to_string(),
        "Net benefit is only meaningful over threshold probabilities that clinicians would actually use.".to_string(),
    ]);
    Ok(r.render())
}

/// Schemas longer than this are listed in part in the report.
const MAX_SCHEMA_ROWS: usize = 80;
/// Feature columns listed for such wide schemas.
const WIDE_FEATURES_SHOWN: usize = 30;

fn enum_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn model_description(art: &Artifact) -> String {
    match &art.model {
        FittedModel::Logistic(lm) => {
            let o = lm.options();
            format!(
                "logistic regression, penalty {} (lambda {}, alpha {})",
                enum_name(&o.penalty),
                fmt_num(o.lambda, 3),
                fmt_num(o.effective_alpha(), 2)
            )
        }
        FittedModel::Enet(e) => crate::cmd_train_enet::description(e),
        FittedModel::Cox(m) => format!("Cox proportional hazards, {:?} ties", m.ties()),
        FittedModel::Coxnet(c) => format!(
            "elastic-net Cox (Breslow ties), alpha {}, lambda {} ({} of {} features selected)",
            fmt_num(c.alpha(), 2),
            fmt_num(c.lambda(), 4),
            c.selected().len(),
            c.coefficients().len()
        ),
        FittedModel::Rsf(f) => {
            let o = f.options();
            format!(
                "random survival forest: {} trees, log-rank splits, min {} in-bag rows per leaf",
                o.n_trees, o.min_leaf
            )
        }
        FittedModel::Mlp(_) | FittedModel::DeepSurv(_) => crate::cmd_train_nn::describe(&art.model),
        FittedModel::Gbdt(g) => {
            let o = g.options();
            format!(
                "gradient-boosted trees: {} trees, learning rate {}, up to {} leaves, min {} rows per leaf",
                g.n_trees(),
                o.learning_rate,
                o.max_leaves,
                o.min_leaf
            )
        }
    }
}

fn performance(r: &mut Report, art: &Artifact) -> Result<(), CliError> {
    let (Some(cv), Some(oof)) = (&art.manifest.cv, &art.out_of_fold) else {
        r.section("Performance").note("The model was trained without cross-validation (--cv 0): no performance estimate is available. Use `osler evaluate` on held-out data.");
        return Ok(());
    };
    let s = r.section("Cross-validated performance");
    s.paragraph(format!(
        "{}-fold stratified cross-validation{}, repeated {} time(s). Mean and SD over folds; 95% CI by bootstrap of the pooled out-of-fold predictions.",
        cv.folds,
        if cv.grouped { " with patient groups kept together" } else { "" },
        cv.repeats
    ));
    let t = cv_metric_table(cv);
    s.table(t.caption(format!(
        "Threshold-dependent metrics use threshold {}.",
        fmt_num(cv.threshold.unwrap_or(f64::NAN), 3)
    )));

    let y: Vec<bool> = oof.y.iter().map(|&v| v == 1.0).collect();
    let p = &oof.p;
    let roc = roc_curve(&y, p, true)?;
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
    let pr = precision_recall_curve(&y, p)?;
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
    let e = ece(&y, p, 10)?;
    let mut bins = Vec::new();
    for b in &e.bins {
        if let (Some(ms), Some(fp)) = (b.mean_score, b.frac_pos) {
            // Wilson 95% interval for the observed proportion in the bin.
            let (n, z) = (b.n as f64, 1.959963984540054);
            let centre = (fp + z * z / (2.0 * n)) / (1.0 + z * z / n);
            let half = z * (fp * (1.0 - fp) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
            bins.push(ErrorPoint { x: ms, y: fp, lo: centre - half, hi: centre + half });
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
    let nb = decision_curve(&y, p, &thresholds)?;
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

fn model_section(r: &mut Report, art: &Artifact) {
    let names = &art.manifest.feature_names;
    let s = r.section("Model");
    match &art.model {
        FittedModel::Logistic(lm) => {
            let rows = lm.summary();
            let mut t = Table::new(["term", "coef", "SE", "z", "p", "odds ratio", "OR 95% CI"])
                .numeric_columns([1, 2, 3, 4, 5]);
            for row in &rows {
                let name = row.index.map_or("(Intercept)".to_string(), |j| names[j].clone());
                t = t.row([
                    name,
                    fmt_num(row.coef, 4),
                    row.se.map_or("—".into(), |v| fmt_num(v, 3)),
                    row.z.map_or("—".into(), |v| fmt_num(v, 3)),
                    row.p_value.map_or("—".into(), fmt_p),
                    fmt_num(row.odds_ratio, 4),
                    interval(row.odds_ratio_ci95, 3),
                ]);
            }
            s.table(t.caption("Coefficients on the original scale of each input column (log-odds per unit). SEs, z, p and CIs are Wald statistics of the unpenalised fit; none are given for penalised fits."));
            let coefs: Vec<f64> =
                rows.iter().filter(|r| r.index.is_some()).map(|r| r.coef).collect();
            s.figure(
                bar_chart_horizontal("Coefficients (log-odds per unit)", names, &coefs, "coefficient"),
                "Coefficient of each model feature. Units differ between features, so compare within a feature only.",
            );
        }
        FittedModel::Enet(e) => crate::cmd_train_enet::report_section(s, art, e),
        FittedModel::Cox(_) | FittedModel::Rsf(_) | FittedModel::Coxnet(_) => {}
        FittedModel::Mlp(_) | FittedModel::DeepSurv(_) => {
            if let Some(svg) = crate::cmd_train_nn::loss_curves(&art.model) {
                s.figure(svg, "Training and validation loss per epoch of the final model (training_log.jsonl in the artifact); the kept weights are those of the best validation epoch.");
            }
        }
        FittedModel::Gbdt(_) => {
            let imp = art.model.importance().unwrap_or_default();
            let mut order: Vec<usize> = (0..imp.len()).collect();
            order.sort_by(|&a, &b| imp[b].total_cmp(&imp[a]));
            let labels: Vec<String> = order.iter().map(|&j| names[j].clone()).collect();
            let vals: Vec<f64> = order.iter().map(|&j| imp[j]).collect();
            s.figure(
                bar_chart_horizontal("Feature importance (share of total split gain)", &labels, &vals, "gain share"),
                "Share of the total loss reduction from splits on each feature. Per-patient explanations: `osler predict --explain` (TreeSHAP).",
            );
        }
    }
}

/// The cross-validated metric table: mean and SD over folds, bootstrap CI, pooled value.
pub fn cv_metric_table(cv: &osler_pipeline::CvSummary) -> Table {
    let mut t = Table::new(["metric", "mean", "SD", "95% CI", "pooled"]).numeric_columns([1, 2, 4]);
    for (name, ms) in &cv.metrics {
        t = t.row([
            name.clone(),
            fmt_num(ms.mean, 4),
            fmt_num(ms.sd, 2),
            interval(ms.ci95, 4),
            fmt_num(ms.pooled, 4),
        ]);
    }
    t
}

/// Net benefit of the model against treat-all and treat-none over thresholds up to `x_max`.
pub fn net_benefit_plot(
    title: &str,
    x_label: &str,
    nb: &[osler_eval::NetBenefit],
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
