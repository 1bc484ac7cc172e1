//! Kaplan-Meier, Nelson-Aalen, RMST, numbers at risk and the weighted
//! log-rank family against the peers' own test cases: R survival 3.5.3
//! (tests/reference/peers/np_r.json from np_r.R) and lifelines 0.30.0
//! (np_lifelines.json from np_lifelines.py). Closed forms: 1e-8 relative.
#![allow(clippy::unwrap_used)]

#[path = "survival_common.rs"]
mod common;

use common::{REF, check_rel, floats, opt_floats};
use osler_models::survival::{
    ConfType, KaplanMeier, LogRankOptions, LogRankTest, Weighting, logrank_test_with,
};
use serde_json::Value;

const TOL: f64 = 1e-8;

fn peer(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{REF}peers/{name}")).expect("peer file");
    serde_json::from_str(&text).expect("json")
}

/// The entries of R's per-time vector at its event times (R reports every
/// distinct time; [`KaplanMeier`]'s vectors hold the event times).
fn at_events(e: &Value, key: &str) -> Vec<Option<f64>> {
    let events = floats(&e["n_event"]);
    opt_floats(&e[key]).into_iter().zip(events).filter(|(_, d)| *d > 0.0).map(|(v, _)| v).collect()
}

fn some(v: Vec<Option<f64>>) -> Vec<f64> {
    v.into_iter().map(|x| x.unwrap()).collect()
}

fn close_opt(what: &str, got: &[Option<f64>], want: &[Option<f64>]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        match (g, w) {
            (None, None) => {}
            (Some(g), Some(w)) => {
                check_rel(&format!("{what}[{k}]"), &[*g], &[*w], TOL);
            }
            _ => panic!("{what}[{k}]: got {g:?}, want {w:?}"),
        }
    }
}

/// Every number R's `survfit` prints for one curve.
fn check_curve(km: &KaplanMeier, e: &Value) {
    check_rel("time", &km.time, &some(at_events(e, "time")), 0.0);
    check_rel("n_risk", &km.n_risk, &some(at_events(e, "n_risk")), TOL);
    check_rel("n_event", &km.n_event, &some(at_events(e, "n_event")), TOL);
    check_rel("surv", &km.surv, &some(at_events(e, "surv")), TOL);
    // R's std.err is se(log S), or se(S) for its robust variance (logse = 0).
    if floats(&e["logse"])[0] == 1.0 {
        close_opt("std_err", &km.se_log_surv, &at_events(e, "std_err"));
    } else {
        close_opt("std_err", &km.se_surv(), &at_events(e, "std_err"));
    }
    check_rel("cumhaz", &km.cumhaz, &some(at_events(e, "cumhaz")), TOL);
    check_rel("std_chaz", &km.se_cumhaz, &some(at_events(e, "std_chaz")), TOL);
    for (conf, lo, hi) in [
        (ConfType::Log, "lower_log", "upper_log"),
        (ConfType::LogLog, "lower_loglog", "upper_loglog"),
    ] {
        let ci = km.confidence_interval(conf);
        // R gives NA (here null) for both ends once S = 0.
        let want_lo = at_events(e, lo);
        let got_lo: Vec<Option<f64>> = ci.iter().map(|c| c.map(|c| c.0)).collect();
        let got_hi: Vec<Option<f64>> = ci.iter().map(|c| c.map(|c| c.1)).collect();
        close_opt(lo, &got_lo, &want_lo);
        close_opt(hi, &got_hi, &at_events(e, hi));
    }
    assert_eq!(km.median(), opt_floats(&e["median"])[0], "median");
    let (lcl, ucl) = km.median_ci(ConfType::Log);
    assert_eq!([lcl, ucl], [opt_floats(&e["median_lcl"])[0], opt_floats(&e["median_ucl"])[0]]);
    if let Some(times) = e.get("at_times") {
        let times = floats(times);
        check_rel("at_surv", &km.survival_at(&times), &floats(&e["at_surv"]), TOL);
        check_rel("at_n_risk", &km.n_at_risk(&times), &floats(&e["at_n_risk"]), TOL);
    }
    if let Some(tau) = e.get("tau") {
        let (m, se) = km.rmst(floats(tau)[0]).unwrap();
        check_rel("rmean", &[m], &floats(&e["rmean"]), TOL);
        check_rel("se_rmean", &[se], &floats(&e["se_rmean"]), TOL);
    }
}

