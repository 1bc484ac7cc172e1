//! The report of a trained artifact: summary, data and preprocessing, the
//! cross-validated performance and the model, for diagnosis (binary) and
//! survival artifacts alike.

use std::collections::HashMap;
use std::path::Path;

use osler_data::{ColumnSpec, ColumnSummary, Role};
use osler_models::gbdt::GbdtModel;
use osler_models::linear::LogisticModel;
use osler_models::rsf::RandomSurvivalForest;
use osler_models::survival::{CoxModel, CoxnetModel};
use osler_pipeline::Artifact;
use osler_pipeline::enet::EnetModel;
use osler_pipeline::enet_multinomial::MultinomialEnetModel;

use super::shared::{enum_name, time_to_event};
use super::{ReportError, binary, enet, multiclass, nn, survival};
use crate::{Report, Table, fmt_num};

/// Schemas longer than this are listed in part in the report.
const MAX_SCHEMA_ROWS: usize = 80;
/// Feature columns listed for such wide schemas.
const WIDE_FEATURES_SHOWN: usize = 30;

/// The self-contained HTML report of `art`, an artifact loaded from (or
/// written to) `dir`.
///
/// Sections: summary, data and preprocessing (the saved schema with missing
/// counts and quartiles of the training data), cross-validated performance
/// from the out-of-fold predictions (ROC, precision-recall, calibration with
/// Wilson intervals, decision curve for diagnosis; Kaplan-Meier by risk
/// tertile, AUC(t), calibration and net benefit at a horizon for survival),
/// the model (coefficients, importances, selection, loss curves) and
/// TRIPOD+AI reporting notes. `dir` is only shown in the subtitle. The same
/// artifact always gives the same bytes.
pub fn artifact_report(art: &Artifact, dir: &Path) -> Result<String, ReportError> {
    let m = &art.manifest;
    let title = match (&m.survival, &m.classes) {
        (Some(s), _) => {
            format!("{} model of {}", m.model.name(), time_to_event(&m.schema, &s.time, &s.event))
        }
        (None, Some(c)) => {
            format!("{} model for {} ({} classes)", m.model.name(), m.target, c.len())
        }
        (None, None) => {
            format!("{} model for {} = {}", m.model.name(), m.target, m.levels.positive)
        }
    };
    let mut r = Report::new(title);
    r.subtitle(format!("Artifact {} · data {}", dir.display(), m.data.source));
    r.footer(format!(
        "osler {} · artifact format {} · training data sha256 {} · seed {}",
        m.osler_version, m.format_version, m.data.sha256, m.seed
    ));
    summary_section(&mut r, art);
    data_section(&mut r, art);

    if m.survival.is_some() {
        survival::performance(&mut r, art)?;
        survival::model_section(&mut r, art);
        if let Some(svg) = nn::loss_curves(&art.model) {
            r.section("Training").figure(svg, "Training and validation loss (Cox partial likelihood per row) per epoch of the final model; the kept weights are those of the best validation epoch.");
        }
    } else if let Some(classes) = &m.classes {
        multiclass::performance(&mut r, art, classes);
        multiclass::model_section(&mut r, art, classes);
    } else {
        binary::performance(&mut r, art)?;
        binary::model_section(&mut r, art);
    }

    let s = r.section("Reporting notes (TRIPOD+AI)");
    s.list([
        "Performance is internal validation by cross-validation; external validation on data from another site or period is needed before clinical use.".to_string(),
        m.cv.as_ref().map_or_else(
            || "No cross-validated intervals: the model was trained without cross-validation.".to_string(),
            |c| format!("{}; fold-to-fold spread is the SD column.", c.ci_description()),
        ),
        "Calibration intercept 0 and slope 1 are ideal; slope < 1 indicates overfitting (predictions too extreme).".to_string(),
        "Net benefit is only meaningful over threshold probabilities that clinicians would actually use.".to_string(),
    ]);
    Ok(r.render())
}

/// Task, model, training data and threshold at a glance.
fn summary_section(r: &mut Report, art: &Artifact) {
    let m = &art.manifest;
    let s = r.section("Summary");
    s.key_values([
        (
            "Task",
            match (&m.survival, &m.classes) {
                (Some(s), _) => {
                    format!("survival: time {}, event {} = {}", s.time, s.event, m.levels.positive)
                }
                (None, Some(c)) => {
                    format!("multiclass classification of {}: {}", m.target, c.join(", "))
                }
                (None, None) => {
                    format!("binary classification: P({} = {})", m.target, m.levels.positive)
                }
            },
        ),
        ("Model", model_description(art)),
        (
            "Training data",
            match (&m.classes, &m.survival) {
                (Some(_), _) => format!("{} ({} rows)", m.data.source, m.data.rows),
                // A censored cohort's event share is not a prevalence: it depends on follow-up.
                (None, Some(_)) => format!(
                    "{} ({} rows, {} with an observed event ({:.1}%), the others censored)",
                    m.data.source,
                    m.data.rows,
                    m.data.events,
                    100.0 * m.data.events as f64 / m.data.rows.max(1) as f64
                ),
                (None, None) => format!(
                    "{} ({} rows, {} events, {:.1}% prevalence)",
                    m.data.source,
                    m.data.rows,
                    m.data.events,
                    100.0 * m.data.events as f64 / m.data.rows.max(1) as f64
                ),
            },
        ),
        ("Data SHA-256", m.data.sha256.clone()),
        (
            "Predictors",
            format!("{} input columns, {} model features", m.features.len(), m.feature_names.len()),
        ),
        (
            "Decision threshold",
            if m.survival.is_some() {
                "—".to_string()
            } else if m.classes.is_some() {
                "— (the most probable class)".to_string()
            } else {
                fmt_num(m.threshold, 3)
            },
        ),
    ]);
    if let Some(note) = &m.model_note {
        s.warning(note.clone());
    }
    for w in &m.warnings {
        s.warning(w.message().to_string());
    }
}

