//! Reproduces tests/reference/golden/concordance_td_metrics_whas500.json
//! (scikit-survival 0.28.0, R survival 3.5.3, riskRegression, lifelines) and the
//! Harrell C values of tests/reference/golden/synth_surv_cox_cindex.json.
#![allow(clippy::unwrap_used)]

use osler_data::Matrix;
use osler_eval::survival::*;
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/reference");
const TOL: f64 = 1e-12;
use CensoringConvention::{AtTime, LeftLimit};

/// whas500 inputs: a numeric CSV with a header, read by column name.
struct Whas {
    header: Vec<String>,
    rows: Vec<Vec<f64>>,
    golden: Value,
}

impl Whas {
    fn load() -> Self {
        let csv =
            std::fs::read_to_string(format!("{DIR}/data/whas500_cox_predictions.csv")).unwrap();
        let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
        let header = lines.next().unwrap().split(',').map(str::to_owned).collect();
        let rows: Vec<Vec<f64>> =
            lines.map(|l| l.split(',').map(|v| v.trim().parse().unwrap()).collect()).collect();
        let json =
            std::fs::read_to_string(format!("{DIR}/golden/concordance_td_metrics_whas500.json"))
                .unwrap();
        let golden = serde_json::from_str(&json).unwrap();
        let w = Whas { header, rows, golden };
        assert_eq!(w.rows.len(), 500);
        w
    }

    fn col(&self, name: &str) -> Vec<f64> {
        let j = self.header.iter().position(|h| h == name).unwrap();
        self.rows.iter().map(|r| r[j]).collect()
    }

    fn time(&self) -> Vec<f64> {
        self.col("lenfol")
    }

    fn event(&self) -> Vec<bool> {
        self.col("fstat").iter().map(|&e| e == 1.0).collect()
    }

    /// `S(t | x)` for each `t` of `times`, as an `n x times.len()` matrix.
    fn surv(&self, times: &[f64]) -> Matrix {
        let cols: Vec<Vec<f64>> =
            times.iter().map(|&t| self.col(&format!("S_{}", t as i64))).collect();
        Matrix::from_columns(&cols).unwrap()
    }

    fn expected(&self, path: &str) -> &Value {
        path.split('.').fold(&self.golden["expected"], |v, k| &v[k])
    }

    fn num(&self, path: &str) -> f64 {
        self.expected(path).as_f64().unwrap_or_else(|| panic!("{path}"))
    }

    fn nums(&self, path: &str) -> Vec<f64> {
        self.expected(path)
            .as_array()
            .unwrap_or_else(|| panic!("{path}"))
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    }

    fn times(&self, path: &str) -> Vec<f64> {
        self.golden["input"]["options"][path]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    }
}

fn close(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= TOL,
        "{what}: got {got:e}, want {want:e}, diff {:e}",
        (got - want).abs()
    );
}

fn close_all(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
        close(&format!("{what}[{k}]"), g, w);
    }
}

fn counts(w: &Whas, path: &str, c: &Concordance) {
    let e = w.expected(path);
    assert_eq!(c.concordant, e["concordant"].as_u64().unwrap(), "{path}");
    assert_eq!(c.discordant, e["discordant"].as_u64().unwrap(), "{path}");
    assert_eq!(c.tied_risk, e["tied_risk"].as_u64().unwrap(), "{path}");
    assert_eq!(c.tied_time, e["tied_time"].as_u64().unwrap(), "{path}");
}

#[test]
fn harrell_c_whas500() {
    let w = Whas::load();
    let (time, event) = (w.time(), w.event());
    for (col, key) in [("lp", "harrell_c_lp"), ("age_decade", "harrell_c_age_decade")] {
        let c = harrell_c(&time, &event, &w.col(col)).unwrap();
        close(key, c.c, w.num(&format!("{key}.cindex")));
        counts(&w, key, &c);
        // R and lifelines agree exactly.
        close(key, c.c, w.num(&format!("{key}_R.concordance")));
        close(key, c.c, w.num(&format!("lifelines_c_{col}")));
        let r = w.expected(&format!("{key}_R.count"));
        assert_eq!(c.tied_risk, r["tied.x"].as_u64().unwrap());
    }
}

