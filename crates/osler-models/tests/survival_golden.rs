//! Golden values for Kaplan-Meier / Nelson-Aalen and the log-rank tests
//! against R survival 3.5.3 (tests/reference/golden/km_nelson_aalen.json,
//! logrank.json). Tolerances from tests/reference/README.md.
#![allow(clippy::unwrap_used)]

#[path = "survival_common.rs"]
mod common;

use common::{Csv, check, check_rel, floats, golden, opt_floats, strings};
use osler_models::survival::{ConfType, KaplanMeier, logrank_test};
use serde_json::Value;

fn opt_check(what: &str, got: &[Option<f64>], want: &[Option<f64>], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let mut worst = 0.0f64;
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        match (g, w) {
            (None, None) => {}
            (Some(g), Some(w)) if g.is_infinite() && w.is_infinite() => {}
            (Some(g), Some(w)) => {
                let d = (g - w).abs();
                assert!(d <= tol, "{what}[{k}]: got {g:e}, want {w:e}");
                worst = worst.max(d);
            }
            _ => panic!("{what}[{k}]: got {g:?}, want {w:?}"),
        }
    }
    println!("{what}: max abs diff {worst:.3e}");
}

fn check_km(km: &KaplanMeier, e: &Value) {
    let et = &e["event_times"];
    check("time", &km.time, &floats(&et["time"]), 0.0);
    check("n_risk", &km.n_risk, &floats(&et["n_risk"]), 0.0);
    check("n_event", &km.n_event, &floats(&et["n_event"]), 0.0);
    check("surv", &km.surv, &floats(&et["surv"]), 1e-12);
    opt_check("se_surv", &km.se_surv(), &opt_floats(&et["se_surv"]), 1e-12);
    let se_log: Vec<Option<f64>> =
        km.se_log_surv.iter().map(|v| Some(v.unwrap_or(f64::INFINITY))).collect();
    opt_check("se_log_surv", &se_log, &opt_floats(&et["se_log_surv"]), 1e-12);
    for (conf, name) in
        [(ConfType::Log, "ci_log"), (ConfType::LogLog, "ci_loglog"), (ConfType::Plain, "ci_plain")]
    {
        let ci = km.confidence_interval(conf);
        let lo: Vec<Option<f64>> = ci.iter().map(|c| c.map(|c| c.0)).collect();
        let hi: Vec<Option<f64>> = ci.iter().map(|c| c.map(|c| c.1)).collect();
        opt_check(&format!("{name}_lower"), &lo, &opt_floats(&et[format!("{name}_lower")]), 1e-12);
        opt_check(&format!("{name}_upper"), &hi, &opt_floats(&et[format!("{name}_upper")]), 1e-12);
    }
    check("cumhaz_na", &km.cumhaz, &floats(&et["cumhaz_na"]), 1e-12);
    check("se_cumhaz_na", &km.se_cumhaz, &floats(&et["se_cumhaz_na"]), 1e-12);
    assert_eq!(km.median(), e["median"].as_f64(), "median");
    for (conf, name) in [(ConfType::Log, "median_ci_log"), (ConfType::LogLog, "median_ci_loglog")] {
        let want = opt_floats(&e[name]);
        let (lo, hi) = km.median_ci(conf);
        assert_eq!(vec![lo, hi], want, "{name}");
    }
    let rm = km.restricted_mean(km.max_time());
    check("rmean", &[rm], &[e["restricted_mean_to_last_time"].as_f64().unwrap()], 1e-9);
    assert_eq!(km.n, e["n"].as_f64().unwrap());
    assert_eq!(km.n_events, e["n_events"].as_f64().unwrap());
}

