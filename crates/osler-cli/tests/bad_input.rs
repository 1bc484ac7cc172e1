//! Bad input: every case exits with code 2, names the problem, panics never,
//! prints nothing on stdout and leaves no partial output behind.

mod common;

use common::{json_ok, osler, user_error};

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write test file");
    p.to_str().expect("path").to_string()
}

fn train_args<'a>(data: &'a str, out: &'a str) -> Vec<&'a str> {
    vec!["train", "--data", data, "--target", "y", "--cv", "0", "--json", "--out", out]
}

#[test]
fn missing_and_empty_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("m");
    let out = out.to_str().expect("path");
    let e = user_error(&train_args("/no/such/file.csv", out));
    assert!(e.contains("/no/such/file.csv") && e.contains("no such file"), "{e}");
    let empty = write(dir.path(), "empty.csv", "");
    assert!(user_error(&train_args(&empty, out)).contains("empty"));
    let header_only = write(dir.path(), "header.csv", "x,y\n");
    assert!(user_error(&train_args(&header_only, out)).contains("no data rows"));
    assert!(!std::path::Path::new(out).exists(), "no artifact after a failure");
}

#[test]
fn missing_target_column_suggests_the_near_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = write(dir.path(), "d.csv", "x,yy\n1,0\n2,1\n");
    let out = dir.path().join("m");
    let e = user_error(&train_args(&data, out.to_str().expect("p")));
    assert!(e.contains("no column named 'y'") && e.contains("did you mean 'yy'"), "{e}");
}

#[test]
fn text_in_a_numeric_column_names_line_column_and_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut csv = String::from("glucose,y\n");
    for i in 0..30 {
        csv.push_str(&format!("{},{}\n", 80 + i, i % 2));
    }
    csv.push_str("high,1\n");
    let data = write(dir.path(), "d.csv", &csv);
    let out = dir.path().join("m");
    let e = user_error(&train_args(&data, out.to_str().expect("p")));
    assert!(e.contains("line 32") && e.contains("'glucose'") && e.contains("'high'"), "{e}");
}

#[test]
fn single_class_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = write(dir.path(), "d.csv", "x,y\n1,1\n2,1\n3,1\n");
    let out = dir.path().join("m");
    let e = user_error(&train_args(&data, out.to_str().expect("p")));
    assert!(e.contains("single class"), "{e}");
}

#[test]
fn nan_and_infinity_in_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("m");
    for bad in ["NaN", "inf", "-Infinity"] {
        let data = write(dir.path(), "d.csv", &format!("x,y\n1,0\n{bad},1\n3,0\n4,1\n"));
        let e = user_error(&train_args(&data, out.to_str().expect("p")));
        assert!(
            e.contains("line 3") && e.contains("'x'") && e.contains("not a finite number"),
            "{e}"
        );
    }
}

#[test]
fn corrupt_and_wrong_version_artifacts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let art = dir.path().join("m");
    let a = art.to_str().expect("path");
    json_ok(&["train", "--dataset", "pima-diabetes", "--cv", "0", "--json", "--out", a]);
    let input = write(
        dir.path(),
        "p.csv",
        "pregnant,glucose,pressure,triceps,insulin,mass,pedigree,age\n1,100,70,20,80,25,0.3,30\n",
    );

    let manifest = art.join("manifest.json");
    let original = std::fs::read_to_string(&manifest).expect("manifest");
    std::fs::write(&manifest, original.replace("\"format_version\": 1", "\"format_version\": 99"))
        .expect("edit");
    let e = user_error(&["predict", a, "--input", &input]);
    assert!(e.contains("format version 99") && e.contains("not supported"), "{e}");

    std::fs::write(&manifest, &original[..original.len() / 2]).expect("truncate");
    let e = user_error(&["predict", a, "--input", &input]);
    assert!(e.contains("corrupt"), "{e}");

    std::fs::write(&manifest, &original).expect("restore");
    let weights = art.join("model.json");
    let w = std::fs::read_to_string(&weights).expect("weights");
    std::fs::write(&weights, w.replacen('1', "2", 1)).expect("tamper");
    let e = user_error(&["predict", a, "--input", &input]);
    assert!(e.contains("SHA-256"), "{e}");

    let e =
        user_error(&["predict", dir.path().join("nope").to_str().expect("p"), "--input", &input]);
    assert!(e.contains("not found"), "{e}");
}

#[test]
fn json_patient_out_of_range_unknown_or_missing_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let art = dir.path().join("m");
    let a = art.to_str().expect("path");
    json_ok(&["train", "--dataset", "pima-diabetes", "--cv", "0", "--json", "--out", a]);
    let patient = |glucose: &str, extra: &str| {
        format!(
            r#"[{{"pregnant": 1, "glucose": {glucose}, "pressure": 70, "triceps": 20, "insulin": 80, "mass": 25, "pedigree": 0.3, "age": 30{extra}}}]"#
        )
    };
    let p = write(dir.path(), "p.json", &patient("1500", ""));
    let e = user_error(&["predict", a, "--input", &p, "--json"]);
    assert!(
        e.contains("record 1")
            && e.contains("'glucose'")
            && e.contains("1500")
            && e.contains("< 1000"),
        "{e}"
    );
    let p = write(dir.path(), "p.json", &patient("100", r#", "cholesterol": 5"#));
    let e = user_error(&["predict", a, "--input", &p, "--json"]);
    assert!(e.contains("unexpected column 'cholesterol'"), "{e}");
    let p = write(dir.path(), "p.json", r#"[{"pregnant": 1, "glucose": 100}]"#);
    let e = user_error(&["predict", a, "--input", &p, "--json"]);
    assert!(e.contains("no column named"), "{e}");
    let p = write(dir.path(), "p.json", &patient("\"high\"", ""));
    let e = user_error(&["predict", a, "--input", &p, "--json"]);
    assert!(e.contains("'high' is not a number"), "{e}");
}

#[test]
fn existing_output_is_never_overwritten_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let art = dir.path().join("m");
    std::fs::create_dir(&art).expect("dir");
    std::fs::write(art.join("precious.txt"), "keep").expect("file");
    let e = user_error(&[
        "train",
        "--dataset",
        "pima-diabetes",
        "--cv",
        "0",
        "--out",
        art.to_str().expect("p"),
    ]);
    assert!(e.contains("already exists") && e.contains("--force"), "{e}");
    assert_eq!(std::fs::read_to_string(art.join("precious.txt")).expect("kept"), "keep");
}

#[test]
fn usage_errors_exit_2() {
    let out = osler()
        .args(["train", "--dataset", "pima-diabetes", "--model", "svm"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let e = user_error(&["train", "--dataset", "pima-diabetes", "--threshold", "2", "--cv", "0"]);
    assert!(e.contains("--threshold"), "{e}");
    let e = user_error(&["train", "--dataset", "nope", "--cv", "0"]);
    assert!(e.contains("no dataset named 'nope'"), "{e}");
}
