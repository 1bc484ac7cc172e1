//! `osler survival km | logrank` with entry times (`--start`), case weights
//! (`--weights`) and the weighted log-rank family (`--weighting`, `--p`,
//! `--q`, `--rho`) against the peers' own test cases: R survival 3.5.3
//! (tests/reference/peers/np_r.json) and lifelines 0.30.0
//! (np_lifelines.json). Closed forms: 1e-8 relative.

mod common;

use std::path::{Path, PathBuf};

use common::{f, json_ok, osler, reference, user_error};
use serde_json::Value;

const TOL: f64 = 1e-8;

fn peer(name: &str) -> Value {
    let text = std::fs::read_to_string(reference(&format!("peers/{name}"))).expect("peer file");
    serde_json::from_str(&text).expect("peer JSON")
}

fn csv(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write csv");
    path
}

fn close(what: &str, got: f64, want: f64) {
    let d = if want == 0.0 { got.abs() } else { ((got - want) / want).abs() };
    assert!(d <= TOL, "{what}: got {got:e}, want {want:e}");
}

fn nums(v: &Value) -> Vec<Option<f64>> {
    v.as_array().expect("array").iter().map(Value::as_f64).collect()
}

/// R's per-time vector at its event times (osler lists the event times).
fn at_events(e: &Value, key: &str) -> Vec<Option<f64>> {
    let d = nums(&e["n_event"]);
    nums(&e[key])
        .into_iter()
        .zip(d)
        .filter(|(_, d)| d.is_some_and(|d| d > 0.0))
        .map(|x| x.0)
        .collect()
}

fn close_all(what: &str, got: &[Option<f64>], want: &[Option<f64>]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        match (g, w) {
            (Some(g), Some(w)) => close(&format!("{what}[{k}]"), *g, *w),
            (None, None) => {}
            _ => panic!("{what}[{k}]: got {g:?}, want {w:?}"),
        }
    }
}

/// One curve of `osler survival km --json` against R's `survfit` numbers.
fn check_group(g: &Value, e: &Value) {
    close_all("time", &nums(&g["time"]), &at_events(e, "time"));
    close_all("survival", &nums(&g["survival"]), &at_events(e, "surv"));
    close_all("at_risk", &nums(&g["at_risk"]), &at_events(e, "n_risk"));
    close_all("n_event", &nums(&g["n_event"]), &at_events(e, "n_event"));
    // osler's se is that of S (R's summary); R's std.err is that of log S,
    // or of S for its robust variance (logse = 0).
    let log_se = e["logse"][0].as_f64() == Some(1.0);
    let se: Vec<Option<f64>> = at_events(e, "std_err")
        .iter()
        .zip(at_events(e, "surv"))
        .map(|(a, s)| a.zip(s).map(|(a, s)| if log_se { a * s } else { a }))
        .collect();
    close_all("se", &nums(&g["se"]), &se);
    close_all("lower", &nums(&g["lower"]), &at_events(e, "lower_log"));
    close_all("upper", &nums(&g["upper"]), &at_events(e, "upper_log"));
    close_all("cumulative_hazard", &nums(&g["cumulative_hazard"]), &at_events(e, "cumhaz"));
    close_all("se_cumulative_hazard", &nums(&g["se_cumulative_hazard"]), &at_events(e, "std_chaz"));
    assert_eq!(g["median"].as_f64(), nums(&e["median"])[0], "median");
    assert_eq!(nums(&g["median_ci95"]), [nums(&e["median_lcl"])[0], nums(&e["median_ucl"])[0]]);
    if let Some(tau) = e.get("tau") {
        let r = &g["rmst"];
        close("tau", f(&r["tau"]), f(&tau[0]));
        close("rmean", f(&r["estimate"]), f(&e["rmean"][0]));
        close("se(rmean)", f(&r["se"]), f(&e["se_rmean"][0]));
    }
    if let Some(times) = e.get("at_times") {
        close_all("at_times.time", &nums(&g["at_times"]["time"]), &nums(times));
        close_all("at_times.survival", &nums(&g["at_times"]["survival"]), &nums(&e["at_surv"]));
        close_all("at_times.at_risk", &nums(&g["at_times"]["at_risk"]), &nums(&e["at_n_risk"]));
        close_all("at_times.se", &nums(&g["at_times"]["se"]), &nums(&e["at_std_err"]));
        let cumhaz = &g["at_times"]["cumulative_hazard"];
        close_all("at_times.cumulative_hazard", &nums(cumhaz), &nums(&e["at_cumhaz"]));
    }
}

