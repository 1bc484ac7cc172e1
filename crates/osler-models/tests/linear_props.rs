//! Properties of the logistic regression solvers: KKT optimality, exact
//! reproducibility, weights, degenerate inputs and input validation.
#![allow(clippy::unwrap_used)]

use osler_data::{Matrix, SplitMix64};
use osler_models::ModelError;
use osler_models::linear::{LogisticModel, LogisticOptions, Penalty, lambda_max, logistic_path};
use proptest::prelude::*;

/// Standard normal by Box-Muller.
fn normal(r: &mut SplitMix64) -> f64 {
    let u = r.next_f64().max(1e-300);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * r.next_f64()).cos()
}

/// `n x p` design with correlated, shifted and scaled columns and a logistic outcome.
fn data(seed: u64, n: usize, p: usize) -> (Matrix, Vec<f64>) {
    let mut r = SplitMix64::new(seed);
    let mut cols: Vec<Vec<f64>> = Vec::new();
    for j in 0..p {
        let c: Vec<f64> = (0..n)
            .map(|i| {
                let shared = if j > 0 {
                    // The previous column, centred and scaled back to unit size.
                    0.5 * (cols[j - 1][i] - 10.0 * (j - 1) as f64) / j as f64
                } else {
                    0.0
                };
                (normal(&mut r) + shared) * (1.0 + j as f64) + 10.0 * j as f64
            })
            .collect();
        cols.push(c);
    }
    let y = (0..n)
        .map(|i| {
            let eta: f64 = 0.3
                + (0..p)
                    .map(|j| {
                        (cols[j][i] - 10.0 * j as f64) / (1.0 + j as f64)
                            * if j % 2 == 0 { 0.8 } else { -0.5 }
                    })
                    .sum::<f64>();
            f64::from(u8::from(r.next_f64() < 1.0 / (1.0 + (-eta).exp())))
        })
        .collect();
    (Matrix::from_columns(&cols).unwrap(), y)
}

fn opts(penalty: Penalty, lambda: f64, alpha: f64) -> LogisticOptions {
    LogisticOptions { penalty, lambda, alpha, ..LogisticOptions::default() }
}

/// Largest KKT violation of glmnet's objective, recomputed from scratch.
fn kkt(x: &Matrix, y: &[f64], w: &[f64], m: &LogisticModel, lambda: f64, alpha: f64) -> f64 {
    let prob = m.predict_proba(x).unwrap();
    let wsum: f64 = w.iter().sum();
    let r: Vec<f64> = (0..y.len()).map(|i| w[i] * (y[i] - prob[i]) / wsum).collect();
    let mut worst = r.iter().sum::<f64>().abs();
    for j in 0..x.cols() {
        let c = x.col(j);
        let mean = c.iter().zip(w).map(|(v, w)| v * w).sum::<f64>() / wsum;
        let sd = (c.iter().zip(w).map(|(v, w)| w * (v - mean).powi(2)).sum::<f64>() / wsum).sqrt();
        let grad: f64 = c.iter().zip(&r).map(|(v, r)| r * (v - mean) / sd).sum();
        let g = m.coefficients()[j] * sd;
        let viol = if g != 0.0 {
            (grad - lambda * (1.0 - alpha) * g - lambda * alpha * g.signum()).abs()
        } else {
            (grad.abs() - lambda * alpha).max(0.0)
        };
        worst = worst.max(viol);
    }
    worst
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn lasso_and_elastic_net_satisfy_kkt(seed in 0u64..1_000_000, p in 1usize..8, frac in 0.01f64..0.9, alpha in prop_oneof![Just(1.0), 0.05f64..1.0], weighted in any::<bool>()) {
        let (x, y) = data(seed, 150, p);
        let mut r = SplitMix64::new(seed ^ 0xabc);
        let w: Vec<f64> = (0..150).map(|_| if weighted { 0.5 + 2.0 * r.next_f64() } else { 1.0 }).collect();
        let lmax = lambda_max(&x, &y, Some(&w), alpha).unwrap();
        let lambda = lmax * frac;
        let penalty = if alpha == 1.0 { Penalty::L1 } else { Penalty::ElasticNet };
        let m = LogisticModel::fit(&x, &y, Some(&w), &opts(penalty, lambda, alpha)).unwrap();
        prop_assert!(m.converged());
        let v = kkt(&x, &y, &w, &m, lambda, alpha);
        prop_assert!(v < 1e-10, "KKT violation {v:e}");
    }
}

