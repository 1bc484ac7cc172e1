//! The Cox proportional-hazards analysis: R `coxph`'s fit (Efron, Breslow
//! or exact ties, strata, (start, stop] rows, case weights, robust standard
//! errors by cluster), its tests and concordance, and optionally the
//! proportional-hazards test of R's `cox.zph` (survival >= 3.0's score test,
//! or survival 2.x's approximation on request). As R, rows missing a model
//! variable are dropped and counted (or refused), aliased covariates get no
//! coefficient and a coefficient running to infinity is reported with a
//! warning; Firth's penalised likelihood is the remedy on request.

use std::time::Instant;

use osler_data::{Matrix, Schema, Table};
use osler_models::survival::{
    ChiSquareTest, CoxModel, CoxOptions, PhMethod, PhTestOptions, PhTransform, Singular, Ties,
};
use serde::Serialize;

use crate::analysis::AnalysisError;
use crate::analysis::columns::{codes, labels, recode};
use crate::analysis::cpu_time::Stopwatch;
use crate::error::PipelineError;
use crate::missing_rows::{MissingPolicy, MissingRows, drop_incomplete, first_missing};
use crate::survival_data::{
    SurvivalSpec, case_weights, complete_case_design_owned, default_covariates, survival_outcome,
};

/// What [`cox`] fits.
#[derive(Debug, Clone)]
pub struct CoxRequest {
    /// The outcome columns (with `start`: counting-process rows).
    pub outcome: SurvivalSpec,
    /// Covariates on their original scale; `None`: every other numeric feature column.
    pub covariates: Option<Vec<String>>,
    /// A separate baseline hazard per level of this column.
    pub strata: Option<String>,
    /// Cluster column for robust (sandwich) standard errors.
    pub cluster: Option<String>,
    /// Case-weight column (finite, >= 0), as R's `coxph(weights = )`.
    pub weights: Option<String>,
    /// Columns that must exist but are never default covariates.
    pub exclude: Vec<String>,
    /// How tied event times enter the partial likelihood.
    pub ties: Ties,
    /// Also test proportional hazards (R `cox.zph`).
    pub ph_test: bool,
    /// Rows missing a model variable (outcome, covariates, strata, cluster,
    /// weights): dropped and counted (R `na.omit`), or refused.
    pub missing: MissingPolicy,
    /// Fit by Firth's penalised partial likelihood (Heinze & Schemper 2001),
    /// which keeps separated covariates' coefficients finite.
    pub firth: bool,
    /// The transform of time and the statistic of that test.
    pub ph_options: PhTestOptions,
}

/// A fitted Cox model with its tests, as R's `summary(coxph(...))`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoxAnalysis {
    /// One row per design column.
    pub coefficients: Vec<CoxCoefficientRow>,
    /// Partial log-likelihood at the estimate.
    pub loglik: f64,
    /// Partial log-likelihood at beta = 0.
    pub loglik_null: f64,
    /// Harrell's C of the linear predictor (R's `concordance`).
    pub concordance: f64,
    /// Rows fitted.
    pub n: usize,
    /// Events among them (weighted with case weights).
    pub events: f64,
    /// Rows dropped because a model variable was missing (`missing.rows_dropped`).
    pub n_dropped_missing: usize,
    /// The missing-value policy and what it dropped, per column.
    pub missing: MissingRows,
    /// Fitted by Firth's penalised likelihood: `loglik` and `loglik_null` are
    /// then the penalised `l(b) + 0.5 log|I(b)|` (the likelihood-ratio test is
    /// `coxphf`'s), the standard errors `sqrt(diag I(b)^{-1})`.
    pub firth: bool,
    /// What the fit could not estimate, in words: aliased covariates and
    /// coefficients that may be infinite (R's warnings).
    pub warnings: Vec<String>,
    /// `efron`, `breslow` or `exact`.
    pub ties: String,
    /// The baseline cumulative hazard behind the model's survival curves:
    /// `efron` after an Efron fit, `breslow` after a Breslow or exact fit (R
    /// `survfit.coxph`'s default `ctype`).
    pub baseline_hazard: String,
    /// Newton-Raphson iterations.
    pub iterations: usize,
    /// Likelihood-ratio test of all coefficients = 0.
    pub likelihood_ratio_test: TestResult,
    /// Wald test of all coefficients = 0.
    pub wald_test: TestResult,
    /// Score (log-rank) test of all coefficients = 0.
    pub score_test: TestResult,
    /// Seconds spent on each step.
    pub timing: CoxTiming,
    /// The proportional-hazards test, when asked for.
    pub ph_test: Option<PhTestResult>,
}

