//! The metric panel of saved predictions: a 0/1 (or two-level) label column
//! and a predicted-probability column, scored with
//! [`osler_eval::binary_panel`] and DeLong's interval of the AUROC. Labels of
//! one class still get every metric that is defined; the others are `null`
//! with their reason.

use std::collections::BTreeMap;

use osler_data::{ColumnData, DataError, Schema, Table};
use osler_eval::{BinaryMetrics, Undefined, auroc_ci_delong, binary_panel};
use serde::Serialize;

use super::AnalysisError;

/// Which columns to score.
#[derive(Debug, Clone)]
pub struct MetricsRequest {
    /// Outcome column (0/1, or two levels with `positive`).
    pub label: String,
    /// Predicted probability column.
    pub score: String,
    /// The event level of a text label.
    pub positive: Option<String>,
    /// Threshold of the confusion-matrix metrics: positive iff p >= threshold.
    pub threshold: f64,
}

/// The metrics of a set of predictions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictionMetrics {
    /// The panel (AUROC, average precision, Brier, log loss, calibration, ...);
    /// an undefined metric is `null`.
    #[serde(flatten)]
    pub metrics: BinaryMetrics,
    /// DeLong 95% confidence interval of the AUROC (`null` with fewer than 2
    /// positive or 2 negative labels).
    pub auroc_ci95_delong: Option<[f64; 2]>,
    /// Why each `null` metric is undefined, by name (absent when all are defined).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub undefined: BTreeMap<&'static str, Undefined>,
}

/// The numeric values of a score column, each present (a missing one is an
/// error naming its line).
pub(super) fn score_column<'t>(table: &'t Table, name: &str) -> Result<&'t [f64], AnalysisError> {
    let col = table.column(name).ok_or_else(|| AnalysisError::MissingColumn {
        source_name: table.source.clone(),
        column: name.to_string(),
    })?;
    let ColumnData::Numeric(p) = &col.data else {
        return Err(AnalysisError::ScoreNotNumeric {
            source_name: table.source.clone(),
            column: name.to_string(),
        });
    };
    if let Some(i) = p.iter().position(|v| v.is_nan()) {
        return Err(AnalysisError::MissingScore {
            source_name: table.source.clone(),
            line: table.lines[i],
            column: name.to_string(),
        });
    }
    Ok(p)
}

/// Whether the one level of a single-class label column is the event: the
/// `positive` level when given, else a numeric label's 1 (0: no event);
/// `None` when that cannot be told (the label is then refused).
fn single_class_is_event(e: &DataError, positive: Option<&str>) -> Option<bool> {
    let DataError::SingleClass { level, .. } = e else { return None };
    match (positive, level.parse::<f64>()) {
        (Some(p), _) => Some(p.split(',').any(|q| q.trim() == level)),
        (None, Ok(v)) if v == 1.0 || v == 0.0 => Some(v == 1.0),
        _ => None,
    }
}

