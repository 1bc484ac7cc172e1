//! The metric panel of survival predictions made elsewhere: observed time and
//! event, a risk score and optionally predicted survival probabilities
//! `surv_<t>` (one column per time `t`), or an artifact's predictions on the
//! rows, scored as scikit-survival does:
//! Harrell's C, Uno's C, the cumulative/dynamic AUC(t) and its mean, the
//! Brier score at each time and the integrated Brier score, each with a
//! percentile bootstrap interval of the rows.

use std::collections::BTreeMap;

use osler_data::{Matrix, Schema, Table};
use osler_eval::EvalError;
use osler_eval::survival::{
    CensoringConvention, brier_score, check_eval_times, cumulative_dynamic_auc, harrell_c,
    integrated_brier_score, uno_c,
};
use serde::Serialize;

use super::AnalysisError;
use super::intervals::{IntervalSpec, bootstrap_intervals, replicates_words};
use super::metrics::score_column;
use crate::artifact::Artifact;
use crate::error::PipelineError;
use crate::survival_data::{SurvivalSpec, survival_outcome};
use crate::survival_train::eval_grid;

/// The prefix of a predicted-survival column: `surv_365` holds `S(365 | x)`.
pub const SURV_PREFIX: &str = "surv_";

/// What [`survival_metrics`] scores.
#[derive(Debug, Clone)]
pub struct SurvivalMetricsRequest {
    /// Time and event columns (`start` must be `None`: the IPCW metrics are
    /// defined for right-censored data).
    pub outcome: SurvivalSpec,
    /// Where the risk scores and survival probabilities come from.
    pub predictions: SurvivalPredictionSource,
    /// Evaluation times of AUC(t) and the Brier score; empty: the times of
    /// the `surv_<t>` columns, or an artifact's evaluation grid, or without
    /// either the 10%, ..., 80% quantiles of the observed times (the survival
    /// cross-validation's grid).
    pub times: Vec<f64>,
    /// Truncation time of Uno's C: only events before `tau` carry weight.
    pub tau: Option<f64>,
    /// Where the censoring survivor weights an event ([`CensoringConvention`]).
    pub convention: CensoringConvention,
    /// Bootstrap replicates and seed of the intervals.
    pub intervals: IntervalSpec,
}

/// Where [`survival_metrics`] reads the predictions.
#[derive(Debug, Clone)]
pub enum SurvivalPredictionSource {
    /// A risk-score column (higher = earlier event expected), and the
    /// `surv_<t>` columns of `S(t | x)` when the table has any.
    Columns {
        /// The risk-score column.
        risk: String,
    },
    /// A survival model's artifact, applied to the table's rows: its risk
    /// score and its survival curves at the evaluation times.
    Artifact(Box<Artifact>),
}

/// [`SurvivalPredictionSource`] with what each source needs at hand.
enum Source<'r> {
    Columns(&'r str),
    Artifact(&'r Artifact, Table),
}

/// `AUC(t)` at one time with its interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AucAt {
    /// The evaluation time.
    pub time: f64,
    /// Cumulative/dynamic AUC at `time` (`null` without a case or a control then).
    pub auc: Option<f64>,
    /// Percentile bootstrap 95% interval (`null` without one).
    pub ci95: Option<[f64; 2]>,
}

/// The Brier score at one time with its interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrierAt {
    /// The evaluation time.
    pub time: f64,
    /// IPCW Brier score of `S(time | x)` (`null` where `G = 0`).
    pub brier: Option<f64>,
    /// Percentile bootstrap 95% interval (`null` without one).
    pub ci95: Option<[f64; 2]>,
}

