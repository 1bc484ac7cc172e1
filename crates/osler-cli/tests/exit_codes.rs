//! Exit codes end to end: every bad-input or usage error exits with 2 and a
//! message that names the file or column involved, whichever command and
//! library layer (data loading, training, survival analysis) reports it.

mod common;

use common::user_error;

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write test file");
    p.to_str().expect("path").to_string()
}

#[test]
fn a_missing_file_exits_2_naming_it() {
    let e = user_error(&["schema", "--data", "/no/such/input.csv"]);
    assert!(e.contains("/no/such/input.csv") && e.contains("no such file"), "{e}");
    let e =
        user_error(&["survival", "km", "--data", "/no/such/km.csv", "--time", "t", "--event", "e"]);
    assert!(e.contains("/no/such/km.csv"), "{e}");
}

#[test]
fn a_malformed_csv_cell_exits_2_naming_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ragged = write(dir.path(), "ragged.csv", "x,y\n1,0\n2,1,7\n");
    let e = user_error(&["schema", "--data", &ragged]);
    assert!(e.contains("ragged.csv") && e.contains("line 3"), "{e}");
    let mut csv = String::from("glucose,y\n");
    for i in 0..30 {
        csv.push_str(&format!("{},{}\n", 80 + i, i % 2));
    }
    csv.push_str("high,1\n");
    let typo = write(dir.path(), "typo.csv", &csv);
    let e = user_error(&["schema", "--data", &typo]);
    assert!(e.contains("typo.csv") && e.contains("'glucose'") && e.contains("--schema"), "{e}");
}

#[test]
fn an_unknown_dataset_exits_2_listing_the_shipped_ones() {
    let e = user_error(&["datasets", "show", "pima-diabetis"]);
    assert!(e.contains("no dataset named 'pima-diabetis'") && e.contains("'pima-diabetes'"), "{e}");
    let e = user_error(&["schema", "--dataset", "nope"]);
    assert!(e.contains("no dataset named 'nope'"), "{e}");
}

#[test]
fn an_unknown_target_column_exits_2_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = write(dir.path(), "d.csv", "x,outcome\n1,0\n2,1\n3,0\n4,1\n");
    let out = dir.path().join("m");
    let out = out.to_str().expect("path");
    let e =
        user_error(&["train", "--data", &data, "--target", "outcom", "--cv", "0", "--out", out]);
    assert!(e.contains("d.csv") && e.contains("'outcom'") && e.contains("'outcome'"), "{e}");
    let e = user_error(&["survival", "km", "--data", &data, "--time", "x", "--event", "evt"]);
    assert!(e.contains("'evt'"), "{e}");
}

#[test]
fn outcome_level_errors_exit_2_with_the_flag_that_fixes_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = write(dir.path(), "d.csv", "x,y\n1,a\n2,b\n3,c\n4,a\n5,b\n6,c\n");
    let out = dir.path().join("m");
    let out = out.to_str().expect("path");
    let train = |extra: &[&str]| {
        let mut args = vec!["train", "--data", &data, "--target", "y", "--cv", "0", "--out", out];
        args.extend_from_slice(extra);
        user_error(&args)
    };
    let e = train(&[]);
    assert!(e.contains("3 distinct values") && e.contains("--levels"), "{e}");
    let e = train(&["--positive", "z"]);
    assert!(e.contains("--positive") && e.contains("'z' is not a level of outcome 'y'"), "{e}");
    let e = train(&["--positive", "a,b,c"]);
    assert!(e.contains("--positive") && e.contains("every level"), "{e}");
}

#[test]
fn a_bad_schema_file_exits_2_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = write(dir.path(), "d.csv", "x,y\n1,0\n2,1\n");
    let schema = write(dir.path(), "broken.json", "{ not json");
    let e = user_error(&["schema", "--data", &data, "--schema", &schema]);
    assert!(e.contains("broken.json"), "{e}");
    let range =
        "[[columns]]\nname = \"x\"\nkind = \"numeric\"\nrole = \"feature\"\nmin = 5.0\nmax = 1.0\n";
    let schema = write(dir.path(), "range.toml", range);
    let e = user_error(&["schema", "--data", &data, "--schema", &schema]);
    assert!(e.contains("range.toml") && e.contains("'x'") && e.contains("min 5"), "{e}");
}
