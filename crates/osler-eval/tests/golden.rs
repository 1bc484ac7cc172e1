//! Reproduces the golden values of scikit-learn 1.9.1, statsmodels 0.15.0 and
//! pROC 1.18.0 in tests/reference/golden/classification_metrics_*.json.
#![allow(clippy::unwrap_used)]

use osler_eval::*;
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/reference");
const CASES: [&str; 3] = ["toy", "bc_oof", "bc_tied"];
/// Tolerance for everything except the iterative calibration fit.
const TOL: f64 = 1e-12;
const CAL_TOL: f64 = 1e-9;

struct Case {
    name: &'static str,
    y: Vec<bool>,
    score: Vec<f64>,
    expected: Value,
}

fn load(name: &'static str) -> Case {
    let csv = std::fs::read_to_string(format!("{DIR}/data/pair_{name}.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("y,score"), "{name}: header");
    let (mut y, mut score) = (Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let (a, b) = line.split_once(',').unwrap();
        y.push(match a.trim() {
            "1" => true,
            "0" => false,
            other => panic!("{name}: label {other:?}"),
        });
        score.push(b.trim().parse::<f64>().unwrap());
    }
    let json = std::fs::read_to_string(format!("{DIR}/golden/classification_metrics_{name}.json"))
        .unwrap();
    let golden: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(golden["input"]["n"].as_u64(), Some(y.len() as u64), "{name}: n");
    let n_pos = y.iter().filter(|&&t| t).count() as u64;
    assert_eq!(golden["input"]["n_pos"].as_u64(), Some(n_pos), "{name}: n_pos");
    Case { name, y, score, expected: golden["expected"].clone() }
}

fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "Infinity" => f64::INFINITY,
        Value::String(s) if s == "-Infinity" => f64::NEG_INFINITY,
        other => other.as_f64().unwrap_or_else(|| panic!("not a number: {other}")),
    }
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(num).collect()
}

fn close(what: &str, got: f64, want: f64, tol: f64) {
    let ok = got == want || (got - want).abs() <= tol;
    assert!(ok, "{what}: got {got:e}, want {want:e}, diff {:e}", got - want);
}

fn close_all(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        close(&format!("{what}[{i}]"), g, w, tol);
    }
}

fn for_each_case(f: impl Fn(&Case)) {
    for name in CASES {
        f(&load(name));
    }
}

#[test]
fn scalar_metrics() {
    for_each_case(|c| {
        let e = &c.expected;
        let n = c.name;
        close(&format!("{n} auroc"), auroc(&c.y, &c.score).unwrap(), num(&e["auroc"]), TOL);
        let ap = average_precision(&c.y, &c.score).unwrap();
        close(&format!("{n} average_precision"), ap, num(&e["average_precision"]), TOL);
        let b = brier(&c.y, &c.score).unwrap();
        close(&format!("{n} brier"), b, num(&e["brier_score"]), TOL);
        let l = log_loss(&c.y, &c.score).unwrap();
        close(&format!("{n} log_loss"), l, num(&e["log_loss"]), TOL);
    });
}

#[test]
fn roc_curves() {
    for_each_case(|c| {
        for (key, drop) in [("roc_curve", false), ("roc_curve_drop_intermediate", true)] {
            let want = &c.expected[key];
            let got = roc_curve(&c.y, &c.score, drop).unwrap();
            let what = format!("{} {key}", c.name);
            close_all(&format!("{what} fpr"), &got.fpr, &nums(&want["fpr"]), TOL);
            close_all(&format!("{what} tpr"), &got.tpr, &nums(&want["tpr"]), TOL);
            // Thresholds are input scores: they must be identical, not just close.
            assert_eq!(got.thresholds, nums(&want["thresholds"]), "{what} thresholds");
        }
    });
}

#[test]
fn precision_recall_curves() {
    for_each_case(|c| {
        let want = &c.expected["precision_recall_curve"];
        let got = precision_recall_curve(&c.y, &c.score).unwrap();
        let what = format!("{} precision_recall_curve", c.name);
        close_all(&format!("{what} precision"), &got.precision, &nums(&want["precision"]), TOL);
        close_all(&format!("{what} recall"), &got.recall, &nums(&want["recall"]), TOL);
        assert_eq!(got.thresholds, nums(&want["thresholds"]), "{what} thresholds");
    });
}

#[test]
fn calibration_matches_statsmodels() {
    for_each_case(|c| {
        let e = &c.expected;
        let got = calibration(&c.y, &c.score).unwrap();
        let pairs = [
            ("calibration_intercept", got.intercept),
            ("calibration_slope", got.slope),
            ("calibration_intercept_se", got.intercept_se),
            ("calibration_slope_se", got.slope_se),
            ("calibration_in_the_large", got.in_the_large),
        ];
        for (key, value) in pairs {
            close(&format!("{} {key}", c.name), value, num(&e[key]), CAL_TOL);
        }
    });
}

