//! Properties of the survival estimators: row-order invariance, integer
//! weights = duplicated rows, JSON round trip, scale equivariance, errors,
//! robust variance, counting-process equivalence and the PH test.
#![allow(clippy::unwrap_used)]

#[path = "survival_common.rs"]
mod common;

use common::Csv;
use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::survival::{
    BaselineType, CoxModel, CoxOptions, KaplanMeier, ProportionalHazards, Ties, logrank_test,
};

fn whas() -> (Matrix, Vec<f64>, Vec<f64>) {
    let c = Csv::read("sksurv_whas500.csv");
    let names = ["age", "gender", "hr", "sysbp", "diasbp", "bmi", "chf", "afb"];
    let x = Matrix::from_columns(&names.iter().map(|n| c.num(n)).collect::<Vec<_>>()).unwrap();
    (x, c.num("lenfol"), c.num("fstat"))
}

fn permute(x: &Matrix, idx: &[usize]) -> Matrix {
    x.select_rows(idx)
}

fn close(a: &[f64], b: &[f64], tol: f64) {
    for (u, v) in a.iter().zip(b) {
        assert!((u - v).abs() <= tol * (1.0 + v.abs()), "{u} vs {v}");
    }
}

#[test]
fn cox_is_row_order_invariant() {
    let (x, t, e) = whas();
    let n = t.len();
    // A fixed scrambling permutation.
    let idx: Vec<usize> = (0..n).map(|i| (i * 211 + 17) % n).collect();
    let (x2, t2, e2) = (
        permute(&x, &idx),
        idx.iter().map(|&i| t[i]).collect::<Vec<_>>(),
        idx.iter().map(|&i| e[i]).collect::<Vec<_>>(),
    );
    for ties in [Ties::Efron, Ties::Breslow] {
        let o = CoxOptions { ties, ..CoxOptions::default() };
        let a = CoxModel::fit(&x, &t, &e, &o).unwrap();
        let b = CoxModel::fit(&x2, &t2, &e2, &o).unwrap();
        // Rounding floor of the optimum: ~5e-12 covariate SDs on raw whas500.
        close(a.coefficients(), b.coefficients(), 1e-10);
        close(&a.std_errors(), &b.std_errors(), 1e-10);
        assert!((a.loglik() - b.loglik()).abs() < 1e-9);
        assert_eq!(a.concordance().c_index, b.concordance().c_index);
    }
}

#[test]
fn weight_two_equals_duplicated_rows() {
    let (x, t, e) = whas();
    let n = t.len();
    // Duplicate every third row; give it weight 2 in the other fit.
    let mut idx: Vec<usize> = (0..n).collect();
    idx.extend((0..n).filter(|i| i % 3 == 0));
    let xd = permute(&x, &idx);
    let td: Vec<f64> = idx.iter().map(|&i| t[i]).collect();
    let ed: Vec<f64> = idx.iter().map(|&i| e[i]).collect();
    let w: Vec<f64> = (0..n).map(|i| if i % 3 == 0 { 2.0 } else { 1.0 }).collect();
    // Breslow only: Efron treats a weight-2 death as one death, duplicated rows as a tie.
    let o = CoxOptions { ties: Ties::Breslow, ..CoxOptions::default() };
    let a = CoxModel::fit(&xd, &td, &ed, &o).unwrap();
    let b =
        CoxModel::fit(&x, &t, &e, &CoxOptions { weights: Some(w.clone()), ..o.clone() }).unwrap();
    close(a.coefficients(), b.coefficients(), 1e-10);
    close(&a.std_errors(), &b.std_errors(), 1e-10);
    assert!((a.loglik() - b.loglik()).abs() < 1e-8);
    let ta = [100.0, 500.0, 1500.0];
    close(
        &a.baseline_cumhaz(0, &ta, BaselineType::Breslow).unwrap(),
        &b.baseline_cumhaz(0, &ta, BaselineType::Breslow).unwrap(),
        1e-10,
    );
    assert!((a.concordance().c_index - b.concordance().c_index).abs() < 1e-12);
    // Kaplan-Meier too.
    let ka = KaplanMeier::fit(&td, &ed, None).unwrap();
    let kb = KaplanMeier::fit(&t, &e, Some(&w)).unwrap();
    close(&ka.surv, &kb.surv, 1e-13);
    close(&ka.cumhaz, &kb.cumhaz, 1e-13);
}