#[test]
fn uno_c_whas500_both_conventions() {
    let w = Whas::load();
    let (time, event, lp) = (w.time(), w.event(), w.col("lp"));
    let tau = w.golden["input"]["options"]["tau"].as_f64().unwrap();
    let c = uno_c(&time, &event, &lp, Some(tau), AtTime).unwrap();
    close("uno tau sksurv", c.c, w.num("uno_c_tau1825.cindex"));
    counts(&w, "uno_c_tau1825", &c);
    let c = uno_c(&time, &event, &lp, None, AtTime).unwrap();
    close("uno no tau sksurv", c.c, w.num("uno_c_no_tau"));
    for key in ["uno_c_G_left_limit", "uno_c_R_timewt_nG2"] {
        let c = uno_c(&time, &event, &lp, Some(tau), LeftLimit).unwrap();
        close(key, c.c, w.num(&format!("{key}.tau1825")));
        let c = uno_c(&time, &event, &lp, None, LeftLimit).unwrap();
        close(key, c.c, w.num(&format!("{key}.no_tau")));
    }
}

#[test]
fn cumulative_dynamic_auc_whas500() {
    let w = Whas::load();
    let (time, event, lp) = (w.time(), w.event(), w.col("lp"));
    let times = w.times("times");
    close_all("times", &times, &w.nums("cumulative_dynamic_auc.times"));
    let risk = w.surv(&times);
    let risk = Matrix::from_columns(
        &(0..times.len())
            .map(|k| risk.col(k).iter().map(|s| 1.0 - s).collect())
            .collect::<Vec<Vec<f64>>>(),
    )
    .unwrap();
    let a = cumulative_dynamic_auc(&time, &event, &lp, &times, AtTime).unwrap();
    close_all("auc_lp", &a.auc, &w.nums("cumulative_dynamic_auc.auc_lp"));
    close("mean_auc_lp", a.mean_auc, w.num("cumulative_dynamic_auc.mean_auc_lp"));
    let a = cumulative_dynamic_auc_by_time(&time, &event, &risk, &times, AtTime).unwrap();
    let want = w.nums("cumulative_dynamic_auc.auc_risk_1_minus_S");
    close_all("auc_risk", &a.auc, &want);
    close("mean_auc_risk", a.mean_auc, w.num("cumulative_dynamic_auc.mean_auc_risk"));

    let a = cumulative_dynamic_auc(&time, &event, &lp, &times, LeftLimit).unwrap();
    let want = w.nums("cumulative_dynamic_auc.auc_lp_cases_weighted_G_left_limit");
    close_all("auc_lp left", &a.auc, &want);
    let a = cumulative_dynamic_auc_by_time(&time, &event, &risk, &times, LeftLimit).unwrap();
    let want = w.nums("cumulative_dynamic_auc.auc_risk_cases_weighted_G_left_limit");
    close_all("auc_risk left", &a.auc, &want);
    let want = w.nums("cumulative_dynamic_auc.auc_riskRegression");
    close_all("auc riskRegression", &a.auc, &want);
}

#[test]
fn brier_whas500() {
    let w = Whas::load();
    let (time, event) = (w.time(), w.event());
    let times = w.nums("brier.times");
    let surv = w.surv(&times);
    for (conv, keys) in [
        (AtTime, &["brier.brier"][..]),
        (LeftLimit, &["brier.brier_G_left_limit", "brier.brier_riskRegression"][..]),
    ] {
        let got: Vec<f64> = (0..times.len())
            .map(|k| brier_score(&time, &event, surv.col(k), times[k], conv).unwrap())
            .collect();
        for key in keys {
            close_all(key, &got, &w.nums(key));
        }
    }
}

#[test]
fn integrated_brier_whas500() {
    let w = Whas::load();
    let (time, event) = (w.time(), w.event());
    let grid = w.times("grid");
    close_all("grid", &grid, &w.nums("integrated_brier.grid"));
    let surv = w.surv(&grid);
    let r = integrated_brier_score(&time, &event, &surv, &grid, AtTime).unwrap();
    close_all("brier_on_grid", &r.brier, &w.nums("integrated_brier.brier_on_grid"));
    close("ibs", r.ibs, w.num("integrated_brier.ibs"));
    let r = integrated_brier_score(&time, &event, &surv, &grid, LeftLimit).unwrap();
    let want = w.nums("integrated_brier.brier_on_grid_G_left_limit");
    close_all("brier_on_grid left", &r.brier, &want);
    let want = w.num("integrated_brier.ibs_G_left_limit_trapezoid");
    close("ibs left", r.ibs, want);
}