#[test]
fn ridge_satisfies_kkt() {
    let (x, y) = data(3, 200, 6);
    let w = vec![1.0; 200];
    let m = LogisticModel::fit(&x, &y, None, &opts(Penalty::L2, 0.02, 0.0)).unwrap();
    assert!(kkt(&x, &y, &w, &m, 0.02, 0.0) < 1e-12);
}

#[test]
fn json_round_trip_predicts_bit_identically() {
    let (x, y) = data(11, 300, 5);
    for o in
        [LogisticOptions::default(), opts(Penalty::L1, 0.01, 1.0), opts(Penalty::L2, 0.01, 0.0)]
    {
        let m = LogisticModel::fit(&x, &y, None, &o).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        let back: LogisticModel = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        let (a, b) = (m.predict_proba(&x).unwrap(), back.predict_proba(&x).unwrap());
        assert!(a.iter().zip(&b).all(|(a, b)| a.to_bits() == b.to_bits()));
    }
    assert_eq!(serde_json::to_string(&Penalty::ElasticNet).unwrap(), "\"elasticnet\"");
    assert_eq!(serde_json::from_str::<Penalty>("\"l2\"").unwrap(), Penalty::L2);
}

#[test]
fn weights_of_two_equal_duplicated_rows() {
    let (x, y) = data(5, 120, 4);
    let mut w = vec![1.0; 120];
    let mut idx: Vec<usize> = (0..120).collect();
    for i in (0..120).step_by(3) {
        w[i] = 2.0;
        idx.push(i);
    }
    let xd = x.select_rows(&idx);
    let yd: Vec<f64> = idx.iter().map(|&i| y[i]).collect();
    for o in [
        LogisticOptions::default(),
        opts(Penalty::ElasticNet, 0.01, 0.5),
        opts(Penalty::L2, 0.05, 0.0),
    ] {
        let a = LogisticModel::fit(&x, &y, Some(&w), &o).unwrap();
        let b = LogisticModel::fit(&xd, &yd, None, &o).unwrap();
        assert!((a.intercept() - b.intercept()).abs() < 1e-10);
        for (u, v) in a.coefficients().iter().zip(b.coefficients()) {
            assert!((u - v).abs() < 1e-10, "{u} vs {v}");
        }
        assert!((a.loglik() - b.loglik()).abs() < 1e-9 * b.loglik().abs());
        for (u, v) in a.summary().iter().zip(b.summary()) {
            assert_eq!(u.se.is_some(), v.se.is_some());
            if let (Some(s), Some(t)) = (u.se, v.se) {
                assert!((s - t).abs() < 1e-10);
            }
        }
    }
}

#[test]
fn refitting_is_bit_identical() {
    let (x, y) = data(8, 400, 6);
    for o in [LogisticOptions::default(), opts(Penalty::L1, 0.005, 1.0)] {
        let a = LogisticModel::fit(&x, &y, None, &o).unwrap();
        let b = LogisticModel::fit(&x, &y, None, &o).unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    }
}

#[test]
fn contributions_add_up_to_the_logit() {
    let (x, y) = data(9, 100, 4);
    let m = LogisticModel::fit(&x, &y, None, &LogisticOptions::default()).unwrap();
    let eta = m.linear_predictor(&x).unwrap();
    let (base, c) = m.contributions(&x).unwrap();
    for (i, e) in eta.iter().enumerate() {
        let s = base + (0..4).map(|j| c.get(i, j)).sum::<f64>();
        assert!((s - e).abs() < 1e-12 * (1.0 + e.abs()));
    }
    assert!(matches!(
        m.predict_proba(&Matrix::zeros(2, 3)),
        Err(ModelError::FeatureCount { expected: 4, found: 3 })
    ));
}