#[test]
fn kaplan_meier_whas500_and_veterans() {
    let g = golden("km_nelson_aalen.json");
    let e = &g["expected"];
    let w = Csv::read("sksurv_whas500.csv");
    let (time, event, gender) = (w.num("lenfol"), w.num("fstat"), w.num("gender"));
    check_km(&KaplanMeier::fit(&time, &event, None).unwrap(), &e["whas500_overall"]);
    for (level, key) in [(0.0, "whas500_gender0"), (1.0, "whas500_gender1")] {
        let idx: Vec<usize> = (0..time.len()).filter(|&i| gender[i] == level).collect();
        let t: Vec<f64> = idx.iter().map(|&i| time[i]).collect();
        let ev: Vec<f64> = idx.iter().map(|&i| event[i]).collect();
        check_km(&KaplanMeier::fit(&t, &ev, None).unwrap(), &e[key]);
    }
    let v = Csv::read("sksurv_veterans_lung_cancer.csv");
    let (t, ev) = (v.num("Survival_in_days"), v.num("Status"));
    check_km(&KaplanMeier::fit(&t, &ev, None).unwrap(), &e["veterans_overall"]);
}

#[test]
fn kaplan_meier_lookups() {
    let km =
        KaplanMeier::fit(&[1.0, 2.0, 2.0, 3.0, 5.0], &[1.0, 1.0, 0.0, 0.0, 1.0], None).unwrap();
    assert_eq!(
        km.survival_at(&[0.5, 1.0, 2.5, 10.0]),
        vec![1.0, 0.8, 0.8 * (1.0 - 1.0 / 4.0), 0.0]
    );
    assert_eq!(km.n_at_risk(&[0.0, 1.0, 1.5, 2.0, 4.0, 6.0]), vec![5.0, 5.0, 4.0, 4.0, 1.0, 0.0]);
    assert_eq!(km.n_censor, vec![0.0, 2.0, 0.0]);
    assert_eq!(km.cumhaz_at(&[0.5, 2.0]), vec![0.0, 0.2 + 0.25]);
}

fn check_logrank(e: &Value, t: &osler_models::survival::LogRankTest) {
    check_rel("chisq", &[t.chisq], &[e["chisq"].as_f64().unwrap()], 1e-10);
    check_rel("p", &[t.p_value], &[e["p"].as_f64().unwrap()], 1e-10);
    assert_eq!(t.df as u64, e["df"].as_u64().unwrap());
    assert_eq!(t.groups, strings(&e["groups"]));
    check("n", &t.n, &floats(&e["n"]), 0.0);
    let k = t.groups.len();
    let obs = floats(&e["observed"]);
    if obs.len() == k {
        check_rel("observed", &t.observed, &obs, 1e-12);
        check_rel("expected", &t.expected, &floats(&e["expected"]), 1e-12);
    } else {
        // Per stratum, R's column-major (group x stratum) matrix.
        let flat = |m: &Vec<Vec<f64>>| m.iter().flatten().copied().collect::<Vec<f64>>();
        check_rel("observed", &flat(&t.observed_by_stratum), &obs, 1e-12);
        check_rel("expected", &flat(&t.expected_by_stratum), &floats(&e["expected"]), 1e-12);
    }
    check("var", &t.variance, &floats(&e["var"]), 1e-10);
}

#[test]
fn logrank_whas500_veterans_rho_and_strata() {
    let g = golden("logrank.json");
    let e = &g["expected"];
    let w = Csv::read("sksurv_whas500.csv");
    let (time, event, chf) = (w.num("lenfol"), w.num("fstat"), w.num("chf"));
    let gender: Vec<u32> = w.num("gender").iter().map(|&v| v as u32).collect();
    check_logrank(&e["whas500_gender"], &logrank_test(&time, &event, &gender, None, 0.0).unwrap());
    check_logrank(
        &e["whas500_gender_peto_rho1_R_only"],
        &logrank_test(&time, &event, &gender, None, 1.0).unwrap(),
    );
    let strata: Vec<u32> = chf.iter().map(|&v| v as u32).collect();
    check_logrank(
        &e["whas500_gender_stratified_by_chf_R_only"],
        &logrank_test(&time, &event, &gender, Some(&strata), 0.0).unwrap(),
    );
    let v = Csv::read("sksurv_veterans_lung_cancer.csv");
    let t =
        logrank_test(&v.num("Survival_in_days"), &v.num("Status"), &v.text("Celltype"), None, 0.0)
            .unwrap();
    check_logrank(&e["veterans_celltype"], &t);
}
