//! Decimal commas (issue 11): a `;`-separated file that writes `33,6` trains
//! the same model as the `,`/`.` file it was saved from, with the detected
//! mark noted; a file writing both marks is refused naming its columns and
//! `--decimal`, which sets the mark.

mod common;

use std::path::{Path, PathBuf};

use common::{osler, user_error};
use serde_json::Value;

/// The shipped Pima file (`,`-separated, decimal points).
fn pima() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/pima-diabetes/data.csv")
}

/// `text` as a spreadsheet with a decimal comma saves it.
fn decimal_comma(text: &str) -> String {
    text.replace(',', ";").replace('.', ",")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write csv");
    p.to_str().expect("utf-8 path").to_string()
}

/// `osler train` of Pima's logistic model on `data`: the JSON report and stderr.
fn train(data: &str, out: &Path) -> (Value, String) {
    let out = out.to_str().expect("utf-8 path");
    let args = ["train", "--data", data, "--target", "diabetes", "--positive", "pos"];
    let run = osler()
        .args(args)
        .args(["--cv", "3", "--bootstrap", "0", "--seed", "1", "--json", "--out", out])
        .output()
        .expect("run osler");
    let err = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "train {data}: {err}");
    (serde_json::from_slice(&run.stdout).expect("one JSON object"), err)
}

fn predictions(artifact: &Path, input: &str) -> Value {
    let artifact = artifact.to_str().expect("utf-8 path");
    common::json_ok(&["predict", artifact, "--input", input, "--json"])["predictions"].clone()
}

#[test]
fn decimal_commas_train_and_predict_the_same_numbers_as_decimal_points() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(pima()).expect("pima csv");
    let point = write(dir.path(), "point.csv", &text);
    let comma = write(dir.path(), "comma.csv", &decimal_comma(&text));
    let (p, p_err) = train(&point, &dir.path().join("p"));
    let (c, c_err) = train(&comma, &dir.path().join("c"));
    for key in ["features", "coefficients", "cv", "threshold", "loglik"] {
        assert_eq!(p[key], c[key], "{key}");
    }
    assert_eq!(p["data"]["columns"], c["data"]["columns"]);
    assert!(c_err.contains("comma.csv: numbers read with a decimal comma"), "{c_err}");
    assert!(!p_err.contains("decimal"), "{p_err}");
    // Either file predicts the same with either model.
    let (p_model, c_model) = (dir.path().join("p"), dir.path().join("c"));
    let reference = predictions(&p_model, &point);
    assert_eq!(predictions(&p_model, &comma), reference);
    assert_eq!(predictions(&c_model, &point), reference);
}

#[test]
fn a_file_with_both_decimal_marks_is_refused_naming_the_columns_and_the_option() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(pima()).expect("pima csv");
    // `mass` is written 33,6 and `pedigree` 0.627 (a point is a thousands
    // separator in many decimal-comma locales).
    let mixed: String = text
        .lines()
        .map(|line| {
            let cells: Vec<String> = line
                .split(',')
                .enumerate()
                .map(|(j, c)| if j == 5 { c.replace('.', ",") } else { c.to_string() })
                .collect();
            cells.join(";") + "\n"
        })
        .collect();
    let data = write(dir.path(), "mixed.csv", &mixed);
    let out = dir.path().join("m");
    let err = user_error(&[
        "train",
        "--data",
        &data,
        "--target",
        "diabetes",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(
        err.contains("mixed.csv: column 'mass' has numbers with a decimal comma (line 2)")
            && err.contains("column 'pedigree' with a decimal point (line 2)")
            && err.contains("--decimal ,"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn decimal_sets_the_mark_instead_of_detecting_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(pima()).expect("pima csv");
    let comma = write(dir.path(), "comma.csv", &decimal_comma(&text));
    let kinds = |extra: &[&str]| {
        let run = osler()
            .args(["schema", "--data", &comma, "--out"])
            .arg(dir.path().join("s.json"))
            .args(extra)
            .output()
            .expect("run osler");
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let s: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("s.json")).expect("schema written"),
        )
        .expect("schema json");
        let kind = |name: &str| {
            let cols = s["columns"].as_array().expect("columns");
            cols.iter().find(|c| c["name"] == name).map(|c| c["kind"].clone())
        };
        (kind("mass"), kind("pedigree"), String::from_utf8_lossy(&run.stderr).into_owned())
    };
    let numeric = Some(Value::from("numeric"));
    let (mass, pedigree, note) = kinds(&[]);
    assert_eq!((&mass, &pedigree), (&numeric, &numeric));
    assert!(note.contains("decimal comma (detected"), "{note}");
    let (mass, pedigree, note) = kinds(&["--decimal", ","]);
    assert_eq!((&mass, &pedigree), (&numeric, &numeric));
    assert!(note.is_empty(), "{note}");
    // Told the mark is a point, `33,6` is text: the user asked for it.
    let (mass, _, _) = kinds(&["--decimal", "."]);
    assert_eq!(mass, Some(Value::from("categorical")));
    let err = user_error(&["schema", "--data", &comma, "--decimal", ";"]);
    assert!(err.contains("expected , or ."), "{err}");
}
