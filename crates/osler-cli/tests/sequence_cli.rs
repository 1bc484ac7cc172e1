//! Sequence models (LSTM, GRU) of long-format data through the CLI: the
//! first 60 patients of the shipped pbcseq (one row per patient per visit)
//! predicting death, a few epochs, one probability per patient from
//! `predict`, metrics from `evaluate`, and the flag errors.

mod common;

use std::path::{Path, PathBuf};

use common::{f, json_ok, osler, user_error};

const PATIENTS: usize = 60;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

/// The visits of pbcseq's first `PATIENTS` patients (ids 1..=60), as CSV in `dir`.
fn subset(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(repo("datasets/pbcseq/data.csv")).expect("pbcseq");
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().expect("header"));
    for line in lines {
        let id: usize = line.split(',').next().and_then(|v| v.parse().ok()).expect("id");
        if id <= PATIENTS {
            out.push_str(line);
            out.push('\n');
        }
    }
    let path = dir.join("pbcseq60.csv");
    std::fs::write(&path, out).expect("write subset");
    path
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `osler train` of `model` on the subset, few epochs, into `out`.
fn train(data: &Path, model: &str, out: &Path) -> serde_json::Value {
    let schema = repo("datasets/pbcseq/schema.toml");
    json_ok(&[
        "train",
        "--data",
        path(data),
        "--schema",
        path(&schema),
        "--model",
        model,
        "--id",
        "id",
        "--time",
        "day",
        "--target",
        "status",
        "--positive",
        "2",
        "--cv",
        "3",
        "--epochs",
        "8",
        "--hidden",
        "8",
        "--bootstrap",
        "20",
        "--seed",
        "3",
        "--out",
        path(out),
        "--json",
    ])
}

#[test]
fn lstm_trains_on_visits_and_predicts_one_probability_per_patient() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = subset(tmp.path());
    let out = tmp.path().join("lstm");
    let v = train(&data, "lstm", &out);
    let auroc = &v["cv"]["metrics"]["auroc"];
    assert!(f(&auroc["mean"]).is_finite(), "CV AUROC {auroc}");
    assert_eq!(f(&auroc["folds_used"]), 3.0);
    assert_eq!(v["cv"]["grouped"], true, "folds keep a patient's visits together");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(manifest["input"]["kind"], "sequence");
    assert_eq!(manifest["input"]["id"], "id");
    assert_eq!(manifest["input"]["time"], "day");
    assert_eq!(manifest["data"]["rows"], PATIENTS, "one training row per patient");

    let pred = osler().args(["predict", path(&out), "--input", path(&data)]).output().expect("run");
    assert!(pred.status.success(), "{}", String::from_utf8_lossy(&pred.stderr));
    let text = String::from_utf8(pred.stdout).expect("utf-8");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,probability,predicted_class"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), PATIENTS);
    assert!(rows[0].starts_with("1,"), "patients in input order: {}", rows[0]);

    let json = json_ok(&["predict", path(&out), "--input", path(&data), "--json"]);
    let predictions = json["predictions"].as_array().expect("predictions");
    assert_eq!(predictions.len(), PATIENTS);
    assert_eq!(predictions[0]["id"], "1");
    assert_eq!(json["positive"], "2");
    let eval = json_ok(&["evaluate", path(&out), "--data", path(&data), "--json"]);
    assert!(eval.to_string().contains("auroc"), "{eval}");
}

#[test]
fn gru_with_the_same_seed_gives_the_same_predictions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = subset(tmp.path());
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    train(&data, "gru", &a);
    train(&data, "gru", &b);
    let predict = |dir: &Path| {
        json_ok(&["predict", path(dir), "--input", path(&data), "--json"])["predictions"].clone()
    };
    assert_eq!(predict(&a), predict(&b));
}

#[test]
fn sequence_flags_and_inputs_are_checked() {
    let base = ["train", "--dataset", "pbcseq", "--target", "status", "--positive", "2"];
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        [base, extra].concat()
    }
    let err = user_error(&with(&base, &["--model", "lstm", "--time", "day"]));
    assert!(err.contains("--id COL"), "{err}");
    let err = user_error(&with(
        &base,
        &["--model", "gru", "--id", "id", "--time", "day", "--hidden", "8,8"],
    ));
    assert!(err.contains("--hidden"), "{err}");
    let err = user_error(&with(
        &base,
        &["--model", "lstm", "--id", "id", "--time", "day", "--group", "id"],
    ));
    assert!(err.contains("--group"), "{err}");
    let err = user_error(&with(&base, &["--model", "logistic", "--id", "id"]));
    assert!(err.contains("--id"), "{err}");
    let err = user_error(&with(
        &base,
        &["--model", "lstm", "--id", "id", "--time", "day", "--steps", "0"],
    ));
    assert!(err.contains("at least one visit"), "{err}");

    // A duplicated visit in the prediction input names the patient; --explain is refused.
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = subset(tmp.path());
    let out = tmp.path().join("m");
    train(&data, "lstm", &out);
    let text = std::fs::read_to_string(&data).expect("subset");
    let mut lines: Vec<&str> = text.lines().take(4).collect();
    lines.push(lines[2]);
    let dup = tmp.path().join("dup.csv");
    std::fs::write(&dup, lines.join("\n") + "\n").expect("write");
    let err = user_error(&["predict", path(&out), "--input", path(&dup)]);
    assert!(err.contains("patient '1'") && err.contains("day"), "{err}");
    let err = user_error(&["predict", path(&out), "--input", path(&data), "--explain"]);
    assert!(err.contains("--explain"), "{err}");
}
