//! The text of a training run: the model and its data, the cross-validated
//! metrics, and the model's own table (coefficients, per-class coefficients,
//! importances).

use std::fmt::Write;

use osler_pipeline::cv::CI_LABEL;
use osler_pipeline::summary::{ModelSummary, TrainingReport};

use crate::format::{fmt_interval, fmt_num, fmt_p};

/// Coefficients listed per class of a multinomial model.
const CLASS_COEFFICIENTS_SHOWN: usize = 10;

/// One row of the coefficient table: name, coef, SE, z, p, exp(coef) and its
/// interval (NaN and `None` where the model has no such statistic).
struct CoefficientRow<'a> {
    name: &'a str,
    coef: f64,
    se: f64,
    z: f64,
    p: f64,
    exp: f64,
    exp_ci: Option<[f64; 2]>,
}

/// The whole text `osler train` prints for `r` (without `--json`).
pub fn training(r: &TrainingReport) -> String {
    let mut out = String::new();
    header(&mut out, r);
    warnings(&mut out, r);
    cv_table(&mut out, r);
    model_table(&mut out, &r.summary);
    out
}

fn header(out: &mut String, r: &TrainingReport) {
    let outcome = match &r.classes {
        Some(classes) => format!("classes {}", classes.join(", ")),
        None => format!("event = '{}'", r.positive),
    };
    // A sequence model's rows are its patients (each a sequence of visits).
    let sequences =
        osler_pipeline::registry::kind(r.model).is_some_and(|k| k.capabilities.sequence_input);
    let rows = if sequences { "patients" } else { "rows" };
    let counts = match &r.classes {
        Some(_) => format!("{} {rows}", r.data.rows),
        None => format!("{} {rows}, {} events", r.data.rows, r.data.events),
    };
    let _ = writeln!(
        out,
        "{} model for '{}' ({outcome}) from {} ({counts})",
        r.model, r.target, r.data.source
    );
    let _ = writeln!(out, "artifact: {}\n", r.artifact);
}

/// The training data's warnings (e.g. possible leakage), one line each.
fn warnings(out: &mut String, r: &TrainingReport) {
    for w in &r.warnings {
        let _ = writeln!(out, "warning: {}", w.message());
    }
    if !r.warnings.is_empty() {
        out.push('\n');
    }
}

fn cv_table(out: &mut String, r: &TrainingReport) {
    let Some(cv) = &r.cv else { return };
    let threshold =
        cv.threshold.map(|t| format!(", threshold {}", fmt_num(t, 3))).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}-fold cross-validation x {}{threshold}: mean and SD over folds, pooled out-of-fold value",
        cv.folds, cv.repeats
    );
    let _ = writeln!(out, "{}", cv.ci_description());
    let _ = writeln!(
        out,
        "{:<24} {:>10} {:>10} {:>24} {:>10}",
        "metric", "mean", "sd", CI_LABEL, "pooled"
    );
    for (name, s) in &cv.metrics {
        let _ = writeln!(
            out,
            "{name:<24} {:>10} {:>10} {:>24} {:>10}",
            fmt_num(s.mean, 4),
            fmt_num(s.sd, 2),
            fmt_interval(s.ci95, 4),
            fmt_num(s.pooled, 4)
        );
    }
    out.push('\n');
}

fn model_table(out: &mut String, summary: &ModelSummary) {
    let nan = f64::NAN;
    match summary {
        ModelSummary::Logistic { coefficients, loglik, loglik_null, .. } => {
            let rows = coefficients.iter().map(|c| CoefficientRow {
                name: &c.name,
                coef: c.coef,
                se: c.se.unwrap_or(nan),
                z: c.z.unwrap_or(nan),
                p: c.p.unwrap_or(nan),
                exp: c.odds_ratio,
                exp_ci: c.odds_ratio_ci95,
            });
            coefficient_table(out, rows, *loglik, *loglik_null);
        }
        ModelSummary::Cox { coefficients, loglik, loglik_null, baseline_hazard, .. } => {
            let rows = coefficients.iter().map(|c| CoefficientRow {
                name: &c.name,
                coef: c.coef,
                se: c.se,
                z: c.z,
                p: c.p,
                exp: c.hazard_ratio,
                exp_ci: Some(c.hazard_ratio_ci95),
            });
            coefficient_table(out, rows, *loglik, *loglik_null);
            let _ = writeln!(out, "survival curves: {baseline_hazard}-type baseline hazard");
        }
        // Penalised fits have no SEs or likelihoods to show.
        ModelSummary::Coxnet { coefficients, .. } => {
            let rows = coefficients.iter().map(|c| penalised(&c.name, c.coef, c.hazard_ratio));
            coefficient_table(out, rows, nan, nan);
        }
        ModelSummary::Enet(e) => {
            let rows = e.coefficients.iter().map(|c| penalised(&c.name, c.coef, c.odds_ratio));
            coefficient_table(out, rows, nan, nan);
        }
        ModelSummary::Multinomial(m) => {
            let _ = writeln!(
                out,
                "non-zero coefficients per class (largest |coef| first, at most {CLASS_COEFFICIENTS_SHOWN}):"
            );
            for c in &m.class_coefficients {
                let shown: Vec<String> = c
                    .coefficients
                    .iter()
                    .take(CLASS_COEFFICIENTS_SHOWN)
                    .map(|b| format!("{} {}", b.name, fmt_num(b.coef, 4)))
                    .collect();
                let _ = writeln!(out, "  {}: {}", c.class, shown.join(", "));
            }
        }
        ModelSummary::Gbdt { importance, .. } => {
            let shares = importance.iter().map(|g| (g.name.as_str(), g.gain));
            importance_table(out, "gain share", shares);
        }
        ModelSummary::Rsf { importance, .. } => {
            let shares = importance.iter().map(|s| (s.name.as_str(), s.split_share));
            importance_table(out, "split share", shares);
        }
        ModelSummary::Network { .. } => {}
    }
}

/// A penalised coefficient's row: no SE, z, p or interval (none exist for it).
fn penalised(name: &str, coef: f64, exp: f64) -> CoefficientRow<'_> {
    let nan = f64::NAN;
    CoefficientRow { name, coef, se: nan, z: nan, p: nan, exp, exp_ci: None }
}

fn coefficient_table<'a>(
    out: &mut String,
    rows: impl Iterator<Item = CoefficientRow<'a>>,
    loglik: f64,
    loglik_null: f64,
) {
    let _ = writeln!(
        out,
        "{:<28} {:>11} {:>10} {:>8} {:>10} {:>10} {:>22}",
        "", "coef", "se", "z", "p", "exp(coef)", "exp(coef) 95% CI"
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{:<28} {:>11} {:>10} {:>8} {:>10} {:>10} {:>22}",
            r.name,
            fmt_num(r.coef, 5),
            fmt_num(r.se, 4),
            fmt_num(r.z, 3),
            fmt_p(r.p),
            fmt_num(r.exp, 4),
            fmt_interval(r.exp_ci, 4)
        );
    }
    let _ =
        writeln!(out, "log-likelihood {}  (null {})", fmt_num(loglik, 8), fmt_num(loglik_null, 8));
}

/// Importances, largest first (ties keep the design order).
fn importance_table<'a>(
    out: &mut String,
    what: &str,
    shares: impl Iterator<Item = (&'a str, f64)>,
) {
    let mut rows: Vec<(&str, f64)> = shares.collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let _ = writeln!(out, "{:<28} {:>10}", "feature", what);
    for (name, share) in rows {
        let _ = writeln!(out, "{name:<28} {:>10}", fmt_num(share, 3));
    }
}