/// The metrics of a set of survival predictions; a metric that cannot be
/// computed on these data is `null` with its reason in `undefined`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalPredictionMetrics {
    /// Rows scored.
    pub n: usize,
    /// Events among them.
    pub events: usize,
    /// Harrell's C of the risk score (ties as R survival, lifelines and
    /// scikit-survival: tied risks 1/2, an event and a censoring at one time
    /// comparable, two events at one time not).
    pub harrell_c: Option<f64>,
    /// Uno's IPCW C (scikit-survival `concordance_index_ipcw`), truncated at `tau`.
    pub uno_c: Option<f64>,
    /// The truncation time of `uno_c` (`null`: none).
    pub tau: Option<f64>,
    /// Cumulative/dynamic AUC at each evaluation time.
    pub auc_t: Vec<AucAt>,
    /// The mean of `auc_t` weighted by the Kaplan-Meier event-time
    /// distribution (scikit-survival's `mean_auc`).
    pub mean_auc: Option<f64>,
    /// Brier score at each evaluation time (empty without `surv_<t>` columns).
    pub brier_t: Vec<BrierAt>,
    /// Integrated Brier score over the evaluation times (scikit-survival's
    /// `integrated_brier_score`: trapezoid rule over the grid divided by its span).
    pub ibs: Option<f64>,
    /// Percentile bootstrap 95% intervals of `harrell_c`, `uno_c`, `mean_auc`
    /// and `ibs` by name (absent where none).
    pub ci95: BTreeMap<String, [f64; 2]>,
    /// How the intervals were computed.
    pub ci_method: String,
    /// `at_time` (`1 / G(T_i)`, scikit-survival) or `left_limit` (`1 / G(T_i-)`,
    /// R survival and riskRegression): the censoring survivor weighting an event.
    pub ipcw_convention: &'static str,
    /// Why a metric is `null`, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub undefined: BTreeMap<&'static str, String>,
}

/// The columns of one scoring: outcome, risk, survival predictions.
struct Scored {
    time: Vec<f64>,
    event: Vec<bool>,
    risk: Vec<f64>,
    /// `S(times[k] | x_i)` in column `k`, when every time has a column.
    surv: Option<Matrix>,
}

/// Every metric of one set of rows at `times`, `None` where undefined.
struct Values {
    harrell: Option<f64>,
    uno: Option<f64>,
    auc: Vec<Option<f64>>,
    mean_auc: Option<f64>,
    /// Empty without survival predictions.
    brier: Vec<Option<f64>>,
    ibs: Option<f64>,
}

/// Why a metric is undefined, by name; a metric at several times keeps the
/// reason of each time that has one.
type Reasons = BTreeMap<&'static str, String>;

/// `Some(value)`, or `None` with the error's message added to `why[name]`.
fn kept<T>(r: Result<T, EvalError>, name: &'static str, why: &mut Reasons) -> Option<T> {
    r.map_err(|e| {
        let text = why.entry(name).or_default();
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(&e.to_string());
    })
    .ok()
}

impl Scored {
    fn rows(&self, idx: &[usize]) -> Scored {
        Scored {
            time: idx.iter().map(|&i| self.time[i]).collect(),
            event: idx.iter().map(|&i| self.event[i]).collect(),
            risk: idx.iter().map(|&i| self.risk[i]).collect(),
            surv: self.surv.as_ref().map(|m| m.select_rows(idx)),
        }
    }

