//! Golden values for the Cox model against R survival 3.5.3:
//! cox_rossi.json, cox_whas500.json (Efron and Breslow),
//! cox_veterans_stratified.json and synth_surv_cox_cindex.json (10k part).
#![allow(clippy::unwrap_used)]

#[path = "survival_common.rs"]
mod common;

use common::{Csv, check, check_rel, floats, golden, strings};
use osler_data::Matrix;
use osler_models::survival::{
    BaselineType, CoxModel, CoxOptions, ProportionalHazards, Ties, harrell_c,
};
use serde_json::Value;

fn design(csv: &Csv, names: &[String]) -> Matrix {
    Matrix::from_columns(&names.iter().map(|n| csv.num(n)).collect::<Vec<_>>()).unwrap()
}

fn ties_of(key: &str) -> Ties {
    if key == "efron" { Ties::Efron } else { Ties::Breslow }
}

/// Coefficients, SEs, log-likelihoods and the three tests.
fn check_fit(m: &CoxModel, e: &Value) {
    check("coef", m.coefficients(), &floats(&e["coef_vector"]), 1e-8);
    check("se", &m.std_errors(), &floats(&e["se_vector"]), 1e-8);
    check_rel("loglik", &[m.loglik()], &[e["loglik"].as_f64().unwrap()], 1e-10);
    check_rel("loglik_null", &[m.loglik_null()], &[e["loglik_null"].as_f64().unwrap()], 1e-10);
    if let Some(v) = e.get("vcov_rowmajor") {
        check("vcov", m.covariance(), &floats(v), 1e-10);
    }
    if let Some(v) = e.get("lrt_chi2") {
        check_rel("lrt", &[m.likelihood_ratio_test().statistic], &[v.as_f64().unwrap()], 1e-8);
    }
    check_rel(
        "score",
        &[m.score_test().statistic],
        &[e["score_test_chi2"].as_f64().unwrap()],
        1e-8,
    );
    check_rel("wald", &[m.wald_test().statistic], &[e["wald_test_chi2"].as_f64().unwrap()], 1e-8);
    check(
        "concordance",
        &[m.concordance().c_index],
        &[e["concordance_R"].as_f64().unwrap()],
        1e-12,
    );
}

fn check_baseline(m: &CoxModel, e: &Value) {
    let b = &e["baseline_cumhaz"];
    let beta = m.coefficients();
    let means = floats(&e["covariate_sample_means"]);
    let shift: f64 = means.iter().zip(beta).map(|(a, b)| a * b).sum::<f64>().exp();
    let times = floats(&b["times"]);
    for (kind, key) in
        [(BaselineType::Breslow, "breslow_type"), (BaselineType::Efron, "efron_type")]
    {
        let h0 = m.baseline_cumhaz(0, &times, kind).unwrap();
        check_rel(&format!("H0 x=0 {key}"), &h0, &floats(&b[format!("at_x_zero_{key}")]), 1e-9);
        let hm: Vec<f64> = h0.iter().map(|h| h * shift).collect();
        check_rel(&format!("H0 x=mean {key}"), &hm, &floats(&b[format!("at_x_mean_{key}")]), 1e-9);
        let full = floats(&b["full_event_times"]);
        let hf = m.baseline_cumhaz(0, &full, kind).unwrap();
        check_rel(
            &format!("H0 full {key}"),
            &hf,
            &floats(&b[format!("full_at_x_zero_{key}")]),
            1e-9,
        );
    }
}

fn run_plain(file: &str, data: &str) {
    let g = golden(file);
    let input = &g["input"];
    let csv = Csv::read(data);
    let cols = &input["columns"];
    let x = design(&csv, &strings(&cols["covariates"]));
    let time = csv.num(cols["time"].as_str().unwrap());
    let event = csv.num(cols["event"].as_str().unwrap());
    for key in ["efron", "breslow"] {
        println!("--- {file} {key}");
        let opts = CoxOptions { ties: ties_of(key), ..CoxOptions::default() };
        let m = CoxModel::fit(&x, &time, &event, &opts).unwrap();
        check_fit(&m, &g["expected"][key]);
        check_baseline(&m, &g["expected"][key]);
        println!("iterations {}", m.iterations());
    }
}

#[test]
fn cox_rossi() {
    run_plain("cox_rossi.json", "lifelines_rossi.csv");
}

