//! `treatment::analyse` on the gbsg2 trial (hormone therapy) against R
//! `survival` 3.5.3 (tests/reference/treatment_gbsg2.R).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use osler_pipeline::PipelineError;
use osler_pipeline::error::{TimeOption, TreatmentError};
use osler_pipeline::survival_data::SurvivalSpec;
use osler_pipeline::treatment::{Effects, OutcomeSpec, TreatmentAnalysis, TreatmentSpec, analyse};
use serde_json::Value;

fn golden() -> Value {
    let path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/reference/golden/treatment_gbsg2.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("golden")).expect("json")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn abs(got: f64, want: &Value, what: &str) {
    let w = f(want);
    assert!((got - w).abs() <= 1e-8, "{what}: {got} vs R {w} (diff {:e})", got - w);
}

fn rel(got: f64, want: &Value, what: &str) {
    let w = f(want);
    assert!((got - w).abs() <= 1e-8 * w.abs(), "{what}: {got} vs R {w} (rel {:e})", (got - w) / w);
}

fn spec(covariates: &[&str]) -> TreatmentSpec {
    TreatmentSpec {
        arm: "horTh".into(),
        reference: None,
        outcome: OutcomeSpec::Survival(SurvivalSpec {
            time: "time".into(),
            event: "cens".into(),
            ..SurvivalSpec::default()
        }),
        covariates: covariates.iter().map(|s| s.to_string()).collect(),
        tau: Some(1826.25),
        horizon: None,
        folds: 5,
        groups: 5,
        seed: 1,
    }
}

fn run(spec: &TreatmentSpec) -> TreatmentAnalysis {
    let (table, schema) = osler_data::datasets::find("gbsg2").unwrap().load().unwrap();
    let table = schema.conform(table, &["horTh", "time", "cens"], false).unwrap();
    analyse(&table, &schema, spec).unwrap()
}