    /// Every metric, each computed on its own so that one undefined metric
    /// (no comparable pair, no case at a time, `G = 0`) leaves the others.
    fn values(
        &self,
        times: &[f64],
        tau: Option<f64>,
        conv: CensoringConvention,
    ) -> (Values, Reasons) {
        let (t, e, risk) = (&self.time, &self.event, &self.risk);
        let mut why = Reasons::new();
        let harrell = kept(harrell_c(t, e, risk), "harrell_c", &mut why).map(|c| c.c);
        let uno = kept(uno_c(t, e, risk, tau, conv), "uno_c", &mut why).map(|c| c.c);
        let all = kept(cumulative_dynamic_auc(t, e, risk, times, conv), "mean_auc", &mut why);
        let auc = match &all {
            Some(a) => a.auc.iter().copied().map(Some).collect(),
            None => times
                .iter()
                .map(|&at| {
                    let a = cumulative_dynamic_auc(t, e, risk, &[at], conv);
                    kept(a, "auc_t", &mut why).map(|a| a.mean_auc)
                })
                .collect(),
        };
        let (brier, ibs) = match &self.surv {
            Some(m) => {
                let brier = (0..times.len())
                    .map(|k| kept(brier_score(t, e, m.col(k), times[k], conv), "brier_t", &mut why))
                    .collect();
                let ibs = if times.len() >= 2 {
                    kept(integrated_brier_score(t, e, m, times, conv), "ibs", &mut why)
                        .map(|b| b.ibs)
                } else {
                    why.insert("ibs", "the integrated Brier score needs at least two times".into());
                    None
                };
                (brier, ibs)
            }
            None => {
                let none = format!("no {SURV_PREFIX}<time> columns of S(t | x)");
                why.insert("brier_t", none.clone());
                why.insert("ibs", none);
                (Vec::new(), None)
            }
        };
        let mean_auc = all.map(|a| a.mean_auc);
        (Values { harrell, uno, auc, mean_auc, brier, ibs }, why)
    }
}

impl Values {
    /// `(name, value)` of every metric, NaN where undefined, in `names` order.
    fn named<'a>(&self, names: &'a Names) -> Vec<(&'a str, f64)> {
        let or_nan = |v: Option<f64>| v.unwrap_or(f64::NAN);
        let mut out = vec![
            ("harrell_c", or_nan(self.harrell)),
            ("uno_c", or_nan(self.uno)),
            ("mean_auc", or_nan(self.mean_auc)),
            ("ibs", or_nan(self.ibs)),
        ];
        out.extend(names.auc.iter().zip(&self.auc).map(|(n, &v)| (n.as_str(), or_nan(v))));
        out.extend(names.brier.iter().zip(&self.brier).map(|(n, &v)| (n.as_str(), or_nan(v))));
        out
    }
}

/// Bootstrap names of the per-time metrics: `auc@<t>`, `brier@<t>`.
struct Names {
    auc: Vec<String>,
    brier: Vec<String>,
}