fn with_column(x: &Matrix, col: Vec<f64>) -> Matrix {
    let mut cols: Vec<Vec<f64>> = (0..x.cols()).map(|j| x.col(j).to_vec()).collect();
    cols.insert(1, col);
    Matrix::from_columns(&cols).unwrap()
}

#[test]
fn constant_and_collinear_columns() {
    let (x, y) = data(4, 100, 3);
    let xc = with_column(&x, vec![7.5; 100]);
    for o in [
        opts(Penalty::L1, 0.01, 1.0),
        opts(Penalty::L2, 0.01, 0.0),
        opts(Penalty::ElasticNet, 0.01, 0.3),
    ] {
        let m = LogisticModel::fit(&xc, &y, None, &o).unwrap();
        assert_eq!(m.coefficients()[1], 0.0);
    }
    let e = LogisticModel::fit(&xc, &y, None, &LogisticOptions::default()).unwrap_err();
    assert!(matches!(e, ModelError::Degenerate { feature: 1, .. }), "{e}");
    // Column 3 (original 2) = 2 * column 0 - column 1 + 3 after inserting it.
    let lin: Vec<f64> = (0..100).map(|i| 2.0 * x.get(i, 0) - x.get(i, 1) + 3.0).collect();
    let mut cols: Vec<Vec<f64>> = (0..3).map(|j| x.col(j).to_vec()).collect();
    cols.push(lin);
    let xl = Matrix::from_columns(&cols).unwrap();
    let e = LogisticModel::fit(&xl, &y, None, &LogisticOptions::default()).unwrap_err();
    assert!(matches!(e, ModelError::Degenerate { feature: 3, .. }), "{e}");
    assert!(e.to_string().contains("collinear"));
}

#[test]
fn separation_is_reported_by_feature() {
    let (x, y) = data(6, 200, 3);
    // Feature 1 separates on its own (quasi-complete: a tie at the threshold).
    let sep: Vec<f64> = y
        .iter()
        .enumerate()
        .map(|(i, &v)| if i == 0 { 0.0 } else { v * 2.0 + (i % 7) as f64 * 0.1 * (2.0 * v - 1.0) })
        .collect();
    let e = LogisticModel::fit(&with_column(&x, sep), &y, None, &LogisticOptions::default())
        .unwrap_err();
    assert!(matches!(e, ModelError::Degenerate { feature: 1, .. }), "{e}");
    assert!(
        e.to_string().starts_with("feature 1 separates the outcome: coefficient diverges"),
        "{e}"
    );
    // Features 0 and 1 separate jointly (y = 1 iff x0 + x1 > 0) but neither alone.
    let mut r = SplitMix64::new(2);
    let a: Vec<f64> = (0..300).map(|_| normal(&mut r)).collect();
    let b: Vec<f64> = (0..300).map(|_| normal(&mut r)).collect();
    let c: Vec<f64> = (0..300).map(|_| normal(&mut r)).collect();
    let yy: Vec<f64> = (0..300).map(|i| f64::from(u8::from(a[i] + b[i] > 0.0))).collect();
    let xx = Matrix::from_columns(&[a, b, c]).unwrap();
    let e = LogisticModel::fit(&xx, &yy, None, &LogisticOptions::default()).unwrap_err();
    assert!(matches!(e, ModelError::Degenerate { feature: 0 | 1, .. }), "{e}");
    assert!(e.to_string().contains("separates the outcome"), "{e}");
    // A penalised fit of the same data is fine.
    assert!(LogisticModel::fit(&xx, &yy, None, &opts(Penalty::L2, 0.01, 0.0)).is_ok());
}