#[test]
fn censoring_km_whas500() {
    let w = Whas::load();
    let g = CensoringKm::fit(&w.time(), &w.event()).unwrap();
    close_all("G times", g.times(), &w.nums("censoring_km_G.time"));
    close_all("G", g.survival(), &w.nums("censoring_km_G.G"));
    let n_tied = w.num("n_censored_at_an_event_time") as usize;
    let c = harrell_c(&w.time(), &w.event(), &w.col("lp")).unwrap();
    assert_eq!(c.tied_time as usize, n_tied);
}

/// Harrell's C of the true linear predictor `sum_j x_j beta_j` (sequential sum).
fn true_lp(x: &Matrix) -> Vec<f64> {
    let mut lp = vec![0.0; x.rows()];
    for j in 0..x.cols() {
        let b = osler_data::synth::beta(j);
        for (l, &v) in lp.iter_mut().zip(x.col(j)) {
            *l += v * b;
        }
    }
    lp
}

fn synth_golden(n: &str) -> f64 {
    let json = std::fs::read_to_string(format!("{DIR}/golden/synth_surv_cox_cindex.json")).unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    let r = &v["expected"]["harrell_c_true_lp"];
    let c = r["R"][n].as_f64().unwrap();
    assert_eq!(r["lifelines"][n].as_f64(), Some(c));
    c
}

#[test]
fn synth_harrell_c_n1e4_from_csv() {
    let csv = std::fs::read_to_string(format!("{DIR}/data/surv_n10000_p20.csv")).unwrap();
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[..3], &["time", "event", "x0"]);
    let (mut time, mut event, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    for l in lines {
        let v: Vec<f64> = l.split(',').map(|s| s.parse().unwrap()).collect();
        time.push(v[0]);
        event.push(v[1] == 1.0);
        rows.extend_from_slice(&v[2..]);
    }
    let x = Matrix::from_row_major(time.len(), header.len() - 2, &rows);
    let c = harrell_c(&time, &event, &true_lp(&x)).unwrap();
    close("synth 1e4", c.c, synth_golden("10000"));
    assert_eq!(c.tied_time, 0);
}

/// Harrell's C of the true lp on `synth::survival(n, 20, 20240601)`; prints
/// the fastest of `reps` timed calls (data generation not timed).
fn synth_c(n: usize, reps: usize) -> f64 {
    let d = osler_data::synth::survival(n, 20, 20240601);
    let event: Vec<bool> = d.event.iter().map(|&e| e == 1).collect();
    let lp = true_lp(&d.x);
    let mut best = f64::INFINITY;
    let mut c = None;
    for _ in 0..reps {
        let start = std::time::Instant::now();
        c = Some(harrell_c(&d.time, &event, &lp).unwrap());
        best = best.min(start.elapsed().as_secs_f64());
    }
    eprintln!("harrell_c n = {n}: fastest of {reps}: {best:.4} s");
    if reps > 1 {
        let start = std::time::Instant::now();
        let u = uno_c(&d.time, &event, &lp, None, CensoringConvention::default()).unwrap();
        eprintln!("uno_c n = {n}: {:.4} s (C = {})", start.elapsed().as_secs_f64(), u.c);
        let start = std::time::Instant::now();
        let a = cumulative_dynamic_auc(&d.time, &event, &lp, &[5.0, 10.0, 20.0], AtTime).unwrap();
        eprintln!("3-time AUC n = {n}: {:.4} s ({:?})", start.elapsed().as_secs_f64(), a.auc);
    }
    c.unwrap().c
}

#[test]
fn synth_harrell_c_n1e5_regenerated() {
    close("synth 1e5", synth_c(100_000, 1), synth_golden("100000"));
}

/// Also the speed check: `cargo test --release -p osler-eval --test
/// survival_golden -- --ignored --nocapture` (ignored: the data generation
/// alone takes seconds in a debug build).
#[test]
#[ignore]
fn synth_harrell_c_n1e6_regenerated() {
    close("synth 1e6", synth_c(1_000_000, 7), synth_golden("1000000"));
}
