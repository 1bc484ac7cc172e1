//! Properties of the wide-data tools: elastic-net paths (binomial and
//! multinomial) at `lambda_max` and against KKT conditions recomputed from
//! scratch, multinomial with two classes against binomial, the
//! pre-filters' statistics, leak-free pre-filtering inside CV, and
//! stability selection.
#![allow(clippy::unwrap_used)]

use osler_data::{Matrix, SplitMix64};
use osler_models::cv::Folds;
use osler_models::linear::{
    BinomialPath, CvMeasure, ElasticNetOptions, MultinomialModel, binomial_path, cv_binomial,
    cv_multinomial, multinomial_path,
};
use osler_models::selection::{
    Outcome, Prefilter, PrefilterMethod, StabilityOptions, StabilityTarget, stability_selection,
};
use osler_models::survival::{CoxModel, CoxOptions, CoxnetOptions, CvCoxnet, Ties, cv_coxnet};

fn normal(r: &mut SplitMix64) -> f64 {
    let u = r.next_f64().max(1e-300);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * r.next_f64()).cos()
}

/// `n x p` shifted and scaled normal columns; the first `k` carry signal:
/// `eta_i = sum_{j<k} (+-1.5) z_ij`.
fn wide(seed: u64, n: usize, p: usize, k: usize) -> (Matrix, Vec<f64>) {
    let mut r = SplitMix64::new(seed);
    let mut data = Vec::with_capacity(n * p);
    let mut eta = vec![0.0; n];
    for j in 0..p {
        let (m, s) = (5.0 * r.next_f64(), 0.5 + r.next_f64());
        for e in eta.iter_mut() {
            let z = normal(&mut r);
            data.push(m + s * z);
            if j < k {
                *e += if j % 2 == 0 { 1.5 } else { -1.5 } * z;
            }
        }
    }
    (Matrix::from_column_major(n, p, data), eta)
}

fn binary(eta: &[f64], seed: u64) -> Vec<f64> {
    let mut r = SplitMix64::new(seed);
    eta.iter().map(|e| f64::from(u8::from(r.next_f64() < 1.0 / (1.0 + (-e).exp())))).collect()
}

fn classes(eta: &[f64], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..eta.len()).collect();
    order.sort_by(|&a, &b| eta[a].total_cmp(&eta[b]));
    let mut y = vec![0; eta.len()];
    for (rank, &i) in order.iter().enumerate() {
        y[i] = rank * k / eta.len();
    }
    y
}

/// Population mean and SD of a column.
fn moments(c: &[f64]) -> (f64, f64) {
    let n = c.len() as f64;
    let m = c.iter().sum::<f64>() / n;
    (m, (c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n).sqrt())
}

/// Largest KKT violation of class `k`'s coefficients `b` (original scale)
/// given the residuals `r_i = (y_ik - p_ik) / n`, on standardised features.
fn kkt_class(x: &Matrix, r: &[f64], b: &[f64], lambda: f64, alpha: f64) -> f64 {
    let mut worst = r.iter().sum::<f64>().abs();
    for (j, bj) in b.iter().enumerate().take(x.cols()) {
        let (m, s) = moments(x.col(j));
        let g: f64 = x.col(j).iter().zip(r).map(|(v, r)| r * (v - m) / s).sum();
        let gs = bj * s;
        let v = if gs != 0.0 {
            (g - lambda * (1.0 - alpha) * gs - lambda * alpha * gs.signum()).abs()
        } else {
            (g.abs() - lambda * alpha).max(0.0)
        };
        worst = worst.max(v);
    }
    worst
}

fn binomial_kkt(x: &Matrix, y: &[f64], path: &BinomialPath, l: usize) -> f64 {
    let p = path.predict_proba(l, x).unwrap();
    let n = y.len() as f64;
    let r: Vec<f64> = y.iter().zip(&p).map(|(y, p)| (y - p) / n).collect();
    kkt_class(x, &r, &path.coefs[l], path.lambdas[l], path.alpha)
}