#[test]
fn lambda_max_zeroes_everything_and_the_path_warm_starts() {
    let (x, y) = data(12, 250, 6);
    for alpha in [1.0, 0.5] {
        let lmax = lambda_max(&x, &y, None, alpha).unwrap();
        for f in [1.0 + 1e-9, 2.0] {
            let pen = if alpha == 1.0 { Penalty::L1 } else { Penalty::ElasticNet };
            let m = LogisticModel::fit(&x, &y, None, &opts(pen, lmax * f, alpha)).unwrap();
            assert!(m.coefficients().iter().all(|&b| b == 0.0));
            let ybar = y.iter().sum::<f64>() / y.len() as f64;
            assert!((m.intercept() - (ybar / (1.0 - ybar)).ln()).abs() < 1e-12);
        }
        let m = LogisticModel::fit(&x, &y, None, &opts(Penalty::ElasticNet, lmax * 0.99, alpha))
            .unwrap();
        assert!(m.coefficients().iter().any(|&b| b != 0.0));
        let path = logistic_path(&x, &y, None, alpha, 20, 1e-3).unwrap();
        assert_eq!(path.len(), 20);
        assert!(path[0].coefficients().iter().all(|&b| b == 0.0));
        assert_eq!(path[0].options().lambda, lmax);
        assert!((path[19].options().lambda - lmax * 1e-3).abs() < 1e-12 * lmax);
        assert!(path.windows(2).all(|w| w[1].loglik() >= w[0].loglik() - 1e-9));
        for m in &path[1..] {
            let w = vec![1.0; y.len()];
            assert!(kkt(&x, &y, &w, m, m.options().lambda, alpha) < 1e-10);
        }
    }
}

#[test]
fn invalid_inputs_say_what_is_wrong() {
    let (x, y) = data(1, 20, 2);
    let fit = |x: &Matrix, y: &[f64], w: Option<&[f64]>, o: &LogisticOptions| {
        LogisticModel::fit(x, y, w, o).unwrap_err()
    };
    let d = LogisticOptions::default();
    assert_eq!(
        fit(&x, &y[..19], None, &d),
        ModelError::LengthMismatch { what: "outcome y", found: 19, expected: 20 }
    );
    assert!(matches!(
        fit(&x, &y, Some(&[1.0; 3]), &d),
        ModelError::LengthMismatch { found: 3, .. }
    ));
    let mut w = vec![1.0; 20];
    w[4] = -1.0;
    assert!(matches!(fit(&x, &y, Some(&w), &d), ModelError::BadWeight { row: 4, .. }));
    w[4] = f64::NAN;
    assert!(matches!(fit(&x, &y, Some(&w), &d), ModelError::BadWeight { row: 4, .. }));
    assert_eq!(fit(&x, &y, Some(&[0.0; 20]), &d), ModelError::ZeroWeights);
    let mut yb = y.clone();
    yb[2] = 0.5;
    assert_eq!(fit(&x, &yb, None, &d), ModelError::BadLabel { row: 2, value: 0.5 });
    assert_eq!(fit(&x, &[1.0; 20], None, &d), ModelError::SingleClass { class: 1.0 });
    let mut xn = x.clone();
    xn.set(3, 1, f64::INFINITY);
    assert!(matches!(fit(&xn, &y, None, &d), ModelError::NonFinite { feature: 1, row: 3, .. }));
    assert_eq!(fit(&Matrix::zeros(0, 2), &[], None, &d), ModelError::Empty);
    for (bad, name) in [
        (opts(Penalty::L1, 0.0, 1.0), "lambda"),
        (opts(Penalty::L2, f64::NAN, 0.0), "lambda"),
        (opts(Penalty::ElasticNet, 0.1, 1.5), "alpha"),
        (LogisticOptions { max_iter: 0, ..d }, "max_iter"),
        (LogisticOptions { tol: 0.0, ..d }, "tol"),
    ] {
        let e = fit(&x, &y, None, &bad);
        assert!(matches!(e, ModelError::InvalidOption { option, .. } if option == name), "{e:?}");
    }
    assert!(logistic_path(&x, &y, None, 1.0, 10, 1.5).is_err());
}