/// R survival tests/survtest.R `test2` in the file's (unsorted) order, with `wt`.
const TEST2: &str = "start,stop,event,x,wt\n1,2,1,1,1\n7,9,1,1,6\n2,3,1,0,2\n3,9,1,1,7\n\
                     5,6,1,0,3\n4,9,0,1,8\n2,7,1,1,4\n8,14,0,0,9\n1,8,1,0,5\n8,17,0,0,10\n";

const TIMES2: &str = "0.5,1.5,2.5,3,6.5,14.5,16.5";

fn km_args<'a>(data: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["survival", "km", "--data", data, "--time", "stop", "--event", "event"];
    a.extend_from_slice(extra);
    a.push("--json");
    a
}

// R survival tests/survtest.R: survfit(Surv(start, stop, event) ~ 1, test2),
// summary(times = c(.5, 1.5, ...)), rmean at 10, and by x.
#[test]
fn km_start_matches_r_survtest_test2() {
    let r = peer("np_r.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let data = csv(dir.path(), "test2.csv", TEST2);
    let data = data.to_str().expect("utf-8 path");
    let v = json_ok(&km_args(data, &["--start", "start", "--times", TIMES2, "--tau", "10"]));
    assert_eq!(v["entry"], "start");
    assert_eq!(v["groups"][0]["n"], 10.0);
    check_group(&v["groups"][0], &r["km"]["survtest_test2"]);
    let v = json_ok(&km_args(data, &["--start", "start", "--group", "x"]));
    check_group(&v["groups"][0], &r["km"]["survtest_test2_x0"]);
    check_group(&v["groups"][1], &r["km"]["survtest_test2_x1"]);
}

// R survival tests/survtest.R: survfit(Surv(start, stop, event) ~ 1, test2, weights = wt).
#[test]
fn km_start_and_weights_match_r_survtest_test2() {
    let r = peer("np_r.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let data = csv(dir.path(), "test2.csv", TEST2);
    let data = data.to_str().expect("utf-8 path");
    let v = json_ok(&km_args(
        data,
        &["--start", "start", "--weights", "wt", "--times", TIMES2, "--tau", "10"],
    ));
    assert_eq!(v["weights"], "wt");
    // R's n counts rows; events are weighted.
    assert_eq!((f(&v["groups"][0]["n"]), f(&v["groups"][0]["events"])), (10.0, 28.0));
    check_group(&v["groups"][0], &r["km"]["survtest_test2_weighted"]);
}

// R survival tests/doweight.R: survfit(Surv(time, status) ~ 1, testw1, weights = wt).
#[test]
fn km_weights_match_r_doweight_testw1() {
    let r = peer("np_r.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "time,status,x,wt\n1,1,2,1\n1,0,0,2\n2,1,1,3\n2,1,1,4\n2,1,0,3\n2,0,1,2\n\
                3,0,0,1\n4,1,1,2\n5,0,0,1\n";
    let data = csv(dir.path(), "testw1.csv", text);
    let v = json_ok(&[
        "survival",
        "km",
        "--data",
        data.to_str().expect("utf-8 path"),
        "--time",
        "time",
        "--event",
        "status",
        "--weights",
        "wt",
        "--times",
        "0.5,1,1.5,2,4.5,6",
        "--tau",
        "4.5",
        "--json",
    ]);
    check_group(&v["groups"][0], &r["km"]["doweight_testw1"]);
}

// R survfit's robust variance (its default for non-integer weights) with
// --robust: R tests/survtest.R test2 with weights wt / 4, entry times.
#[test]
fn km_robust_matches_r_with_non_integer_weights() {
    let r = peer("np_r.json");
    let quarter: String = TEST2
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                return format!("{l}\n");
            }
            let (head, wt) = l.rsplit_once(',').expect("five columns");
            format!("{head},{}\n", wt.parse::<f64>().expect("weight") / 4.0)
        })
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = csv(dir.path(), "quarter.csv", &quarter);
    let data = data.to_str().expect("utf-8 path");
    let v = json_ok(&km_args(
        data,
        &["--start", "start", "--weights", "wt", "--robust", "--tau", "10"],
    ));
    assert_eq!(v["variance"], "robust");
    check_group(&v["groups"][0], &r["km"]["robust_test2"]);
}