#[test]
fn binomial_path_on_wide_data_is_exact_and_starts_at_zero() {
    let (x, eta) = wide(1, 60, 800, 6);
    let y = binary(&eta, 2);
    for alpha in [1.0, 0.5, 0.05] {
        let o = ElasticNetOptions { alpha, ..ElasticNetOptions::default() };
        let path = binomial_path(&x, &y, None, &o).unwrap();
        assert!(path.coefs[0].iter().all(|b| *b == 0.0), "alpha {alpha}");
        let ybar = y.iter().sum::<f64>() / 60.0;
        assert!((path.intercepts[0] - (ybar / (1.0 - ybar)).ln()).abs() < 1e-12);
        assert!(path.df[1] > 0, "just below lambda_max something enters");
        // Default ratio for n < p is 0.01; the path may stop early by glmnet's rules.
        let last = path.len() - 1;
        assert!(path.lambdas[last] >= 0.01 * path.lambda_max * (1.0 - 1e-12));
        assert!(path.len() == 100 || path.dev_ratio[last] > 0.999 || last >= 5);
        let worst = (1..path.len()).map(|l| binomial_kkt(&x, &y, &path, l)).fold(0.0, f64::max);
        assert!(worst < 1e-9, "alpha {alpha}: KKT {worst:e}");
        // Elastic net near saturation: more non-zero coefficients than rows.
        if alpha == 0.05 {
            assert!(path.df.iter().any(|&d| d > 60), "df {:?}", path.df);
        }
        let m = path.model(last).unwrap();
        let pm = m.predict_proba(&x).unwrap();
        assert_eq!(pm, path.predict_proba(last, &x).unwrap());
    }
}

fn multinomial_kkt(x: &Matrix, y: &[usize], m: &MultinomialModel, alpha: f64) -> f64 {
    let p = m.predict_proba(x).unwrap();
    let n = y.len() as f64;
    let mut worst = 0.0f64;
    for (k, b) in m.coefficients().iter().enumerate() {
        let r: Vec<f64> =
            (0..y.len()).map(|i| (f64::from(u8::from(y[i] == k)) - p[i][k]) / n).collect();
        worst = worst.max(kkt_class(x, &r, b, m.lambda(), alpha));
    }
    worst
}

#[test]
fn multinomial_path_is_exact_and_symmetric() {
    let (x, eta) = wide(3, 90, 300, 4);
    let y = classes(&eta, 3);
    for alpha in [1.0, 0.5] {
        let o = ElasticNetOptions { alpha, n_lambda: 30, ..ElasticNetOptions::default() };
        let path = multinomial_path(&x, &y, None, &o).unwrap();
        assert!(path.coefs[0].iter().all(|c| c.iter().all(|b| *b == 0.0)));
        assert!(path.df[1] > 0);
        for l in 1..path.len() {
            let m = path.model(l).unwrap();
            let v = multinomial_kkt(&x, &y, &m, alpha);
            assert!(v < 1e-9, "alpha {alpha}, l {l}: KKT {v:e}");
            assert!(path.intercepts[l].iter().sum::<f64>().abs() < 1e-12);
            // Each feature's class vector sits at its penalty-minimising shift.
            for j in 0..x.cols() {
                let (_, s) = moments(x.col(j));
                let a: Vec<f64> = (0..3).map(|k| m.coefficients()[k][j] * s).collect();
                let pen = |t: f64| {
                    a.iter()
                        .map(|v| alpha * (v - t).abs() + 0.5 * (1.0 - alpha) * (v - t) * (v - t))
                        .sum::<f64>()
                };
                for t in [-1e-3, 1e-3] {
                    assert!(pen(t) >= pen(0.0) - 1e-12, "feature {j} shift {t}");
                }
            }
        }
        let m = path.model(path.len() - 1).unwrap();
        let text = serde_json::to_string(&m).unwrap();
        let back: MultinomialModel = serde_json::from_str(&text).unwrap();
        assert_eq!(back.predict_proba(&x).unwrap(), m.predict_proba(&x).unwrap());
        let p = m.predict_proba(&x).unwrap();
        assert!(p.iter().all(|r| (r.iter().sum::<f64>() - 1.0).abs() < 1e-12));
        assert_eq!(m.predict_class(&x).unwrap().len(), 90);
    }
}