/// R survival tests/survtest.R: `test2`, (start, stop] rows in the file's
/// unsorted order, with case weights `wt = 1:10` before the reordering.
struct Test2 {
    start: Vec<f64>,
    stop: Vec<f64>,
    event: Vec<f64>,
    x: Vec<f64>,
    wt: Vec<f64>,
}

fn test2() -> Test2 {
    let order = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9];
    let start = [1.0, 2.0, 5.0, 2.0, 1.0, 7.0, 3.0, 4.0, 8.0, 8.0];
    let stop = [2.0, 3.0, 6.0, 7.0, 8.0, 9.0, 9.0, 9.0, 14.0, 17.0];
    let event = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0];
    let x = [1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0];
    let pick = |v: &[f64]| order.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let wt: Vec<f64> = (1..=10).map(f64::from).collect();
    Test2 {
        start: pick(&start),
        stop: pick(&stop),
        event: pick(&event),
        x: pick(&x),
        wt: pick(&wt),
    }
}

// R survival tests/survtest.R: fit3 <- survfit(Surv(start, stop, event) ~ 1, test2),
// its summary at times (.5, 1.5, ...) and rmean at 10.
#[test]
fn r_survtest_test2_left_truncated_km() {
    let r = peer("np_r.json");
    let d = test2();
    let km = KaplanMeier::fit_entry(Some(&d.start), &d.stop, &d.event, None).unwrap();
    check_curve(&km, &r["km"]["survtest_test2"]);
    // The same rows split by x, as survfit(... ~ x) gives them.
    for (level, key) in [(0.0, "survtest_test2_x0"), (1.0, "survtest_test2_x1")] {
        let rows: Vec<usize> = (0..10).filter(|&i| d.x[i] == level).collect();
        let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let km =
            KaplanMeier::fit_entry(Some(&pick(&d.start)), &pick(&d.stop), &pick(&d.event), None)
                .unwrap();
        check_curve(&km, &r["km"][key]);
    }
}

// R survival tests/survtest.R: survfit(Surv(start, stop, event) ~ 1, test2, weights = wt).
#[test]
fn r_survtest_test2_weighted_left_truncated_km() {
    let r = peer("np_r.json");
    let d = test2();
    let km = KaplanMeier::fit_entry(Some(&d.start), &d.stop, &d.event, Some(&d.wt)).unwrap();
    check_curve(&km, &r["km"]["survtest_test2_weighted"]);
}

// R survival tests/doweight.R: testw1 with integer case weights (weighted Greenwood).
#[test]
fn r_doweight_testw1_weighted_km() {
    let r = peer("np_r.json");
    let time = [1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0];
    let status = [1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0];
    let wt = [1.0, 2.0, 3.0, 4.0, 3.0, 2.0, 1.0, 2.0, 1.0];
    let km = KaplanMeier::fit(&time, &status, Some(&wt)).unwrap();
    check_curve(&km, &r["km"]["doweight_testw1"]);
}

// lifelines tests/test_estimation.py::test_late_entry_with_against_R and
// ::test_late_entry_with_almost_tied_entry_and_death_against_R, run through R.
#[test]
fn lifelines_late_entry_cases_against_r_and_lifelines() {
    let r = peer("np_r.json");
    let time = [2.0, 10.0, 5.0, 4.0, 3.0];
    let km =
        KaplanMeier::fit_entry(Some(&[1.0, 2.0, 4.0, 0.0, 0.0]), &time, &[1.0; 5], None).unwrap();
    check_curve(&km, &r["km"]["lifelines_late_entry"]);
    let l = &peer("np_lifelines.json")["km"]["late_entry"];
    check_rel("lifelines surv", &km.survival_at(&floats(&l["timeline"])), &floats(&l["surv"]), TOL);
    assert_eq!(km.median(), l["median"].as_f64());
    let km =
        KaplanMeier::fit_entry(Some(&[1.9, 0.0, 0.0, 0.0, 0.0]), &time, &[1.0; 5], None).unwrap();
    check_curve(&km, &r["km"]["lifelines_late_entry_almost_tied"]);
}

