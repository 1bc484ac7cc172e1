//! Property tests: invariances and identities that must hold for any data.
#![allow(clippy::unwrap_used)]

use osler_eval::*;
use proptest::prelude::*;

/// Labels with at least one row of each class, and integer-valued scores in
/// `-20..=20` (so ties are common and simple transforms are exact).
fn labelled_scores() -> impl Strategy<Value = (Vec<bool>, Vec<f64>)> {
    (2usize..60)
        .prop_flat_map(|n| {
            (prop::collection::vec(any::<bool>(), n), prop::collection::vec(-20i32..=20, n))
        })
        .prop_filter("both classes", |(y, _)| y.contains(&true) && y.contains(&false))
        .prop_map(|(y, s)| (y, s.into_iter().map(f64::from).collect()))
}

/// Trapezoidal area under a ROC curve.
fn trapezoid(c: &RocCurve) -> f64 {
    (1..c.fpr.len()).map(|i| (c.fpr[i] - c.fpr[i - 1]) * (c.tpr[i] + c.tpr[i - 1]) / 2.0).sum()
}

proptest! {
    #[test]
    fn auroc_is_invariant_to_strictly_increasing_transforms((y, s) in labelled_scores()) {
        let base = auroc(&y, &s).unwrap();
        let cubic: Vec<f64> = s.iter().map(|v| v * v * v + 2.0 * v).collect();
        let exp: Vec<f64> = s.iter().map(|v| (v / 8.0).exp()).collect();
        prop_assert_eq!(auroc(&y, &cubic).unwrap(), base);
        prop_assert_eq!(auroc(&y, &exp).unwrap(), base);
        prop_assert_eq!(delong_auc_variance(&y, &exp).ok(), delong_auc_variance(&y, &s).ok());
    }

    #[test]
    fn auroc_of_reversed_score_is_one_minus_auroc((y, s) in labelled_scores()) {
        // Scores k/64 in [0, 1], so 1 - score is exact.
        let p: Vec<f64> = s.iter().map(|v| (v + 20.0) / 64.0).collect();
        let flipped: Vec<f64> = p.iter().map(|v| 1.0 - v).collect();
        let (a, b) = (auroc(&y, &p).unwrap(), auroc(&y, &flipped).unwrap());
        prop_assert!((a + b - 1.0).abs() <= 1e-15, "{} + {}", a, b);
    }

    #[test]
    fn auroc_equals_pairwise_definition_and_roc_area((y, s) in labelled_scores()) {
        let a = auroc(&y, &s).unwrap();
        let (mut wins, mut pairs) = (0.0, 0.0);
        for i in (0..y.len()).filter(|&i| y[i]) {
            for j in (0..y.len()).filter(|&j| !y[j]) {
                pairs += 1.0;
                wins += if s[i] > s[j] { 1.0 } else if s[i] == s[j] { 0.5 } else { 0.0 };
            }
        }
        prop_assert_eq!(a, wins / pairs);
        for drop in [false, true] {
            let roc = roc_curve(&y, &s, drop).unwrap();
            prop_assert!((trapezoid(&roc) - a).abs() < 1e-12);
            prop_assert_eq!((roc.fpr[0], roc.tpr[0]), (0.0, 0.0));
            prop_assert_eq!(roc.fpr.last().copied(), Some(1.0));
            prop_assert_eq!(roc.tpr.last().copied(), Some(1.0));
        }
    }

    #[test]
    fn average_precision_is_the_pr_step_sum((y, s) in labelled_scores()) {
        let pr = precision_recall_curve(&y, &s).unwrap();
        let step: f64 = (1..pr.recall.len())
            .map(|i| (pr.recall[i - 1] - pr.recall[i]) * pr.precision[i - 1])
            .sum();
        let ap = average_precision(&y, &s).unwrap();
        prop_assert!((ap - step).abs() < 1e-12);
        prop_assert!((0.0..=1.0).contains(&ap));
    }

    #[test]
    fn youden_threshold_maximises_j((y, s) in labelled_scores()) {
        let t = youden_threshold(&y, &s).unwrap();
        prop_assert!(s.contains(&t));
        let j = |thr: f64| {
            let m = confusion_at(&y, &s, thr).unwrap();
            m.sensitivity + m.specificity - 1.0
        };
        let best = j(t);
        for &other in &s {
            prop_assert!(j(other) <= best + 1e-15);
            if other > t {
                // Exact J values differ by at least 1/(n1 n0), far above rounding.
                prop_assert!(j(other) < best - 1e-15, "ties must go to the larger threshold");
            }
        }
    }

    /// Groups of rows that share one probability equal to their own event rate:
    /// every bin's mean prediction equals its event rate, so the ECE is 0.
    #[test]
    fn ece_of_perfectly_calibrated_bins_is_zero(
        groups in prop::collection::vec((1usize..12, 0usize..12), 1..15),
        n_bins in 1usize..20,
    ) {
        let (mut y, mut p) = (Vec::new(), Vec::new());
        for (size, events) in groups {
            let events = events.min(size);
            let rate = events as f64 / size as f64;
            for i in 0..size {
                y.push(i < events);
                p.push(rate);
            }
        }
        let e = ece(&y, &p, n_bins).unwrap();
        prop_assert!(e.value.abs() < 1e-12, "ece = {}", e.value);
        prop_assert_eq!(e.bins.iter().map(|b| b.n).sum::<usize>(), y.len());
    }

    #[test]
    fn bootstrap_is_deterministic_for_a_seed(seed in any::<u64>(), (y, s) in labelled_scores()) {
        let stat = |idx: &[usize]| {
            let yb: Vec<bool> = idx.iter().map(|&i| y[i]).collect();
            let sb: Vec<f64> = idx.iter().map(|&i| s[i]).collect();
            auroc(&yb, &sb).ok()
        };
        let first = bootstrap_ci(y.len(), 50, seed, 0.9, stat);
        prop_assert_eq!(first, bootstrap_ci(y.len(), 50, seed, 0.9, stat));
        if let Some((lo, hi)) = first {
            prop_assert!(lo <= hi);
        }
    }
}

