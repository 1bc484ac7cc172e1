//! Elastic-net paths and cross-validation against R glmnet 4.1-6
//! (tests/reference/glmnet_binomial.R, glmnet_multinomial.R): coefficients
//! to 1e-7 (relative above 1) with the same zero pattern, deviance ratios,
//! and cv.glmnet's cvm / cvsd / lambda.min / lambda.1se for the same foldid.
#![allow(clippy::unwrap_used)]

use osler_data::Matrix;
use osler_models::cv::Folds;
use osler_models::linear::{
    CvMeasure, ElasticNetOptions, binomial_path, cv_binomial, cv_multinomial, multinomial_path,
};
use serde_json::Value;

const REF: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/reference/");

fn json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{REF}golden/{name}")).unwrap()).unwrap()
}

/// Columns by name and the header of a numeric CSV.
fn csv(name: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(format!("{REF}data/{name}")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    let mut cols = vec![Vec::new(); header.len()];
    for l in lines.filter(|l| !l.trim().is_empty()) {
        for (c, v) in cols.iter_mut().zip(l.split(',')) {
            c.push(v.trim().parse::<f64>().unwrap());
        }
    }
    (header, cols)
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn matrix_rows(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().unwrap().iter().map(floats).collect()
}

fn folds(v: &Value) -> Vec<usize> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect()
}

/// Largest `|got - want| / max(1, |want|)`.
fn compare(what: &str, got: &[f64], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len(), "{what}: length");
    got.iter().zip(want).map(|(g, w)| (g - w).abs() / w.abs().max(1.0)).fold(0.0, f64::max)
}

/// [`compare`], asserting the same zero pattern: glmnet leaves rounding-level
/// coefficients (|b| ~ 1e-15) on features exactly at the KKT boundary, where
/// the exact solution has 0, so entries below 1e-10 count as zero.
fn compare_sparse(what: &str, got: &[f64], want: &[f64]) -> f64 {
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        let (gz, wz) = (g.abs() <= 1e-10, w.abs() <= 1e-10);
        assert_eq!(gz, wz, "{what}[{k}]: zero pattern differs: got {g:e}, want {w:e}");
    }
    compare(what, got, want)
}

/// Penalty indices without a tied held-out class prediction in glmnet's folds
/// (there "class" is decided by rounding noise; the R scripts flag them).
fn untied(want: &Value) -> Vec<usize> {
    let n = want["cvm"].as_array().unwrap().len();
    match want["tied"].as_array() {
        Some(t) => (0..n).filter(|&l| !t[l].as_bool().unwrap()).collect(),
        None => (0..n).collect(),
    }
}

fn pick(v: &[f64], keep: &[usize]) -> Vec<f64> {
    keep.iter().map(|&l| v[l]).collect()
}

fn opts(alpha: f64, lambdas: Vec<f64>) -> ElasticNetOptions {
    ElasticNetOptions { alpha, lambdas: Some(lambdas), tol: 1e-13, ..ElasticNetOptions::default() }
}

fn binomial_case(name: &str, data: &str, features: &[String], label: &str) {
    let g = json("glmnet_binomial.json");
    let case = &g[name];
    let (header, cols) = csv(data);
    let col = |n: &str| cols[header.iter().position(|h| h == n).unwrap()].clone();
    let x = Matrix::from_columns(&features.iter().map(|f| col(f)).collect::<Vec<_>>()).unwrap();
    let y = col(label);
    let foldid = folds(&case["foldid"]);
    for fit in case["fits"].as_array().unwrap() {
        let alpha = fit["alpha"].as_f64().unwrap();
        let lambdas = floats(&fit["lambda"]);
        let path = binomial_path(&x, &y, None, &opts(alpha, lambdas.clone())).unwrap();
        assert_eq!(path.len(), lambdas.len());
        let (mut worst, beta) = (0.0f64, matrix_rows(&fit["beta"]));
        for (l, b) in beta.iter().enumerate() {
            worst = worst.max(compare_sparse("beta", &path.coefs[l], b));
        }
        let a0 = compare("a0", &path.intercepts, &floats(&fit["a0"]));
        let dev = compare("dev_ratio", &path.dev_ratio, &floats(&fit["dev_ratio"]));
        let nulldev = fit["nulldev"].as_f64().unwrap();
        assert!((path.null_deviance() - nulldev).abs() < 1e-9 * nulldev);
        eprintln!(
            "{name} alpha {alpha}: max rel diff beta {worst:.2e}, a0 {a0:.2e}, dev_ratio {dev:.2e}; our KKT {:.1e}, glmnet's {:.1e}",
            path.kkt.iter().fold(0.0f64, |m, v| m.max(*v)),
            fit["glmnet_kkt_max"].as_f64().unwrap()
        );
        assert!(worst < 1e-7 && a0 < 1e-7 && dev < 1e-9, "{name} alpha {alpha}");
        for (key, measure) in
            [("cv_deviance", CvMeasure::Deviance), ("cv_class", CvMeasure::Misclassification)]
        {
            let want = &fit[key];
            let o = opts(alpha, lambdas.clone());
            let cv = cv_binomial(&x, &y, None, &o, &Folds::Given(foldid.clone()), measure, None)
                .unwrap();
            let keep = untied(want);
            let cvm =
                compare("cvm", &pick(&cv.curve.cvm, &keep), &pick(&floats(&want["cvm"]), &keep));
            let cvsd =
                compare("cvsd", &pick(&cv.curve.cvsd, &keep), &pick(&floats(&want["cvsd"]), &keep));
            eprintln!("  {key}: max diff cvm {cvm:.2e}, cvsd {cvsd:.2e}");
            assert!(cvm < 1e-7 && cvsd < 1e-7, "{key}");
            if keep.len() == lambdas.len() {
                assert_eq!(cv.curve.lambda_min, want["lambda_min"].as_f64().unwrap(), "{key} min");
                assert_eq!(cv.curve.lambda_1se, want["lambda_1se"].as_f64().unwrap(), "{key} 1se");
            }
        }
    }
}