// lifelines tests/test_estimation.py::test_weights_with_unaligned_index:
// KaplanMeierFitter and NelsonAalenFitter(nelson_aalen_smoothing=False) with
// non-integer weights.
#[test]
fn lifelines_non_integer_weights_km_and_nelson_aalen() {
    let l = &peer("np_lifelines.json")["km"]["weights_unaligned_index"];
    let km =
        KaplanMeier::fit(&floats(&l["time"]), &floats(&l["event"]), Some(&floats(&l["weight"])))
            .unwrap();
    let grid = floats(&l["timeline"]);
    check_rel("surv", &km.survival_at(&grid), &floats(&l["surv"]), TOL);
    check_rel("cumhaz", &km.cumhaz_at(&grid), &floats(&l["cumhaz"]), TOL);
    // lifelines' at-risk row at time 0 is everyone, as at the first time.
    check_rel("at_risk", &km.n_at_risk(&grid), &floats(&l["at_risk"]), TOL);
}

// R survfit's robust (infinitesimal-jackknife) variance, its default for
// non-integer weights: lifelines tests/test_estimation.py::test_weights_with_unaligned_index
// data, R tests/survtest.R test2 with weights wt / 4 (entry times), and R
// tests/doweight.R testw1 with robust = TRUE.
#[test]
fn r_robust_variance_of_weighted_curves() {
    let r = peer("np_r.json");
    let (t, y, w) = ([0.6, 0.4, 0.8, 0.9], [0.0, 1.0, 1.0, 0.0], [1.5, 2.0, 0.8, 0.9]);
    let km = KaplanMeier::fit_robust(None, &t, &y, Some(&w)).unwrap();
    check_curve(&km, &r["km"]["robust_weights_unaligned"]);
    let d = test2();
    let quarter: Vec<f64> = d.wt.iter().map(|w| w / 4.0).collect();
    let km = KaplanMeier::fit_robust(Some(&d.start), &d.stop, &d.event, Some(&quarter)).unwrap();
    check_curve(&km, &r["km"]["robust_test2"]);
    let time = [1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0];
    let status = [1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0];
    let wt = [1.0, 2.0, 3.0, 4.0, 3.0, 2.0, 1.0, 2.0, 1.0];
    let km = KaplanMeier::fit_robust(None, &time, &status, Some(&wt)).unwrap();
    check_curve(&km, &r["km"]["robust_testw1"]);
}

/// Channing House rows of one sex with `entry < exit` (sksurv's selection).
fn channing(sex: &str) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let c = common::Csv::read("../peers/np_channing.csv");
    let (entry, exit, cens) = (c.num("entry"), c.num("exit"), c.num("cens"));
    let rows: Vec<usize> =
        (0..entry.len()).filter(|&i| c.text("sex")[i] == sex && entry[i] < exit[i]).collect();
    let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    (pick(&entry), pick(&exit), pick(&cens))
}

