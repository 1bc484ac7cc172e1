//! Unpenalised fits on data large enough (>= 100,000 rows) for the subsample
//! warm start: the optimum, the covariance and the degenerate-input errors
//! must be those of the full data.
#![allow(clippy::unwrap_used)]

use osler_data::{Matrix, SplitMix64};
use osler_models::ModelError;
use osler_models::linear::{LogisticModel, LogisticOptions, Penalty};

/// `n x p` shifted, scaled, correlated design and a logistic outcome.
fn data(seed: u64, n: usize, p: usize) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut r = SplitMix64::new(seed);
    let mut cols: Vec<Vec<f64>> = Vec::new();
    for j in 0..p {
        let c: Vec<f64> = (0..n)
            .map(|i| {
                let shared = if j > 0 { 0.4 * cols[j - 1][i] } else { 0.0 };
                (r.next_f64() - 0.5) * (1.0 + j as f64) + 5.0 * j as f64 + shared
            })
            .collect();
        cols.push(c);
    }
    let y = (0..n)
        .map(|i| {
            let eta: f64 = -0.4
                + (0..p)
                    .map(|j| (cols[j][i] - 5.0 * j as f64) * if j % 2 == 0 { 0.9 } else { -0.6 })
                    .sum::<f64>();
            f64::from(u8::from(r.next_f64() < 1.0 / (1.0 + (-eta).exp())))
        })
        .collect();
    (cols, y)
}

fn matrix(cols: &[Vec<f64>]) -> Matrix {
    Matrix::from_columns(cols).unwrap()
}

fn all_coefs(m: &LogisticModel) -> Vec<f64> {
    std::iter::once(m.intercept()).chain(m.coefficients().iter().copied()).collect()
}

fn assert_close(what: &str, a: &[f64], b: &[f64], tol: f64) {
    for (k, (u, v)) in a.iter().zip(b).enumerate() {
        assert!((u - v).abs() <= tol * (1.0 + v.abs()), "{what}[{k}]: {u:e} vs {v:e}");
    }
}

#[test]
fn warm_started_fit_solves_the_full_score_equations() {
    let (cols, y) = data(7, 150_000, 4);
    let x = matrix(&cols);
    let m = LogisticModel::fit(&x, &y, None, &LogisticOptions::default()).unwrap();
    assert!(m.converged());
    // Score equations sum_i (y_i - p_i) [1, x_i] = 0, relative to their scale.
    let p = m.predict_proba(&x).unwrap();
    let resid: Vec<f64> = y.iter().zip(&p).map(|(y, p)| y - p).collect();
    let scale: f64 = resid.iter().map(|r| r.abs()).sum();
    let g0: f64 = resid.iter().sum();
    assert!(g0.abs() <= 1e-10 * scale, "intercept score {g0:e}");
    for (j, c) in cols.iter().enumerate() {
        let g: f64 = resid.iter().zip(c).map(|(r, x)| r * x).sum();
        let s: f64 = resid.iter().zip(c).map(|(r, x)| (r * x).abs()).sum();
        assert!(g.abs() <= 1e-10 * s, "score of feature {j}: {g:e}");
    }

    // Reversed rows: another subsample and warm start, the same optimum and
    // the same covariance.
    let rev: Vec<Vec<f64>> = cols.iter().map(|c| c.iter().rev().copied().collect()).collect();
    let yrev: Vec<f64> = y.iter().rev().copied().collect();
    let r = LogisticModel::fit(&matrix(&rev), &yrev, None, &LogisticOptions::default()).unwrap();
    assert_close("coef", &all_coefs(&r), &all_coefs(&m), 1e-11);
    assert_close("covariance", r.covariance().unwrap(), m.covariance().unwrap(), 1e-9);
    assert!((r.loglik() - m.loglik()).abs() <= 1e-12 * m.loglik().abs());
}

#[test]
fn zero_weights_drop_rows_of_a_large_fit() {
    let (cols, y) = data(11, 200_000, 3);
    // Weight 0 on whole runs of rows (so that the subsample holds few
    // weighted rows), 2 elsewhere.
    let w: Vec<f64> = (0..y.len()).map(|i| if (i / 64) % 3 == 0 { 2.0 } else { 0.0 }).collect();
    let keep: Vec<usize> = (0..y.len()).filter(|&i| w[i] > 0.0).collect();
    let sub: Vec<Vec<f64>> = cols.iter().map(|c| keep.iter().map(|&i| c[i]).collect()).collect();
    let ysub: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
    let wsub = vec![2.0; keep.len()];
    let opts = LogisticOptions::default();
    let a = LogisticModel::fit(&matrix(&cols), &y, Some(&w), &opts).unwrap();
    let b = LogisticModel::fit(&matrix(&sub), &ysub, Some(&wsub), &opts).unwrap();
    assert_close("coef", &all_coefs(&a), &all_coefs(&b), 1e-11);
    assert_close("covariance", a.covariance().unwrap(), b.covariance().unwrap(), 1e-9);
}

#[test]
fn large_ridge_fit_is_the_exact_optimum() {
    let (cols, y) = data(5, 120_000, 3);
    let x = matrix(&cols);
    let opts = LogisticOptions { penalty: Penalty::L2, lambda: 1e-3, ..LogisticOptions::default() };
    let m = LogisticModel::fit(&x, &y, None, &opts).unwrap();
    assert!(m.converged());
    // Gradient of glmnet's objective on the standardised scale: for feature j
    // (b_j = g_j / s_j), (1/W) sum_i (y_i - p_i) (x_ij - m_j) / s_j = lambda g_j.
    let p = m.predict_proba(&x).unwrap();
    let n = y.len() as f64;
    for (j, c) in cols.iter().enumerate() {
        let mean = c.iter().sum::<f64>() / n;
        let sd = (c.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
        let g: f64 =
            y.iter().zip(&p).zip(c).map(|((y, p), x)| (y - p) * (x - mean) / sd).sum::<f64>() / n;
        let want = 1e-3 * m.coefficients()[j] * sd;
        assert!((g - want).abs() < 1e-12, "feature {j}: {g:e} vs {want:e}");
    }
}

#[test]
fn degenerate_large_inputs_are_still_reported() {
    let (mut cols, y) = data(3, 120_000, 2);
    // Feature 2 = feature 0 + feature 1: collinear.
    let sum: Vec<f64> = cols[0].iter().zip(&cols[1]).map(|(a, b)| a + b).collect();
    cols.push(sum);
    let e = LogisticModel::fit(&matrix(&cols), &y, None, &LogisticOptions::default()).unwrap_err();
    assert!(
        matches!(&e, ModelError::Degenerate { feature: 2, reason, .. } if reason.contains("collinear")),
        "{e}"
    );

    // Feature 1 separates the outcome.
    let (mut cols, y) = data(4, 120_000, 2);
    cols[1] = y.iter().zip(&cols[0]).map(|(y, x)| 3.0 * y + 0.1 * x).collect();
    let e = LogisticModel::fit(&matrix(&cols), &y, None, &LogisticOptions::default()).unwrap_err();
    assert!(
        matches!(&e, ModelError::Degenerate { reason, .. } if reason.contains("separates")),
        "{e}"
    );
}
