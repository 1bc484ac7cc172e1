//! The classical survival analyses, with R `survival`'s definitions:
//! Kaplan-Meier curves ([`kaplan_meier`], Greenwood standard errors,
//! pointwise intervals, medians), the weighted log-rank family
//! ([`logrank`]) and the Cox proportional-hazards model ([`cox()`]).
//!
//! Each takes a table with its schema, checks it against the schema, reads
//! the survival outcome ([`crate::survival_data::survival_outcome`]) and
//! returns a serialisable result.

mod cox;
mod km;
mod logrank;

use osler_data::{Schema, Table};

use super::AnalysisError;
use crate::error::PipelineError;
use crate::missing_rows::{MissingPolicy, MissingRows, drop_incomplete};
use crate::survival_data::{SurvivalOutcome, SurvivalSpec, survival_outcome};

pub use cox::{
    CoxAnalysis, CoxCoefficientRow, CoxRequest, CoxTiming, PhTestResult, PhTestRow, TestResult, cox,
};
pub use km::{KmAnalysis, KmAtTimes, KmGroup, KmRequest, KmRmst, kaplan_meier};
pub use logrank::{LogrankAnalysis, LogrankRequest, logrank};

/// Conforms `table` to `schema` (the outcome columns and `extra` required),
/// applies the missing-value policy to them ([`drop_incomplete`]) and reads
/// the survival outcome.
fn prepare(
    table: Table,
    schema: &Schema,
    spec: &SurvivalSpec,
    extra: &[&str],
    missing: MissingPolicy,
) -> Result<(Table, SurvivalOutcome, MissingRows), AnalysisError> {
    let mut required: Vec<&str> = vec![&spec.time, &spec.event];
    required.extend(spec.start.as_deref());
    required.extend(extra);
    let table = schema.conform(table, &required, false).map_err(PipelineError::from)?;
    let (table, dropped) = drop_incomplete(table, spec, extra, missing);
    let outcome = survival_outcome(&table, schema, spec)?;
    Ok((table, outcome, dropped))
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

    use osler_models::survival::{ConfType, Weighting};

    #[test]
    fn km_by_group_gives_one_curve_per_sorted_level() {
        let (t, s) = data();
        let request = KmRequest {
            outcome: spec(),
            missing: MissingPolicy::Drop,
            group: Some("g".into()),
            weights: None,
            conf_type: ConfType::LogLog,
            times: vec![5.0],
            tau: None,
            robust: false,
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
        let request = LogrankRequest {
            outcome: spec(),
            missing: MissingPolicy::Drop,
            group: "g".into(),
            strata: None,
            weights: None,
            weighting: Weighting::LogRank,
        };
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
            missing: MissingPolicy::Drop,
            firth: false,
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
        let request = LogrankRequest {
            outcome: spec(),
            missing: MissingPolicy::Fail,
            group: "g".into(),
            strata: None,
            weights: None,
            weighting: Weighting::LogRank,
        };
        let e = logrank(t, &s, &request).expect_err("missing group");
        assert!(matches!(&e, AnalysisError::MissingLabel { location, .. } if location == "line 3"));
    }
}