// scikit-survival tests/test_nonparametric.py::TestKaplanMeier::test_left_truncated_simple1..3,
// ::test_truncated_male and ::test_truncated_female (log-log intervals), and R
// survfit(Surv(entry, exit, cens) ~ 1) on the Channing House data.
#[test]
fn sksurv_and_r_left_truncated_cases() {
    let sk = peer("np_sksurv.json");
    let mut cases: Vec<(String, KaplanMeier)> = ["1", "2", "3"]
        .iter()
        .map(|k| {
            let e = &sk["km"][format!("left_truncated_simple{k}")];
            let km = KaplanMeier::fit_entry(
                Some(&floats(&e["entry"])),
                &floats(&e["time"]),
                &floats(&e["event"]),
                None,
            )
            .unwrap();
            (format!("left_truncated_simple{k}"), km)
        })
        .collect();
    let r = peer("np_r.json");
    for sex in ["Male", "Female"] {
        let (entry, exit, cens) = channing(sex);
        let km = KaplanMeier::fit_entry(Some(&entry), &exit, &cens, None).unwrap();
        check_curve(&km, &r["km"][format!("channing_{}", sex.to_lowercase())]);
        cases.push((format!("channing_{}", sex.to_lowercase()), km));
    }
    for (key, km) in cases {
        let e = &sk["km"][&key];
        let x = floats(&e["x"]);
        check_rel(&key, &km.survival_at(&x), &floats(&e["surv"]), TOL);
        // sksurv's band is a step function over all its times: the event
        // time's band, (1, 1) before the first; (0, 0) where S = 0, which
        // has no band here (R gives NA).
        let band = km.confidence_interval(ConfType::LogLog);
        for (i, &t) in x.iter().enumerate() {
            let k = km.time.partition_point(|&u| u <= t);
            let got = if k == 0 { Some((1.0, 1.0)) } else { band[k - 1] };
            let want = (floats(&e["lower"])[i], floats(&e["upper"])[i]);
            match got {
                Some((lo, hi)) => {
                    check_rel(&key, &[lo, hi], &[want.0, want.1], TOL);
                }
                None => assert_eq!((km.surv[k - 1], want), (0.0, (0.0, 0.0)), "{key} at {t}"),
            }
        }
    }
}

// R survfit on all-censored data (and lifelines alike): S = 1 with SE 0, no
// median, Nelson-Aalen 0, numbers at risk as usual, RMST = tau with SE 0.
#[test]
fn r_all_censored_is_a_flat_curve() {
    let e = &peer("np_r.json")["km"]["all_censored"];
    let km = KaplanMeier::fit(&[1.0, 2.0, 3.0], &[0.0; 3], None).unwrap();
    check_curve(&km, e);
    assert_eq!((km.n_events, km.time.len()), (0.0, 0));
    assert_eq!(km.survival_with_se(2.5), (1.0, Some(0.0)));
    assert_eq!(km.cumhaz_at(&[3.0]), [0.0]);
    assert_eq!(km.median_ci(ConfType::LogLog), (None, None));
}

fn lr(time: &[f64], event: &[f64], group: &[u32], options: &LogRankOptions<'_>) -> LogRankTest {
    logrank_test_with(time, event, group, options).unwrap()
}

fn weighting(name: &str) -> Weighting {
    match name {
        "logrank" => Weighting::LogRank,
        "wilcoxon" => Weighting::Wilcoxon,
        "tarone-ware" => Weighting::TaroneWare,
        "peto" => Weighting::Peto,
        "fh_1_0" => Weighting::FlemingHarrington { p: 1.0, q: 0.0 },
        "fh_0_1" => Weighting::FlemingHarrington { p: 0.0, q: 1.0 },
        "fh_1_1" => Weighting::FlemingHarrington { p: 1.0, q: 1.0 },
        "fh_0.5_2" => Weighting::FlemingHarrington { p: 0.5, q: 2.0 },
        other => panic!("{other}"),
    }
}

const WEIGHTINGS: [&str; 8] =
    ["logrank", "wilcoxon", "tarone-ware", "peto", "fh_1_0", "fh_0_1", "fh_1_1", "fh_0.5_2"];

fn anderson() -> (Vec<f64>, Vec<f64>, Vec<u32>) {
    let text = std::fs::read_to_string(format!("{REF}peers/np_anderson.csv")).unwrap();
    let rows: Vec<Vec<f64>> =
        text.lines().skip(1).map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    let col = |j: usize| rows.iter().map(|r| r[j]).collect::<Vec<f64>>();
    (col(0), col(1), col(4).iter().map(|&g| g as u32).collect())
}

