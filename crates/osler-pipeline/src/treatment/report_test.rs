//! Tests of [`super`]: the JSON contract of binary and survival trials.

use super::*;
use crate::treatment::{analyse, conform_trial};

fn trial(outcome: OutcomeSpec, csv: &str) -> (TreatmentAnalysis, TreatmentSpec) {
    let t = osler_data::read_csv_bytes(csv.as_bytes(), "trial.csv").expect("csv");
    let s = osler_data::Schema::infer(&t).expect("schema");
    let spec = TreatmentSpec {
        arm: "arm".into(),
        reference: Some("A".into()),
        outcome,
        covariates: Vec::new(),
        tau: None,
        horizon: None,
        folds: 5,
        groups: 5,
        seed: 1,
    };
    let t = conform_trial(t, &s, &spec).expect("conform");
    (analyse(&t, &s, &spec).expect("analysis"), spec)
}

#[test]
fn a_binary_trial_reports_odds_ratio_and_no_survival_fields() {
    // Arm A: 3 events of 10; arm B: 6 events of 12.
    let mut csv = String::from("arm,y\n");
    for i in 0..10 {
        csv.push_str(&format!("A,{}\n", u8::from(i < 3)));
    }
    for i in 0..12 {
        csv.push_str(&format!("B,{}\n", u8::from(i < 6)));
    }
    let outcome = OutcomeSpec::Binary { column: "y".into(), positive: None };
    let (t, spec) = trial(outcome, &csv);
    let v = serde_json::to_value(TreatmentReport::new(&t, &spec, |_| Vec::new()))
        .expect("serialisable");
    let or = (6.0 / 6.0) / (3.0 / 7.0);
    assert!((v["odds_ratio"]["estimate"].as_f64().expect("number") - or).abs() < 1e-9);
    assert_eq!(v["outcome"], serde_json::json!({"kind": "binary", "column": "y"}));
    assert_eq!(v["arms"]["A"]["events"], 3);
    assert!(v["hazard_ratio"].is_null() && v["rmst"].is_null() && v["logrank"].is_null());
    assert!(v["risk_difference"].get("horizon").is_none(), "{}", v["risk_difference"]);
    assert!(v["benefit"].is_null() && v["subgroups"].is_null());
}

#[test]
fn a_survival_trial_reports_at_risk_on_the_given_grid() {
    let mut csv = String::from("arm,time,event\n");
    for i in 0..12 {
        csv.push_str(&format!("A,{},{}\n", 1 + 2 * i, u8::from(i % 3 != 0)));
        csv.push_str(&format!("B,{},{}\n", 2 + 2 * i, u8::from(i % 2 == 0)));
    }
    let outcome = OutcomeSpec::Survival(crate::survival_data::SurvivalSpec {
        time: "time".into(),
        event: "event".into(),
        event_level: None,
        start: None,
    });
    let (t, spec) = trial(outcome, &csv);
    let v = serde_json::to_value(TreatmentReport::new(&t, &spec, |max| vec![0.0, max]))
        .expect("serialisable");
    assert_eq!(v["outcome"]["kind"], "survival");
    assert_eq!(v["arms"]["B"]["at_risk"]["time"], serde_json::json!([0.0, 24.0]));
    assert_eq!(v["arms"]["B"]["at_risk"]["n"][0], 12.0);
    assert!(v["hazard_ratio"]["estimate"].is_number() && v["odds_ratio"].is_null());
    assert!(v["risk_difference"]["horizon"].is_number());
    assert_eq!(v["rmst"]["tau_default"], true);
}
