//! Random survival forest: discrimination on held-out proportional-hazards data.

#![allow(clippy::unwrap_used)]

use osler_data::{Matrix, synth};
use osler_models::rsf::{RandomSurvivalForest, RsfOptions};
use osler_models::survival::{CoxModel, CoxOptions};

/// Harrell's C by brute force: pairs with `t_i < t_j` and an event at `t_i`
/// (or equal times with only `i` an event); score ties count 1/2.
fn harrell(time: &[f64], event: &[bool], score: &[f64]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..time.len() {
        if !event[i] {
            continue;
        }
        for j in 0..time.len() {
            if time[i] < time[j] || (time[i] == time[j] && !event[j] && i != j) {
                den += 1.0;
                if score[i] > score[j] {
                    num += 1.0;
                } else if score[i] == score[j] {
                    num += 0.5;
                }
            }
        }
    }
    num / den
}

fn data(n: usize, p: usize, seed: u64) -> (Matrix, Vec<f64>, Vec<bool>) {
    let s = synth::survival(n, p, seed);
    let ev = s.event.iter().map(|&e| e == 1).collect();
    (s.x, s.time, ev)
}

#[test]
fn held_out_concordance_is_close_to_cox() {
    let p = 12;
    let (x, t, e) = data(3000, p, 21);
    let (xt, tt, et) = data(2000, p, 22);
    let opts = RsfOptions { n_trees: 100, seed: 4, ..RsfOptions::default() };
    let f = RandomSurvivalForest::fit(&x, &t, &e, &opts).unwrap();
    let c_rsf = harrell(&tt, &et, &f.predict_risk(&xt).unwrap());

    let ef: Vec<f64> = e.iter().map(|&v| f64::from(u8::from(v))).collect();
    let cox = CoxModel::fit(&x, &t, &ef, &CoxOptions::default()).unwrap();
    let c_cox = harrell(&tt, &et, &cox.linear_predictor(&xt).unwrap());
    let truth: Vec<f64> =
        (0..xt.rows()).map(|i| (0..p).map(|j| xt.get(i, j) * synth::beta(j)).sum()).collect();
    let c_true = harrell(&tt, &et, &truth);
    let c_oob = f.oob_concordance().unwrap();
    eprintln!("C: rsf {c_rsf:.4}, oob {c_oob:.4}, cox {c_cox:.4}, true {c_true:.4}");
    assert!(c_rsf > 0.65, "{c_rsf}");
    assert!(c_rsf > c_cox - 0.03, "rsf {c_rsf} vs cox {c_cox}");
    assert!((c_oob - c_rsf).abs() < 0.03, "oob {c_oob} vs held-out {c_rsf}");
}
