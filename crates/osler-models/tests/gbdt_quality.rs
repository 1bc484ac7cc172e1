//! Quality: on a nonlinear problem the boosted trees beat a logistic baseline.

use osler_data::{Matrix, SplitMix64};
use osler_models::gbdt::{GbdtModel, GbdtOptions};

fn synth(n: usize, seed: u64) -> (Matrix, Vec<f64>) {
    let p = 8;
    let mut r = SplitMix64::new(seed);
    let cols: Vec<Vec<f64>> =
        (0..p).map(|_| (0..n).map(|_| r.next_f64() * 2.0 - 1.0).collect()).collect();
    let y = (0..n)
        .map(|i| {
            let (a, b, c) = (cols[0][i], cols[1][i], cols[2][i]);
            let z = 3.0 * (a * a - 0.33) + 2.5 * a * b + 2.0 * f64::from(c > 0.5)
                - 1.0 * (b * 3.0).sin()
                - 0.3;
            f64::from(r.next_f64() < 1.0 / (1.0 + (-z).exp()))
        })
        .collect();
    (Matrix::from_columns(&cols).expect("cols"), y)
}

/// Area under the ROC curve (Mann-Whitney, ties counted half).
fn auc(score: &[f64], y: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < idx.len() {
        let mut j = i;
        while j < idx.len() && score[idx[j]] == score[idx[i]] {
            j += 1;
        }
        let mid_rank = (i + j + 1) as f64 / 2.0;
        rank_sum += idx[i..j].iter().filter(|&&k| y[k] == 1.0).count() as f64 * mid_rank;
        i = j;
    }
    let n1 = y.iter().filter(|&&v| v == 1.0).count() as f64;
    let n0 = y.len() as f64 - n1;
    (rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0)
}

/// Logistic regression by Newton's method (intercept first), for the baseline.
#[allow(clippy::needless_range_loop)]
fn logistic(x: &Matrix, y: &[f64]) -> Vec<f64> {
    let p = x.cols() + 1;
    let mut beta = vec![0.0; p];
    let feat = |i: usize, j: usize| if j == 0 { 1.0 } else { x.get(i, j - 1) };
    for _ in 0..25 {
        let mut grad = vec![0.0; p];
        let mut hess = vec![vec![0.0; p]; p];
        for i in 0..x.rows() {
            let z: f64 = (0..p).map(|j| beta[j] * feat(i, j)).sum();
            let q = 1.0 / (1.0 + (-z).exp());
            for j in 0..p {
                grad[j] += (y[i] - q) * feat(i, j);
                for k in 0..p {
                    hess[j][k] += q * (1.0 - q) * feat(i, j) * feat(i, k);
                }
            }
        }
        // Solve hess * step = grad by Gaussian elimination with partial pivoting.
        for c in 0..p {
            let piv = (c..p)
                .max_by(|&a, &b| hess[a][c].abs().total_cmp(&hess[b][c].abs()))
                .expect("rows");
            hess.swap(c, piv);
            grad.swap(c, piv);
            for r in c + 1..p {
                let f = hess[r][c] / hess[c][c];
                for k in c..p {
                    hess[r][k] -= f * hess[c][k];
                }
                grad[r] -= f * grad[c];
            }
        }
        let mut step = vec![0.0; p];
        for c in (0..p).rev() {
            step[c] =
                (grad[c] - (c + 1..p).map(|k| hess[c][k] * step[k]).sum::<f64>()) / hess[c][c];
        }
        for (b, s) in beta.iter_mut().zip(step) {
            *b += s;
        }
    }
    beta
}

#[test]
fn beats_a_logistic_baseline_on_a_nonlinear_logit() {
    let (x, y) = synth(20_000, 1);
    let train: Vec<usize> = (0..15_000).collect();
    let test: Vec<usize> = (15_000..20_000).collect();
    let (xtr, xte) = (x.select_rows(&train), x.select_rows(&test));
    let (ytr, yte) = (y[..15_000].to_vec(), y[15_000..].to_vec());

    let opts = GbdtOptions {
        n_trees: 300,
        early_stopping_rounds: Some(20),
        seed: 3,
        ..GbdtOptions::default()
    };
    let m = GbdtModel::fit(&xtr, &ytr, None, &opts).expect("fit");
    let auc_gbdt = auc(&m.predict_proba(&xte).expect("predict"), &yte);

    let beta = logistic(&xtr, &ytr);
    let lin: Vec<f64> = (0..xte.rows())
        .map(|i| beta[0] + (0..xte.cols()).map(|j| beta[j + 1] * xte.get(i, j)).sum::<f64>())
        .collect();
    let auc_lin = auc(&lin, &yte);
    eprintln!("AUC gbdt {auc_gbdt:.4} ({} trees), logistic {auc_lin:.4}", m.n_trees());
    assert!(auc_gbdt > auc_lin + 0.05, "gbdt {auc_gbdt} vs logistic {auc_lin}");
    assert!(auc_gbdt > 0.75);
}
