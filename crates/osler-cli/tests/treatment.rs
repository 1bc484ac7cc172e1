//! `osler treatment` end to end: R's numbers on gbsg2 through the CLI, the
//! report, a binary outcome, and bad input (exit 2, a specific message, no
//! output file).

mod common;

use std::path::Path;

use common::{f, json_ok, osler, reference, user_error};
use serde_json::Value;

fn golden() -> Value {
    let text = std::fs::read_to_string(reference("golden/treatment_gbsg2.json")).expect("golden");
    serde_json::from_str(&text).expect("golden JSON")
}

fn abs(got: &Value, want: &Value, what: &str) {
    let (g, w) = (f(got), f(want));
    assert!((g - w).abs() <= 1e-8, "{what}: {g} vs R {w}");
}

fn rel(got: &Value, want: &Value, what: &str) {
    let (g, w) = (f(got), f(want));
    assert!((g - w).abs() <= 1e-8 * w.abs(), "{what}: {g} vs R {w}");
}

const GBSG2: [&str; 12] = [
    "treatment",
    "--dataset",
    "gbsg2",
    "--arm",
    "horTh",
    "--time",
    "time",
    "--event",
    "cens",
    "--tau",
    "1826.25",
    "--json",
];

#[test]
fn gbsg2_matches_r() {
    let g = golden();
    let e = &g["expected"];
    let v = json_ok(&GBSG2);
    let hr = &v["hazard_ratio"];
    abs(&hr["estimate"], &e["hazard_ratio"]["estimate"], "HR");
    abs(&hr["ci95"][0], &e["hazard_ratio"]["ci95"][0], "HR lower");
    abs(&hr["ci95"][1], &e["hazard_ratio"]["ci95"][1], "HR upper");
    rel(&hr["se"], &e["hazard_ratio"]["se"], "se log HR");
    let r = &v["rmst"];
    assert_eq!(f(&r["tau"]), 1826.25);
    for arm in ["no", "yes"] {
        abs(&r["arms"][arm]["estimate"], &e["rmst"]["arms"][arm]["estimate"], arm);
        rel(&r["arms"][arm]["se"], &e["rmst"]["arms"][arm]["se"], arm);
    }
    let d = &r["difference"];
    abs(&d["estimate"], &e["rmst"]["difference"]["estimate"], "RMST difference");
    rel(&d["se"], &e["rmst"]["difference"]["se"], "RMST difference se");
    abs(&d["ci95"][0], &e["rmst"]["difference"]["ci95"][0], "RMST difference lower");
    abs(&d["ci95"][1], &e["rmst"]["difference"]["ci95"][1], "RMST difference upper");
    rel(&d["p"], &e["rmst"]["difference"]["p"], "RMST difference p");
    abs(&v["logrank"]["chisq"], &e["logrank"]["chisq"], "log-rank chisq");
    assert_eq!(v["logrank"]["df"], 1);
    abs(&v["risk_difference"]["estimate"], &e["risk_at_tau"]["difference"], "risk difference");
    assert_eq!(v["arm"]["reference"], "no");
    assert_eq!(v["arms"]["yes"]["n"], 246);
    assert!(v["benefit"].is_null() && v["interactions"].is_null() && v["odds_ratio"].is_null());
}