#[test]
fn average_effects_match_r() {
    let g = golden();
    let e = &g["expected"];
    let covs: Vec<&str> = e["interactions"]["covariates"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let a = run(&spec(&covs));
    assert_eq!((a.arms.reference.as_str(), a.arms.treated.as_str()), ("no", "yes"));
    let Effects::Survival(s) = &a.effects else { panic!("survival effects") };
    for k in 0..2 {
        assert_eq!(s.arms[k].n as f64, f(&e["n"][k]));
        assert_eq!(s.arms[k].events as f64, f(&e["events"][k]));
        assert_eq!(s.arms[k].median, Some(f(&e["median"][k])));
    }
    let hr = &e["hazard_ratio"];
    abs(s.hazard_ratio.coef, &hr["coef"], "log HR");
    rel(s.hazard_ratio.se, &hr["se"], "se log HR");
    abs(s.hazard_ratio.estimate, &hr["estimate"], "HR");
    abs(s.hazard_ratio.ci95[0], &hr["ci95"][0], "HR lower");
    abs(s.hazard_ratio.ci95[1], &hr["ci95"][1], "HR upper");
    rel(s.hazard_ratio.p_value, &hr["p"], "HR p");
    let adj = &s.hazard_ratio_adjusted.as_ref().unwrap().ratio;
    abs(adj.estimate, &e["hazard_ratio_adjusted"]["estimate"], "adjusted HR");
    rel(adj.se, &e["hazard_ratio_adjusted"]["se"], "adjusted se");
    abs(s.logrank.chisq, &e["logrank"]["chisq"], "log-rank chisq");
    rel(s.logrank.p_value, &e["logrank"]["p"], "log-rank p");

    let r = &e["rmst"];
    assert_eq!(s.rmst.tau, 1826.25);
    abs(s.rmst.reference.0, &r["arms"]["no"]["estimate"], "RMST no");
    rel(s.rmst.reference.1, &r["arms"]["no"]["se"], "se RMST no");
    abs(s.rmst.treated.0, &r["arms"]["yes"]["estimate"], "RMST yes");
    rel(s.rmst.treated.1, &r["arms"]["yes"]["se"], "se RMST yes");
    let d = &s.rmst.difference;
    abs(d.estimate, &r["difference"]["estimate"], "RMST difference");
    rel(d.se, &r["difference"]["se"], "se RMST difference");
    abs(d.ci95[0], &r["difference"]["ci95"][0], "RMST diff lower");
    abs(d.ci95[1], &r["difference"]["ci95"][1], "RMST diff upper");
    rel(d.p_value, &r["difference"]["p"], "RMST diff p");

    // Horizon defaults to the given tau: KM risk and Greenwood SE at 5 years.
    assert_eq!(s.horizon, 1826.25);
    let k = &e["risk_at_tau"];
    for a in 0..2 {
        abs(s.arms[a].risk.0, &k["risk"][a], "risk");
        rel(s.arms[a].risk.1.unwrap(), &k["se"][a], "risk se");
    }
    let rd = s.risk_difference.unwrap();
    abs(rd.estimate, &k["difference"], "risk difference");
    rel(rd.se, &k["difference_se"], "risk difference se");
}

#[test]
fn heterogeneity_matches_r() {
    let g = golden();
    let e = &g["expected"];
    let covs: Vec<&str> = e["interactions"]["covariates"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let a = run(&spec(&covs));
    let h = a.heterogeneity.as_ref().unwrap();
    assert_eq!(h.n, 686);
    for (k, t) in h.interactions.iter().enumerate() {
        assert_eq!(t.covariate, covs[k]);
        assert_eq!(t.df as f64, f(&e["interactions"]["df"][k]));
        rel(
            t.chisq.unwrap(),
            &e["interactions"]["wald_chisq"][k],
            &format!("Wald {}", t.covariate),
        );
    }
    let gl = h.global.unwrap();
    rel(gl.chisq, &e["interactions"]["global_lr"]["chisq"], "global LR");
    assert_eq!(gl.df as f64, f(&e["interactions"]["global_lr"]["df"]));
    rel(gl.p_value, &e["interactions"]["global_lr"]["p"], "global LR p");
    // Subgroups: tgrade levels, age split at its median (53).
    let s = &e["subgroups"];
    let want = ["tgrade=I", "tgrade=II", "tgrade=III", "age <= 53 (median)", "age > 53"];
    for (k, label) in want.iter().enumerate() {
        let got =
            h.subgroups.iter().find(|x| x.label == *label).unwrap_or_else(|| panic!("{label}"));
        let r = got.ratio.unwrap();
        abs(r.estimate, &s["hr"][k], label);
        abs(r.ci95[0], &s["lower"][k], label);
        abs(r.ci95[1], &s["upper"][k], label);
    }
    // Predicted benefit: every patient held out once, deterministic by seed.
    let b = a.benefit.as_ref().unwrap();
    assert_eq!((b.n, b.calibration.len()), (686, 5));
    assert_eq!(b.calibration.iter().map(|g| g.n[0] + g.n[1]).sum::<usize>(), 686);
    let c = b.c_for_benefit.unwrap();
    assert!(c.c_index > 0.3 && c.c_index < 0.7, "{}", c.c_index);
    assert_eq!(run(&spec(&covs)).benefit.as_ref(), Some(b));
}

#[test]
fn without_covariates_and_default_tau() {
    let mut sp = spec(&[]);
    sp.tau = None;
    let a = run(&sp);
    let Effects::Survival(s) = &a.effects else { panic!("survival effects") };
    // survRM2's default: the smaller of the arms' last follow-up times (no: 2563, yes: 2659).
    assert_eq!(s.rmst.tau, 2563.0);
    assert!(!s.tau_given && s.hazard_ratio_adjusted.is_none());
    assert!(a.heterogeneity.is_none() && a.benefit.is_none());
    sp.tau = Some(3000.0);
    let (table, schema) = osler_data::datasets::find("gbsg2").unwrap().load().unwrap();
    let e = analyse(&table, &schema, &sp).unwrap_err();
    let PipelineError::Treatment(t) = &e else { panic!("a treatment error: {e}") };
    assert!(
        matches!(
            t.as_ref(),
            TreatmentError::TimeBeyondFollowUp { option: TimeOption::Tau, time, arm, last, .. }
                if *time == 3000.0 && arm == "no" && *last == 2563.0
        ),
        "{e}"
    );
}
