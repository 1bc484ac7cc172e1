//! The leakage guard end to end: a predictor that alone separates the
//! outcome is reported in `train --json` (`warnings`), in the text output and
//! in the HTML report; ordinary predictors are not.

mod common;

use common::{json_ok, osler};
use serde_json::Value;

/// The README's BCR/ABL example (expression + clinical columns of ALL),
/// with `extra` arguments appended.
fn bcr_abl(out: &std::path::Path, extra: &[&str]) -> Value {
    let out = out.to_str().expect("path");
    let mut args = vec![
        "train",
        "--dataset",
        "all-leukemia",
        "--target",
        "mol.biol",
        "--levels",
        "BCR/ABL,NEG",
        "--positive",
        "BCR/ABL",
        "--model",
        "enet",
        "--prefilter",
        "ttest",
        "--keep",
        "2000",
        "--lambda-rule",
        "1se",
        "--cv",
        "10",
        "--out",
        out,
        "--json",
    ];
    args.extend_from_slice(extra);
    json_ok(&args)
}

fn warnings(v: &Value) -> &Vec<Value> {
    v["warnings"].as_array().expect("train --json always has a warnings list")
}

#[test]
fn the_bcr_abl_example_with_its_cytogenetic_columns_reports_possible_leakage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("bcr.html");
    let v = bcr_abl(&dir.path().join("leaky"), &["--report", report.to_str().expect("path")]);
    let w = warnings(&v);
    let cytogenetic = ["t(9;22)", "fusion protein", "citog"];
    let named: Vec<&str> = w.iter().filter_map(|w| w["column"].as_str()).collect();
    assert!(named.iter().any(|c| cytogenetic.contains(c)), "{w:#?}");
    assert!(w.iter().all(|w| w["kind"] == "possible_leakage"), "{w:#?}");
    // No probe set separates BCR/ABL from NEG on its own.
    assert!(named.iter().all(|c| cytogenetic.contains(c)), "{w:#?}");
    let first = &w[0];
    assert!(first["value"].as_f64().expect("value") >= 0.99, "{first}");
    let message = first["message"].as_str().expect("message");
    assert!(message.starts_with("possible leakage:"), "{message}");

    let html = std::fs::read_to_string(&report).expect("report");
    assert!(html.contains("possible leakage"), "the report shows the warning");
    assert!(html.contains(named[0]), "the report names {}", named[0]);

    // The README's run drops them, and is silent.
    let drop = ["--drop", "t(4;11),t(9;22),cyto.normal,citog,fusion protein"];
    let honest = bcr_abl(&dir.path().join("honest"), &drop);
    assert!(warnings(&honest).is_empty(), "{:#?}", warnings(&honest));
}

#[test]
fn pima_and_wdbc_with_their_default_targets_have_no_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    for dataset in ["pima-diabetes", "breast-cancer-wisconsin"] {
        let out = dir.path().join(dataset);
        let v = json_ok(&[
            "train",
            "--dataset",
            dataset,
            "--cv",
            "5",
            "--bootstrap",
            "0",
            "--out",
            out.to_str().expect("path"),
            "--json",
        ]);
        assert!(warnings(&v).is_empty(), "{dataset}: {:#?}", warnings(&v));
    }
}

#[test]
fn the_text_output_and_the_report_show_a_leaked_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("visits.csv");
    // `discharge_code` is written from the outcome; `age` is not.
    let mut text = String::from("age,discharge_code,outcome\n");
    for i in 0..80 {
        let died = i % 3 == 0;
        let code = if died { "D90" } else { "H10" };
        let outcome = if died { "yes" } else { "no" };
        text.push_str(&format!("{},{code},{outcome}\n", 40 + (i * 7) % 45));
    }
    std::fs::write(&csv, text).expect("write csv");
    let out = dir.path().join("model");
    let run = osler()
        .args(["train", "--data", csv.to_str().expect("path"), "--target", "outcome"])
        .args(["--positive", "yes", "--cv", "3", "--bootstrap", "0"])
        .args(["--out", out.to_str().expect("path")])
        .output()
        .expect("run osler");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let line = stdout.lines().find(|l| l.starts_with("warning: possible leakage:"));
    let line = line.unwrap_or_else(|| panic!("no warning line in:\n{stdout}"));
    assert!(line.contains("'discharge_code' alone separates the outcome"), "{line}");
    assert!(!stdout.contains("'age'"), "{stdout}");

    let report = dir.path().join("model.html");
    let status = osler()
        .args(["report", out.to_str().expect("path"), "--out", report.to_str().expect("path")])
        .output()
        .expect("run osler report");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let html = std::fs::read_to_string(&report).expect("report");
    assert!(html.contains("possible leakage") && html.contains("discharge_code"));
}