// scikit-survival tests/test_nonparametric.py::test_truncated_male / _female's
// Channing House data (rows with entry < exit), through R's survfit by sex.
#[test]
fn km_start_by_group_matches_r_on_channing_house() {
    let r = peer("np_r.json");
    let text = std::fs::read_to_string(reference("peers/np_channing.csv")).expect("channing");
    let kept: String = text
        .lines()
        .enumerate()
        .filter(|(i, l)| {
            let v: Vec<&str> = l.split(',').collect();
            *i == 0 || v[1].parse::<f64>().ok() < v[2].parse::<f64>().ok()
        })
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = csv(dir.path(), "channing.csv", &kept);
    let v = json_ok(&[
        "survival",
        "km",
        "--data",
        data.to_str().expect("utf-8 path"),
        "--start",
        "entry",
        "--time",
        "exit",
        "--event",
        "cens",
        "--group",
        "sex",
        "--times",
        "800,1000,1200",
        "--tau",
        "1100",
        "--json",
    ]);
    assert_eq!(v["groups"][0]["group"], "sex=Female");
    check_group(&v["groups"][0], &r["km"]["channing_female"]);
    check_group(&v["groups"][1], &r["km"]["channing_male"]);
}

// lifelines tests/test_estimation.py::test_late_entry_with_against_R, through R.
#[test]
fn km_late_entry_matches_lifelines_case_in_r() {
    let r = peer("np_r.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "entry,stop,event\n1,2,1\n2,10,1\n4,5,1\n0,4,1\n0,3,1\n";
    let data = csv(dir.path(), "late.csv", text);
    let v =
        json_ok(&km_args(data.to_str().expect("utf-8 path"), &["--start", "entry", "--tau", "6"]));
    check_group(&v["groups"][0], &r["km"]["lifelines_late_entry"]);
}

// R survfit / lifelines on all-censored data: S = 1, no median, not an error.
// (Needs the survival outcome reader that no longer refuses data without events.)
#[test]
fn km_all_censored_is_flat_not_an_error() {
    let r = peer("np_r.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let data = csv(dir.path(), "cens.csv", "stop,event\n1,0\n2,0\n3,0\n");
    let v = json_ok(&km_args(
        data.to_str().expect("utf-8 path"),
        &["--times", "0.5,2,4", "--tau", "2.5"],
    ));
    let g = &v["groups"][0];
    check_group(g, &r["km"]["all_censored"]);
    assert_eq!(g["events"], 0.0);
    assert!(g["median"].is_null());
}

fn logrank_args<'a>(data: &'a str, time: &'a str, event: &'a str, group: &'a str) -> Vec<&'a str> {
    vec!["survival", "logrank", "--data", data, "--time", time, "--event", event, "--group", group]
}

fn anderson() -> String {
    reference("peers/np_anderson.csv").to_str().expect("utf-8 path").to_string()
}

// lifelines tests/test_statistics.py::test_{wilcoxon,tarone_ware,peto}_weighted_logrank_on_leukemia_dataset
// and Fleming-Harrington(p, q) on the same data.
#[test]
fn logrank_weightings_match_lifelines_leukemia() {
    let l = peer("np_lifelines.json");
    let data = anderson();
    let cases: [(&str, &[&str]); 8] = [
        ("logrank", &["--weighting", "logrank"]),
        ("wilcoxon", &["--weighting", "wilcoxon"]),
        ("tarone-ware", &["--weighting", "tarone-ware"]),
        ("peto", &["--weighting", "peto"]),
        ("fh_1_0", &["--weighting", "fleming-harrington", "--p", "1", "--q", "0"]),
        ("fh_0_1", &["--weighting", "fleming-harrington", "--p", "0", "--q", "1"]),
        ("fh_1_1", &["--weighting", "fleming-harrington", "--p", "1", "--q", "1"]),
        ("fh_0.5_2", &["--weighting", "fleming-harrington", "--p", "0.5", "--q", "2"]),
    ];
    for (name, flags) in cases {
        let mut args = logrank_args(&data, "t", "status", "Rx");
        args.extend_from_slice(flags);
        args.push("--json");
        let v = json_ok(&args);
        let want = &l["logrank"][format!("anderson_{name}")];
        close(name, f(&v["chisq"]), f(&want["chisq"]));
        close(name, f(&v["p"]), f(&want["p"]));
        assert_eq!(v["weighting"], flags[1], "{name}");
    }
}

// R survdiff(Surv(t, status) ~ Rx, rho = 1) on the same data: --rho is FH(rho, 0).
#[test]
fn logrank_rho_matches_r_survdiff_and_fleming_harrington() {
    let r = peer("np_r.json");
    let data = anderson();
    let mut args = logrank_args(&data, "t", "status", "Rx");
    args.extend_from_slice(&["--rho", "1", "--json"]);
    let v = json_ok(&args);
    let want = &r["logrank"]["anderson_rho_1"];
    close("chisq", f(&v["chisq"]), f(&want["chisq"][0]));
    close("observed", f(&v["observed"][1]), f(&want["observed"][1]));
    close("expected", f(&v["expected"][0]), f(&want["expected"][0]));
    assert_eq!((f(&v["rho"]), &v["weighting"]), (1.0, &Value::from("fleming-harrington")));
    // The default stays R's log-rank test, rho 0.
    let mut args = logrank_args(&data, "t", "status", "Rx");
    args.push("--json");
    let v = json_ok(&args);
    close("chisq", f(&v["chisq"]), f(&r["logrank"]["anderson_rho_0"]["chisq"][0]));
    assert_eq!((f(&v["rho"]), &v["weighting"]), (0.0, &Value::from("logrank")));
    // Stratified: survdiff(Surv(t, status) ~ Rx + strata(sex), rho = 1).
    let mut args = logrank_args(&data, "t", "status", "Rx");
    args.extend_from_slice(&["--strata", "sex", "--rho", "1", "--json"]);
    let v = json_ok(&args);
    let want = &r["logrank"]["anderson_by_sex_rho_1"];
    close("stratified chisq", f(&v["chisq"]), f(&want["chisq"][0]));
    // R's (group x stratum) matrix, column-major: group g is entries g and g + 2.
    for g in 0..2 {
        let o = f(&want["observed"][g]) + f(&want["observed"][g + 2]);
        close("stratified observed", f(&v["observed"][g]), o);
    }
}

// R survival tests/jasa.R's `heart` data by transplant with (start, stop]
// rows: R's survdiff refuses them; coxph(..., iter = 0) gives O - E, and its
// score test (the log-rank chi-square without tied event times) on the rows
// whose event times are untied.
#[test]
fn logrank_start_matches_r_coxph_score_test() {
    let r = peer("np_r.json");
    let heart = std::fs::read_to_string(reference("peers/np_heart.csv")).expect("heart");
    let mut lines = heart.lines();
    let header = lines.next().expect("header");
    let rows: Vec<Vec<f64>> =
        lines.map(|l| l.split(',').map(|v| v.parse().expect("number")).collect()).collect();
    let mut events: Vec<f64> = rows.iter().filter(|r| r[2] == 1.0).map(|r| r[1]).collect();
    events.sort_by(f64::total_cmp);
    let tied: Vec<f64> = events.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
    let untied: String = rows
        .iter()
        .filter(|r| !(r[2] == 1.0 && tied.contains(&r[1])))
        .map(|r| format!("{},{},{},{}\n", r[0], r[1], r[2], r[3]))
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let untied = csv(dir.path(), "heart_untied.csv", &format!("{header}\n{untied}"));
    let full = reference("peers/np_heart.csv");
    for (path, key) in [(full, "heart_by_transplant"), (untied, "heart_untied_by_transplant")] {
        let path = path.to_str().expect("utf-8 path").to_string();
        let mut args = logrank_args(&path, "stop", "event", "transplant");
        args.extend_from_slice(&["--start", "start", "--json"]);
        let v = json_ok(&args);
        let want = &r["logrank"][key];
        for g in 0..2 {
            close("observed", f(&v["observed"][g]), f(&want["observed"][g]));
            close("expected", f(&v["expected"][g]), f(&want["expected"][g]));
        }
        if key.contains("untied") {
            close("chisq", f(&v["chisq"]), f(&want["score_chisq"][0]));
        }
        assert_eq!(v["entry"], "start");
    }
}

// lifelines logrank_test(weights_A=, weights_B=) with non-integer case weights.
#[test]
fn logrank_weights_match_lifelines() {
    let l = peer("np_lifelines.json");
    let d = &l["three_groups"];
    let mut text = String::from("time,event,group,w\n");
    for i in 0..12 {
        if f(&d["group"][i]) < 2.0 {
            text += &format!(
                "{},{},{},{}\n",
                d["time"][i], d["event"][i], d["group"][i], d["weight"][i]
            );
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let data = csv(dir.path(), "weighted.csv", &text);
    let data = data.to_str().expect("utf-8 path");
    for name in ["logrank", "wilcoxon", "tarone-ware", "peto"] {
        let mut args = logrank_args(data, "time", "event", "group");
        args.extend_from_slice(&["--weights", "w", "--weighting", name, "--json"]);
        let v = json_ok(&args);
        let want = &l["logrank"][format!("weighted_groups_0_1_{name}")];
        close(name, f(&v["chisq"]), f(&want["chisq"]));
        assert_eq!(v["weights"], "w");
    }
}

// R's survfit and lifelines refuse negative or missing weights; so does osler,
// naming the file's line and the column.
#[test]
fn bad_weights_and_flags_are_user_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (text, needle) in [
        ("stop,event,g,w\n1,1,a,1\n2,1,b,-0.5\n3,0,a,1\n", "line 3, column 'w': weight -0.5"),
        // A missing weight is dropped by default (R's na.omit); --missing fail refuses it.
        ("stop,event,g,w\n1,1,a,1\n2,1,b,1\n3,0,a,\n", "line 4, column 'w': the weight is missing"),
    ] {
        let data = csv(dir.path(), "w.csv", text);
        let data = data.to_str().expect("utf-8 path");
        let err = user_error(&km_args(data, &["--weights", "w", "--missing", "fail"]));
        assert!(err.contains(needle) && err.contains("w.csv"), "{err}");
        let mut args = logrank_args(data, "stop", "event", "g");
        args.extend_from_slice(&["--weights", "w", "--missing", "fail"]);
        let err = user_error(&args);
        assert!(err.contains(needle), "{err}");
    }
    let data = csv(dir.path(), "gap.csv", "stop,event,g,w\n1,1,a,1\n2,1,b,1\n3,0,a,\n");
    let v = json_ok(&km_args(data.to_str().expect("utf-8 path"), &["--weights", "w"]));
    assert_eq!(
        (v["missing"]["rows_dropped"].as_u64(), v["groups"][0]["n"].as_f64()),
        (Some(1), Some(2.0))
    );
    let data = csv(dir.path(), "ok.csv", "stop,event,g,s\n1,1,a,2\n2,1,b,0\n3,0,a,0\n");
    let data = data.to_str().expect("utf-8 path");
    let err = user_error(&km_args(data, &["--start", "s"]));
    assert!(err.contains("line 2") && err.contains("stop"), "{err}");
    let mut args = logrank_args(data, "stop", "event", "g");
    args.extend_from_slice(&["--weighting", "peto", "--p", "1"]);
    assert!(user_error(&args).contains("--p and --q"));
    let mut args = logrank_args(data, "stop", "event", "g");
    args.extend_from_slice(&["--weighting", "peto", "--rho", "1"]);
    let out = osler().args(&args).output().expect("run osler");
    assert_eq!(out.status.code(), Some(2), "--rho conflicts with --weighting");
}
