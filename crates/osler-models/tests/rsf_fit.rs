//! Random survival forest: determinism, serialization, structure, validation.

#![allow(clippy::unwrap_used)]

use osler_data::{Matrix, SplitMix64, synth};
use osler_models::ModelError;
use osler_models::rsf::{Mtry, RandomSurvivalForest, RsfNode, RsfOptions};

fn data(n: usize, p: usize, seed: u64) -> (Matrix, Vec<f64>, Vec<bool>) {
    let s = synth::survival(n, p, seed);
    let ev = s.event.iter().map(|&e| e == 1).collect();
    (s.x, s.time, ev)
}

fn small_opts(seed: u64) -> RsfOptions {
    RsfOptions { n_trees: 20, seed, ..RsfOptions::default() }
}

fn grid(f: &RandomSurvivalForest) -> Vec<f64> {
    let g = f.unique_event_times();
    let mut t: Vec<f64> = g.iter().step_by(7).copied().collect();
    t.extend([0.0, g[g.len() - 1] * 2.0, g[0] / 2.0]);
    t
}

#[test]
fn same_seed_same_forest_other_seed_other_forest() {
    let (x, t, e) = data(400, 6, 1);
    let a = RandomSurvivalForest::fit(&x, &t, &e, &small_opts(5)).unwrap();
    let b = RandomSurvivalForest::fit(&x, &t, &e, &small_opts(5)).unwrap();
    let c = RandomSurvivalForest::fit(&x, &t, &e, &small_opts(6)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.trees(), c.trees());
    let ra = a.predict_risk(&x).unwrap();
    let rb = b.predict_risk(&x).unwrap();
    assert!(ra.iter().zip(&rb).all(|(u, v)| u.to_bits() == v.to_bits()));
}

#[test]
fn json_round_trip_is_bit_identical() {
    let (x, t, e) = data(300, 5, 2);
    let f = RandomSurvivalForest::fit(&x, &t, &e, &small_opts(1)).unwrap();
    let json = serde_json::to_string(&f).unwrap();
    let g: RandomSurvivalForest = serde_json::from_str(&json).unwrap();
    assert_eq!(f, g);
    let (xt, _, _) = data(50, 5, 3);
    let times = grid(&f);
    let bits = |m: &Matrix| -> Vec<u64> {
        (0..m.cols())
            .flat_map(|j| m.col(j).iter().map(|v| v.to_bits()).collect::<Vec<_>>())
            .collect()
    };
    let r1: Vec<u64> = f.predict_risk(&xt).unwrap().iter().map(|v| v.to_bits()).collect();
    let r2: Vec<u64> = g.predict_risk(&xt).unwrap().iter().map(|v| v.to_bits()).collect();
    assert_eq!(r1, r2);
    assert_eq!(
        bits(&f.predict_survival(&xt, &times).unwrap()),
        bits(&g.predict_survival(&xt, &times).unwrap())
    );
    assert_eq!(
        bits(&f.predict_cumulative_hazard(&xt, &times).unwrap()),
        bits(&g.predict_cumulative_hazard(&xt, &times).unwrap())
    );
    // A corrupted artifact is refused, not a panic later.
    let bad = json.replacen("\"n_features\":5", "\"n_features\":0", 1);
    assert!(serde_json::from_str::<RandomSurvivalForest>(&bad).is_err());
}

#[test]
fn a_forest_with_rows_never_out_of_bag_reads_back() {
    // Two trees leave many rows in every bootstrap sample: their out-of-bag
    // risk is NaN, which JSON writes as null.
    let (x, t, e) = data(200, 4, 4);
    let opts = RsfOptions { n_trees: 2, seed: 3, ..RsfOptions::default() };
    let f = RandomSurvivalForest::fit(&x, &t, &e, &opts).unwrap();
    let oob = f.oob_risk().expect("bootstrap forests keep out-of-bag risks");
    assert!(oob.iter().any(|r| r.is_nan()), "some row is in both bootstrap samples");
    let json = serde_json::to_string(&f).unwrap();
    let g: RandomSurvivalForest = serde_json::from_str(&json).expect("reads back");
    let back = g.oob_risk().expect("kept");
    assert!(
        oob.iter().zip(back).all(|(a, b)| a.to_bits() == b.to_bits() || a.is_nan() && b.is_nan())
    );
    let bits = |m: &RandomSurvivalForest| -> Vec<u64> {
        m.predict_risk(&x).unwrap().iter().map(|v| v.to_bits()).collect()
    };
    assert_eq!(bits(&f), bits(&g));
}

