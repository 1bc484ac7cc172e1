//! The reports of an artifact's predictions and evaluations, one row per
//! patient with optional per-feature contributions: the objects
//! `osler predict --json` and `osler evaluate --json` print.

use std::collections::BTreeMap;

use osler_eval::BinaryMetrics;
use serde::Serialize;

use crate::analysis::intervals::MetricIntervals;
use crate::apply::{Explanation, Predictions, SurvivalEvaluation, SurvivalPredictions};

/// Binary predictions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictionReport {
    /// One row per patient, in input order.
    pub predictions: Vec<PredictionRow>,
    /// The artifact's decision threshold.
    pub threshold: f64,
    /// The level the probability is of.
    pub positive: String,
    /// How contributions add up, when they were asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<ExplanationNote>,
}

/// One patient's binary prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictionRow {
    /// 1-based row of the input.
    pub row: usize,
    /// The row's value of the id column, when one was named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Predicted probability of the positive level.
    pub probability: f64,
    /// 1 when the probability reaches the threshold.
    pub predicted_class: u8,
    /// The outcome level of `predicted_class`: the positive level for 1, the
    /// other for 0.
    pub predicted_level: String,
    /// Per-feature contributions to the log-odds, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contributions: Option<BTreeMap<String, f64>>,
}

/// The scale of the contributions of [`PredictionRow`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplanationNote {
    /// Exact (linear models) or TreeSHAP.
    pub method: &'static str,
    /// The log-odds before any feature.
    pub base_log_odds: f64,
    /// How the numbers add up.
    pub scale: &'static str,
}

impl PredictionReport {
    /// The report of `p`: probabilities of the level `levels[1]`, predicted
    /// classes 0 and 1 named `levels[0]` and `levels[1]`, and row `i` with
    /// `ids[i]` when given.
    pub fn new(p: &Predictions, levels: [&str; 2], ids: Option<&[String]>) -> Self {
        PredictionReport {
            predictions: (0..p.probability.len())
                .map(|i| PredictionRow {
                    row: i + 1,
                    id: row_id(ids, i),
                    probability: p.probability[i],
                    predicted_class: p.predicted_class[i],
                    predicted_level: levels[usize::from(p.predicted_class[i] == 1)].to_string(),
                    contributions: contributions(p.explanation.as_ref(), i),
                })
                .collect(),
            threshold: p.threshold,
            positive: levels[1].to_string(),
            explanation: p.explanation.as_ref().map(|e| ExplanationNote {
                method: e.method,
                base_log_odds: e.base,
                scale: "log-odds: base + sum(contributions) = logit(probability)",
            }),
        }
    }
}

/// Survival predictions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalPredictionReport {
    /// One row per patient, in input order.
    pub predictions: Vec<SurvivalPredictionRow>,
    /// The times of the survival probabilities.
    pub times: Vec<f64>,
    /// What the risk score is for this artifact's model.
    pub risk: &'static str,
    /// How the contributions were computed, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<SurvivalExplanationNote>,
}

/// How a survival prediction's contributions add up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalExplanationNote {
    /// The explanation method (e.g. exact log-hazard around the training means).
    pub method: &'static str,
    /// The base value: `base + sum(contributions) = risk`.
    pub base_risk: f64,
}

/// One patient's survival prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalPredictionRow {
    /// 1-based row of the input.
    pub row: usize,
    /// The row's value of the id column, when one was named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The risk score (higher = higher hazard).
    pub risk: f64,
    /// S(t | x) at each of the report's times.
    pub survival: Vec<f64>,
    /// Per-feature contributions to the risk score, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contributions: Option<BTreeMap<String, f64>>,
}

impl SurvivalPredictionReport {
    /// The report of `p`, row `i` with `ids[i]` when given.
    pub fn new(p: &SurvivalPredictions, ids: Option<&[String]>) -> Self {
        SurvivalPredictionReport {
            predictions: (0..p.risk.len())
                .map(|i| SurvivalPredictionRow {
                    row: i + 1,
                    id: row_id(ids, i),
                    risk: p.risk[i],
                    survival: p.survival[i].clone(),
                    contributions: contributions(p.explanation.as_ref(), i),
                })
                .collect(),
            times: p.times.clone(),
            risk: p.risk_description,
            explanation: p
                .explanation
                .as_ref()
                .map(|e| SurvivalExplanationNote { method: e.method, base_risk: e.base }),
        }
    }
}

/// Row `i`'s id, if the rows have ids.
fn row_id(ids: Option<&[String]>, i: usize) -> Option<String> {
    ids.and_then(|ids| ids.get(i)).cloned()
}

/// Row `i`'s contributions by feature name, if explained.
fn contributions(e: Option<&Explanation>, i: usize) -> Option<BTreeMap<String, f64>> {
    e.map(|e| e.feature_names.iter().cloned().zip(e.contributions[i].iter().copied()).collect())
}

/// A binary artifact's metrics on labelled data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationReport {
    /// The metric panel.
    pub metrics: BinaryMetrics,
    /// Rows evaluated.
    pub n: usize,
    /// Events among them.
    pub events: usize,
    /// The artifact's decision threshold.
    pub threshold: f64,
    /// The 95% interval of each metric, by name (absent where none).
    pub ci95: BTreeMap<String, [f64; 2]>,
    /// How the intervals were computed.
    pub ci_method: String,
}

impl EvaluationReport {
    /// The report of the panel `m` with its `intervals`.
    pub fn new(m: BinaryMetrics, intervals: &MetricIntervals) -> Self {
        EvaluationReport {
            metrics: m,
            n: m.n,
            events: m.events,
            threshold: m.threshold,
            ci95: intervals.ci95.clone(),
            ci_method: intervals.ci_method.clone(),
        }
    }
}

/// A survival artifact's metrics on labelled data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalEvaluationReport {
    /// `harrell_c`, `uno_c`, `integrated_brier` by name.
    pub metrics: BTreeMap<String, f64>,
    /// Rows evaluated.
    pub n: usize,
    /// Events among them.
    pub events: usize,
    /// The 95% interval of each metric, by name (absent where none).
    pub ci95: BTreeMap<String, [f64; 2]>,
    /// How the intervals were computed.
    pub ci_method: String,
}

impl SurvivalEvaluationReport {
    /// The report of `e` with its `intervals`.
    pub fn new(e: &SurvivalEvaluation, intervals: &MetricIntervals) -> Self {
        SurvivalEvaluationReport {
            metrics: e.metrics.iter().map(|&(k, v)| (k.to_string(), v)).collect(),
            n: e.n,
            events: e.events,
            ci95: intervals.ci95.clone(),
            ci_method: intervals.ci_method.clone(),
        }
    }
}
