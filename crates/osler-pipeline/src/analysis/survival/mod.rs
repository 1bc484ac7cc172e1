//! The classical survival analyses, with R `survival`'s definitions:
//! Kaplan-Meier curves ([`kaplan_meier`], Greenwood standard errors,
//! pointwise intervals, medians), the log-rank / Fleming-Harrington test
//! ([`logrank`]) and the Cox proportional-hazards model ([`cox()`]).
//!
//! Each takes a table with its schema, checks it against the schema, reads
//! the survival outcome ([`crate::survival_data::survival_outcome`]) and
//! returns a serialisable result.

mod cox;

use osler_data::{Schema, Table};
use osler_models::survival::{ConfType, KaplanMeier, logrank_test};
use serde::Serialize;

use super::AnalysisError;
use super::columns::{codes, labels, levels};
use crate::error::PipelineError;
use crate::survival_data::{SurvivalOutcome, SurvivalSpec, survival_outcome};

pub use cox::{
    CoxAnalysis, CoxCoefficientRow, CoxRequest, CoxTiming, PhTestResult, PhTestRow, TestResult, cox,
};

/// Conforms `table` to `schema` (the outcome columns and `extra` required)
/// and reads the survival outcome.
fn prepare(
    table: Table,
    schema: &Schema,
    spec: &SurvivalSpec,
    extra: &[&str],
) -> Result<(Table, SurvivalOutcome), AnalysisError> {
    let mut required: Vec<&str> = vec![&spec.time, &spec.event];
    required.extend(spec.start.as_deref());
    required.extend(extra);
    let table = schema.conform(table, &required, false).map_err(PipelineError::from)?;
    let outcome = survival_outcome(&table, schema, spec)?;
    Ok((table, outcome))
}

/// What [`kaplan_meier`] estimates.
#[derive(Debug, Clone)]
pub struct KmRequest {
    /// The outcome columns (a start column, if any, must exist but is not used).
    pub outcome: SurvivalSpec,
    /// One curve per level of this column (sorted levels); `None`: one curve.
    pub group: Option<String>,
    /// Transform of the pointwise confidence intervals.
    pub conf_type: ConfType,
    /// Extra times at which to report survival and the numbers at risk.
    pub times: Vec<f64>,
}

/// Kaplan-Meier curves, one per group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KmAnalysis {
    /// One entry per group, in sorted level order (`all` without a group).
    pub groups: Vec<KmGroup>,
    /// The interval transform: `log`, `loglog` or `plain`.
    pub conf_type: String,
}

/// One Kaplan-Meier curve, at its distinct event and censoring times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KmGroup {
    /// `COLUMN=LEVEL`, or `all`.
    pub group: String,
    /// Patients (rows) in the group.
    pub n: f64,
    /// Events in the group.
    pub events: f64,
    /// Distinct times.
    pub time: Vec<f64>,
    /// Survival S(t) just after each time.
    pub survival: Vec<f64>,
    /// Greenwood standard error of S(t) (`None` where S(t) = 0).
    pub se: Vec<Option<f64>>,
    /// Numbers at risk just before each time.
    pub at_risk: Vec<f64>,
    /// Events at each time.
    pub n_event: Vec<f64>,
    /// Censorings at each time.
    pub n_censor: Vec<f64>,
    /// Lower 95% pointwise bound (`None` where undefined).
    pub lower: Vec<Option<f64>>,
    /// Upper 95% pointwise bound.
    pub upper: Vec<Option<f64>>,
    /// Nelson-Aalen cumulative hazard at each time.
    pub cumulative_hazard: Vec<f64>,
    /// Median survival time (`None`: not reached).
    pub median: Option<f64>,
    /// 95% confidence interval of the median (R's `survfit` rule; `None`: not reached).
    pub median_ci95: [Option<f64>; 2],
    /// Survival and numbers at risk at the requested times (`None` when none were asked).
    pub at_times: Option<KmAtTimes>,
}