/// One coefficient of a Cox model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoxCoefficientRow {
    /// The design column (a categorical covariate gives one per non-reference level).
    pub name: String,
    /// Aliased (constant, or a linear combination of the columns before it):
    /// not estimable, so every number of the row is `null` (R's `NA`).
    pub aliased: bool,
    /// The coefficient runs to infinity (monotone likelihood); the numbers
    /// are those of the last iterate, as R reports them.
    pub infinite: bool,
    /// Log hazard ratio.
    pub coef: f64,
    /// Hazard ratio exp(coef).
    pub exp_coef: f64,
    /// Model-based standard error of `coef`.
    pub se: f64,
    /// Robust (sandwich) standard error, with a cluster column.
    pub robust_se: Option<f64>,
    /// Wald z = coef / se (the robust se when there is one).
    pub z: f64,
    /// Two-sided p-value of `z`.
    pub p: f64,
    /// 95% confidence interval of the hazard ratio.
    pub exp_coef_ci95: [f64; 2],
}

/// A chi-square test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TestResult {
    /// The chi-square statistic.
    pub statistic: f64,
    /// Its degrees of freedom.
    pub df: usize,
    /// Its p-value.
    pub p: f64,
}

impl From<&ChiSquareTest> for TestResult {
    fn from(t: &ChiSquareTest) -> Self {
        TestResult { statistic: t.statistic, df: t.df, p: t.p_value }
    }
}

/// R `cox.zph`'s test: per covariate and global.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhTestResult {
    /// `score` (R survival >= 3.0) or `approximate` (survival 2.x).
    pub method: String,
    /// The transform of time: `km`, `rank`, `identity` or `log`.
    pub transform: String,
    /// One row per design column.
    pub covariates: Vec<PhTestRow>,
    /// The global test.
    pub global: TestResult,
}

/// The proportional-hazards test of one covariate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhTestRow {
    /// The design column.
    pub name: String,
    /// Correlation of its scaled Schoenfeld residuals with transformed time.
    pub rho: f64,
    /// Chi-square statistic.
    pub chisq: f64,
    /// Degrees of freedom.
    pub df: usize,
    /// P-value.
    pub p: f64,
}

/// Seconds of each step of [`cox`] (wall clock; CPU time of the fitting
/// thread where the system reports it, else `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct CoxTiming {
    /// From the caller's start (reading the data) to an outcome checked against the schema.
    pub read_seconds: f64,
    /// The fit alone (R's `coxph.fit` computes no concordance).
    pub fit_seconds: f64,
    /// CPU seconds of the fit.
    pub fit_cpu_seconds: Option<f64>,
    /// The model's concordance.
    pub concordance_seconds: f64,
    /// CPU seconds of the concordance.
    pub concordance_cpu_seconds: Option<f64>,
}