#[test]
fn covariates_report_and_seeded_benefit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("trial.html");
    let html_arg = html.to_string_lossy().into_owned();
    let mut args: Vec<&str> = GBSG2.to_vec();
    args.extend(["--covariates", "age,menostat,tsize,tgrade,pnodes", "--seed", "7"]);
    args.extend(["--report", &html_arg]);
    let v = json_ok(&args);
    let adj = &v["hazard_ratio_adjusted"];
    assert!(f(&adj["estimate"]) < 1.0 && adj["n"] == 686, "{adj}");
    let tests = v["interactions"]["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 5);
    assert_eq!(tests[3]["covariate"], "tgrade");
    assert_eq!(tests[3]["df"], 2);
    assert_eq!(v["interactions"]["global_lr"]["df"], 6);
    let subs = v["subgroups"].as_array().expect("subgroups");
    assert!(subs.iter().any(|s| s["label"] == "tgrade=III"));
    let b = &v["benefit"];
    assert_eq!(b["calibration"].as_array().map(Vec::len), Some(5));
    assert!(f(&b["c_for_benefit"]["estimate"]) > 0.0);
    assert!(b["c_for_benefit_dropped_censored"].as_u64().is_some_and(|n| n > 0));
    let text = std::fs::read_to_string(&html).expect("report written");
    assert!(text.starts_with("<!DOCTYPE html>") && text.contains("Hazard ratio by subgroup"));
    assert!(text.contains("Calibration of predicted benefit") && text.contains("Number at risk"));
    assert!(!text.contains("<script"));
    // Same seed, same numbers; another seed, other folds.
    let again = json_ok(&args);
    assert_eq!(again["benefit"], v["benefit"]);
    let mut other = args.clone();
    let k = other.iter().position(|a| *a == "7").expect("seed");
    other[k] = "8";
    assert_ne!(json_ok(&other)["benefit"]["calibration"], v["benefit"]["calibration"]);
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write csv");
    p.to_string_lossy().into_owned()
}

#[test]
fn binary_outcome_odds_ratio_is_the_cross_product_ratio() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Arm A: 3 events of 10; arm B: 6 events of 12.
    let mut csv = String::from("arm,y,x\n");
    for i in 0..10 {
        csv.push_str(&format!("A,{},{}\n", u8::from(i < 3), i % 4));
    }
    for i in 0..12 {
        csv.push_str(&format!("B,{},{}\n", u8::from(i < 6), i % 5));
    }
    let data = write(dir.path(), "trial.csv", &csv);
    // A/B does not say which arm is the control: name it.
    let v = json_ok(&[
        "treatment",
        "--data",
        &data,
        "--arm",
        "arm",
        "--control",
        "A",
        "--outcome",
        "y",
        "--json",
    ]);
    let or = (6.0 / 6.0) / (3.0 / 7.0);
    assert!((f(&v["odds_ratio"]["estimate"]) - or).abs() < 1e-9, "{}", v["odds_ratio"]);
    let se = (1.0f64 / 6.0 + 1.0 / 6.0 + 1.0 / 3.0 + 1.0 / 7.0).sqrt();
    assert!((f(&v["odds_ratio"]["se"]) - se).abs() < 1e-9);
    assert!((f(&v["risk_difference"]["estimate"]) - (0.5 - 0.3)).abs() < 1e-15);
    assert_eq!(v["arms"]["A"]["events"], 3);
    assert!(v["hazard_ratio"].is_null() && v["rmst"].is_null());
    let e =
        user_error(&["treatment", "--data", &data, "--arm", "arm", "--outcome", "y", "--tau", "5"]);
    assert!(e.contains("--tau and --horizon apply to survival outcomes"), "{e}");
}

#[test]
fn binary_trial_with_covariates_uses_logistic_models() {
    let v = json_ok(&[
        "treatment",
        "--dataset",
        "actg320",
        "--arm",
        "tx",
        "--outcome",
        "censor",
        "--covariates",
        "age,cd4,karnof,sex",
        "--json",
    ]);
    // R 4.2.2: exp(coef / confint.default) of glm(censor ~ tx, binomial,
    // control = glm.control(epsilon = 1e-15)).
    let or = &v["odds_ratio"];
    assert!((f(&or["estimate"]) - 0.497_667_458_850).abs() < 1e-10, "{or}");
    assert!((f(&or["ci95"][0]) - 0.321_115_967_456).abs() < 1e-10, "{or}");
    assert!((f(&or["ci95"][1]) - 0.771_288_022_708).abs() < 1e-10, "{or}");
    assert_eq!(v["arm"]["reference"], "0");
    assert!(v["odds_ratio_adjusted"]["estimate"].is_number());
    assert_eq!(v["interactions"]["tests"].as_array().map(Vec::len), Some(4));
    let b = &v["benefit"];
    assert_eq!(b["model"], "logistic");
    assert_eq!(b["c_for_benefit_dropped_censored"], 0);
    assert_eq!(b["c_for_benefit"]["n_pairs"], 574);
}