#[test]
fn strong_feature_is_split_first() {
    // Feature 2 of 5 drives the hazard (HR e^2 per unit); the others are noise.
    let n = 600;
    let mut r = SplitMix64::new(9);
    let cols: Vec<Vec<f64>> =
        (0..5).map(|_| (0..n).map(|_| r.next_f64() * 2.0 - 1.0).collect()).collect();
    let x = Matrix::from_columns(&cols).unwrap();
    let mut time = Vec::new();
    let mut event = Vec::new();
    for &v in &cols[2] {
        let t = -(1.0 - r.next_f64()).ln() / (0.1 * (2.0 * v).exp());
        let c = -(1.0 - r.next_f64()).ln() / 0.03;
        time.push(t.min(c));
        event.push(t <= c);
    }
    let opts = RsfOptions { n_trees: 30, max_features: Mtry::All, ..RsfOptions::default() };
    let f = RandomSurvivalForest::fit(&x, &time, &event, &opts).unwrap();
    for tree in f.trees() {
        match &tree.nodes()[0] {
            RsfNode::Split { feature, logrank, .. } => {
                assert_eq!(*feature, 2);
                assert!(*logrank > 5.0, "{logrank}");
            }
            RsfNode::Leaf { .. } => panic!("root is a leaf"),
        }
    }
    let counts = f.split_counts();
    assert!(counts[2] > counts[0] && counts[2] > counts[4], "{counts:?}");
}

#[test]
#[allow(clippy::needless_range_loop)]
fn curves_are_monotone_and_bounded() {
    let (x, t, e) = data(500, 4, 4);
    let f = RandomSurvivalForest::fit(&x, &t, &e, &small_opts(2)).unwrap();
    let (xt, _, _) = data(40, 4, 5);
    let mut times = grid(&f);
    times.sort_by(f64::total_cmp);
    // Shuffled query order must give the same values.
    let mut shuffled = times.clone();
    SplitMix64::new(1).shuffle(&mut shuffled);
    let s = f.predict_survival(&xt, &times).unwrap();
    let h = f.predict_cumulative_hazard(&xt, &times).unwrap();
    let s2 = f.predict_survival(&xt, &shuffled).unwrap();
    let risk = f.predict_risk(&xt).unwrap();
    let g = f.unique_event_times();
    let hg = f.predict_cumulative_hazard(&xt, g).unwrap();
    for i in 0..xt.rows() {
        for k in 0..times.len() {
            let v = s.get(i, k);
            assert!((0.0..=1.0).contains(&v));
            assert!(h.get(i, k) >= 0.0);
            if k > 0 {
                assert!(v <= s.get(i, k - 1));
                assert!(h.get(i, k) >= h.get(i, k - 1));
            }
            let ks = shuffled.iter().position(|&u| u == times[k]).unwrap();
            assert_eq!(s2.get(i, ks), v);
        }
        assert_eq!(s.get(i, 0), 1.0); // t = 0 precedes every event
        // The risk score is the cumulative hazard summed over the event-time grid.
        let m: f64 = (0..g.len()).map(|k| hg.get(i, k)).sum();
        assert!((m - risk[i]).abs() <= 1e-9 * m.max(1.0), "{m} vs {}", risk[i]);
    }
}

#[test]
fn leaf_rows_sum_to_in_bag_counts() {
    let (x, t, e) = data(350, 3, 6);
    let f = RandomSurvivalForest::fit(&x, &t, &e, &small_opts(3)).unwrap();
    for tree in f.trees() {
        let mut total = 0;
        for node in tree.nodes() {
            if let RsfNode::Leaf { start, end, .. } = node {
                let rows = &tree.leaf_rows()[*start as usize..*end as usize];
                assert!(rows.len() >= 15 || tree.nodes().len() == 1);
                assert!(rows.windows(2).all(|w| t[w[0] as usize] <= t[w[1] as usize]));
                total += rows.len();
            }
        }
        assert_eq!(total, 350);
    }
    // Without bootstrap every tree holds every row once, and there is no OOB.
    let o = RsfOptions { bootstrap: false, ..small_opts(3) };
    let g = RandomSurvivalForest::fit(&x, &t, &e, &o).unwrap();
    for tree in g.trees() {
        let mut rows = tree.leaf_rows().to_vec();
        rows.sort_unstable();
        assert_eq!(rows, (0..350).collect::<Vec<u32>>());
    }
    assert!(g.oob_risk().is_none());
    let oob = f.oob_risk().unwrap();
    assert_eq!(oob.len(), 350);
    assert!(f.oob_concordance().unwrap() > 0.6);
}

