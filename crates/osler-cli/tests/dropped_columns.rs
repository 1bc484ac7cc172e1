//! `--drop` (issue 11): a dropped column is neither parsed nor checked (a
//! text id among numeric ids does not refuse the file) and is saved and
//! reported as `ignore`, never as a feature.

mod common;

use std::path::{Path, PathBuf};

use common::json_ok;
use serde_json::Value;

fn pima() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/pima-diabetes/data.csv")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn train(extra: &[&str], out: &Path) -> Value {
    let mut args = vec!["train", "--cv", "3", "--bootstrap", "0", "--seed", "1", "--json"];
    args.extend(extra);
    args.extend(["--out", path(out)]);
    json_ok(&args)
}

/// Whether Table 1 of a report leaves `column` out of its rows and names it
/// among the columns left out of the model.
fn left_out_of_table_one(report: &Path, column: &str) -> bool {
    let html = std::fs::read_to_string(report).expect("report written");
    let named =
        html.split("Left out of the model (not read as inputs): ").nth(1).is_some_and(|rest| {
            rest.split('.').next().unwrap_or_default().split(", ").any(|c| c == column)
        });
    named && !html.contains(&format!("<tr><td>{column}</td>"))
}

fn schema_role(artifact: &Path, column: &str) -> Value {
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(artifact.join("manifest.json")).expect("manifest"),
    )
    .expect("manifest json");
    let columns = manifest["schema"]["columns"].as_array().expect("columns");
    columns.iter().find(|c| c["name"] == column).map_or(Value::Null, |c| c["role"].clone())
}

#[test]
fn a_dropped_id_column_with_a_text_value_is_not_checked_and_not_a_feature() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(pima()).expect("pima csv");
    // A patient number column, one of whose ids is text.
    let with_id: String = text
        .lines()
        .enumerate()
        .map(|(i, line)| match i {
            0 => format!("pid,{line}\n"),
            4 => format!("X17,{line}\n"),
            _ => format!("{i},{line}\n"),
        })
        .collect();
    let ids = dir.path().join("ids.csv");
    std::fs::write(&ids, with_id).expect("write csv");
    let target = ["--target", "diabetes", "--positive", "pos"];
    let (dropped, plain) = (dir.path().join("dropped"), dir.path().join("plain"));
    let report = dir.path().join("dropped.html");
    let mut args = vec!["--data", path(&ids), "--drop", "pid", "--report", path(&report)];
    args.extend(target);
    let d = train(&args, &dropped);
    let pima = pima();
    let mut args = vec!["--data", path(&pima)];
    args.extend(target);
    let p = train(&args, &plain);
    for key in ["features", "coefficients", "cv", "loglik"] {
        assert_eq!(d[key], p[key], "{key}");
    }
    assert_eq!(schema_role(&dropped, "pid"), "ignore");
    assert!(left_out_of_table_one(&report, "pid"));
    // The training file, id column included, predicts as the file without it.
    let predict = |artifact: &Path, input: &Path| {
        json_ok(&["predict", path(artifact), "--input", path(input), "--json"])["predictions"]
            .clone()
    };
    assert_eq!(predict(&dropped, &ids), predict(&plain, &pima));
}

#[test]
fn dropped_columns_of_a_shipped_dataset_are_saved_as_ignored_and_left_out_of_table_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, report) = (dir.path().join("m"), dir.path().join("r.html"));
    let v = train(
        &["--dataset", "pima-diabetes", "--drop", "triceps,insulin", "--report", path(&report)],
        &out,
    );
    let features: Vec<&str> =
        v["features"].as_array().expect("features").iter().filter_map(Value::as_str).collect();
    assert_eq!(features, ["pregnant", "glucose", "pressure", "mass", "pedigree", "age"]);
    for column in ["triceps", "insulin"] {
        assert_eq!(schema_role(&out, column), "ignore", "{column}");
        assert!(left_out_of_table_one(&report, column), "{column}");
    }
    assert_eq!(schema_role(&out, "mass"), "feature");
    // Dropping the outcome's own column (it is never a predictor) changes nothing.
    let again = dir.path().join("again");
    let w = train(&["--dataset", "pima-diabetes", "--drop", "triceps,insulin,diabetes"], &again);
    assert_eq!(w["coefficients"], v["coefficients"]);
    assert_eq!(schema_role(&again, "diabetes"), "target");
}