// R survdiff(Surv(t, status) ~ Rx + strata(sex), rho = 0 and 1) on the
// leukemia data (R tests/difftest.R stratifies the log-rank test the same way).
#[test]
fn r_stratified_g_rho_on_the_leukemia_data() {
    let r = &peer("np_r.json")["logrank"];
    let (t, e, g) = anderson();
    let text = std::fs::read_to_string(format!("{REF}peers/np_anderson.csv")).unwrap();
    let sex: Vec<u32> =
        text.lines().skip(1).map(|l| l.split(',').nth(2).unwrap().parse().unwrap()).collect();
    for rho in [0.0, 1.0] {
        let opts = LogRankOptions {
            strata: Some(&sex),
            weighting: Weighting::FlemingHarrington { p: rho, q: 0.0 },
            ..Default::default()
        };
        let got = lr(&t, &e, &g, &opts);
        let want = &r[format!("anderson_by_sex_rho_{rho}")];
        check_rel("chisq", &[got.chisq], &floats(&want["chisq"]), TOL);
        let flat = |m: &Vec<Vec<f64>>| m.iter().flatten().copied().collect::<Vec<f64>>();
        check_rel("observed", &flat(&got.observed_by_stratum), &floats(&want["observed"]), TOL);
        check_rel("expected", &flat(&got.expected_by_stratum), &floats(&want["expected"]), TOL);
    }
}

// lifelines tests/test_statistics.py::test_wilcoxon_weighted_logrank_on_leukemia_dataset,
// ::test_tarone_ware_..., ::test_peto_... (Kleinbaum & Klein's values) and
// Fleming-Harrington(p, q) on the same data; R survdiff(rho = 0, 0.5, 1).
#[test]
fn lifelines_and_r_weightings_on_the_leukemia_data() {
    let l = &peer("np_lifelines.json")["logrank"];
    let (t, e, g) = anderson();
    for name in WEIGHTINGS {
        let opts = LogRankOptions { weighting: weighting(name), ..Default::default() };
        let got = lr(&t, &e, &g, &opts);
        let want = &l[format!("anderson_{name}")];
        check_rel(
            name,
            &[got.chisq, got.p_value],
            &[want["chisq"].as_f64().unwrap(), want["p"].as_f64().unwrap()],
            TOL,
        );
    }
    let r = &peer("np_r.json")["logrank"];
    for rho in [0.0, 0.5, 1.0] {
        let want = &r[format!("anderson_rho_{rho}")];
        let opts = LogRankOptions {
            weighting: Weighting::FlemingHarrington { p: rho, q: 0.0 },
            ..Default::default()
        };
        let got = lr(&t, &e, &g, &opts);
        check_rel("chisq", &[got.chisq], &floats(&want["chisq"]), TOL);
        check_rel("observed", &got.observed, &floats(&want["observed"]), TOL);
        check_rel("expected", &got.expected, &floats(&want["expected"]), TOL);
        check_rel("n", &got.n, &floats(&want["n"]), 0.0);
    }
}

// lifelines multivariate_logrank_test's docstring example (three groups), every weighting.
#[test]
fn lifelines_three_group_weightings() {
    let l = peer("np_lifelines.json");
    let d = &l["three_groups"];
    let g: Vec<u32> = floats(&d["group"]).iter().map(|&v| v as u32).collect();
    for name in WEIGHTINGS {
        let opts = LogRankOptions { weighting: weighting(name), ..Default::default() };
        let got = lr(&floats(&d["time"]), &floats(&d["event"]), &g, &opts);
        let want = &l["logrank"][format!("three_groups_{name}")];
        check_rel(name, &[got.chisq], &[want["chisq"].as_f64().unwrap()], TOL);
        assert_eq!(got.df as u64, want["df"].as_u64().unwrap());
    }
}