#[test]
fn json_round_trip_is_bit_identical() {
    let (x, t, e) = whas();
    let m = CoxModel::fit(&x, &t, &e, &CoxOptions::default()).unwrap();
    let s = serde_json::to_string(&m).unwrap();
    let back: CoxModel = serde_json::from_str(&s).unwrap();
    assert_eq!(m, back);
    let times = [30.0, 365.0, 2000.0];
    let p1 = m.predict_survival(&x, &times).unwrap();
    let p2 = back.predict_survival(&x, &times).unwrap();
    for (a, b) in p1.iter().flatten().zip(p2.iter().flatten()) {
        assert_eq!(a.to_bits(), b.to_bits());
    }
    assert_eq!(m.linear_predictor(&x).unwrap(), back.linear_predictor(&x).unwrap());
    let km = KaplanMeier::fit(&t, &e, None).unwrap();
    let kb: KaplanMeier = serde_json::from_str(&serde_json::to_string(&km).unwrap()).unwrap();
    assert_eq!(km, kb);
}

#[test]
fn scaling_a_covariate_scales_its_coefficient_inversely() {
    let (x, t, e) = whas();
    let mut cols: Vec<Vec<f64>> = (0..x.cols()).map(|j| x.col(j).to_vec()).collect();
    cols[0].iter_mut().for_each(|v| *v *= 12.0); // age in months
    let xs = Matrix::from_columns(&cols).unwrap();
    let a = CoxModel::fit(&x, &t, &e, &CoxOptions::default()).unwrap();
    let b = CoxModel::fit(&xs, &t, &e, &CoxOptions::default()).unwrap();
    assert!((a.coefficients()[0] / 12.0 - b.coefficients()[0]).abs() < 1e-12);
    assert!((a.std_errors()[0] / 12.0 - b.std_errors()[0]).abs() < 1e-12);
    close(&a.coefficients()[1..], &b.coefficients()[1..], 1e-10);
    assert!((a.loglik() - b.loglik()).abs() < 1e-9);
}

#[test]
fn errors_are_named() {
    let (x, t, e) = whas();
    let o = CoxOptions::default();
    let mut cols: Vec<Vec<f64>> = (0..x.cols()).map(|j| x.col(j).to_vec()).collect();
    let mut c2 = cols.clone();
    c2[3] = vec![1.0; t.len()];
    let err = CoxModel::fit(&Matrix::from_columns(&c2).unwrap(), &t, &e, &o).unwrap_err();
    assert_eq!(
        err,
        ModelError::Degenerate { feature: 3, reason: "is constant".into(), with: Vec::new() }
    );
    let mut c3 = cols.clone();
    c3.push(cols[0].iter().zip(&cols[2]).map(|(a, b)| 2.0 * a - b).collect());
    let err = CoxModel::fit(&Matrix::from_columns(&c3).unwrap(), &t, &e, &o).unwrap_err();
    assert!(matches!(err, ModelError::Degenerate { feature: 8, .. }), "{err}");
    // Monotone likelihood: a binary covariate with every event in group 1.
    cols.push(e.clone());
    let err = CoxModel::fit(&Matrix::from_columns(&cols).unwrap(), &t, &e, &o).unwrap_err();
    assert!(matches!(err, ModelError::Diverges { feature: 8, direction: "+" }), "{err}");
    println!("{err}");
    let mut bad = t.clone();
    bad[7] = 0.0;
    assert_eq!(
        CoxModel::fit(&x, &bad, &e, &o).unwrap_err(),
        ModelError::BadTime { row: 7, value: 0.0 }
    );
    let mut be = e.clone();
    be[4] = 2.0;
    assert_eq!(
        CoxModel::fit(&x, &t, &be, &o).unwrap_err(),
        ModelError::BadLabel { row: 4, value: 2.0 }
    );
    let zero = vec![0.0; t.len()];
    assert_eq!(CoxModel::fit(&x, &t, &zero, &o).unwrap_err(), ModelError::NoEvents);
    let start: Vec<f64> = t.iter().map(|v| v + 1.0).collect();
    let err =
        CoxModel::fit(&x, &t, &e, &CoxOptions { start: Some(start), ..o.clone() }).unwrap_err();
    assert!(matches!(err, ModelError::BadInterval { row: 0, .. }));
    // Constant within every stratum.
    let strata: Vec<u32> = cols[1].iter().map(|&g| g as u32).collect();
    let err = CoxModel::fit(&x, &t, &e, &CoxOptions { strata: Some(strata), ..o }).unwrap_err();
    assert!(matches!(err, ModelError::Degenerate { feature: 1, .. }), "{err}");
}

