//! Report composition through the library alone (no front end): train small
//! artifacts with the pipeline, compose their reports and check the sections.

mod common;

use osler_pipeline::api::estimators::{CoxSpec, LogisticSpec};
use std::path::Path;

use common::check_balanced;
use osler_data::datasets;
use osler_models::linear::LogisticOptions;
use osler_models::survival::Ties;
use osler_pipeline::survival_data::SurvivalSpec;
use osler_pipeline::survival_train::{prepare_survival, train_survival};
use osler_pipeline::treatment::{OutcomeSpec, TreatmentSpec, analyse};
use osler_pipeline::{
    Artifact, DataInfo, DataSpec, ModelSpec, ThresholdRule, TrainSpec, build_artifact,
    build_survival_artifact, prepare, train,
};
use osler_report::compose::at_risk_times;
use osler_report::{artifact_report, treatment_report};

fn spec(model: ModelSpec, cv: usize) -> TrainSpec {
    TrainSpec {
        model,
        missing_indicators: true,
        cv_folds: cv,
        cv_repeats: 1,
        seed: 3,
        threshold: ThresholdRule::Youden,
        bootstrap: 20,
    }
}

/// A logistic-regression artifact on the shipped pima-diabetes data.
fn pima_logistic(cv: usize) -> Artifact {
    let d = datasets::find("pima-diabetes").expect("shipped");
    let data =
        prepare(d.table().expect("table"), d.schema().expect("schema"), &DataSpec::default())
            .expect("prepare");
    let spec = spec(
        ModelSpec::new(LogisticSpec { options: LogisticOptions::default(), auto_penalty: true }),
        cv,
    );
    let outcome = train(&data, &spec, &mut || {}).expect("train");
    let info = data
        .data_info("dataset:pima-diabetes".into(), data.table.sha256.clone().unwrap_or_default());
    build_artifact(&data, &spec, outcome, info)
}

/// The numbered section headings of a report, in order, without numbers.
fn sections(html: &str) -> Vec<String> {
    html.split("<h2 id=\"sec-")
        .skip(1)
        .filter_map(|s| {
            let text = &s[s.find('>')? + 1..s.find("</h2>")?];
            Some(text.split_once(". ")?.1.to_string())
        })
        .collect()
}

/// Checks that `html` is a balanced document with exactly `expected` sections.
fn check_document(html: &str, expected: &[&str]) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    check_balanced(html).expect("balanced html");
    assert_eq!(sections(html), expected);
}

#[test]
fn diagnosis_report_has_every_section() {
    let art = pima_logistic(3);
    let html = artifact_report(&art, Path::new("models/pima-logistic")).expect("report");
    check_document(
        &html,
        &[
            "Summary",
            "Data and preprocessing",
            "Cross-validated performance",
            "Calibration",
            "Decision curve",
            "Model",
            "Reporting notes (TRIPOD+AI)",
        ],
    );
    assert!(html.contains("Artifact models/pima-logistic · data dataset:pima-diabetes"));
    for figure in
        ["ROC curve (out-of-fold)", "observed (Wilson 95% CI)", "Net benefit (out-of-fold)"]
    {
        assert!(html.contains(figure), "missing figure {figure}");
    }
    // Schema columns, model terms and CV metrics appear as table rows.
    for column in ["glucose", "mass", "(Intercept)", "auroc"] {
        assert!(html.contains(&format!("<td>{column}</td>")), "missing row {column}");
    }
    let again = artifact_report(&art, Path::new("models/pima-logistic")).expect("report");
    assert_eq!(html, again, "the same artifact must give the same bytes");
}

#[test]
fn report_without_cross_validation_says_so() {
    let art = pima_logistic(0);
    let html = artifact_report(&art, Path::new("m")).expect("report");
    check_document(
        &html,
        &[
            "Summary",
            "Data and preprocessing",
            "Performance",
            "Model",
            "Reporting notes (TRIPOD+AI)",
        ],
    );
    assert!(html.contains("no performance estimate is available"));
}

#[test]
fn survival_report_has_risk_groups_and_the_cox_table() {
    let (table, schema) = datasets::find("whas500").expect("shipped").load().expect("load");
    let surv = SurvivalSpec {
        time: "lenfol".into(),
        event: "fstat".into(),
        event_level: None,
        start: None,
    };
    let data = prepare_survival(table, schema, &DataSpec::default(), &surv).expect("prepare");
    let spec = spec(ModelSpec::new(CoxSpec { ties: Ties::Efron }), 3);
    let run = train_survival(&data, &spec, &mut || {}).expect("train");
    let info = DataInfo {
        source: "dataset:whas500".into(),
        sha256: String::new(),
        rows: data.outcome.len(),
        events: data.events(),
        columns: Vec::new(),
    };
    let art = build_survival_artifact(&data, &spec, run, info).expect("artifact");
    let html = artifact_report(&art, Path::new("models/whas-cox")).expect("report");
    check_document(
        &html,
        &[
            "Summary",
            "Data and preprocessing",
            "Cross-validated performance",
            "Time-dependent discrimination and calibration",
            "Model",
            "Reporting notes (TRIPOD+AI)",
        ],
    );
    for text in [
        "Kaplan-Meier by predicted risk tertile (out-of-fold)",
        "low risk (n = ",
        "high risk (n = ",
        "Cumulative/dynamic AUC(t) (out-of-fold)",
        "Cox model (Efron ties)",
        "HR 95% CI",
        // The schema's words: the event's meaning, the time unit on the axes.
        "cox model of time to event: died (lenfol, days)",
        "Time (days)",
        "with an observed event",
        "95% intervals of the observed risk",
    ] {
        assert!(html.contains(text), "missing {text}");
    }
    assert!(!html.contains("prevalence"), "a censored cohort's event share is not a prevalence");
}

#[test]
fn treatment_report_shows_effects_and_heterogeneity() {
    let (table, schema) = datasets::find("gbsg2").expect("shipped").load().expect("load");
    let table = schema.conform(table, &["horTh", "time", "cens"], false).expect("conform");
    let spec = TreatmentSpec {
        arm: "horTh".into(),
        reference: None,
        outcome: OutcomeSpec::Survival(SurvivalSpec {
            time: "time".into(),
            event: "cens".into(),
            ..SurvivalSpec::default()
        }),
        covariates: vec!["age".into(), "pnodes".into()],
        tau: Some(1826.25),
        horizon: None,
        folds: 3,
        groups: 3,
        seed: 1,
    };
    let t = analyse(&table, &schema, &spec).expect("analyse");
    let html = treatment_report(&t, &spec, &schema, "dataset:gbsg2");
    check_document(
        &html,
        &[
            "Trial",
            "Average treatment effect",
            "Heterogeneity of the treatment effect",
            "Predicted individual benefit",
        ],
    );
    for text in [
        "Kaplan-Meier survival by arm",
        "Hazard ratio (Cox, Efron ties)",
        "tau = 1826.25",
        "Treatment effect of horTh on time to event: recurrence or death (time, days)",
        "Time (days)",
    ] {
        assert!(html.contains(text), "missing {text}");
    }
    assert!(!html.contains("time to cens"), "the title names the event, not its column");
}

#[test]
fn at_risk_times_are_round_ticks_within_follow_up() {
    assert_eq!(at_risk_times(2659.0), vec![0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0]);
    assert_eq!(at_risk_times(10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
}