/// Runs a bad command with `--report`, expects exit 2 and no report file.
fn refused(dir: &Path, args: &[&str]) -> String {
    let html = dir.join("never.html");
    let html_arg = html.to_string_lossy().into_owned();
    let mut all = args.to_vec();
    all.extend(["--report", &html_arg]);
    let err = user_error(&all);
    assert!(!html.exists(), "no report after an error");
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("never"))
        .collect();
    assert!(leftovers.is_empty(), "no partial output");
    err
}

#[test]
fn bad_input_is_refused_with_a_specific_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let one = write(d, "one.csv", "arm,time,status\nA,5,1\nA,3,0\nA,4,1\n");
    let e = refused(
        d,
        &["treatment", "--data", &one, "--arm", "arm", "--time", "time", "--event", "status"],
    );
    assert!(
        e.contains("arm column 'arm' has a single level ('A')") && e.contains("two arms"),
        "{e}"
    );

    let three = write(d, "three.csv", "arm,time,status\nA,5,1\nB,3,0\nC,4,1\nA,2,1\n");
    let e = refused(
        d,
        &["treatment", "--data", &three, "--arm", "arm", "--time", "time", "--event", "status"],
    );
    assert!(e.contains("has 3 levels (A, B, C)") && e.contains("exactly two arms"), "{e}");

    let missing = write(d, "missing.csv", "arm,time,status\nA,5,1\n,3,0\nB,4,1\nB,2,1\n");
    let e = refused(
        d,
        &["treatment", "--data", &missing, "--arm", "arm", "--time", "time", "--event", "status"],
    );
    assert!(e.contains("line 3, column 'arm': the arm is missing (1 of 4 rows"), "{e}");

    let mut beyond: Vec<&str> = GBSG2[..10].to_vec();
    beyond.extend(["3000", "--json"]);
    let e = refused(d, &beyond);
    assert!(
        e.contains("--tau 3000 is beyond the last follow-up time of arm 'no' (2563)")
            && e.contains("survRM2"),
        "{e}"
    );

    let e = refused(d, &["treatment", "--dataset", "gbsg2", "--arm", "horTh"]);
    assert!(
        e.contains("no outcome: give --time COL --event COL") && e.contains("--outcome COL"),
        "{e}"
    );

    let e = refused(d, &["treatment", "--dataset", "gbsg2", "--arm", "horTh", "--time", "time"]);
    assert!(e.contains("--time needs --event"), "{e}");

    let e = refused(
        d,
        &[
            "treatment",
            "--dataset",
            "gbsg2",
            "--arm",
            "horTh",
            "--time",
            "time",
            "--event",
            "cens",
            "--reference",
            "maybe",
        ],
    );
    assert!(
        e.contains("--reference 'maybe' is not a level of arm column 'horTh' (levels: no, yes)"),
        "{e}"
    );

    let e = refused(
        d,
        &[
            "treatment",
            "--dataset",
            "gbsg2",
            "--arm",
            "horTh",
            "--time",
            "time",
            "--event",
            "cens",
            "--covariates",
            "age,horTh",
        ],
    );
    assert!(e.contains("covariate 'horTh' is the arm or the outcome column"), "{e}");
}

#[test]
fn reference_level_flips_the_comparison() {
    let mut args: Vec<&str> = GBSG2.to_vec();
    args.extend(["--reference", "yes"]);
    let v = json_ok(&args);
    let base = json_ok(&GBSG2);
    assert_eq!(v["arm"]["treated"], "no");
    let (a, b) = (f(&v["hazard_ratio"]["estimate"]), f(&base["hazard_ratio"]["estimate"]));
    assert!((a * b - 1.0).abs() < 1e-12);
    let (a, b) =
        (f(&v["rmst"]["difference"]["estimate"]), f(&base["rmst"]["difference"]["estimate"]));
    assert!((a + b).abs() < 1e-9);
    let out = osler().args(&GBSG2[..11]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("RMST difference") && text.contains("hazard ratio")
    );
}
