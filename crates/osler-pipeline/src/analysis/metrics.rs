//! The metric panel of saved predictions: a 0/1 (or two-level) label column
//! and a predicted-probability column, scored with
//! [`osler_eval::binary_metrics`] and DeLong's interval of the AUROC.

use osler_data::{ColumnData, Schema, Table};
use osler_eval::{BinaryMetrics, auroc_ci_delong, binary_metrics};
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PredictionMetrics {
    /// The panel (AUROC, average precision, Brier, log loss, calibration, ...).
    #[serde(flatten)]
    pub metrics: BinaryMetrics,
    /// DeLong 95% confidence interval of the AUROC.
    pub auroc_ci95_delong: [f64; 2],
}

/// Scores the `score` column against the `label` column of `table`.
///
/// # Errors
/// [`AnalysisError`] naming the column or line at fault: a column missing or
/// outside its schema, a label that is not binary, a score column that is
/// not numeric or has a missing value, or metrics that are undefined
/// (e.g. a single class).
pub fn score_metrics(
    table: Table,
    schema: &Schema,
    request: &MetricsRequest,
) -> Result<PredictionMetrics, AnalysisError> {
    let table = schema.conform(table, &[&request.label, &request.score], false)?;
    let (y, _) = osler_data::target::binary_target(
        &table,
        schema,
        &request.label,
        request.positive.as_deref(),
    )?;
    let col = table.column(&request.score).ok_or_else(|| AnalysisError::MissingColumn {
        source_name: table.source.clone(),
        column: request.score.clone(),
    })?;
    let ColumnData::Numeric(p) = &col.data else {
        return Err(AnalysisError::ScoreNotNumeric {
            source_name: table.source.clone(),
            column: request.score.clone(),
        });
    };
    if let Some(i) = p.iter().position(|v| v.is_nan()) {
        return Err(AnalysisError::MissingScore {
            source_name: table.source.clone(),
            line: table.lines[i],
            column: request.score.clone(),
        });
    }
    let y: Vec<bool> = y.iter().map(|&v| v == 1.0).collect();
    let metrics = binary_metrics(&y, p, request.threshold)?;
    let ci = auroc_ci_delong(&y, p, 0.95)?;
    Ok(PredictionMetrics { metrics, auroc_ci95_delong: [ci.lower, ci.upper] })
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
}