/// Outcomes with both classes and probabilities strictly inside (0, 1).
fn labelled_probabilities() -> impl Strategy<Value = (Vec<bool>, Vec<f64>)> {
    (4usize..80)
        .prop_flat_map(|n| {
            (prop::collection::vec(any::<bool>(), n), prop::collection::vec(1u32..1000, n))
        })
        .prop_filter("both classes", |(y, _)| y.contains(&true) && y.contains(&false))
        .prop_map(|(y, k)| (y, k.into_iter().map(|k| f64::from(k) / 1000.0).collect()))
}

proptest! {
    /// A successful fit solves the likelihood (score) equations; a failed one is a
    /// `CalibrationFailed` error (separation), never a panic or a hang.
    #[test]
    fn calibration_solves_the_score_equations((y, p) in labelled_probabilities()) {
        let x: Vec<f64> = p.iter().map(|v| (v / (1.0 - v)).ln()).collect();
        let residual_sums = |eta: &dyn Fn(f64) -> f64| {
            let (mut r0, mut r1) = (0.0, 0.0);
            for (&yi, &xi) in y.iter().zip(&x) {
                let r = f64::from(u8::from(yi)) - 1.0 / (1.0 + (-eta(xi)).exp());
                r0 += r;
                r1 += r * xi;
            }
            (r0, r1)
        };
        match calibration(&y, &p) {
            Ok(c) => {
                let (r0, r1) = residual_sums(&|xi| c.intercept + c.slope * xi);
                prop_assert!(r0.abs() < 1e-9 && r1.abs() < 1e-9, "{:?}: {} {}", c, r0, r1);
                let (r0, _) = residual_sums(&|xi| c.in_the_large + xi);
                prop_assert!(r0.abs() < 1e-9, "in the large: {}", r0);
                prop_assert!(c.intercept_se > 0.0 && c.slope_se > 0.0);
            }
            Err(e) => prop_assert!(matches!(e, EvalError::CalibrationFailed { .. }), "{}", e),
        }
    }

    #[test]
    fn decision_curve_agrees_with_confusion_counts(
        (y, p) in labelled_probabilities(),
        t in 0.0f64..0.99,
    ) {
        let nb = decision_curve(&y, &p, &[t]).unwrap();
        let m = confusion_at(&y, &p, t).unwrap();
        let n = y.len() as f64;
        let want = m.tp as f64 / n - m.fp as f64 / n * t / (1.0 - t);
        prop_assert!((nb[0].model - want).abs() < 1e-15);
    }
}

proptest! {
    /// The bias-shifted interval contains its estimate for any replicates,
    /// even when every replicate lies on one side of it.
    #[test]
    fn bias_shifted_interval_contains_the_estimate(
        mut values in prop::collection::vec(-1e3f64..1e3, 1..200),
        estimate in -2e3f64..2e3,
    ) {
        let (lo, hi) = bias_shifted_percentile_interval(&mut values, estimate, 0.025, 0.975)
            .unwrap();
        prop_assert!(lo <= estimate && estimate <= hi, "{} {} {}", lo, estimate, hi);
    }

}