/// Fits a Cox model on the rows complete in every model variable and tests
/// it. `read_started` is when the caller began reading the data, so that
/// [`CoxTiming::read_seconds`] covers reading and checking it.
///
/// # Errors
/// [`AnalysisError`] naming the column, line or value at fault: missing
/// columns, values outside the schema, a bad outcome, no events, no
/// covariates, a missing value under [`MissingPolicy::Fail`], bad weights,
/// or a model that cannot be fitted (naming the feature).
pub fn cox(
    table: Table,
    schema: &Schema,
    request: &CoxRequest,
    read_started: Instant,
) -> Result<CoxAnalysis, AnalysisError> {
    let spec = &request.outcome;
    let mut exclude: Vec<&str> = vec![&spec.time, &spec.event];
    exclude.extend(spec.start.as_deref());
    exclude.extend(request.strata.as_deref());
    exclude.extend(request.cluster.as_deref());
    exclude.extend(request.weights.as_deref());
    exclude.extend(request.exclude.iter().map(String::as_str));
    let table = schema.conform(table, &exclude, false).map_err(PipelineError::from)?;
    let covariates = match &request.covariates {
        Some(c) => c.clone(),
        None => default_covariates(&table, schema, &exclude),
    };
    if covariates.is_empty() {
        return Err(AnalysisError::NoCovariates);
    }
    let mut model_vars: Vec<&str> = covariates.iter().map(String::as_str).collect();
    model_vars.extend(request.strata.as_deref());
    model_vars.extend(request.cluster.as_deref());
    model_vars.extend(request.weights.as_deref());
    let (table, mut missing) = drop_incomplete(table, spec, &model_vars, request.missing);
    if let Some((i, column)) = first_missing(&table, &covariates) {
        // Only under `Fail`: `Drop` left no incomplete row.
        return Err(PipelineError::MissingValue {
            source_name: table.source.clone(),
            location: table.locate(i),
            column,
        }
        .into());
    }
    let full = survival_outcome(&table, schema, spec)?;
    full.require_events(&table, spec)?;
    let read_seconds = read_started.elapsed().as_secs_f64();
    // Everything else the fit needs comes out of the table before the design
    // matrix consumes it (errors are reported after the design's).
    let all_codes = |col: &Option<String>| -> Option<Result<Vec<u32>, AnalysisError>> {
        col.as_ref().map(|c| labels(&table, c).map(|v| codes(&v)))
    };
    let strata = all_codes(&request.strata);
    let cluster = all_codes(&request.cluster);
    let weights = request.weights.as_ref().map(|w| case_weights(&table, w));
    let (x, names, kept) = complete_case_design_owned(table, schema, &covariates)?;
    let dropped = full.time.len() - kept.len();
    missing.add("covariates", dropped);
    let mut outcome = if dropped == 0 { full } else { full.select(&kept) };
    // Codes of the kept rows, dense in label order (as `codes` of their labels).
    let pick = |c: Option<Result<Vec<u32>, AnalysisError>>| {
        c.map(|r| r.map(|v| recode(kept.iter().map(|&i| v[i]).collect()))).transpose()
    };
    let opts = CoxOptions {
        ties: request.ties,
        strata: pick(strata)?,
        cluster: pick(cluster)?,
        weights: weights
            .map(|r| r.map(|v| if dropped == 0 { v } else { kept.iter().map(|&i| v[i]).collect() }))
            .transpose()?,
        start: outcome.start.take(),
        singular: Singular::Report,
        ..CoxOptions::default()
    };
    drop(kept);
    // The proportional-hazards test needs the covariates after the fit;
    // otherwise the fit takes them over (about half the peak memory).
    let clock = Stopwatch::start();
    let (deferred, kept_x) = if request.firth {
        let fit = CoxModel::fit_firth_deferred(&x, &outcome.time, &outcome.event, &opts);
        (fit, request.ph_test.then_some(x))
    } else if request.ph_test {
        (CoxModel::fit_deferred(&x, &outcome.time, &outcome.event, &opts), Some(x))
    } else {
        (CoxModel::fit_owned_deferred(x, &outcome.time, &outcome.event, &opts), None)
    };
    let deferred = deferred.map_err(|e| AnalysisError::model(e, &names))?;
    let (fit_seconds, fit_cpu_seconds) = clock.stop();
    let (aliased, infinite) = (deferred.aliased().to_vec(), deferred.infinite().to_vec());
    let fitted: Vec<usize> = (0..names.len()).filter(|j| !aliased.contains(j)).collect();
    let clock = Stopwatch::start();
    let fit = deferred.with_concordance();
    let (concordance_seconds, concordance_cpu_seconds) = clock.stop();
    let fitted_names: Vec<String> = fitted.iter().map(|&j| names[j].clone()).collect();
    let (terms, term_names) = terms_of(&fitted_names, &covariates);
    let ph = kept_x
        .map(|x| {
            let x = if aliased.is_empty() { x } else { columns(&x, &fitted) };
            let (time, event, test) = (&outcome.time, &outcome.event, &request.ph_options);
            fit.proportional_hazards_test_by_term(&x, time, event, &opts, test, &terms)
        })
        .transpose()
        .map_err(|e| AnalysisError::model(e, &fitted_names))?;
    let mut rows = fit.summary().into_iter();
    let coefficients: Vec<CoxCoefficientRow> = names
        .iter()
        .enumerate()
        .map(|(j, name)| match aliased.contains(&j) {
            true => CoxCoefficientRow::aliased(name),
            false => rows.next().map_or_else(
                || CoxCoefficientRow::aliased(name),
                |r| CoxCoefficientRow {
                    name: name.clone(),
                    aliased: false,
                    infinite: infinite.contains(&j),
                    coef: r.coef,
                    exp_coef: r.hazard_ratio,
                    se: r.se,
                    robust_se: r.robust_se,
                    z: r.z,
                    p: r.p_value,
                    exp_coef_ci95: r.hr_ci95,
                },
            ),
        })
        .collect();
    let warnings = warnings(&coefficients);
    let ph_test = ph.map(|p| PhTestResult {
        method: method_name(p.method).into(),
        transform: transform_name(p.transform).into(),
        covariates: p
            .covariates
            .iter()
            .zip(&term_names)
            .map(|(r, n)| PhTestRow {
                name: n.clone(),
                rho: r.rho,
                chisq: r.test.statistic,
                df: r.test.df,
                p: r.test.p_value,
            })
            .collect(),
        global: TestResult::from(&p.global),
    });
    Ok(CoxAnalysis {
        coefficients,
        loglik: fit.loglik(),
        loglik_null: fit.loglik_null(),
        concordance: fit.concordance().c_index,
        n: fit.n_obs(),
        events: fit.n_events(),
        n_dropped_missing: missing.rows_dropped,
        missing,
        firth: request.firth,
        warnings,
        ties: format!("{:?}", opts.ties).to_lowercase(),
        baseline_hazard: fit.baseline_type().name().into(),
        iterations: fit.iterations(),
        likelihood_ratio_test: TestResult::from(&fit.likelihood_ratio_test()),
        wald_test: TestResult::from(&fit.wald_test()),
        score_test: TestResult::from(&fit.score_test()),
        timing: CoxTiming {
            read_seconds,
            fit_seconds,
            fit_cpu_seconds,
            concordance_seconds,
            concordance_cpu_seconds,
        },
        ph_test,
    })
}

