//! `osler metrics` reproduces the scikit-learn / statsmodels golden metrics
//! (tests/reference/golden/classification_metrics_*.json) to 1e-12 (calibration 1e-9).

mod common;

use common::{f, json_ok, reference};
use serde_json::Value;

fn check(name: &str) {
    let golden: Value = serde_json::from_str(
        &std::fs::read_to_string(reference(&format!("golden/classification_metrics_{name}.json")))
            .expect("golden file"),
    )
    .expect("golden JSON");
    let e = &golden["expected"];
    let data = reference(&format!("data/pair_{name}.csv"));
    let got = json_ok(&[
        "metrics",
        "--data",
        data.to_str().expect("path"),
        "--label",
        "y",
        "--score",
        "score",
        "--json",
    ]);
    let pairs = [
        ("auroc", "auroc", 1e-12),
        ("average_precision", "average_precision", 1e-12),
        ("brier", "brier_score", 1e-12),
        ("log_loss", "log_loss", 1e-12),
        ("ece", "ece_10_equal_width", 1e-12),
        ("calibration_intercept", "calibration_intercept", 1e-9),
        ("calibration_slope", "calibration_slope", 1e-9),
    ];
    for (ours, theirs, tol) in pairs {
        let (a, b) = (f(&got[ours]), f(&e[theirs]));
        assert!((a - b).abs() <= tol, "{name} {ours}: osler {a} vs golden {b}");
    }
    let t = &e["at_threshold_0.5"];
    for k in ["sensitivity", "specificity", "ppv", "npv"] {
        assert!((f(&got[k]) - f(&t[k])).abs() <= 1e-12, "{name} {k}");
    }
    let ci = &e["auroc_delong_95ci_pROC"];
    if ci.is_array() {
        for i in 0..2 {
            assert!(
                (f(&got["auroc_ci95_delong"][i]) - f(&ci[i])).abs() <= 1e-12,
                "{name} DeLong CI"
            );
        }
    }
}

#[test]
fn toy_pair() {
    check("toy");
}

#[test]
fn breast_cancer_out_of_fold_pair() {
    check("bc_oof");
}

#[test]
fn heavily_tied_pair() {
    check("bc_tied");
}
