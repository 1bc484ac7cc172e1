//! Elastic-net Cox: golden coxnet_whas500.json (exact KKT solution,
//! cross-checked with R glmnet 4.1.6 and scikit-survival 0.28.0), plus
//! properties checked against a naive O(n^2) Breslow gradient.
#![allow(clippy::unwrap_used)]

#[path = "survival_common.rs"]
mod common;

use common::{Csv, check, check_rel, floats, golden, strings};
use osler_data::Matrix;
use osler_models::survival::{
    CoxnetModel, CoxnetOptions, ProportionalHazards, cv_coxnet, fit_path,
};
use serde_json::Value;

/// Raw design, population-standardised design, time, event, sd.
fn whas500(g: &Value) -> (Matrix, Matrix, Vec<f64>, Vec<f64>, Vec<f64>) {
    let csv = Csv::read("sksurv_whas500.csv");
    let input = &g["input"];
    let names = strings(&input["columns"]["covariates"]);
    let raw: Vec<Vec<f64>> = names.iter().map(|n| csv.num(n)).collect();
    let (mut zs, mut sds) = (Vec::new(), Vec::new());
    for c in &raw {
        let n = c.len() as f64;
        let m = c.iter().sum::<f64>() / n;
        let sd = (c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n).sqrt();
        zs.push(c.iter().map(|v| (v - m) / sd).collect::<Vec<f64>>());
        sds.push(sd);
    }
    check("sd_pop", &sds, &floats(&input["sd_pop"]), 1e-12);
    (
        Matrix::from_columns(&raw).unwrap(),
        Matrix::from_columns(&zs).unwrap(),
        csv.num("lenfol"),
        csv.num("fstat"),
        sds,
    )
}

fn golden_opts(g: &Value, standardize: bool) -> CoxnetOptions {
    CoxnetOptions {
        alpha: 0.5,
        lambdas: Some(floats(&g["input"]["options"]["lambdas"])),
        standardize,
        ..CoxnetOptions::default()
    }
}

#[test]
fn golden_whas500_five_penalties() {
    let g = golden("coxnet_whas500.json");
    let (_, z, time, event, _) = whas500(&g);
    let path = fit_path(&z, &time, &event, None, &golden_opts(&g, false)).unwrap();
    let lmax = g["input"]["options"]["lambdas_from"].as_str().unwrap();
    assert!(lmax.contains("0.6406213156847536"));
    check_rel("lambda_max", &[path.lambda_max], &[0.6406213156847536], 1e-12);
    let mut worst = 0.0f64;
    for (k, e) in g["expected"]["path"].as_array().unwrap().iter().enumerate() {
        let want = floats(&e["coef_vector"]);
        let got = &path.coefs[k];
        worst = worst.max(check(&format!("coef[{k}]"), got, &want, 1e-7));
        for (j, (a, b)) in got.iter().zip(&want).enumerate() {
            assert_eq!(*a == 0.0, *b == 0.0, "zero pattern, penalty {k}, feature {j}");
        }
        assert_eq!(path.df[k], e["n_nonzero"].as_u64().unwrap() as usize);
        let lam = path.lambdas[k];
        let (l1, l2): (f64, f64) =
            (got.iter().map(|v| v.abs()).sum(), got.iter().map(|v| v * v).sum());
        let obj = -path.loglik[k] / 500.0 + lam * (0.5 * l1 + 0.25 * l2);
        check_rel(&format!("objective[{k}]"), &[obj], &[e["objective"].as_f64().unwrap()], 1e-12);
        println!("  kkt {:.2e} after {} Newton steps", path.kkt[k], path.iterations[k]);
        assert!(path.kkt[k] <= 1e-10);
    }
    println!("golden coxnet_whas500: max |coef - golden| = {worst:.3e}");
}

#[test]
fn standardize_matches_prestandardised_fit() {
    let g = golden("coxnet_whas500.json");
    let (x, z, time, event, sd) = whas500(&g);
    let on_z = fit_path(&z, &time, &event, None, &golden_opts(&g, false)).unwrap();
    let on_x = fit_path(&x, &time, &event, None, &golden_opts(&g, true)).unwrap();
    for k in 0..on_z.lambdas.len() {
        let back: Vec<f64> = on_x.coefs[k].iter().zip(&sd).map(|(b, s)| b * s).collect();
        check(&format!("standardize=true coef*sd [{k}]"), &back, &on_z.coefs[k], 1e-9);
        check_rel("loglik", &[on_x.loglik[k]], &[on_z.loglik[k]], 1e-12);
    }
}