/// Survival and numbers at risk at chosen times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KmAtTimes {
    /// The requested times.
    pub time: Vec<f64>,
    /// S(t) at each time.
    pub survival: Vec<f64>,
    /// Numbers at risk at each time.
    pub at_risk: Vec<f64>,
}

/// Kaplan-Meier curves (Greenwood standard errors, pointwise 95% intervals
/// with the chosen transform, medians with R's confidence interval), one per
/// level of the group column.
///
/// # Errors
/// [`AnalysisError`] naming the column, line or value at fault: a column
/// missing, a value outside the schema, a bad outcome, a missing group value.
pub fn kaplan_meier(
    table: Table,
    schema: &Schema,
    request: &KmRequest,
) -> Result<KmAnalysis, AnalysisError> {
    let extra: Vec<&str> = request.group.iter().map(String::as_str).collect();
    let (table, outcome) = prepare(table, schema, &request.outcome, &extra)?;
    let groups: Vec<(String, Vec<usize>)> = match &request.group {
        Some(g) => {
            let lab = labels(&table, g)?;
            levels(&lab)
                .into_iter()
                .map(|lv| {
                    let rows = (0..lab.len()).filter(|&i| lab[i] == *lv).collect();
                    (format!("{g}={lv}"), rows)
                })
                .collect()
        }
        None => vec![("all".to_string(), (0..outcome.time.len()).collect())],
    };
    let conf = request.conf_type;
    let mut out = Vec::with_capacity(groups.len());
    for (name, rows) in groups {
        let o = outcome.select(&rows);
        let fit =
            KaplanMeier::fit(&o.time, &o.event, None).map_err(|e| AnalysisError::model(e, &[]))?;
        let ci = fit.confidence_interval(conf);
        let (mlo, mhi) = fit.median_ci(conf);
        let at_times = (!request.times.is_empty()).then(|| KmAtTimes {
            time: request.times.clone(),
            survival: fit.survival_at(&request.times),
            at_risk: fit.n_at_risk(&request.times),
        });
        out.push(KmGroup {
            group: name,
            n: fit.n,
            events: fit.n_events,
            se: fit.se_surv(),
            lower: ci.iter().map(|c| c.map(|c| c.0)).collect(),
            upper: ci.iter().map(|c| c.map(|c| c.1)).collect(),
            median: fit.median(),
            median_ci95: [mlo, mhi],
            at_times,
            time: fit.time,
            survival: fit.surv,
            at_risk: fit.n_risk,
            n_event: fit.n_event,
            n_censor: fit.n_censor,
            cumulative_hazard: fit.cumhaz,
        });
    }
    Ok(KmAnalysis { groups: out, conf_type: format!("{conf:?}").to_lowercase() })
}

/// What [`logrank`] tests.
#[derive(Debug, Clone)]
pub struct LogrankRequest {
    /// The outcome columns.
    pub outcome: SurvivalSpec,
    /// The groups to compare.
    pub group: String,
    /// Stratify the test by this column.
    pub strata: Option<String>,
    /// Fleming-Harrington weight S(t-)^rho: 0 = log-rank, 1 = Peto-Peto.
    pub rho: f64,
}

/// The k-group (optionally stratified) log-rank test, as R's `survdiff`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogrankAnalysis {
    /// Chi-square statistic.
    pub chisq: f64,
    /// Degrees of freedom (groups - 1).
    pub df: usize,
    /// P-value of `chisq` on `df` degrees of freedom.
    pub p: f64,
    /// The Fleming-Harrington rho used.
    pub rho: f64,
    /// Group labels, sorted.
    pub groups: Vec<String>,
    /// Patients per group.
    pub n: Vec<f64>,
    /// Observed events per group.
    pub observed: Vec<f64>,
    /// Expected events per group under no difference.
    pub expected: Vec<f64>,
}