/// The saved schema with missing counts and quartiles, and the preprocessing.
fn data_section(r: &mut Report, art: &Artifact) {
    let m = &art.manifest;
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
    let summaries: HashMap<&str, &ColumnSummary> =
        m.data.columns.iter().map(|s| (s.name.as_str(), s)).collect();
    // Wide data (gene expression): every non-feature column, the first
    // feature columns, and a count of the rest.
    let wide = m.schema.columns.len() > MAX_SCHEMA_ROWS;
    // Ignored (dropped) columns are not inputs of the model: named once, not tabulated.
    let (ignored, used): (Vec<&ColumnSpec>, Vec<&ColumnSpec>) =
        m.schema.columns.iter().partition(|c| c.role == Role::Ignore);
    let mut features_shown = 0;
    let shown: Vec<&ColumnSpec> = used
        .iter()
        .copied()
        .filter(|c| {
            let keep = !wide || c.role != Role::Feature || features_shown < WIDE_FEATURES_SHOWN;
            features_shown += usize::from(keep && c.role == Role::Feature);
            keep
        })
        .collect();
    let omitted = used.len() - shown.len();
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
    let mut more = if omitted > 0 {
        format!(
            " {omitted} further feature columns are not listed here (all are in the artifact's schema)."
        )
    } else {
        String::new()
    };
    if !ignored.is_empty() {
        let names: Vec<&str> = ignored.iter().map(|c| c.name.as_str()).collect();
        more.push_str(&format!(
            " Left out of the model (not read as inputs): {}.",
            names.join(", ")
        ));
    }
    s.table(t.caption(format!("Schema saved in the artifact (inputs are validated against it), with missing counts after applying the missing codes and quartiles of the training data.{more}")));
    let p = &m.preprocessing.options;
    s.paragraph(format!(
        "Preprocessing is part of the model and was fitted inside each training fold only: imputation {}, missing indicators {}, categorical columns one-hot encoded against their first level (unseen levels coded as the reference).",
        if p.impute { "by median (numbers) / most frequent level" } else { "none (missing values routed natively by the trees)" },
        if p.missing_indicators { "on" } else { "off" }
    ));
}

/// One line naming the model and its chosen hyperparameters; a kind this
/// report has no wording for is named by its family and tag.
fn model_description(art: &Artifact) -> String {
    let m = &art.model;
    if let Some(lm) = m.get::<LogisticModel>() {
        let o = lm.options();
        format!(
            "logistic regression, penalty {} (lambda {}, alpha {})",
            enum_name(&o.penalty),
            fmt_num(o.lambda, 3),
            fmt_num(o.effective_alpha(), 2)
        )
    } else if let Some(e) = m.get::<EnetModel>() {
        enet::description(e)
    } else if let Some(e) = m.get::<MultinomialEnetModel>() {
        format!(
            "multinomial elastic net, alpha {}, lambda {} ({} of {} features selected)",
            fmt_num(e.penalty.alpha, 2),
            fmt_num(e.penalty.lambda, 4),
            e.model.selected().len(),
            e.model.n_features()
        )
    } else if let Some(c) = m.get::<CoxModel>() {
        format!(
            "Cox proportional hazards, {:?} ties, survival curves from the {}-type baseline hazard",
            c.ties(),
            c.baseline_type().name()
        )
    } else if let Some(c) = m.get::<CoxnetModel>() {
        format!(
            "elastic-net Cox (Breslow ties), alpha {}, lambda {} ({} of {} features selected)",
            fmt_num(c.alpha(), 2),
            fmt_num(c.lambda(), 4),
            c.selected().len(),
            c.coefficients().len()
        )
    } else if let Some(f) = m.get::<RandomSurvivalForest>() {
        let o = f.options();
        format!(
            "random survival forest: {} trees, log-rank splits, min {} in-bag rows per leaf",
            o.n_trees, o.min_leaf
        )
    } else if let Some(g) = m.get::<GbdtModel>() {
        let o = g.options();
        format!(
            "gradient-boosted trees: {} trees, learning rate {}, up to {} leaves, min {} rows per leaf",
            g.n_trees(),
            o.learning_rate,
            o.max_leaves,
            o.min_leaf
        )
    } else if let Some(network) = nn::describe(m) {
        network
    } else {
        format!("{} (model kind '{}')", m.contract().estimator().family(), m.tag())
    }
}