#[test]
fn lambda_max_gives_zeros_and_path_grows() {
    let g = golden("coxnet_whas500.json");
    let (x, _, time, event, _) = whas500(&g);
    let opts = CoxnetOptions { alpha: 0.5, n_lambda: 30, ..CoxnetOptions::default() };
    let path = fit_path(&x, &time, &event, None, &opts).unwrap();
    assert_eq!(path.df[0], 0);
    let lm = path.lambda_max;
    for f in [1.0, 1.5, 10.0] {
        let o = CoxnetOptions { lambdas: Some(vec![lm * f]), ..opts.clone() };
        let p = fit_path(&x, &time, &event, None, &o).unwrap();
        assert!(p.coefs[0].iter().all(|v| *v == 0.0), "lambda = {f} lambda_max");
        assert_eq!(p.dev_ratio[0], 0.0);
    }
    let o = CoxnetOptions { lambdas: Some(vec![lm * 0.999]), ..opts.clone() };
    assert!(fit_path(&x, &time, &event, None, &o).unwrap().df[0] >= 1);
    // Roughly monotone: the lasso-type path may drop a feature now and then.
    let drops: usize = path.df.windows(2).map(|w| w[0].saturating_sub(w[1])).sum();
    assert!(drops <= 2, "df along the path: {:?}", path.df);
    assert_eq!(*path.df.last().unwrap(), 8);
    assert!(path.dev_ratio.windows(2).all(|w| w[1] >= w[0] - 1e-12));
}

#[test]
fn model_json_round_trip_is_bit_identical() {
    let g = golden("coxnet_whas500.json");
    let (x, _, time, event, _) = whas500(&g);
    let opts = CoxnetOptions { alpha: 0.5, ..CoxnetOptions::default() };
    let m = CoxnetModel::fit(&x, &time, &event, None, 0.05, &opts).unwrap();
    let text = serde_json::to_string(&m).unwrap();
    let back: CoxnetModel = serde_json::from_str(&text).unwrap();
    assert_eq!(back, m);
    let times = [1.0, 100.0, 365.0, 730.0, 1825.0, 3000.0];
    let a = m.predict_survival(&x, &times).unwrap();
    let b = back.predict_survival(&x, &times).unwrap();
    for (ra, rb) in a.iter().zip(&b) {
        for (u, v) in ra.iter().zip(rb) {
            assert_eq!(u.to_bits(), v.to_bits());
        }
    }
    let lp = m.linear_predictor(&x).unwrap();
    assert_eq!(lp, back.linear_predictor(&x).unwrap());
    // Survival curves are non-increasing in t and in the linear predictor.
    assert!(a.iter().all(|r| r.windows(2).all(|w| w[1] <= w[0])));
    assert!(!m.selected().is_empty());
}

#[test]
fn cross_validation_whas500() {
    let g = golden("coxnet_whas500.json");
    let (x, _, time, event, _) = whas500(&g);
    let folds: Vec<usize> = (0..x.rows()).map(|i| (i * 7 + 3) % 5).collect();
    let opts = CoxnetOptions { alpha: 0.5, n_lambda: 40, ..CoxnetOptions::default() };
    let cv = cv_coxnet(&x, &time, &event, None, &folds, &opts).unwrap();
    assert_eq!(cv.fold_ids, vec![0, 1, 2, 3, 4]);
    assert_eq!(cv.fold_events.iter().sum::<usize>(), 215);
    assert!(cv.mean_deviance.iter().all(|v| v.is_finite() && *v > 0.0));
    assert!(cv.lambda_1se >= cv.lambda_min);
    let m = cv.mean_deviance[cv.index_min];
    assert!(cv.mean_deviance.iter().all(|v| *v >= m));
    assert!(cv.mean_deviance[cv.index_1se] <= m + cv.se[cv.index_min]);
    // At lambda_max every fold predicts 0: D_all(0) - D_-k(0) per event.
    println!(
        "cv: lambda_min {:.5} (cvm {:.5}), lambda_1se {:.5}, cvm at lambda_max {:.5}",
        cv.lambda_min, m, cv.lambda_1se, cv.mean_deviance[0]
    );
}