/// The log-rank (rho = 0) or Fleming-Harrington test between the levels of
/// the group column, stratified if asked.
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
    let (table, outcome) = prepare(table, schema, &request.outcome, &extra)?;
    let groups = labels(&table, &request.group)?;
    let strata =
        request.strata.as_ref().map(|s| labels(&table, s).map(|v| codes(&v))).transpose()?;
    let t = logrank_test(&outcome.time, &outcome.event, &groups, strata.as_deref(), request.rho)
        .map_err(|e| AnalysisError::model(e, &[]))?;
    Ok(LogrankAnalysis {
        chisq: t.chisq,
        df: t.df,
        p: t.p_value,
        rho: t.rho,
        groups: t.groups,
        n: t.n,
        observed: t.observed,
        expected: t.expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "time,status,g,x\n1,1,a,0.5\n2,0,b,1.5\n3,1,a,0.1\n4,1,b,2.0\n5,0,a,0.7\n\
                       6,1,b,1.1\n7,1,a,0.2\n8,0,b,1.9\n9,1,a,0.4\n10,1,b,1.0\n";

    fn data() -> (Table, Schema) {
        let t = osler_data::read_csv_bytes(CSV.as_bytes(), "s.csv").expect("csv");
        let s = Schema::infer(&t).expect("schema");
        (t, s)
    }

    fn spec() -> SurvivalSpec {
        SurvivalSpec { time: "time".into(), event: "status".into(), ..SurvivalSpec::default() }
    }

    #[test]
    fn km_by_group_gives_one_curve_per_sorted_level() {
        let (t, s) = data();
        let request = KmRequest {
            outcome: spec(),
            group: Some("g".into()),
            conf_type: ConfType::LogLog,
            times: vec![5.0],
        };
        let km = kaplan_meier(t, &s, &request).expect("km");
        let names: Vec<&str> = km.groups.iter().map(|g| g.group.as_str()).collect();
        assert_eq!(names, ["g=a", "g=b"]);
        assert_eq!(km.conf_type, "loglog");
        assert_eq!(km.groups[0].n, 5.0);
        let at = km.groups[0].at_times.as_ref().expect("asked for");
        assert_eq!(at.time, [5.0]);
        let v = serde_json::to_value(&km).expect("serialisable");
        for key in ["time", "survival", "se", "at_risk", "lower", "upper", "median", "median_ci95"]
        {
            assert!(v["groups"][0].get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn logrank_compares_the_groups() {
        let (t, s) = data();
        let request = LogrankRequest { outcome: spec(), group: "g".into(), strata: None, rho: 0.0 };
        let r = logrank(t, &s, &request).expect("logrank");
        assert_eq!((r.groups.len(), r.df), (2, 1));
        assert_eq!(r.observed.iter().sum::<f64>(), 7.0);
        assert!((0.0..=1.0).contains(&r.p));
    }

    #[test]
    fn cox_names_its_coefficients_and_refuses_no_covariates() {
        let (t, s) = data();
        let mut request = CoxRequest {
            outcome: spec(),
            covariates: None,
            strata: None,
            cluster: None,
            weights: None,
            exclude: vec!["g".into()],
            ties: osler_models::survival::Ties::Efron,
            ph_test: true,
            ph_options: Default::default(),
        };
        let fit = cox(t.clone(), &s, &request, std::time::Instant::now()).expect("cox");
        assert_eq!(fit.coefficients.len(), 1);
        assert_eq!(fit.coefficients[0].name, "x");
        assert_eq!((fit.n, fit.n_dropped_missing, fit.ties.as_str()), (10, 0, "efron"));
        assert!(fit.ph_test.is_some());
        request.covariates = Some(Vec::new());
        let e = cox(t, &s, &request, std::time::Instant::now()).expect_err("no covariates");
        assert!(matches!(e, AnalysisError::NoCovariates));
    }

    #[test]
    fn a_missing_group_value_names_its_line() {
        let t = osler_data::read_csv_bytes(b"time,status,g\n1,1,a\n2,0,\n3,1,b\n", "m.csv")
            .expect("csv");
        let s = Schema::infer(&t).expect("schema");
        let request = LogrankRequest { outcome: spec(), group: "g".into(), strata: None, rho: 0.0 };
        let e = logrank(t, &s, &request).expect_err("missing group");
        assert!(matches!(&e, AnalysisError::MissingLabel { location, .. } if location == "line 3"));
    }
}
