//! `osler metrics` and the Cox model's concordance against the peers' own
//! test cases, through the command line: scikit-survival and lifelines
//! (tests/reference/peers/met_sksurv.py), R survival (met_concordance.R and
//! the whas500 golden), scikit-learn's one-class rules. See
//! tests/reference/peers/met.md.
#![allow(clippy::unwrap_used)]

mod common;

use common::{f, json_ok, osler, reference, user_error};
use serde_json::Value;

fn peers(file: &str) -> Value {
    let text = std::fs::read_to_string(reference(&format!("peers/{file}"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() <= 1e-8 * want.abs(), "{what}: {got} vs {want}");
}

/// A CSV in a fresh temporary directory (kept alive by the returned guard).
fn csv(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.csv");
    std::fs::write(&path, text).unwrap();
    (dir, path.to_string_lossy().into_owned())
}

fn survival_args<'a>(file: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["metrics", "--task", "survival", "--data", file, "--json"];
    args.extend_from_slice(&["--time", "time", "--event", "event", "--risk", "risk"]);
    args.extend_from_slice(extra);
    args
}

// scikit-survival 0.28.0 concordance_index_censored, concordance_index_ipcw
// (tau), cumulative_dynamic_auc, brier_score and integrated_brier_score, and
// lifelines 0.30.0 concordance_index, on a set with tied times and risks.
#[test]
fn survival_panel_matches_scikit_survival() {
    let r = &peers("met_sksurv.json")["predictions"];
    let file = reference("peers/met_surv_preds.csv");
    let file = file.to_str().unwrap();
    let v = json_ok(&survival_args(file, &["--times", "4,8,12,16", "--tau", "14"]));
    close(f(&v["harrell_c"]), f(&r["harrell_c"]), "harrell_c");
    close(f(&v["harrell_c"]), f(&r["lifelines_c"]), "lifelines");
    close(f(&v["uno_c"]), f(&r["uno_c"]), "uno_c");
    close(f(&v["mean_auc"]), f(&r["mean_auc"]), "mean_auc");
    close(f(&v["ibs"]), f(&r["ibs"]), "ibs");
    for (k, t) in [4.0, 8.0, 12.0, 16.0].into_iter().enumerate() {
        assert_eq!(f(&v["auc_t"][k]["time"]), t);
        close(f(&v["auc_t"][k]["auc"]), f(&r["auc_t"][k]), "auc_t");
        assert_eq!(f(&v["brier_t"][k]["time"]), t);
        close(f(&v["brier_t"][k]["brier"]), f(&r["brier_t"][k]), "brier_t");
        let [lo, hi] = [0, 1].map(|i| f(&v["auc_t"][k]["ci95"][i]));
        assert!(lo < hi && lo > 0.0 && hi <= 1.0, "auc ci {lo} {hi}");
    }
    for name in ["harrell_c", "uno_c", "mean_auc", "ibs"] {
        let [lo, hi] = [0, 1].map(|i| f(&v["ci95"][name][i]));
        assert!(lo < hi, "{name} ci {lo} {hi}");
    }
    assert_eq!(v["ipcw_convention"], "at_time");
    assert_eq!((v["n"].as_u64(), v["events"].as_u64()), (Some(60), Some(44)));
    // Without --times the surv_<t> columns give the grid; the seed fixes the intervals.
    let again = json_ok(&survival_args(file, &["--tau", "14"]));
    assert_eq!(again, v);
    let other = json_ok(&survival_args(file, &["--tau", "14", "--seed", "7"]));
    assert_ne!(other["ci95"], v["ci95"]);
    assert_eq!(other["harrell_c"], v["harrell_c"]);
}

// scikit-survival tests/test_metrics.py::test_uno_c and ::test_concordance_index:
// the hand-made tie cases (tied event times, an event and censorings at one
// time, tied risks, truncation at tau) through the command line.
#[test]
fn sksurv_tie_cases_through_the_cli() {
    let r = peers("met_sksurv.json");
    for (set, key) in [("uno", "uno_c"), ("harrell", "harrell_c")] {
        for (name, case) in r[set].as_object().unwrap() {
            let mut text = String::from("time,event,risk\n");
            let (t, e, s) = (&case["time"], &case["event"], &case["risk"]);
            for k in 0..t.as_array().unwrap().len() {
                let event = u8::from(e[k].as_bool().unwrap());
                text.push_str(&format!("{},{event},{}\n", t[k], s[k]));
            }
            let (_dir, file) = csv(&text);
            let tau = case.get("tau").and_then(Value::as_f64).map(|t| t.to_string());
            let mut extra = vec!["--bootstrap", "0", "--times"];
            let t_min = t.as_array().unwrap().iter().map(f).fold(f64::INFINITY, f64::min);
            let grid = t_min.to_string();
            extra.push(&grid);
            if let Some(tau) = &tau {
                extra.extend_from_slice(&["--tau", tau]);
            }
            let out = osler().args(survival_args(&file, &extra)).output().unwrap();
            assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            close(f(&v[key]), f(&case["c"]), &format!("{set} {name}"));
        }
    }
}

// R survival 3.5.3 concordance(..., timewt = "n/G2", ymax = 1825) and
// riskRegression's AUC with cases weighted 1/G(T-): the left-limit convention,
// on whas500 (tests/reference/golden/concordance_td_metrics_whas500.json).
#[test]
fn left_limit_convention_matches_r_on_whas500() {
    let golden: Value = serde_json::from_str(
        &std::fs::read_to_string(reference("golden/concordance_td_metrics_whas500.json")).unwrap(),
    )
    .unwrap();
    let e = &golden["expected"];
    let file = reference("data/whas500_cox_predictions.csv");
    let args = [
        "metrics",
        "--task",
        "survival",
        "--data",
        file.to_str().unwrap(),
        "--time",
        "lenfol",
        "--event",
        "fstat",
        "--risk",
        "lp",
        "--times",
        "365,730,1825",
        "--tau",
        "1825",
        "--ipcw-convention",
        "left-limit",
        "--bootstrap",
        "0",
        "--json",
    ];
    let v = json_ok(&args);
    close(f(&v["uno_c"]), f(&e["uno_c_R_timewt_nG2"]["tau1825"]), "uno_c n/G2");
    let auc = &e["cumulative_dynamic_auc"]["auc_lp_cases_weighted_G_left_limit"];
    for k in 0..3 {
        close(f(&v["auc_t"][k]["auc"]), f(&auc[k]), "auc left limit");
    }
    close(f(&v["harrell_c"]), f(&e["harrell_c_lp_R"]["concordance"]), "R harrell");
    assert_eq!(v["ipcw_convention"], "left_limit");
    assert!(v["brier_t"].as_array().unwrap().is_empty() && v["ibs"].is_null());
    assert!(v["undefined"]["ibs"].as_str().unwrap().contains("surv_<time>"));
}

#[test]
fn survival_metrics_refuse_bad_input_naming_row_and_column() {
    let (_d, file) = csv("time,event,risk,surv_2\n1,1,0.5,0.9\n3,0,0.1,1.5\n2,1,0.3,0.4\n");
    let err = user_error(&survival_args(&file, &[]));
    assert!(err.contains("line 3") && err.contains("surv_2") && err.contains("1.5"), "{err}");
    let (_d, file) = csv("time,event,risk\n1,1,0.5\n-3,0,0.1\n2,1,0.3\n");
    let err = user_error(&survival_args(&file, &[]));
    assert!(err.contains("line 3") && err.contains("time"), "{err}");
    let (_d, file) = csv("time,event,risk\n1,1,0.5\n3,2,0.1\n2,1,0.3\n");
    let err = user_error(&survival_args(&file, &[]));
    assert!(err.contains("event"), "{err}");
    let (_d, file) = csv("time,event,risk\n1,1,0.5\n3,0,\n2,1,0.3\n");
    let err = user_error(&survival_args(&file, &[]));
    assert!(err.contains("line 3") && err.contains("risk"), "{err}");
    let (_d, file) = csv("time,event,risk,surv_2\n1,1,0.5,0.9\n3,0,0.1,0.5\n2,1,0.3,0.4\n");
    let err = user_error(&survival_args(&file, &["--times", "1.5"]));
    assert!(err.contains("surv_1.5"), "{err}");
    let err = user_error(&["metrics", "--task", "survival", "--data", &file, "--time", "time"]);
    assert!(err.contains("--event"), "{err}");
    let err = user_error(&["metrics", "--data", &file, "--label", "event"]);
    assert!(err.contains("--score"), "{err}");
}

// scikit-learn sklearn/metrics/tests/test_ranking.py: roc_auc_score raises on
// one class ("Only one class present in y_true"); average_precision_score of
// all-negative labels is 0; brier_score_loss and log_loss (labels = [0, 1]) are
// defined: 0.40333... and 1.14734... for p = (0.2, 0.6, 0.9) (scikit-learn 1.9.1).
#[test]
fn binary_panel_with_one_class_gives_nulls_with_reasons() {
    let (_d, file) = csv("y,p\n0,0.2\n0,0.6\n0,0.9\n");
    let v = json_ok(&["metrics", "--data", &file, "--label", "y", "--score", "p", "--json"]);
    assert!(v["auroc"].is_null() && v["auroc_ci95_delong"].is_null());
    close(f(&v["brier"]), 0.4033333333333333, "brier");
    close(f(&v["log_loss"]), 1.1473397920608035, "log_loss");
    assert_eq!(f(&v["average_precision"]), 0.0);
    assert!(v["sensitivity"].is_null() && v["calibration_slope"].is_null());
    assert_eq!(v["undefined"]["auroc"], "only one class in the labels");
    assert_eq!(v["undefined"]["sensitivity"], "no positive labels, so TP + FN = 0");
    let text = osler().args(["metrics", "--data", &file, "--label", "y", "--score", "p"]).output();
    let text = String::from_utf8(text.unwrap().stdout).unwrap();
    assert!(text.contains("undefined: auroc: only one class in the labels"), "{text}");
}

// pROC's DeLong variance divides by n1 - 1: one positive leaves the interval
// undefined while the AUROC itself is defined (scikit-learn roc_auc_score).
#[test]
fn binary_panel_with_one_positive_has_an_auroc_but_no_delong_interval() {
    let (_d, file) = csv("y,p\n0,0.2\n1,0.6\n0,0.9\n0,0.1\n");
    let v = json_ok(&["metrics", "--data", &file, "--label", "y", "--score", "p", "--json"]);
    close(f(&v["auroc"]), 2.0 / 3.0, "auroc");
    assert!(v["auroc_ci95_delong"].is_null());
    let why = v["undefined"]["auroc_ci95_delong"].as_str().unwrap();
    assert!(why.contains("at least 2 positive"), "{why}");
}

// R survival 3.5.3: concordance(coxph(Surv(start, stop, event) ~ age + year +
// surgery + transplant, heart)) counts a pair only when the later row is at risk
// (start < t <= stop) at the earlier event (met_concordance.R).
#[test]
fn cox_concordance_on_stanford_heart_start_stop_matches_r() {
    let r = peers("met_concordance.json");
    for ties in ["efron", "breslow"] {
        let v = json_ok(&[
            "survival",
            "cox",
            "--dataset",
            "stanford-heart",
            "--start",
            "start",
            "--time",
            "stop",
            "--event",
            "event",
            "--covariates",
            "age,year,surgery,transplant",
            "--ties",
            ties,
            "--json",
        ]);
        close(f(&v["concordance"]), f(&r[format!("heart_{ties}_c")]), ties);
    }
    // Stratified by surgery (R tests/concordance.R fit9: pairs within a stratum only).
    let v = json_ok(&[
        "survival",
        "cox",
        "--dataset",
        "stanford-heart",
        "--start",
        "start",
        "--time",
        "stop",
        "--event",
        "event",
        "--covariates",
        "age,year,transplant",
        "--strata",
        "surgery",
        "--json",
    ]);
    close(f(&v["concordance"]), f(&r["heart_strata_c"]), "strata");
}

// An artifact's predictions scored with --model equal the same predictions
// written out by `osler predict` and scored as columns (risk, surv_<t>).
#[test]
fn model_artifact_scores_as_its_written_predictions() {
    let data = reference("peers/met_surv_preds.csv");
    let data = data.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("cox");
    let model = model.to_str().unwrap();
    let train = [
        "train",
        "--data",
        data,
        "--task",
        "survival",
        "--time",
        "time",
        "--event",
        "event",
        "--features",
        "risk",
        "--model",
        "cox",
        "--cv",
        "0",
        "--out",
        model,
    ];
    assert!(osler().args(train).output().unwrap().status.success());
    let p = json_ok(&["predict", model, "--input", data, "--times", "4,8,12", "--json"]);
    let source = std::fs::read_to_string(data).unwrap();
    let mut text = String::from("time,event,risk,surv_4,surv_8,surv_12\n");
    for (line, row) in source.lines().skip(1).zip(p["predictions"].as_array().unwrap()) {
        let cells: Vec<&str> = line.split(',').collect();
        let s = &row["survival"];
        text.push_str(&format!(
            "{},{},{},{},{},{}\n",
            cells[0], cells[1], row["risk"], s[0], s[1], s[2]
        ));
    }
    let (_d, file) = csv(&text);
    let columns = json_ok(&survival_args(&file, &["--tau", "14"]));
    let args = [
        "metrics", "--task", "survival", "--data", data, "--time", "time", "--event", "event",
        "--model", model, "--times", "4,8,12", "--tau", "14", "--json",
    ];
    let from_model = json_ok(&args);
    assert_eq!(from_model, columns);
    let err = user_error(&[&args[..], &["--risk", "risk"]].concat());
    assert!(err.contains("--risk") && err.contains("--model"), "{err}");
}
