//! What the HTML reports say, as a user reads them: coefficient charts on a
//! comparable scale, survival reports in the schema's words (the event's
//! meaning, the time unit) without calling an event share a prevalence, and
//! intervals on the calibration groups.

mod common;

use std::path::Path;

use common::osler;

fn report(dir: &Path, name: &str, args: &[&str]) -> String {
    let html = dir.join(format!("{name}.html"));
    let out = dir.join(name);
    let html_arg = html.to_str().expect("utf-8 path");
    let out_arg = out.to_str().expect("utf-8 path");
    let extra = if args[0] == "train" { vec!["--quiet", "--out", out_arg] } else { vec![] };
    osler().args(args).args(["--report", html_arg]).args(extra).assert().success();
    std::fs::read_to_string(html).expect("report written")
}

#[test]
fn coefficient_charts_are_per_interquartile_range() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pima = ["train", "--dataset", "pima-diabetes", "--model", "logistic", "--cv", "3"];
    let html = report(dir.path(), "pima", &pima);
    assert!(html.contains("Log-odds per interquartile range"), "chart title");
    assert!(html.contains("glucose (per IQR 42.0)"), "glucose's IQR in Pima is 99 to 141");
    let whas = ["train", "--dataset", "whas500", "--task", "survival", "--time", "lenfol"];
    let html =
        report(dir.path(), "whas", &[&whas[..], &["--event", "fstat", "--cv", "3"]].concat());
    assert!(html.contains("Log hazard ratio per interquartile range"), "chart title");
    assert!(html.contains("age (per IQR"), "age is scaled by its IQR");
    assert!(html.contains("cox model of time to event: died (lenfol, days)"), "title");
    assert!(html.contains("Time (days)"), "time axes carry the unit");
    assert!(html.contains("with an observed event") && !html.contains("prevalence"));
    assert!(html.contains("95% intervals of the observed risk"), "calibration groups");
}

#[test]
fn the_trial_report_names_the_event_from_the_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let trial = ["treatment", "--dataset", "gbsg2", "--arm", "horTh", "--time", "time"];
    let html = report(dir.path(), "trial", &[&trial[..], &["--event", "cens"]].concat());
    assert!(
        html.contains(
            "Treatment effect of horTh on time to event: recurrence or death (time, days)"
        ),
        "title"
    );
    assert!(!html.contains("time to cens"));
    assert!(html.contains("Time (days)"));
}