#[test]
fn counting_process_split_equals_plain_fit() {
    // Splitting each row's (0, t] at a fixed time into two intervals leaves
    // the partial likelihood unchanged.
    let (x, t, e) = whas();
    let cut = 400.0;
    let (mut idx, mut start, mut stop, mut ev) = (vec![], vec![], vec![], vec![]);
    for i in 0..t.len() {
        if t[i] > cut {
            idx.push(i);
            start.push(0.0);
            stop.push(cut);
            ev.push(0.0);
            idx.push(i);
            start.push(cut);
        } else {
            idx.push(i);
            start.push(0.0);
        }
        stop.push(t[i]);
        ev.push(e[i]);
    }
    let xs = permute(&x, &idx);
    let cl: Vec<u32> = idx.iter().map(|&i| i as u32).collect();
    for ties in [Ties::Efron, Ties::Breslow] {
        let a = CoxModel::fit(
            &x,
            &t,
            &e,
            &CoxOptions {
                ties,
                cluster: Some((0..t.len() as u32).collect()),
                ..CoxOptions::default()
            },
        )
        .unwrap();
        let b = CoxModel::fit(
            &xs,
            &stop,
            &ev,
            &CoxOptions {
                ties,
                start: Some(start.clone()),
                cluster: Some(cl.clone()),
                ..CoxOptions::default()
            },
        )
        .unwrap();
        close(a.coefficients(), b.coefficients(), 1e-10);
        close(&a.std_errors(), &b.std_errors(), 1e-10);
        close(&a.robust_std_errors().unwrap(), &b.robust_std_errors().unwrap(), 1e-9);
        assert!((a.loglik() - b.loglik()).abs() < 1e-8);
    }
}

#[test]
fn logrank_is_invariant_to_group_labels_order() {
    let (x, t, e) = whas();
    let g: Vec<String> =
        x.col(1).iter().map(|&v| if v == 0.0 { "m".into() } else { "f".into() }).collect();
    let a = logrank_test(&t, &e, &g, None, 0.0).unwrap();
    let h: Vec<u8> = x.col(1).iter().map(|&v| v as u8).collect();
    let b = logrank_test(&t, &e, &h, None, 0.0).unwrap();
    assert!((a.chisq - b.chisq).abs() < 1e-12);
    assert_eq!(a.groups, vec!["f", "m"]);
}

#[test]
fn proportional_hazards_test_detects_time_varying_effect() {
    let s = osler_data::synth::survival(4000, 3, 7);
    let ev: Vec<f64> = s.event.iter().map(|&e| f64::from(e)).collect();
    let o = CoxOptions::default();
    let m = CoxModel::fit(&s.x, &s.time, &ev, &o).unwrap();
    let ph = m.proportional_hazards_test(&s.x, &s.time, &ev, &o).unwrap();
    assert!(ph.global.p_value > 0.001, "PH data: {ph:?}");
    // Time-varying effect: a binary covariate with hazard ratio 4 before
    // t = 5 and 1/4 after (piecewise exponential, rate 0.1 baseline).
    let n = 4000;
    let (mut t, mut e, mut g) = (vec![], vec![], vec![]);
    for i in 0..n {
        let z = (i % 2) as f64;
        let u = osler_data::synth::uniform(99, i as u64);
        let target = -(1.0 - u).ln();
        let (r1, r2) = (0.1 * (4.0f64).powf(z), 0.1 * (0.25f64).powf(z));
        let tt = if target < 5.0 * r1 { target / r1 } else { 5.0 + (target - 5.0 * r1) / r2 };
        let c = 30.0;
        t.push(tt.min(c));
        e.push(if tt <= c { 1.0 } else { 0.0 });
        g.push(z);
    }
    let x = Matrix::from_columns(&[g]).unwrap();
    let m = CoxModel::fit(&x, &t, &e, &o).unwrap();
    let ph = m.proportional_hazards_test(&x, &t, &e, &o).unwrap();
    assert!(ph.covariates[0].test.statistic > 50.0, "{ph:?}");
    assert!(ph.covariates[0].rho < 0.0);
}