/// Scores the survival predictions of `table` (scikit-survival's
/// definitions; see [`SurvivalPredictionMetrics`]).
///
/// # Errors
/// [`AnalysisError`] naming the column or line at fault: a column missing or
/// outside its schema, a bad time or event (negative, missing, an event code
/// other than the declared ones), a risk or `surv_<t>` value that is missing,
/// not numeric or (for `surv_<t>`) outside `[0, 1]`, evaluation times without
/// a matching `surv_<t>` column while others exist, evaluation times outside
/// the follow-up, or an artifact that cannot predict these rows (not a
/// survival model, features missing or outside its schema).
pub fn survival_metrics(
    table: Table,
    schema: &Schema,
    request: &SurvivalMetricsRequest,
) -> Result<SurvivalPredictionMetrics, AnalysisError> {
    let risk = match &request.predictions {
        SurvivalPredictionSource::Columns { risk } => Some(risk),
        SurvivalPredictionSource::Artifact(_) => None,
    };
    let surv_columns: Vec<(f64, String)> = match risk {
        Some(_) => table
            .columns
            .iter()
            .filter_map(|c| {
                let t: f64 = c.name.strip_prefix(SURV_PREFIX)?.parse().ok()?;
                Some((t, c.name.clone()))
            })
            .collect(),
        None => Vec::new(),
    };
    let mut required: Vec<&str> =
        [&request.outcome.time, &request.outcome.event].map(String::as_str).into();
    required.extend(risk.map(String::as_str));
    required.extend(surv_columns.iter().map(|(_, c)| c.as_str()));
    // An artifact reads its own columns from the table as given.
    let source = match &request.predictions {
        SurvivalPredictionSource::Columns { risk } => Source::Columns(risk),
        SurvivalPredictionSource::Artifact(art) => Source::Artifact(art, table.clone()),
    };
    let table = schema.conform(table, &required, false).map_err(PipelineError::from)?;
    let outcome = survival_outcome(&table, schema, &request.outcome)?;
    let (times, risk, surv) = match source {
        Source::Artifact(art, original) => {
            let p = art.predict_survival(original, &request.times, false)?;
            let (rows, cols) = (p.risk.len(), p.times.len());
            let data = (0..cols).flat_map(|k| p.survival.iter().map(move |s| s[k])).collect();
            (p.times, p.risk, Some(Matrix::from_column_major(rows, cols, data)))
        }
        Source::Columns(risk) => {
            let times = match (&request.times[..], &surv_columns[..]) {
                ([], []) => eval_grid(&outcome),
                ([], cols) => {
                    let mut t: Vec<f64> = cols.iter().map(|c| c.0).collect();
                    t.sort_by(f64::total_cmp);
                    t
                }
                (given, _) => given.to_vec(),
            };
            let surv = surv_matrix(&table, &surv_columns, &times)?;
            (times, score_column(&table, risk)?.to_vec(), surv)
        }
    };
    check_eval_times(&outcome.time, &times)?;
    let scored = Scored {
        event: outcome.event.iter().map(|&e| e == 1.0).collect(),
        time: outcome.time,
        risk,
        surv,
    };
    let conv = request.convention;
    let (estimates, undefined) = scored.values(&times, request.tau, conv);
    let names = Names {
        auc: times.iter().map(|t| format!("auc@{t}")).collect(),
        brier: times.iter().take(estimates.brier.len()).map(|t| format!("brier@{t}")).collect(),
    };
    let named = estimates.named(&names);
    let defined: Vec<(&str, f64)> = named.into_iter().filter(|(_, v)| !v.is_nan()).collect();
    let rows = scored.time.len();
    let mut ci95 = bootstrap_intervals(rows, &defined, request.intervals, |idx| {
        Some(scored.rows(idx).values(&times, request.tau, conv).0.named(&names))
    });
    let mut take = |name: &str| ci95.remove(name);
    let auc_t = times
        .iter()
        .zip(&estimates.auc)
        .zip(&names.auc)
        .map(|((&time, &auc), name)| AucAt { time, auc, ci95: take(name) })
        .collect();
    let brier_t = times
        .iter()
        .zip(&estimates.brier)
        .zip(&names.brier)
        .map(|((&time, &brier), name)| BrierAt { time, brier, ci95: take(name) })
        .collect();
    let spec = request.intervals;
    Ok(SurvivalPredictionMetrics {
        n: rows,
        events: scored.event.iter().filter(|&&e| e).count(),
        harrell_c: estimates.harrell,
        uno_c: estimates.uno,
        tau: request.tau,
        auc_t,
        mean_auc: estimates.mean_auc,
        brier_t,
        ibs: estimates.ibs,
        ci95,
        ci_method: match spec.replicates {
            0 => "none (0 bootstrap replicates)".to_string(),
            r => format!(
                "percentile bootstrap of the {rows} rows ({}); a replicate where a metric is \
                 undefined does not count for it",
                replicates_words(r, spec.seed)
            ),
        },
        ipcw_convention: match conv {
            CensoringConvention::AtTime => "at_time",
            CensoringConvention::LeftLimit => "left_limit",
        },
        undefined,
    })
}