#[test]
fn two_class_multinomial_equals_binomial() {
    let (x, eta) = wide(5, 80, 40, 3);
    let y = binary(&eta, 6);
    let yc: Vec<usize> = y.iter().map(|&v| v as usize).collect();
    for alpha in [1.0, 0.4] {
        let lambdas = vec![0.2, 0.1, 0.05, 0.02];
        let mo = ElasticNetOptions {
            alpha,
            lambdas: Some(lambdas.clone()),
            tol: 1e-13,
            ..ElasticNetOptions::default()
        };
        let multi = multinomial_path(&x, &yc, None, &mo).unwrap();
        // Symmetric parameterisation: beta = b_1 - b_0 = 2 b_1, penalty
        // lambda (alpha |beta| + (1 - alpha)/4 beta^2), i.e. binomial with
        // lambda' = lambda (1 + alpha)/2, alpha' = 2 alpha / (1 + alpha).
        let bl: Vec<f64> = lambdas.iter().map(|l| l * (1.0 + alpha) / 2.0).collect();
        let bo = ElasticNetOptions {
            alpha: 2.0 * alpha / (1.0 + alpha),
            lambdas: Some(bl),
            tol: 1e-13,
            ..ElasticNetOptions::default()
        };
        let bin = binomial_path(&x, &y, None, &bo).unwrap();
        for l in 0..lambdas.len() {
            for j in 0..x.cols() {
                let (b0, b1) = (multi.coefs[l][0][j], multi.coefs[l][1][j]);
                assert!((b1 + b0).abs() < 1e-12, "symmetric");
                assert!((b1 - b0 - bin.coefs[l][j]).abs() < 1e-8, "alpha {alpha} l {l} j {j}");
            }
            let d0 = multi.intercepts[l][1] - multi.intercepts[l][0];
            assert!((d0 - bin.intercepts[l]).abs() < 1e-8);
            assert!((multi.loglik[l] - bin.loglik[l]).abs() < 1e-9);
        }
    }
}

#[test]
fn prefilter_statistics() {
    let (x, eta) = wide(7, 50, 30, 2);
    let y = binary(&eta, 8);
    let rows: Vec<usize> = (0..50).collect();
    let t = Prefilter { method: PrefilterMethod::TTest, keep: 5 };
    let f = Prefilter { method: PrefilterMethod::FTest, keep: 5 };
    let ts = t.statistics(&x, &rows, Outcome::Binary(&y)).unwrap();
    let fs = f.statistics(&x, &rows, Outcome::Binary(&y)).unwrap();
    for (a, b) in ts.iter().zip(&fs) {
        assert!((a * a - b).abs() < 1e-10 * b.max(1.0), "F = t^2");
    }
    assert_eq!(
        t.select(&x, Outcome::Binary(&y)).unwrap(),
        f.select(&x, Outcome::Binary(&y)).unwrap()
    );
    let sel = t.select(&x, Outcome::Binary(&y)).unwrap();
    assert!(sel.contains(&0) && sel.contains(&1), "{sel:?}");
    // Cox score = the score test of a one-covariate Breslow Cox model.
    let time: Vec<f64> =
        eta.iter().enumerate().map(|(i, e)| (1.0 + (i % 7) as f64) * (-e).exp()).collect();
    let time: Vec<f64> = time.iter().map(|t| (t * 4.0).ceil() / 4.0).collect(); // ties
    let event: Vec<f64> = (0..50).map(|i| f64::from(u8::from(i % 4 != 0))).collect();
    let c = Prefilter { method: PrefilterMethod::CoxScore, keep: 3 };
    let cs = c.statistics(&x, &rows, Outcome::Survival { time: &time, event: &event }).unwrap();
    let opts = CoxOptions { ties: Ties::Breslow, ..CoxOptions::default() };
    for j in [0, 1, 5, 17] {
        let xj = Matrix::from_columns(&[x.col(j).to_vec()]).unwrap();
        let want = CoxModel::fit(&xj, &time, &event, &opts).unwrap().score_test().statistic;
        assert!((cs[j] - want).abs() < 1e-9 * want.max(1.0), "feature {j}: {} vs {want}", cs[j]);
    }
    let v = Prefilter { method: PrefilterMethod::Variance, keep: 2 };
    assert_eq!(v.select(&x, Outcome::Binary(&y)).unwrap().len(), 2);
    assert!(t.select(&x, Outcome::Classes(&[0; 50])).is_err());
    assert!(Prefilter { keep: 0, ..t }.select(&x, Outcome::Binary(&y)).is_err());
}

