//! Golden values: logistic regression on 5 standardised breast-cancer
//! features against statsmodels (unpenalised) and the exact L2 optimum
//! (scikit-learn C = 1, cross-checked with glmnet).
#![allow(clippy::unwrap_used)]

use osler_data::Matrix;
use osler_models::linear::{LogisticModel, LogisticOptions, Penalty};
use serde_json::Value;

const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/reference/golden/logistic_breast_cancer.json"
);
const DATA: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/reference/data/sklearn_breast_cancer.csv");

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(|x| x.as_f64().expect("number")).collect()
}

/// The standardised design (with the golden file's mean/SD), the outcome and the golden JSON.
fn load() -> (Matrix, Vec<f64>, Value) {
    let golden: Value =
        serde_json::from_str(&std::fs::read_to_string(GOLDEN).expect("golden file")).expect("json");
    let text = std::fs::read_to_string(DATA).expect("data file");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<Vec<f64>> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|c| c.trim().parse().expect("number")).collect())
        .collect();
    let input = &golden["input"];
    let label = header
        .iter()
        .position(|h| *h == input["label"].as_str().expect("label"))
        .expect("label column");
    let y: Vec<f64> = rows.iter().map(|r| r[label]).collect();
    let (mean, sd) = (floats(&input["mean"]), floats(&input["sd_pop"]));
    let mut cols = Vec::new();
    for (k, name) in input["features"].as_array().expect("features").iter().enumerate() {
        let j =
            header.iter().position(|h| *h == name.as_str().expect("name")).expect("feature column");
        let raw: Vec<f64> = rows.iter().map(|r| r[j]).collect();
        // Our own population mean/SD agree with the golden ones.
        let n = raw.len() as f64;
        let m = raw.iter().sum::<f64>() / n;
        let s = (raw.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n).sqrt();
        assert!((m - mean[k]).abs() <= 1e-13 * mean[k].abs() && (s - sd[k]).abs() <= 1e-13 * sd[k]);
        cols.push(raw.iter().map(|v| (v - mean[k]) / sd[k]).collect());
    }
    (Matrix::from_columns(&cols).expect("matrix"), y, golden)
}

fn assert_close(what: &str, got: &[f64], want: &[f64], abs: f64, rel: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let worst = got.iter().zip(want).map(|(g, w)| (g - w).abs()).fold(0.0, f64::max);
    eprintln!("{what}: max abs diff {worst:e}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        let err = (g - w).abs();
        assert!(
            err <= abs || err <= rel * w.abs(),
            "{what}[{k}]: got {g:e}, want {w:e} (diff {err:e})"
        );
    }
}

#[test]
fn unpenalised_matches_statsmodels() {
    let (x, y, golden) = load();
    let e = &golden["expected"]["unpenalized"];
    let m = LogisticModel::fit(&x, &y, None, &LogisticOptions::default()).expect("fit");
    assert!(m.converged());
    let s = m.summary();
    let coef: Vec<f64> = s.iter().map(|r| r.coef).collect();
    let se: Vec<f64> = s.iter().map(|r| r.se.expect("se")).collect();
    let z: Vec<f64> = s.iter().map(|r| r.z.expect("z")).collect();
    let p: Vec<f64> = s.iter().map(|r| r.p_value.expect("p")).collect();
    assert_close("coef", &coef, &floats(&e["coef"]), 1e-8, 0.0);
    assert_close("se", &se, &floats(&e["se"]), 1e-8, 0.0);
    assert_close("z", &z, &floats(&e["z"]), 1e-8, 0.0);
    assert_close("p", &p, &floats(&e["p_values"]), 0.0, 1e-8);
    assert_close("loglik", &[m.loglik()], &[e["loglik"].as_f64().unwrap()], 0.0, 1e-9);
    // statsmodels' llnull is itself an iterative fit (4e-8 from the closed form);
    // ours is the closed form 212 ln(212/569) + 357 ln(357/569).
    assert_close(
        "loglik_null",
        &[m.loglik_null()],
        &[e["loglik_null"].as_f64().unwrap()],
        0.0,
        1e-9,
    );
    assert_close("loglik_null exact", &[m.loglik_null()], &[-375.720_002_692_084_5], 0.0, 1e-14);
    // Wald interval and odds ratios follow from coef and se.
    for r in &s {
        let [lo, hi] = r.ci95.expect("ci");
        assert!((hi - lo - 2.0 * 1.959_963_984_540_054 * r.se.unwrap()).abs() < 1e-12);
        assert_eq!(r.odds_ratio, r.coef.exp());
        assert_eq!(r.odds_ratio_ci95.unwrap(), [lo.exp(), hi.exp()]);
    }
    assert_eq!(s[0].index, None);
    assert_eq!(s[3].index, Some(2));
    eprintln!("iterations: {} (statsmodels: {})", m.iterations(), e["iterations"]);
}

#[test]
fn l2_matches_exact_optimum() {
    let (x, y, golden) = load();
    let e = &golden["expected"]["l2_C1"];
    let n = y.len() as f64;
    let opts =
        LogisticOptions { penalty: Penalty::L2, lambda: 1.0 / n, ..LogisticOptions::default() };
    let m = LogisticModel::fit(&x, &y, None, &opts).expect("fit");
    let mut coef = vec![m.intercept()];
    coef.extend_from_slice(m.coefficients());
    assert_close("l2 coef", &coef, &floats(&e["coef"]), 1e-8, 0.0);
    // sklearn objective: sum_i logloss_i + |b|^2 / 2.
    let obj = -m.loglik() + 0.5 * m.coefficients().iter().map(|b| b * b).sum::<f64>();
    assert_close("objective", &[obj], &[e["objective_at_coef"].as_f64().unwrap()], 0.0, 1e-12);
    assert!(m.summary().iter().all(|r| r.se.is_none() && r.p_value.is_none()));
}

#[test]
fn elastic_net_by_coordinate_descent_agrees_with_ridge_newton_at_tiny_alpha() {
    // alpha = 1e-12 runs coordinate descent; its optimum is within ~1e-12 of ridge's.
    let (x, y, _) = load();
    let lambda = 1.0 / y.len() as f64;
    let ridge = LogisticModel::fit(
        &x,
        &y,
        None,
        &LogisticOptions { penalty: Penalty::L2, lambda, ..Default::default() },
    )
    .expect("ridge");
    let en = LogisticModel::fit(
        &x,
        &y,
        None,
        &LogisticOptions {
            penalty: Penalty::ElasticNet,
            lambda,
            alpha: 1e-12,
            ..Default::default()
        },
    )
    .expect("enet");
    assert!(en.converged());
    assert_close("intercept", &[en.intercept()], &[ridge.intercept()], 1e-9, 0.0);
    assert_close("coef", en.coefficients(), ridge.coefficients(), 1e-9, 0.0);
}