#[test]
fn pathological_inputs_do_not_panic() {
    let (x, _, _) = data(100, 3, 7);
    // Every event at one time, the rest censored at the same time.
    let t = vec![5.0; 100];
    let e: Vec<bool> = (0..100).map(|i| i % 2 == 0).collect();
    let f = RandomSurvivalForest::fit(&x, &t, &e, &small_opts(1)).unwrap();
    let r = f.predict_risk(&x).unwrap();
    assert!(r.iter().all(|v| v.is_finite()));
    let s = f.predict_survival(&x, &[4.0, 5.0, 6.0]).unwrap();
    assert_eq!(s.get(0, 0), 1.0);
    assert!((s.get(0, 1) - 0.5).abs() < 0.2);
    // A single event; constant features; one row; max_depth 1.
    let mut e1 = vec![false; 100];
    e1[3] = true;
    let t1: Vec<f64> = (1..=100).map(f64::from).collect();
    assert!(RandomSurvivalForest::fit(&x, &t1, &e1, &small_opts(1)).is_ok());
    let xc = Matrix::zeros(100, 2);
    let fc = RandomSurvivalForest::fit(&xc, &t1, &e, &small_opts(1)).unwrap();
    assert!(fc.trees().iter().all(|tr| tr.nodes().len() == 1));
    let x1 = Matrix::zeros(1, 2);
    assert!(RandomSurvivalForest::fit(&x1, &[1.0], &[true], &small_opts(1)).is_ok());
    let o = RsfOptions { max_depth: Some(1), min_leaf: 1, ..small_opts(1) };
    let fd = RandomSurvivalForest::fit(&x, &t1, &e, &o).unwrap();
    assert!(fd.trees().iter().all(|tr| tr.nodes().len() <= 3));
}

#[test]
fn invalid_inputs_are_refused() {
    let (x, t, e) = data(50, 2, 8);
    let o = small_opts(0);
    let fit = |x: &Matrix, t: &[f64], e: &[bool], o: &RsfOptions| {
        RandomSurvivalForest::fit(x, t, e, o).unwrap_err()
    };
    assert!(matches!(fit(&x, &t[..49], &e, &o), ModelError::LengthMismatch { what: "time", .. }));
    assert!(matches!(fit(&x, &t, &e[..3], &o), ModelError::LengthMismatch { what: "event", .. }));
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let mut tb = t.clone();
        tb[7] = bad;
        assert!(matches!(fit(&x, &tb, &e, &o), ModelError::BadTime { row: 7, .. }));
    }
    assert_eq!(fit(&x, &t, &[false; 50], &o), ModelError::NoEvents);
    let mut xn = x.clone();
    xn.set(4, 1, f64::NAN);
    assert!(matches!(fit(&xn, &t, &e, &o), ModelError::NonFinite { feature: 1, row: 4, .. }));
    assert_eq!(fit(&Matrix::zeros(0, 2), &[], &[], &o), ModelError::Empty);
    for (bad, name) in [
        (RsfOptions { n_trees: 0, ..o.clone() }, "n_trees"),
        (RsfOptions { min_leaf: 0, ..o.clone() }, "min_leaf"),
        (RsfOptions { max_depth: Some(0), ..o.clone() }, "max_depth"),
        (RsfOptions { split_candidates: 256, ..o.clone() }, "split_candidates"),
        (RsfOptions { max_features: Mtry::Count(0), ..o.clone() }, "max_features"),
    ] {
        let err = fit(&x, &t, &e, &bad);
        assert!(
            matches!(err, ModelError::InvalidOption { option, .. } if option == name),
            "{err:?}"
        );
    }
    let f = RandomSurvivalForest::fit(&x, &t, &e, &o).unwrap();
    assert!(matches!(f.predict_risk(&Matrix::zeros(3, 3)), Err(ModelError::FeatureCount { .. })));
    assert!(matches!(f.predict_risk(&xn), Err(ModelError::NonFinite { .. })));
    assert!(matches!(
        f.predict_survival(&x, &[1.0, f64::NAN]),
        Err(ModelError::BadPredictionTime { index: 1, .. })
    ));
}
