//! `osler train --task multiclass`, `predict` and `evaluate` end to end: a
//! three-class outcome with the multinomial elastic net, class probabilities
//! that sum to 1, the confusion matrix, and the errors of a multiclass run.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::{f, json_ok, osler, user_error};

/// 300 patients: two lab values and a site; the class (`mild`, `moderate`,
/// `severe`) follows the labs with noise from a fixed linear congruential stream.
fn cohort(dir: &Path) -> String {
    let mut state: u64 = 12345;
    let mut uniform = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut csv = String::from("crp,lactate,site,severity\n");
    for i in 0..300 {
        let (crp, lactate) = (uniform() * 100.0, uniform() * 6.0);
        let score = crp / 50.0 + lactate / 3.0 + uniform() - 0.5;
        let class = if score < 1.2 {
            "mild"
        } else if score < 2.2 {
            "moderate"
        } else {
            "severe"
        };
        csv.push_str(&format!("{crp:.1},{lactate:.2},{},{class}\n", ["a", "b", "c"][i % 3]));
    }
    let path = dir.join("severity.csv");
    std::fs::write(&path, csv).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn multinomial_enet_trains_predicts_and_evaluates() {
    let tmp = tempfile::tempdir().unwrap();
    let data = cohort(tmp.path());
    let out = tmp.path().join("model");
    let report = tmp.path().join("report.html");
    let v = json_ok(&[
        "train",
        "--data",
        &data,
        "--task",
        "multiclass",
        "--target",
        "severity",
        "--cv",
        "5",
        "--bootstrap",
        "50",
        "--out",
        out.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(v["task"], "multiclass");
    assert_eq!(v["model"], "enet");
    assert_eq!(v["classes"], serde_json::json!(["mild", "moderate", "severe"]));
    let cv = &v["cv"]["metrics"];
    for m in ["accuracy", "balanced_accuracy", "macro_auroc", "log_loss", "brier", "macro_f1"] {
        assert!(cv[m]["mean"].is_number(), "{m} missing: {cv}");
    }
    assert!(f(&cv["accuracy"]["mean"]) > 0.7, "{}", cv["accuracy"]);
    assert!(f(&cv["macro_auroc"]["mean"]) > 0.85, "{}", cv["macro_auroc"]);
    let per_class = v["class_coefficients"].as_array().unwrap();
    assert_eq!(per_class.len(), 3);
    assert!(per_class.iter().any(|c| !c["coefficients"].as_array().unwrap().is_empty()));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("Confusion matrix") && html.contains("severe"));

    let new = tmp.path().join("new.csv");
    std::fs::write(&new, "crp,lactate,site\n5,0.5,a\n95,5.5,b\n50,3,c\n").unwrap();
    let p =
        json_ok(&["predict", out.to_str().unwrap(), "--input", new.to_str().unwrap(), "--json"]);
    let probabilities = p["probabilities"].as_array().unwrap();
    assert_eq!(probabilities.len(), 3);
    for row in probabilities {
        let sum: f64 = row.as_array().unwrap().iter().map(f).sum();
        assert!((sum - 1.0).abs() < 1e-12, "{row}");
    }
    assert_eq!(p["predicted_class"][0], "mild");
    assert_eq!(p["predicted_class"][1], "severe");

    let e = json_ok(&["evaluate", out.to_str().unwrap(), "--data", &data, "--json"]);
    assert_eq!(e["n"], 300);
    let confusion = e["confusion"].as_array().unwrap();
    let total: u64 = confusion
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|c| c.as_u64().unwrap()))
        .sum();
    assert_eq!(total, 300);
    assert!(f(&e["metrics"]["accuracy"]) > 0.7);

    // An outcome the model never saw is a clear error.
    let odd = tmp.path().join("odd.csv");
    std::fs::write(&odd, "crp,lactate,site,severity\n5,0.5,a,critical\n").unwrap();
    let err = user_error(&["evaluate", out.to_str().unwrap(), "--data", odd.to_str().unwrap()]);
    assert!(err.contains("'critical' is not one of the model's classes"), "{err}");
}

#[test]
fn multiclass_errors_name_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let data = cohort(tmp.path());
    let out = tmp.path().join("m");
    let args = |extra: &[&str]| {
        let mut a = vec!["train", "--data", &data, "--target", "severity", "--cv", "0"];
        a.extend_from_slice(extra);
        a.extend_from_slice(&["--out", out.to_str().unwrap()]);
        a.iter().map(|s| s.to_string()).collect::<Vec<String>>()
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        user_error(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let err = run(&["--task", "multiclass", "--model", "logistic"]);
    assert!(err.contains("does not fit --task multiclass") && err.contains("enet, mlp"), "{err}");
    let err = run(&["--task", "multiclass", "--positive", "severe"]);
    assert!(err.contains("--positive"), "{err}");
    let err = run(&["--task", "multiclass", "--threshold", "youden"]);
    assert!(err.contains("--threshold applies to a binary outcome"), "{err}");
    // A binary run on three classes still says how to pick the event.
    let err = run(&[]);
    assert!(err.contains("3"), "{err}");
    assert!(!out.exists(), "no artifact after an error");
    // --explain has no single score to explain.
    let ok = osler().args(args(&["--task", "multiclass"])).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let new = tmp.path().join("new.csv");
    std::fs::write(&new, "crp,lactate,site\n5,0.5,a\n").unwrap();
    let err = user_error(&[
        "predict",
        out.to_str().unwrap(),
        "--input",
        new.to_str().unwrap(),
        "--explain",
    ]);
    assert!(err.contains("--explain"), "{err}");
}