/// Recalibrating the scores by `logit p' = a0 + b0 logit p` reparametrises the
/// model exactly: `b' = b / b0`, `a' = a - b' a0`, `se(b') = se(b) / b0`, and for
/// `b0 = 1` the in-the-large intercept shifts by `-a0`. Checks the Newton fit
/// from a different starting distance.
#[test]
fn calibration_is_equivariant_under_recalibration() {
    for_each_case(|c| {
        let base = calibration(&c.y, &c.score).unwrap();
        for (a0, b0) in [(0.3, 0.5), (-0.4, 0.8), (0.25, 1.0)] {
            let shifted: Vec<f64> = c
                .score
                .iter()
                .map(|&p| 1.0 / (1.0 + (-(a0 + b0 * (p / (1.0 - p)).ln())).exp()))
                .collect();
            let got = calibration(&c.y, &shifted).unwrap();
            let what = format!("{} recalibrated by ({a0}, {b0})", c.name);
            let slope = base.slope / b0;
            close(&format!("{what} slope"), got.slope, slope, CAL_TOL);
            close(
                &format!("{what} intercept"),
                got.intercept,
                base.intercept - slope * a0,
                CAL_TOL,
            );
            close(&format!("{what} slope_se"), got.slope_se, base.slope_se / b0, CAL_TOL);
            if b0 == 1.0 {
                close(
                    &format!("{what} in_the_large"),
                    got.in_the_large,
                    base.in_the_large - a0,
                    CAL_TOL,
                );
            }
        }
    });
}

#[test]
fn ece_and_bins() {
    for_each_case(|c| {
        let e = &c.expected;
        let got = ece(&c.y, &c.score, 10).unwrap();
        close(&format!("{} ece", c.name), got.value, num(&e["ece_10_equal_width"]), TOL);
        let want_bins = e["ece_bins"].as_array().unwrap();
        assert_eq!(got.bins.len(), want_bins.len());
        for (g, w) in got.bins.iter().zip(want_bins) {
            let what = format!("{} ece bin {}", c.name, g.bin);
            assert_eq!(Some(g.bin as u64), w["bin"].as_u64(), "{what}");
            assert_eq!(Some(g.n as u64), w["n"].as_u64(), "{what} n");
            close(&format!("{what} lower"), g.lower, num(&w["lower"]), TOL);
            close(&format!("{what} upper"), g.upper, num(&w["upper"]), TOL);
            for (field, value) in [("mean_score", g.mean_score), ("frac_pos", g.frac_pos)] {
                match (value, &w[field]) {
                    (None, Value::Null) => {}
                    (Some(v), want) if !want.is_null() => {
                        close(&format!("{what} {field}"), v, num(want), TOL);
                    }
                    (v, want) => panic!("{what} {field}: got {v:?}, want {want}"),
                }
            }
        }
    });
}

#[test]
fn confusion_at_one_half() {
    for_each_case(|c| {
        let w = &c.expected["at_threshold_0.5"];
        let got = confusion_at(&c.y, &c.score, 0.5).unwrap();
        let what = format!("{} at 0.5", c.name);
        let counts = [("tp", got.tp), ("fp", got.fp), ("tn", got.tn), ("fn", got.fn_)];
        for (key, value) in counts {
            assert_eq!(Some(value as u64), w[key].as_u64(), "{what} {key}");
        }
        let ratios = [
            ("sensitivity", got.sensitivity),
            ("specificity", got.specificity),
            ("ppv", got.ppv),
            ("npv", got.npv),
        ];
        for (key, value) in ratios {
            close(&format!("{what} {key}"), value, num(&w[key]), TOL);
        }
    });
}

#[test]
fn delong_matches_proc() {
    for_each_case(|c| {
        let e = &c.expected;
        let var = delong_auc_variance(&c.y, &c.score).unwrap();
        close(&format!("{} delong var", c.name), var, num(&e["auroc_delong_var_pROC"]), TOL);
        let ci = auroc_ci_delong(&c.y, &c.score, 0.95).unwrap();
        let want = nums(&e["auroc_delong_95ci_pROC"]);
        close_all(&format!("{} delong ci", c.name), &[ci.lower, ci.upper], &want, TOL);
        assert_eq!(ci.variance, var);
    });
}

#[test]
fn binary_metrics_panel_is_consistent_with_golden() {
    for_each_case(|c| {
        let e = &c.expected;
        let m = binary_metrics(&c.y, &c.score, 0.5).unwrap();
        let pairs = [
            ("auroc", "auroc", TOL),
            ("average_precision", "average_precision", TOL),
            ("brier", "brier_score", TOL),
            ("log_loss", "log_loss", TOL),
            ("calibration_intercept", "calibration_intercept", CAL_TOL),
            ("calibration_slope", "calibration_slope", CAL_TOL),
            ("ece", "ece_10_equal_width", TOL),
        ];
        let values = m.values();
        let value = |name: &str| values.iter().find(|(n, _)| *n == name).unwrap().1;
        for (name, key, tol) in pairs {
            close(&format!("{} panel {name}", c.name), value(name), num(&e[key]), tol);
        }
        let w = &e["at_threshold_0.5"];
        for name in ["sensitivity", "specificity", "ppv", "npv"] {
            close(&format!("{} panel {name}", c.name), value(name), num(&w[name]), TOL);
        }
        assert_eq!(m.n, c.y.len());
    });
}