impl CoxCoefficientRow {
    /// The row of an aliased column: every number `NaN` (`null` in JSON).
    fn aliased(name: &str) -> Self {
        CoxCoefficientRow {
            name: name.into(),
            aliased: true,
            infinite: false,
            coef: f64::NAN,
            exp_coef: f64::NAN,
            se: f64::NAN,
            robust_se: None,
            z: f64::NAN,
            p: f64::NAN,
            exp_coef_ci95: [f64::NAN; 2],
        }
    }
}

/// The columns `keep` of `x`.
fn columns(x: &Matrix, keep: &[usize]) -> Matrix {
    let mut data = Vec::with_capacity(x.rows() * keep.len());
    keep.iter().for_each(|&j| data.extend_from_slice(x.col(j)));
    Matrix::from_column_major(x.rows(), keep.len(), data)
}

/// R's warnings for aliased covariates and coefficients that may be infinite.
fn warnings(rows: &[CoxCoefficientRow]) -> Vec<String> {
    let aliased = rows.iter().filter(|r| r.aliased).map(|r| {
        format!(
            "'{}' is aliased (constant, or a linear combination of the covariates before it): \
             it has no coefficient (R: NA) and the others are fitted without it",
            r.name
        )
    });
    let infinite = rows.iter().filter(|r| r.infinite).map(|r| {
        format!(
            "loglik converged before '{}' did: its coefficient may be infinite (monotone \
             likelihood: the events have the {} '{}' in their risk sets); the numbers shown are \
             the last iterate's. Firth's penalised likelihood gives a finite estimate",
            r.name,
            if r.coef > 0.0 { "largest" } else { "smallest" },
            r.name
        )
    });
    aliased.chain(infinite).collect()
}

/// The terms of the design (R's `assign`): the columns of each covariate,
/// in order (a categorical covariate's indicator columns `name=level`
/// form one term, tested together as R `cox.zph`), and each term's name:
/// the column's own for a one-column term, else the covariate's.
fn terms_of(names: &[String], covariates: &[String]) -> (Vec<Vec<usize>>, Vec<String>) {
    let mut terms: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
    for (j, name) in names.iter().enumerate() {
        let owner = covariates
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                name == *c || name.strip_prefix(c.as_str()).is_some_and(|r| r.starts_with('='))
            })
            .max_by_key(|(_, c)| c.len())
            .map(|(k, _)| k);
        match terms.iter_mut().find(|(o, _)| owner.is_some() && *o == owner) {
            Some((_, cols)) => cols.push(j),
            None => terms.push((owner, vec![j])),
        }
    }
    let term_names = terms
        .iter()
        .map(|(owner, cols)| match (owner, cols.as_slice()) {
            (Some(k), [_, _, ..]) => covariates[*k].clone(),
            _ => names[cols[0]].clone(),
        })
        .collect();
    (terms.into_iter().map(|(_, cols)| cols).collect(), term_names)
}

/// How the output names a [`PhMethod`].
fn method_name(m: PhMethod) -> &'static str {
    match m {
        PhMethod::Score => "score",
        PhMethod::Approximate => "approximate",
    }
}

/// How the output names a [`PhTransform`] (R's `transform` argument).
fn transform_name(t: PhTransform) -> &'static str {
    match t {
        PhTransform::Km => "km",
        PhTransform::Rank => "rank",
        PhTransform::Identity => "identity",
        PhTransform::Log => "log",
    }
}