// lifelines logrank_test(weights_A=, weights_B=) (the case-weight path of
// tests/test_statistics.py::test_log_rank_test_on_waltons_dataset_with_case_weights)
// with non-integer weights, groups 0 and 1 of the three-group example.
#[test]
fn lifelines_case_weighted_logrank() {
    let l = peer("np_lifelines.json");
    let d = &l["three_groups"];
    let rows: Vec<usize> = (0..12).filter(|&i| floats(&d["group"])[i] < 2.0).collect();
    let pick = |v: Vec<f64>| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let (t, e, w) =
        (pick(floats(&d["time"])), pick(floats(&d["event"])), pick(floats(&d["weight"])));
    let g: Vec<u32> = pick(floats(&d["group"])).iter().map(|&v| v as u32).collect();
    for name in ["logrank", "wilcoxon", "tarone-ware", "peto"] {
        let opts =
            LogRankOptions { weights: Some(&w), weighting: weighting(name), ..Default::default() };
        let want = &l["logrank"][format!("weighted_groups_0_1_{name}")];
        check_rel(name, &[lr(&t, &e, &g, &opts).chisq], &[want["chisq"].as_f64().unwrap()], TOL);
    }
}

// R survival tests/survtest.R test2 by x and survival's `heart` (tests/jasa.R)
// by transplant: survdiff refuses (start, stop] rows, so O and E come from
// coxph's martingale residuals at beta = 0, and the chi-square from its score
// test where no event times are tied (where it equals the log-rank test).
#[test]
fn r_left_truncated_logrank_against_coxph_at_zero() {
    let r = &peer("np_r.json")["logrank"];
    let d = test2();
    let g: Vec<u32> = d.x.iter().map(|&v| v as u32).collect();
    let opts = LogRankOptions { entry: Some(&d.start), ..Default::default() };
    let got = lr(&d.stop, &d.event, &g, &opts);
    let want = &r["survtest_test2_by_x"];
    check_rel("observed", &got.observed, &floats(&want["observed"]), TOL);
    check_rel("expected", &got.expected, &floats(&want["expected"]), TOL);
    let heart = common::Csv::read("../peers/np_heart.csv");
    for (key, untied) in [("heart_by_transplant", false), ("heart_untied_by_transplant", true)] {
        let (start, stop, event) = (heart.num("start"), heart.num("stop"), heart.num("event"));
        let tied: Vec<f64> = {
            let mut ev: Vec<f64> =
                (0..stop.len()).filter(|&i| event[i] == 1.0).map(|i| stop[i]).collect();
            ev.sort_by(f64::total_cmp);
            ev.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect()
        };
        let rows: Vec<usize> = (0..stop.len())
            .filter(|&i| !(untied && event[i] == 1.0 && tied.contains(&stop[i])))
            .collect();
        let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let g: Vec<u32> = pick(&heart.num("transplant")).iter().map(|&v| v as u32).collect();
        let entry = pick(&start);
        let opts = LogRankOptions { entry: Some(&entry), ..Default::default() };
        let got = lr(&pick(&stop), &pick(&event), &g, &opts);
        let want = &r[key];
        check_rel("observed", &got.observed, &floats(&want["observed"]), TOL);
        check_rel("expected", &got.expected, &floats(&want["expected"]), TOL);
        if untied {
            check_rel("chisq", &[got.chisq], &floats(&want["score_chisq"]), TOL);
        }
    }
}

// lifelines tests/test_statistics.py::test_rank_test_output_against_R_with_censorship.
#[test]
fn lifelines_rank_test_against_r() {
    let want = &peer("np_r.json")["logrank"]["lifelines_rank_test_against_R"];
    let t = [10.0, 20.0, 30.0, 10.0, 20.0, 50.0];
    let e = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0];
    let got = lr(&t, &e, &[1, 1, 1, 0, 0, 0], &LogRankOptions::default());
    check_rel("chisq", &[got.chisq], &floats(&want["chisq"]), TOL);
    check_rel("expected", &got.expected, &floats(&want["expected"]), TOL);
}