#[test]
fn invalid_options_are_reported() {
    let x = Matrix::from_columns(&[vec![1.0, 2.0, 3.0, 4.0]]).unwrap();
    let (t, e) = (vec![1.0, 2.0, 3.0, 4.0], vec![1.0, 0.0, 1.0, 1.0]);
    for o in [
        CoxnetOptions { alpha: 1.5, ..CoxnetOptions::default() },
        CoxnetOptions { lambdas: Some(vec![]), ..CoxnetOptions::default() },
        CoxnetOptions { lambdas: Some(vec![-1.0]), ..CoxnetOptions::default() },
        CoxnetOptions { lambda_min_ratio: Some(1.0), ..CoxnetOptions::default() },
        CoxnetOptions { tol: 0.0, ..CoxnetOptions::default() },
    ] {
        let err = fit_path(&x, &t, &e, None, &o).unwrap_err();
        assert!(err.to_string().starts_with("invalid option"), "{err}");
    }
    assert!(fit_path(&x, &t, &[0.0; 4], None, &CoxnetOptions::default()).is_err());
    assert!(fit_path(&x, &t[..3], &e, None, &CoxnetOptions::default()).is_err());
    let c = Matrix::from_columns(&[vec![2.0; 4]]).unwrap();
    assert!(fit_path(&c, &t, &e, None, &CoxnetOptions::default()).is_err());
}

#[test]
fn unpenalised_fit_equals_breslow_cox_model() {
    use osler_models::survival::{BaselineType, CoxModel, CoxOptions, Ties};
    let g = golden("coxnet_whas500.json");
    let (x, _, time, event, _) = whas500(&g);
    let cox_opts = CoxOptions { ties: Ties::Breslow, ..CoxOptions::default() };
    let cox = CoxModel::fit(&x, &time, &event, &cox_opts).unwrap();
    let opts = CoxnetOptions { alpha: 0.5, ..CoxnetOptions::default() };
    let m = CoxnetModel::fit(&x, &time, &event, None, 0.0, &opts).unwrap();
    check("lambda=0 coef vs CoxModel(Breslow)", m.coefficients(), cox.coefficients(), 1e-9);
    check_rel("loglik", &[m.loglik()], &[cox.loglik()], 1e-12);
    let times = [30.0, 365.0, 1000.0, 2000.0];
    for kind in [BaselineType::Breslow, BaselineType::Efron] {
        let a = m.baseline_cumhaz(0, &times, kind).unwrap();
        let b = cox.baseline_cumhaz(0, &times, kind).unwrap();
        check_rel("baseline cumhaz", &a, &b, 1e-8);
    }
}

#[test]
fn stratified_and_wide_fits() {
    let g = golden("coxnet_whas500.json");
    let (x, _, time, event, _) = whas500(&g);
    let csv = Csv::read("sksurv_whas500.csv");
    let strata: Vec<u32> = csv.num("gender").iter().map(|v| *v as u32).collect();
    let opts = CoxnetOptions { alpha: 0.8, n_lambda: 20, ..CoxnetOptions::default() };
    let path = fit_path(&x, &time, &event, Some(&strata), &opts).unwrap();
    // gender is constant within strata: never selected.
    assert!(path.coefs.iter().all(|c| c[1] == 0.0));
    assert!(path.kkt.iter().all(|k| *k <= 1e-10));
    let m = path.model(10, &x, &time, &event, Some(&strata)).unwrap();
    assert_eq!(m.baseline().len(), 2);
    assert!(m.predict_survival(&x, &[100.0]).is_err());
    let kind = osler_models::survival::BaselineType::Breslow;
    let s = m.predict_survival_in(&x, &[100.0, 1000.0], &strata, kind).unwrap();
    assert!(s.iter().all(|r| r[1] <= r[0] && r[0] <= 1.0));
    assert!(m.predict_survival_in(&x, &[100.0], &vec![7; x.rows()], kind).is_err());
    // p > n: 120 rows, 300 features (8 real + 292 noise); default ratio 0.01.
    let rows: Vec<usize> = (0..120).collect();
    let mut cols: Vec<Vec<f64>> =
        (0..8).map(|j| rows.iter().map(|&i| x.get(i, j)).collect()).collect();
    for j in 0..292u64 {
        let u = |i: usize| osler_data::synth::uniform(99, j * 1000 + i as u64);
        cols.push(rows.iter().map(|&i| u(i) - 0.5).collect());
    }
    let wide = Matrix::from_columns(&cols).unwrap();
    let (t, e): (Vec<f64>, Vec<f64>) = rows.iter().map(|&i| (time[i], event[i])).unzip();
    let p = fit_path(&wide, &t, &e, None, &CoxnetOptions::default()).unwrap();
    assert_eq!(p.lambdas.len(), 100);
    assert!((p.lambdas[99] / p.lambdas[0] - 0.01).abs() < 1e-12);
    assert!(p.kkt.iter().all(|k| *k <= 1e-10), "{:?}", p.kkt);
    println!("p > n: df along the path {:?}", &p.df[..]);
}
