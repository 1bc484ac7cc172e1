//! Property tests over random small data sets with missing values.

use osler_data::{Matrix, SplitMix64};
use osler_models::gbdt::{GbdtModel, GbdtOptions};
use proptest::prelude::*;

fn data(n: usize, p: usize, missing: f64, seed: u64) -> (Matrix, Vec<f64>) {
    let mut r = SplitMix64::new(seed);
    let mut cols: Vec<Vec<f64>> =
        (0..p).map(|_| (0..n).map(|_| (r.next_f64() * 10.0).floor()).collect()).collect();
    let mut y: Vec<f64> =
        (0..n).map(|i| f64::from(cols[0][i] + 3.0 * r.next_f64() > 6.0)).collect();
    y[0] = 0.0;
    y[1] = 1.0;
    for c in &mut cols {
        for v in c.iter_mut() {
            if r.next_f64() < missing {
                *v = f64::NAN;
            }
        }
    }
    (Matrix::from_columns(&cols).expect("cols"), y)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn shap_additivity_round_trip_and_limits(
        n in 30usize..300, p in 1usize..5, missing in 0.0f64..0.5, seed in 0u64..1000,
        leaves in 2usize..16, depth in proptest::option::of(1usize..5), min_leaf in 1usize..10,
    ) {
        let (x, y) = data(n, p, missing, seed);
        let opts = GbdtOptions { n_trees: 8, max_leaves: leaves, max_depth: depth, min_leaf, seed, ..GbdtOptions::default() };
        let m = GbdtModel::fit(&x, &y, None, &opts).expect("fit");
        let raw = m.predict_raw(&x).expect("predict");
        prop_assert!(raw.iter().all(|v| v.is_finite()));
        let (e, phi) = m.shap_values(&x).expect("shap");
        for (i, &r) in raw.iter().enumerate() {
            let s = e + phi.row(i).iter().sum::<f64>();
            prop_assert!((s - r).abs() < 1e-9, "row {}: {} vs {}", i, s, r);
        }
        for t in m.trees() {
            prop_assert!(t.n_leaves() <= leaves);
            if let Some(d) = depth {
                prop_assert!(t.depth() <= d);
            }
            prop_assert!(t.nodes().iter().filter(|nd| nd.is_leaf()).all(|nd| nd.cover >= min_leaf as f64));
        }
        let back: GbdtModel = serde_json::from_str(&serde_json::to_string(&m).expect("ser")).expect("de");
        let raw2 = back.predict_raw(&x).expect("predict");
        prop_assert!(raw.iter().zip(&raw2).all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}