// Andersen's modified Peto-Peto weight S~(t) n / (n + 1) (Klein & Moeschberger
// 2003, 7.3): no peer computes it, so the statistic is checked against the
// formula written out by hand on lifelines' rank-test data above.
#[test]
fn modified_peto_follows_its_formula() {
    let t = [10.0, 20.0, 30.0, 10.0, 20.0, 50.0];
    let e = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0];
    let g = [1, 1, 1, 0, 0, 0];
    let opts = LogRankOptions { weighting: Weighting::ModifiedPeto, ..Default::default() };
    let got = lr(&t, &e, &g, &opts);
    // Event times 10 (n 6, d 2, group-0 at risk 3), 30 (n 2, d 1, 1), 50 (n 1, d 1, 1).
    let s1 = 1.0 - 2.0 / 7.0;
    let s2 = s1 * (1.0 - 1.0 / 3.0);
    let (w1, w2) = (s1 * 6.0 / 7.0, s2 * 2.0 / 3.0);
    let o_minus_e = w1 * (1.0 - 2.0 * 3.0 / 6.0) + w2 * (0.0 - 1.0 / 2.0);
    let var = w1 * w1 * 2.0 * 4.0 / 5.0 * (3.0 / 6.0) * (3.0 / 6.0)
        + w2 * w2 * 1.0 * 1.0 / 1.0 * (1.0 / 2.0) * (1.0 / 2.0);
    check_rel("chisq", &[got.chisq], &[o_minus_e * o_minus_e / var], 1e-12);
}

// Integer case weights are replicated rows: lifelines
// tests/test_estimation.py::test_adding_weights_to_KaplanMeierFitter and
// test_statistics.py::test_log_rank_test_on_waltons_dataset_with_case_weights,
// on R's (start, stop] test2 with every weighting.
#[test]
fn integer_weights_equal_replicated_rows() {
    let d = test2();
    let rep: Vec<usize> = (0..10).flat_map(|i| std::iter::repeat_n(i, d.wt[i] as usize)).collect();
    let pick = |v: &[f64]| rep.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let a = KaplanMeier::fit_entry(Some(&d.start), &d.stop, &d.event, Some(&d.wt)).unwrap();
    let b = KaplanMeier::fit_entry(Some(&pick(&d.start)), &pick(&d.stop), &pick(&d.event), None)
        .unwrap();
    check_rel("surv", &a.surv, &b.surv, 1e-12);
    check_rel("n_risk", &a.n_risk, &b.n_risk, 1e-12);
    let g: Vec<u32> = d.x.iter().map(|&v| v as u32).collect();
    let gr: Vec<u32> = rep.iter().map(|&i| g[i]).collect();
    for name in WEIGHTINGS.iter().chain(&["modified-peto"]) {
        let w = if *name == "modified-peto" { Weighting::ModifiedPeto } else { weighting(name) };
        let with = LogRankOptions {
            entry: Some(&d.start),
            weights: Some(&d.wt),
            weighting: w,
            ..Default::default()
        };
        let entry = pick(&d.start);
        let rows = LogRankOptions { entry: Some(&entry), weighting: w, ..Default::default() };
        let x = lr(&d.stop, &d.event, &g, &with);
        let y = lr(&pick(&d.stop), &pick(&d.event), &gr, &rows);
        check_rel(name, &[x.chisq], &[y.chisq], 1e-12);
    }
}

// R survival's Surv(start, stop) refuses stop <= start; lifelines warns.
#[test]
fn bad_entry_and_weights_are_refused_with_their_row() {
    let e = KaplanMeier::fit_entry(Some(&[0.0, 3.0]), &[2.0, 3.0], &[1.0, 0.0], None).unwrap_err();
    assert!(e.to_string().contains("row 1"), "{e}");
    let e = KaplanMeier::fit(&[2.0, 3.0], &[1.0, 0.0], Some(&[1.0, -1.0])).unwrap_err();
    assert!(e.to_string().contains("row 1"), "{e}");
    let opts = LogRankOptions { weights: Some(&[1.0, f64::NAN]), ..Default::default() };
    assert!(logrank_test_with(&[2.0, 3.0], &[1.0, 1.0], &[0, 1], &opts).is_err());
    let opts = LogRankOptions {
        weighting: Weighting::FlemingHarrington { p: -1.0, q: 0.0 },
        ..Default::default()
    };
    assert!(logrank_test_with(&[2.0, 3.0], &[1.0, 1.0], &[0, 1], &opts).is_err());
}