#[test]
fn prefilter_inside_folds_does_not_leak() {
    // Pure noise: selecting features on all rows before CV makes the error
    // look better than chance; selecting inside each fold does not.
    let (x, _) = wide(11, 60, 2000, 0);
    let y: Vec<f64> = (0..60).map(|i| f64::from(u8::from(i % 2 == 0))).collect();
    let pf = Prefilter { method: PrefilterMethod::TTest, keep: 20 };
    let folds = Folds::Stratified { k: 5, seed: 3 };
    let o = ElasticNetOptions { n_lambda: 30, ..ElasticNetOptions::default() };
    let honest = cv_binomial(&x, &y, None, &o, &folds, CvMeasure::Deviance, Some(&pf)).unwrap();
    let kept = pf.select(&x, Outcome::Binary(&y)).unwrap();
    assert_eq!(kept, honest.features);
    let cols: Vec<Vec<f64>> = kept.iter().map(|&j| x.col(j).to_vec()).collect();
    let leaky_x = Matrix::from_columns(&cols).unwrap();
    let leaky = cv_binomial(&leaky_x, &y, None, &o, &folds, CvMeasure::Deviance, None).unwrap();
    let best = |c: &osler_models::cv::CvCurve| c.cvm[c.index_min];
    let null = 2.0 * std::f64::consts::LN_2;
    println!("null {null:.4}, honest {:.4}, leaky {:.4}", best(&honest.curve), best(&leaky.curve));
    assert!(best(&leaky.curve) < 0.8 * null);
    assert!(best(&honest.curve) > 0.95 * null);
    // Coefficients are reported over all columns, zero outside the kept set.
    assert_eq!(honest.path.coefs[0].len(), 2000);
    let last = honest.path.len() - 1;
    assert!(honest.path.selected(last).iter().all(|j| kept.contains(j)));
    // keep >= p is no filter at all.
    let all = Prefilter { method: PrefilterMethod::Variance, keep: 5000 };
    let (xs, _) = wide(12, 40, 30, 2);
    let ys: Vec<f64> = (0..40).map(|i| f64::from(u8::from(i % 3 == 0))).collect();
    let a = cv_binomial(&xs, &ys, None, &o, &folds, CvMeasure::Auc, Some(&all)).unwrap();
    let b = cv_binomial(&xs, &ys, None, &o, &folds, CvMeasure::Auc, None).unwrap();
    assert_eq!(a.curve, b.curve);
    assert!(a.curve.maximize && a.curve.cvm.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn multinomial_cv_and_cox_cv_with_prefilter() {
    let (x, eta) = wide(13, 90, 200, 3);
    let y = classes(&eta, 3);
    let pf = Prefilter { method: PrefilterMethod::FTest, keep: 30 };
    let o = ElasticNetOptions { n_lambda: 20, ..ElasticNetOptions::default() };
    let folds = Folds::Stratified { k: 5, seed: 1 };
    let cv =
        cv_multinomial(&x, &y, None, &o, &folds, CvMeasure::Misclassification, Some(&pf)).unwrap();
    assert!(cv.curve.cvm[cv.curve.index_min] < 0.5, "{:?}", cv.curve.cvm);
    assert!(cv_multinomial(&x, &y, None, &o, &folds, CvMeasure::Auc, None).is_err());
    // Cox: keep = p reproduces cv_coxnet; a Cox-score filter keeps the signal.
    let time: Vec<f64> =
        eta.iter().enumerate().map(|(i, e)| (1.0 + (i % 5) as f64) * (-e).exp()).collect();
    let event: Vec<f64> = (0..90).map(|i| f64::from(u8::from(i % 5 != 0))).collect();
    let fid: Vec<usize> = (0..90).map(|i| i % 4).collect();
    let co = CoxnetOptions { n_lambda: 15, ..CoxnetOptions::default() };
    let plain = cv_coxnet(&x, &time, &event, None, &fid, &co).unwrap();
    let all = Prefilter { method: PrefilterMethod::CoxScore, keep: 200 };
    let same = CvCoxnet::fit(&x, &time, &event, None, &fid, &co, Some(&all)).unwrap();
    assert_eq!(plain.mean_deviance, same.mean_deviance);
    let top = Prefilter { method: PrefilterMethod::CoxScore, keep: 10 };
    let f = CvCoxnet::fit(&x, &time, &event, None, &fid, &co, Some(&top)).unwrap();
    assert_eq!(f.features.len(), 10);
    assert!(f.features.contains(&0) && f.features.contains(&1));
    assert_eq!(f.path.coefs[0].len(), 200);
}

#[test]
fn stability_selection_finds_the_signal_deterministically() {
    let (x, eta) = wide(17, 100, 300, 3);
    let y = binary(&eta, 18);
    let opts = StabilityOptions {
        subsamples: 30,
        path: ElasticNetOptions { n_lambda: 20, ..ElasticNetOptions::default() },
        ..StabilityOptions::default()
    };
    let s = stability_selection(&x, StabilityTarget::Binomial(&y), &opts).unwrap();
    let again = stability_selection(&x, StabilityTarget::Binomial(&y), &opts).unwrap();
    assert_eq!(s, again);
    assert_eq!(s.subsample_size, 50);
    assert!(s.frequency.iter().flatten().all(|f| (0.0..=1.0).contains(f)));
    // The grid is the full data's; a subsample's own lambda_max differs.
    assert!(s.mean_selected[0] < *s.mean_selected.last().unwrap());
    let stable = s.selected(0.8);
    println!(
        "stable {stable:?}, q {:.1}, bound {:?}, top {:?}, noise max {}",
        s.mean_union,
        s.expected_false_selections(0.9),
        &s.max_frequency[..4],
        s.max_frequency[3..].iter().fold(0.0f64, |a, b| a.max(*b))
    );
    assert_eq!(stable, vec![0, 1, 2]);
    assert!(s.expected_false_selections(0.4).is_none());
    let yc = classes(&eta, 3);
    let m = stability_selection(&x, StabilityTarget::Multinomial(&yc), &opts).unwrap();
    assert!(m.selected(0.8).contains(&0));
    let time: Vec<f64> =
        eta.iter().enumerate().map(|(i, e)| (1.0 + (i % 5) as f64) * (-e).exp()).collect();
    let event: Vec<f64> = (0..100).map(|i| f64::from(u8::from(i % 4 != 0))).collect();
    let target = StabilityTarget::Cox { time: &time, event: &event, strata: None };
    let pf = Prefilter { method: PrefilterMethod::CoxScore, keep: 50 };
    let c =
        stability_selection(&x, target, &StabilityOptions { prefilter: Some(pf), ..opts }).unwrap();
    assert!(c.selected(0.8).contains(&0), "{:?}", &c.max_frequency[..5]);
}