/// The `surv_<t>` columns at `times` as a rows x times matrix (`None`
/// when the table has no such column).
fn surv_matrix(
    table: &Table,
    surv_columns: &[(f64, String)],
    times: &[f64],
) -> Result<Option<Matrix>, AnalysisError> {
    if surv_columns.is_empty() {
        return Ok(None);
    }
    let data = times
        .iter()
        .map(|&t| {
            let (_, name) = surv_columns.iter().find(|c| c.0 == t).ok_or_else(|| {
                AnalysisError::MissingColumn {
                    source_name: table.source.clone(),
                    column: format!("{SURV_PREFIX}{t}"),
                }
            })?;
            probability_column(table, name)
        })
        .collect::<Result<Vec<Vec<f64>>, AnalysisError>>()?;
    Ok(Some(Matrix::from_column_major(table.n_rows(), times.len(), data.concat())))
}

/// A `surv_<t>` column: numeric, no missing value, each value in `[0, 1]`.
fn probability_column(table: &Table, name: &str) -> Result<Vec<f64>, AnalysisError> {
    let v = score_column(table, name)?;
    match v.iter().position(|p| !(0.0..=1.0).contains(p)) {
        Some(i) => Err(AnalysisError::NotProbability {
            source_name: table.source.clone(),
            location: table.locate(i),
            column: name.to_string(),
            value: v[i],
        }),
        None => Ok(v.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(csv: &str, times: &[f64]) -> Result<SurvivalPredictionMetrics, AnalysisError> {
        let t = osler_data::read_csv_bytes(csv.as_bytes(), "s.csv").expect("csv");
        let s = Schema::infer(&t).expect("schema");
        let request = SurvivalMetricsRequest {
            outcome: SurvivalSpec {
                time: "time".into(),
                event: "event".into(),
                event_level: None,
                start: None,
            },
            predictions: SurvivalPredictionSource::Columns { risk: "risk".into() },
            times: times.to_vec(),
            tau: None,
            convention: CensoringConvention::AtTime,
            intervals: IntervalSpec { replicates: 0, seed: 1 },
        };
        survival_metrics(t, &s, &request)
    }

    // scikit-survival tests/test_metrics.py::UnoCFailureCases::data_zero_prob_*: the
    // last time censored and tied with an event makes G = 0 there; scikit-survival
    // refuses the call, osler nulls Uno's C alone and keeps the metrics that do
    // not weight that event.
    #[test]
    fn a_zero_censoring_survivor_nulls_only_what_it_weights() {
        let csv = "time,event,risk,surv_3,surv_5\n1,1,5,0.5,0.4\n3,0,8,0.6,0.5\n5,0,13,0.7,0.3\n\
                   7,1,11,0.2,0.1\n12,1,9,0.9,0.8\n13,0,7,0.5,0.5\n19,1,4,0.4,0.3\n19,0,4,0.4,0.3\n";
        let m = run(csv, &[3.0, 5.0]).expect("the panel");
        assert_eq!(m.uno_c, None);
        assert!(m.undefined["uno_c"].contains("censoring survivor G is 0 at time 19"));
        // Harrell: 9 concordant, 5 discordant, 1 tied of 15 (concordance_index_censored).
        assert_eq!(m.harrell_c, Some(9.5 / 15.0));
        assert!(m.auc_t.iter().all(|a| a.auc.is_some()) && m.ibs.is_some());
        assert!(m.ci95.is_empty() && m.ci_method.starts_with("none"));
    }

    #[test]
    fn without_surv_columns_the_brier_scores_are_absent_with_the_reason() {
        let csv = "time,event,risk\n1,1,5\n3,0,8\n5,1,13\n7,1,11\n12,0,9\n";
        let m = run(csv, &[]).expect("the panel");
        assert!(m.brier_t.is_empty() && m.ibs.is_none());
        assert_eq!(m.undefined["ibs"], "no surv_<time> columns of S(t | x)");
        // The grid is the 10%..80% quantiles of the observed times (1 + 0.4 * 2 first).
        let first = m.auc_t.first().map_or(f64::NAN, |a| a.time);
        assert!((first - 1.8).abs() < 1e-12, "{first}");
        let e = run(csv, &[12.0]).expect_err("12 is the last time");
        assert!(e.to_string().contains("must lie in [1, 12)"), "{e}");
    }
}