/// Scores the `score` column against the `label` column of `table`.
///
/// # Errors
/// [`AnalysisError`] naming the column or line at fault: a column missing or
/// outside its schema, a label that is not binary, a score column that is
/// not numeric, has a missing value or a value outside `[0, 1]`. Labels of
/// one class are not an error ([`PredictionMetrics::undefined`]).
pub fn score_metrics(
    table: Table,
    schema: &Schema,
    request: &MetricsRequest,
) -> Result<PredictionMetrics, AnalysisError> {
    let table = schema.conform(table, &[&request.label, &request.score], false)?;
    let y = match osler_data::target::binary_target(
        &table,
        schema,
        &request.label,
        request.positive.as_deref(),
    ) {
        Ok((y, _)) => y.iter().map(|&v| v == 1.0).collect(),
        Err(e) => {
            let is_event = single_class_is_event(&e, request.positive.as_deref()).ok_or(e)?;
            vec![is_event; table.n_rows()]
        }
    };
    let p = score_column(&table, &request.score)?;
    let panel = binary_panel(&y, p, request.threshold)?;
    let mut undefined = panel.undefined;
    let (pos, neg) = (panel.metrics.events, panel.metrics.n - panel.metrics.events);
    let auroc_ci95_delong = if pos >= 2 && neg >= 2 {
        let ci = auroc_ci_delong(&y, p, 0.95)?;
        Some([ci.lower, ci.upper])
    } else {
        undefined.insert("auroc_ci95_delong", Undefined::TooFewForDelong);
        None
    };
    Ok(PredictionMetrics { metrics: panel.metrics, auroc_ci95_delong, undefined })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(csv: &str) -> Result<PredictionMetrics, AnalysisError> {
        let t = osler_data::read_csv_bytes(csv.as_bytes(), "p.csv").expect("csv");
        let s = Schema::infer(&t).expect("schema");
        let request =
            MetricsRequest { label: "y".into(), score: "p".into(), positive: None, threshold: 0.5 };
        score_metrics(t, &s, &request)
    }

    #[test]
    fn a_perfect_ranking_has_auroc_one() {
        let m = run("y,p\n0,0.1\n0,0.2\n1,0.8\n1,0.9\n").expect("metrics");
        assert_eq!(m.metrics.auroc, 1.0);
        assert_eq!((m.metrics.n, m.metrics.events), (4, 2));
    }

    #[test]
    fn a_missing_score_names_its_line() {
        let e = run("y,p\n0,0.1\n1,\n1,0.9\n").expect_err("missing score");
        assert!(matches!(e, AnalysisError::MissingScore { line: 3, .. }), "{e}");
        assert_eq!(e.to_string(), "p.csv: line 3, column 'p': the score is missing");
    }

    // scikit-learn sklearn/metrics/tests/test_ranking.py: roc_auc_score raises
    // "Only one class present in y_true"; the panel keeps every other metric.
    #[test]
    fn one_class_gives_the_defined_metrics_and_the_reasons() {
        let m = run("y,p\n0,0.2\n0,0.6\n0,0.9\n").expect("one class is not an error");
        assert!(m.metrics.auroc.is_nan() && m.auroc_ci95_delong.is_none());
        let json = serde_json::to_value(&m).expect("json");
        assert!(json["auroc"].is_null() && json["auroc_ci95_delong"].is_null());
        assert!((json["brier"].as_f64().expect("brier") - 0.4033333333333333).abs() < 1e-15);
        assert_eq!(json["average_precision"], 0.0);
        assert_eq!(json["undefined"]["auroc"], "only one class in the labels");
        assert_eq!(
            json["undefined"]["auroc_ci95_delong"],
            "DeLong's variance needs at least 2 positive and 2 negative labels"
        );
    }

    #[test]
    fn a_single_text_level_needs_positive() {
        let csv = "y,p\nno,0.2\nno,0.6\n";
        let t = osler_data::read_csv_bytes(csv.as_bytes(), "p.csv").expect("csv");
        let s = Schema::infer(&t).expect("schema");
        let mut request =
            MetricsRequest { label: "y".into(), score: "p".into(), positive: None, threshold: 0.5 };
        let e = score_metrics(t.clone(), &s, &request).expect_err("which level is the event?");
        assert!(matches!(e, AnalysisError::Data(DataError::SingleClass { .. })), "{e}");
        request.positive = Some("yes".into());
        let m = score_metrics(t, &s, &request).expect("all negative");
        assert_eq!((m.metrics.events, m.metrics.average_precision), (0, 0.0));
    }

    #[test]
    fn normal_data_keeps_the_fields() {
        let m = run("y,p\n0,0.1\n0,0.7\n1,0.4\n1,0.9\n").expect("metrics");
        let json = serde_json::to_value(&m).expect("json");
        assert!(json.get("undefined").is_none());
        assert_eq!(json["auroc_ci95_delong"].as_array().map(Vec::len), Some(2));
    }
}
