//! TreeSHAP: additivity and agreement with brute-force Shapley values.

use osler_data::{Matrix, SplitMix64};
use osler_models::gbdt::{GbdtModel, GbdtOptions, Node, Tree};

/// Features in [-1, 1] with about 10% missing, interacting outcome.
fn synth(n: usize, p: usize, seed: u64) -> (Matrix, Vec<f64>) {
    let mut r = SplitMix64::new(seed);
    let mut cols: Vec<Vec<f64>> =
        (0..p).map(|_| (0..n).map(|_| r.next_f64() * 2.0 - 1.0).collect()).collect();
    let y = (0..n)
        .map(|i| {
            let z = 2.0 * cols[0][i] + 2.0 * cols[1][i] * cols[2][i] + (cols[0][i] * 3.0).sin();
            f64::from(r.next_f64() < 1.0 / (1.0 + (-z).exp()))
        })
        .collect();
    for c in &mut cols {
        for v in c.iter_mut() {
            if r.next_f64() < 0.1 {
                *v = f64::NAN;
            }
        }
    }
    (Matrix::from_columns(&cols).expect("cols"), y)
}

/// E[tree | features in `set` fixed to row `i`], children weighted by cover elsewhere.
fn cond_expectation(nodes: &[Node], k: usize, x: &Matrix, i: usize, set: u32) -> f64 {
    let n = &nodes[k];
    if n.is_leaf() {
        return n.value;
    }
    if set & (1 << n.feature) != 0 {
        return cond_expectation(nodes, n.child(x.get(i, n.feature as usize)), x, i, set);
    }
    let (l, r) = (n.left as usize, n.right as usize);
    (nodes[l].cover * cond_expectation(nodes, l, x, i, set)
        + nodes[r].cover * cond_expectation(nodes, r, x, i, set))
        / n.cover
}

fn brute_force(trees: &[Tree], x: &Matrix, i: usize) -> Vec<f64> {
    let p = x.cols();
    let fact = |k: usize| (1..=k).map(|v| v as f64).product::<f64>();
    let v = |s: u32| trees.iter().map(|t| cond_expectation(t.nodes(), 0, x, i, s)).sum::<f64>();
    (0..p)
        .map(|j| {
            let mut phi = 0.0;
            for s in 0u32..(1 << p) {
                if s & (1 << j) != 0 {
                    continue;
                }
                let k = s.count_ones() as usize;
                let w = fact(k) * fact(p - k - 1) / fact(p);
                phi += w * (v(s | (1 << j)) - v(s));
            }
            phi
        })
        .collect()
}

#[test]
fn shap_values_add_up_to_the_raw_prediction() {
    let (x, y) = synth(3000, 6, 1);
    let opts = GbdtOptions { n_trees: 30, max_leaves: 31, min_leaf: 10, ..GbdtOptions::default() };
    let m = GbdtModel::fit(&x, &y, None, &opts).expect("fit");
    let raw = m.predict_raw(&x).expect("predict");
    let (e, phi) = m.shap_values(&x).expect("shap");
    assert_eq!((phi.rows(), phi.cols()), (3000, 6));
    for (i, &r) in raw.iter().enumerate() {
        let s = e + phi.row(i).iter().sum::<f64>();
        assert!((s - r).abs() < 1e-9, "row {i}: {s} vs {r}");
    }
    // The expected value is the cover-weighted mean of the training predictions.
    let mean = raw.iter().sum::<f64>() / raw.len() as f64;
    assert!((e - mean).abs() < 1e-9, "{e} vs {mean}");
}

#[test]
fn shap_values_match_brute_force_shapley_values() {
    // Few features and deep-ish trees, so paths split on a feature more than once.
    let (x, y) = synth(400, 4, 2);
    let opts = GbdtOptions {
        n_trees: 4,
        max_leaves: 8,
        min_leaf: 5,
        learning_rate: 0.5,
        ..GbdtOptions::default()
    };
    let m = GbdtModel::fit(&x, &y, None, &opts).expect("fit");
    let repeats = m.trees().iter().any(|t| {
        let n = t.nodes();
        n.iter().filter(|a| !a.is_leaf()).any(|a| {
            [a.left, a.right]
                .iter()
                .any(|&c| !n[c as usize].is_leaf() && n[c as usize].feature == a.feature)
        })
    });
    assert!(repeats, "test ensemble should split twice on a feature along a path");
    let (e, phi) = m.shap_values(&x).expect("shap");
    let e_brute = m.init_score()
        + m.trees().iter().map(|t| cond_expectation(t.nodes(), 0, &x, 0, 0)).sum::<f64>();
    assert!((e - e_brute).abs() < 1e-12);
    for i in 0..60 {
        let b = brute_force(m.trees(), &x, i);
        for (j, (&got, want)) in phi.row(i).iter().zip(b).enumerate() {
            assert!((got - want).abs() < 1e-9, "row {i} feature {j}: {got} vs {want}");
        }
    }
}

#[test]
fn shap_checks_the_feature_count() {
    let (x, y) = synth(300, 4, 3);
    let m = GbdtModel::fit(&x, &y, None, &GbdtOptions { n_trees: 2, ..GbdtOptions::default() })
        .expect("fit");
    assert!(m.shap_values(&Matrix::zeros(2, 3)).is_err());
}
