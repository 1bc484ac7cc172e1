//! Property tests of the multiclass metrics: row order, perfect predictions,
//! and agreement with the binary metrics at two classes.
#![allow(clippy::unwrap_used)]

use osler_eval::*;
use proptest::prelude::*;

/// `k` in `classes`, labels with every one of the `k` classes present, and rows
/// of probabilities `w_ic / sum_c w_ic` from integer weights, so ties are common.
fn labelled_probabilities(
    classes: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = (usize, Vec<usize>, Vec<f64>)> {
    (classes, 5usize..60)
        .prop_flat_map(|(k, n)| {
            (
                Just(k),
                prop::collection::vec(0..k, n),
                prop::collection::vec(prop::collection::vec(0u32..=8, k), n),
            )
        })
        .prop_filter("every class present", |(k, labels, _)| (0..*k).all(|c| labels.contains(&c)))
        .prop_map(|(k, labels, weights)| {
            let p = weights
                .into_iter()
                .flat_map(|mut w| {
                    // An all-zero row becomes uniform.
                    if w.iter().all(|&x| x == 0) {
                        w.iter_mut().for_each(|x| *x = 1);
                    }
                    let total = f64::from(w.iter().sum::<u32>());
                    w.into_iter().map(move |x| f64::from(x) / total)
                })
                .collect();
            (k, labels, p)
        })
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

proptest! {
    #[test]
    fn row_order_changes_nothing(
        (k, labels, p) in labelled_probabilities(2..=5),
        seed in any::<u64>(),
    ) {
        // A permutation from sorting rows by a hash of (row, seed).
        let mut order: Vec<usize> = (0..labels.len()).collect();
        order.sort_by_key(|&i| (i as u64 ^ seed).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let labels2: Vec<usize> = order.iter().map(|&i| labels[i]).collect();
        let p2: Vec<f64> = order.iter().flat_map(|&i| p[i * k..(i + 1) * k].to_vec()).collect();
        let a = multiclass_metrics(&labels, &p, k).unwrap();
        let b = multiclass_metrics(&labels2, &p2, k).unwrap();
        for ((name, x), (_, y)) in a.values().into_iter().zip(b.values()) {
            prop_assert!(close(x, y), "{}: {} vs {}", name, x, y);
        }
    }

    #[test]
    fn perfect_predictions_score_perfectly((k, labels, _) in labelled_probabilities(2..=5)) {
        let one_hot: Vec<f64> =
            labels.iter().flat_map(|&y| (0..k).map(move |c| f64::from(u8::from(c == y)))).collect();
        let m = multiclass_metrics(&labels, &one_hot, k).unwrap();
        prop_assert_eq!(
            (m.accuracy, m.balanced_accuracy, m.macro_f1, m.macro_auroc, m.weighted_auroc),
            (1.0, 1.0, 1.0, 1.0, 1.0)
        );
        prop_assert_eq!(m.brier, 0.0);
        // The clip at machine epsilon leaves -ln(1 - eps) per row.
        prop_assert!(m.log_loss >= 0.0 && m.log_loss <= 2.0 * f64::EPSILON);
    }

    #[test]
    fn two_classes_agree_with_the_binary_metrics(
        (_, labels, p_in) in labelled_probabilities(2..=2),
    ) {
        // Column 1 as multiples of 1/64, so 1 - p is exact and ties are kept.
        let p1: Vec<f64> = p_in.chunks(2).map(|w| (w[1] * 64.0).round() / 64.0).collect();
        let p: Vec<f64> = p1.iter().flat_map(|&q| [1.0 - q, q]).collect();
        let y: Vec<bool> = labels.iter().map(|&c| c == 1).collect();
        let m = multiclass_metrics(&labels, &p, 2).unwrap();
        let binary = auroc(&y, &p1).unwrap();
        prop_assert_eq!(m.macro_auroc, binary);
        prop_assert!(close(m.weighted_auroc, binary));
        prop_assert!(close(m.brier, 2.0 * brier(&y, &p1).unwrap()));
        prop_assert!(close(m.log_loss, log_loss(&y, &p1).unwrap()));
    }
}
