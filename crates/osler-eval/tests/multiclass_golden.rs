//! Reproduces the scikit-learn 1.9.1 values in tests/reference/multiclass/*.json
//! (written by make_multiclass.py in that folder).
#![allow(clippy::unwrap_used)]

use osler_eval::*;
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/multiclass");
const CASES: [&str; 3] = ["hand_ties", "seeded_3class", "imbalanced_5class"];
/// Relative tolerance of every metric but the log loss.
const TOL: f64 = 1e-12;
/// Relative tolerance of the log loss (a sum of logarithms in another order).
const LOG_LOSS_TOL: f64 = 1e-10;

struct Case {
    name: &'static str,
    classes: usize,
    labels: Vec<usize>,
    probabilities: Vec<f64>,
    expected: Value,
}

fn load(name: &'static str) -> Case {
    let json = std::fs::read_to_string(format!("{DIR}/{name}.json")).unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    let classes = v["classes"].as_u64().unwrap() as usize;
    let labels = indices(&v["labels"]);
    let rows = v["probabilities"].as_array().unwrap();
    assert_eq!(rows.len(), labels.len(), "{name}: rows");
    let mut probabilities = Vec::with_capacity(rows.len() * classes);
    for row in rows {
        let row = row.as_array().unwrap();
        assert_eq!(row.len(), classes, "{name}: columns");
        probabilities.extend(row.iter().map(|p| p.as_f64().unwrap()));
    }
    Case { name, classes, labels, probabilities, expected: v["expected"].clone() }
}

fn indices(v: &Value) -> Vec<usize> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect()
}

fn close(what: &str, got: f64, want: f64, rel: f64) {
    let ok = got == want || (got - want).abs() <= rel * want.abs();
    assert!(ok, "{what}: got {got:e}, want {want:e}, diff {:e}", got - want);
}

#[test]
fn metrics_equal_scikit_learn() {
    for name in CASES {
        let c = load(name);
        let m = multiclass_metrics(&c.labels, &c.probabilities, c.classes).unwrap();
        for (metric, got) in m.values() {
            let tol = if metric == "log_loss" { LOG_LOSS_TOL } else { TOL };
            let want = c.expected[metric].as_f64().unwrap();
            close(&format!("{} {metric}", c.name), got, want, tol);
        }
    }
}

#[test]
fn argmax_and_confusion_equal_numpy_and_scikit_learn() {
    for name in CASES {
        let c = load(name);
        let predicted = predicted_classes(&c.probabilities, c.classes);
        assert_eq!(predicted, indices(&c.expected["predicted"]), "{name}: argmax");
        let want: Vec<Vec<usize>> =
            c.expected["confusion"].as_array().unwrap().iter().map(indices).collect();
        assert_eq!(confusion_matrix(&c.labels, &predicted, c.classes), want, "{name}: confusion");
    }
}
