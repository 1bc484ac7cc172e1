//! The weighted log-rank family between the groups of a table (R
//! `survdiff`, lifelines `multivariate_logrank_test`), with strata, entry
//! times and case weights.

use osler_data::{Schema, Table};
use osler_models::survival::{LogRankOptions, Weighting, logrank_test_with};
use serde::Serialize;

use super::{AnalysisError, prepare};
use crate::analysis::columns::{codes, labels};
use crate::missing_rows::{MissingPolicy, MissingRows};
use crate::survival_data::{SurvivalSpec, case_weights};

/// What [`logrank`] tests.
#[derive(Debug, Clone)]
pub struct LogrankRequest {
    /// The outcome columns; a start column holds entry times (a row is at
    /// risk on (start, time], the counting-process risk set).
    pub outcome: SurvivalSpec,
    /// Rows missing the outcome, group, strata or weight: dropped and counted, or refused.
    pub missing: MissingPolicy,
    /// The groups to compare.
    pub group: String,
    /// Stratify the test by this column.
    pub strata: Option<String>,
    /// Case-weight column (finite, >= 0), as lifelines' `weights`.
    pub weights: Option<String>,
    /// The weight of each event time; R's `survdiff(rho = r)` is
    /// `FlemingHarrington { p: r, q: 0 }`.
    pub weighting: Weighting,
}

/// The k-group (optionally stratified) weighted log-rank test, as R's
/// `survdiff` and lifelines' `multivariate_logrank_test`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogrankAnalysis {
    /// Chi-square statistic.
    pub chisq: f64,
    /// Degrees of freedom (groups - 1).
    pub df: usize,
    /// P-value of `chisq` on `df` degrees of freedom.
    pub p: f64,
    /// R's `survdiff` rho when the weighting is one of its `G^rho` tests
    /// (0 for the log-rank test), else `None`.
    pub rho: Option<f64>,
    /// The weighting's name: `logrank`, `wilcoxon`, `tarone-ware`, `peto`,
    /// `modified-peto` or `fleming-harrington`.
    pub weighting: String,
    /// Fleming-Harrington exponents `p` and `q` of `S(t-)^p (1 - S(t-))^q`
    /// (`None` for the other weightings).
    pub fh_p: Option<f64>,
    /// See [`LogrankAnalysis::fh_p`].
    pub fh_q: Option<f64>,
    /// The entry-time column when rows are left-truncated, else `None`.
    pub entry: Option<String>,
    /// The case-weight column, else `None`.
    pub weights: Option<String>,
    /// Group labels, sorted.
    pub groups: Vec<String>,
    /// Patients (rows) per group, unweighted.
    pub n: Vec<f64>,
    /// Observed events per group (weighted by the test's weights and the case weights).
    pub observed: Vec<f64>,
    /// Expected events per group under no difference.
    pub expected: Vec<f64>,
    /// Rows dropped for a missing value (R `na.omit`).
    pub missing: MissingRows,
}

/// The weighted log-rank test between the levels of the group column,
/// stratified if asked, on left-truncated rows when the outcome has a start
/// column, with case weights when asked.
///
/// # Errors
/// [`AnalysisError`] naming the column, line or value at fault.
pub fn logrank(
    table: Table,
    schema: &Schema,
    request: &LogrankRequest,
) -> Result<LogrankAnalysis, AnalysisError> {
    let mut extra: Vec<&str> = vec![&request.group];
    extra.extend(request.strata.as_deref());
    extra.extend(request.weights.as_deref());
    let (table, outcome, missing) =
        prepare(table, schema, &request.outcome, &extra, request.missing)?;
    outcome.require_events(&table, &request.outcome)?;
    let groups = labels(&table, &request.group)?;
    let strata =
        request.strata.as_ref().map(|s| labels(&table, s).map(|v| codes(&v))).transpose()?;
    let weights = request.weights.as_ref().map(|w| case_weights(&table, w)).transpose()?;
    let options = LogRankOptions {
        strata: strata.as_deref(),
        entry: outcome.start.as_deref(),
        weights: weights.as_deref(),
        weighting: request.weighting,
    };
    let t = logrank_test_with(&outcome.time, &outcome.event, &groups, &options)
        .map_err(|e| AnalysisError::model(e, &[]))?;
    let (rho, fh_p, fh_q) = match t.weighting {
        Weighting::LogRank => (Some(0.0), None, None),
        Weighting::FlemingHarrington { p, q } => ((q == 0.0).then_some(p), Some(p), Some(q)),
        _ => (None, None, None),
    };
    Ok(LogrankAnalysis {
        chisq: t.chisq,
        df: t.df,
        p: t.p_value,
        rho,
        weighting: t.weighting.name().to_string(),
        fh_p,
        fh_q,
        entry: request.outcome.start.clone(),
        weights: request.weights.clone(),
        groups: t.groups,
        n: t.n,
        observed: t.observed,
        expected: t.expected,
        missing,
    })
}