#[test]
fn binomial_breast_cancer_matches_glmnet() {
    let g = json("glmnet_binomial.json");
    let features: Vec<String> = g["breast_cancer_features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    binomial_case("breast_cancer", "sklearn_breast_cancer.csv", &features, "malignant");
}

#[test]
fn binomial_wide_matches_glmnet() {
    let features: Vec<String> = (1..=200).map(|j| format!("g{j:03}")).collect();
    binomial_case("wide", "glmnet_wide_binomial.csv", &features, "y");
}

#[test]
fn multinomial_iris_matches_glmnet() {
    let g = json("glmnet_multinomial.json");
    let (header, cols) = csv("r_iris.csv");
    let k = header.len() - 1;
    let x = Matrix::from_columns(&cols[..k]).unwrap();
    let y: Vec<usize> = cols[k].iter().map(|&c| c as usize).collect();
    let foldid = folds(&g["foldid"]);
    for fit in g["fits"].as_array().unwrap() {
        let alpha = fit["alpha"].as_f64().unwrap();
        let lambdas = floats(&fit["lambda"]);
        let path = multinomial_path(&x, &y, None, &opts(alpha, lambdas.clone())).unwrap();
        let a0 = matrix_rows(&fit["a0"]);
        let beta: Vec<Vec<Vec<f64>>> =
            fit["beta"].as_array().unwrap().iter().map(matrix_rows).collect();
        let (mut wb, mut wa) = (0.0f64, 0.0f64);
        for l in 0..lambdas.len() {
            wa = wa.max(compare("a0", &path.intercepts[l], &a0[l]));
            for (c, want) in beta.iter().enumerate() {
                wb = wb.max(compare_sparse("beta", &path.coefs[l][c], &want[l]));
            }
        }
        let dev = compare("dev_ratio", &path.dev_ratio, &floats(&fit["dev_ratio"]));
        eprintln!(
            "iris alpha {alpha}: max rel diff beta {wb:.2e}, a0 {wa:.2e}, dev_ratio {dev:.2e}; our KKT {:.1e}",
            path.kkt.iter().fold(0.0f64, |m, v| m.max(*v))
        );
        assert!(wb < 1e-7 && wa < 1e-7 && dev < 1e-9, "alpha {alpha}");
        for (key, measure) in
            [("cv_deviance", CvMeasure::Deviance), ("cv_class", CvMeasure::Misclassification)]
        {
            let want = &fit[key];
            let o = opts(alpha, lambdas.clone());
            let cv = cv_multinomial(&x, &y, None, &o, &Folds::Given(foldid.clone()), measure, None)
                .unwrap();
            let keep = untied(want);
            let cvm =
                compare("cvm", &pick(&cv.curve.cvm, &keep), &pick(&floats(&want["cvm"]), &keep));
            let cvsd =
                compare("cvsd", &pick(&cv.curve.cvsd, &keep), &pick(&floats(&want["cvsd"]), &keep));
            eprintln!("  {key}: max diff cvm {cvm:.2e}, cvsd {cvsd:.2e}");
            assert!(cvm < 1e-6 && cvsd < 1e-6, "{key}");
            if keep.len() == lambdas.len() {
                assert_eq!(cv.curve.lambda_min, want["lambda_min"].as_f64().unwrap(), "{key} min");
                assert_eq!(cv.curve.lambda_1se, want["lambda_1se"].as_f64().unwrap(), "{key} 1se");
            }
        }
    }
}