#[test]
fn cox_whas500() {
    run_plain("cox_whas500.json", "sksurv_whas500.csv");
}

#[test]
fn cox_veterans_stratified() {
    let g = golden("cox_veterans_stratified.json");
    let csv = Csv::read("sksurv_veterans_lung_cancer.csv");
    let mut cols: Vec<Vec<f64>> = ["Karnofsky_score", "Age_in_years", "Months_from_Diagnosis"]
        .iter()
        .map(|n| csv.num(n))
        .collect();
    cols.push(csv.text("Prior_therapy").iter().map(|v| f64::from(u8::from(v == "yes"))).collect());
    cols.push(csv.text("Treatment").iter().map(|v| f64::from(u8::from(v == "test"))).collect());
    let x = Matrix::from_columns(&cols).unwrap();
    let cell = csv.text("Celltype");
    let levels = ["adeno", "large", "smallcell", "squamous"];
    let strata: Vec<u32> =
        cell.iter().map(|c| levels.iter().position(|l| l == c).unwrap() as u32).collect();
    let time = csv.num("Survival_in_days");
    let event = csv.num("Status");
    for key in ["efron", "breslow"] {
        println!("--- veterans {key}");
        let opts = CoxOptions {
            ties: ties_of(key),
            strata: Some(strata.clone()),
            ..CoxOptions::default()
        };
        let m = CoxModel::fit(&x, &time, &event, &opts).unwrap();
        let e = &g["expected"][key];
        check_fit(&m, e);
        let b = &e["baseline_cumhaz_at_x_zero"];
        let times = floats(&b["times"]);
        for (s, level) in levels.iter().enumerate() {
            for (kind, k2) in [
                (BaselineType::Breslow, "breslow_type_by_stratum"),
                (BaselineType::Efron, "efron_type_by_stratum"),
            ] {
                let h = m.baseline_cumhaz(s as u32, &times, kind).unwrap();
                check_rel(&format!("{level} {k2}"), &h, &floats(&b[k2][level]), 1e-9);
            }
        }
    }
}

#[test]
fn cox_synthetic_10k_and_harrell_c() {
    let g = golden("synth_surv_cox_cindex.json");
    let csv = Csv::read("surv_n10000_p20.csv");
    let names = strings(&g["input"]["columns"]["covariates"]);
    let x = design(&csv, &names);
    let (time, event) = (csv.num("time"), csv.num("event"));
    let m = CoxModel::fit(&x, &time, &event, &CoxOptions::default()).unwrap();
    let e = &g["expected"]["cox_n10000"];
    check("coef", m.coefficients(), &floats(&e["coef"]), 1e-8);
    check("se", &m.std_errors(), &floats(&e["se"]), 1e-8);
    check_rel("loglik", &[m.loglik()], &[e["loglik"].as_f64().unwrap()], 1e-10);
    check_rel("loglik_null", &[m.loglik_null()], &[e["loglik_null"].as_f64().unwrap()], 1e-10);
    check(
        "concordance",
        &[m.concordance().c_index],
        &[e["concordance_R"].as_f64().unwrap()],
        1e-12,
    );
    // Harrell's C of the true linear predictor (sequential sum).
    let beta = floats(&g["input"]["true_beta"]);
    let lp: Vec<f64> = (0..x.rows())
        .map(|i| {
            let mut s = 0.0;
            for (j, b) in beta.iter().enumerate() {
                s += x.get(i, j) * b;
            }
            s
        })
        .collect();
    let c = harrell_c(&time, &event, &lp, None, None);
    let want = g["expected"]["harrell_c_true_lp"]["R"]["10000"].as_f64().unwrap();
    check("harrell C true lp 1e4", &[c.c_index], &[want], 1e-12);
    // 1e5 from the generator.
    let s = osler_data::synth::survival(100_000, 20, 20240601);
    let ev: Vec<f64> = s.event.iter().map(|&e| f64::from(e)).collect();
    let lp: Vec<f64> = (0..100_000)
        .map(|i| {
            let mut v = 0.0;
            for (j, b) in beta.iter().enumerate() {
                v += s.x.get(i, j) * b;
            }
            v
        })
        .collect();
    let c = harrell_c(&s.time, &ev, &lp, None, None);
    let want = g["expected"]["harrell_c_true_lp"]["R"]["100000"].as_f64().unwrap();
    check("harrell C true lp 1e5", &[c.c_index], &[want], 1e-12);
}
