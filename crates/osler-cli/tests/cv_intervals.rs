//! The cross-validated intervals of `osler train`: every metric's 95% CI
//! contains the estimate it is an interval of (the mean over folds; ECE's
//! percentile interval missed it), and the text output, the JSON and the
//! HTML report name the same method for it.

mod common;

use std::path::Path;

use common::{f, json_ok, osler};

/// Trains `model` on Pima with the default CV and bootstrap into `out`;
/// `json` selects `--json`. Returns stdout.
fn train(out: &Path, model: &str, json: bool) -> String {
    let mut cmd = osler();
    cmd.args(["train", "--dataset", "pima-diabetes", "--model", model, "--seed", "1", "--out"])
        .arg(out);
    if json {
        cmd.arg("--json");
    }
    let run = cmd.output().expect("run osler");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8(run.stdout).expect("utf-8")
}

#[test]
fn every_interval_contains_its_mean_and_is_described_alike_everywhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    for model in ["logistic", "gbdt"] {
        let art = dir.path().join(model);
        let v: serde_json::Value = serde_json::from_str(&train(&art, model, true)).expect("json");
        let cv = &v["cv"];
        let metrics = cv["metrics"].as_object().expect("metrics");
        assert_eq!(metrics.len(), 12, "{model}");
        for (name, m) in metrics {
            let (mean, lo, hi) = (f(&m["mean"]), f(&m["ci95"][0]), f(&m["ci95"][1]));
            assert!(lo <= mean && mean <= hi, "{model} {name}: mean {mean} outside {lo} to {hi}");
        }
        let method = cv["ci_method"].as_str().expect("ci_method");
        assert!(
            method.starts_with("percentile bootstrap of the mean over test folds (1000 replicates"),
            "{method}"
        );
        assert!(method.contains("ECE interval is shifted by the bootstrap bias"), "{method}");
        let sentence = format!("95% CI of the mean: {method}");

        let text = train(&dir.path().join(format!("{model}-text")), model, false);
        assert!(text.contains(&sentence), "{model} text lacks {sentence:?}:\n{text}");
        let header = text.lines().find(|l| l.starts_with("metric ")).expect("metric table");
        assert!(header.contains("95% CI of the mean"), "{header}");

        let html = dir.path().join(format!("{model}.html"));
        osler().arg("report").arg("--out").arg(&html).arg(&art).assert().success();
        let html = std::fs::read_to_string(&html).expect("report");
        assert!(html.contains(&sentence), "{model} report lacks {sentence:?}");
        assert!(html.contains(">95% CI of the mean</th>"), "{model} report's CI column");
        assert!(!html.contains("bootstrap of the pooled"), "{model} report contradicts the method");
    }
    // Without replicates: no intervals, and `ci_method` says so.
    let art = dir.path().join("no-bootstrap");
    let v = json_ok(&[
        "train",
        "--dataset",
        "pima-diabetes",
        "--bootstrap",
        "0",
        "--json",
        "--out",
        art.to_str().expect("path"),
    ]);
    assert_eq!(v["cv"]["ci_method"], "none (0 bootstrap replicates)");
    assert!(v["cv"]["metrics"]["auroc"]["ci95"].is_null());
}
