//! Wide (p >> n) data end to end: shipped gene-expression datasets, `--expression`
//! matrices joined to a clinical table in both orientations, and the join's errors
//! (exit code 2, counts named, nothing written).

mod common;

use std::path::Path;

use common::{json_ok, osler, user_error};
use serde_json::Value;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write test file");
    p.to_str().expect("path").to_string()
}

/// A clinical table (ids with leading zeros) and the same 3-gene matrix in both
/// orientations; sample `0k` has time 10 k, an event on odd k, gene values from k.
fn files(dir: &Path, n: usize) -> (String, String, String) {
    let mut clinical = String::from("sample,time,event,age\n");
    let mut rows = String::from("sample,g1,g2,g3\n");
    let mut genes = String::from("probe");
    let id = |k: usize| format!("0{k}");
    let value = |g: usize, k: usize| ((k * 7 + g * 13) % 11) as f64 / 4.0 - 1.0;
    for k in 1..=n {
        clinical.push_str(&format!("{},{},{},{}\n", id(k), 10 * k, k % 2, 40 + (k * 3) % 17));
        rows.push_str(&format!("{},{},{},{}\n", id(k), value(1, k), value(2, k), value(3, k)));
        genes.push_str(&format!(",{}", id(k)));
    }
    genes.push('\n');
    for g in 1..=3 {
        genes.push_str(&format!("g{g}"));
        for k in 1..=n {
            genes.push_str(&format!(",{}", value(g, k)));
        }
        genes.push('\n');
    }
    (
        write(dir, "clinical.csv", &clinical),
        write(dir, "rows.csv", &rows),
        write(dir, "genes.csv", &genes),
    )
}

#[test]
fn all_leukemia_is_shipped_with_its_expression_matrix() {
    let v = json_ok(&["datasets", "show", "all-leukemia", "--json"]);
    assert_eq!(v["rows"], 128);
    assert!(v["n_columns"].as_u64().unwrap_or(0) > 12_000, "{}", v["n_columns"]);
    assert_eq!(v["defaults"]["columns"], 12_625);
    assert_eq!(v["defaults"]["kind"], "numeric");
    let out = osler().args(["datasets", "show", "all-leukemia"]).output().expect("run osler");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rows:     128") && text.contains("columns:  12647"), "{text}");
    let list = json_ok(&["datasets", "list", "--json"]);
    let names: Vec<&str> = list["datasets"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    for name in ["all-leukemia", "gse7390", "nki70", "dlbcl", "westbc", "myeloma", "actg320"] {
        assert!(names.contains(&name), "{name} not listed: {names:?}");
    }
}

#[test]
fn schema_of_a_shipped_expression_dataset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("all.json");
    let out = out.to_str().expect("path");
    let run = osler()
        .args(["schema", "--dataset", "all-leukemia", "--out", out])
        .output()
        .expect("run osler");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let s: Value =
        serde_json::from_str(&std::fs::read_to_string(out).expect("schema written")).expect("json");
    let cols = s["columns"].as_array().expect("columns");
    assert_eq!(cols.len(), 22 + 12_625);
    let sample = cols.iter().find(|c| c["name"] == "sample").expect("id column");
    assert_eq!(sample["role"], "id");
    let probe = cols.iter().find(|c| c["name"] == "1000_at").expect("probe listed");
    assert_eq!(
        (&probe["kind"], &probe["role"]),
        (&Value::from("numeric"), &Value::from("feature"))
    );
    assert_eq!(s["defaults"]["role"], "feature");
}

#[test]
fn both_orientations_give_the_same_joined_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (clinical, rows, genes) = files(dir.path(), 24);
    let schema = |extra: &[&str]| {
        let mut args = vec!["schema", "--data", clinical.as_str()];
        args.extend_from_slice(extra);
        let out = osler().args(&args).output().expect("run osler");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let a = schema(&["--expression", &rows]);
    let b = schema(&["--expression", &genes, "--transpose", "--id", "sample"]);
    assert_eq!(a, b);
    assert!(a.contains("name = \"g3\"") && a.contains("role = \"id\""), "{a}");
    let cox = |extra: &[&str]| {
        let mut args = vec!["survival", "cox", "--data", clinical.as_str(), "--time", "time"];
        args.extend_from_slice(&["--event", "event", "--covariates", "g1,g2,age", "--json"]);
        args.extend_from_slice(extra);
        json_ok(&args)["coefficients"].clone()
    };
    let a = cox(&["--expression", &rows]);
    assert_eq!(a, cox(&["--expression", &genes, "--transpose"]));
    assert_eq!(a.as_array().map(Vec::len), Some(3));
}

#[test]
fn unmatched_sample_ids_are_refused_with_counts_unless_allowed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (clinical, _, genes) = files(dir.path(), 12);
    // The matrix lacks sample 012 and has an extra sample 099.
    let text = std::fs::read_to_string(&genes).expect("read").replace(",012", ",099");
    let genes = write(dir.path(), "genes_x.csv", &text);
    let out = dir.path().join("s.toml");
    let out = out.to_str().expect("path");
    let args = ["schema", "--data", &clinical, "--expression", &genes, "--transpose", "--out", out];
    let e = user_error(&args);
    assert!(e.contains("genes_x.csv") && e.contains("clinical.csv"), "{e}");
    assert!(e.contains("share 11 sample ids"), "{e}");
    assert!(e.contains("1 missing from the matrix: 012"), "{e}");
    assert!(e.contains("1 missing from the clinical table: 099"), "{e}");
    assert!(e.contains("--allow-unmatched"), "{e}");
    assert!(!Path::new(out).exists(), "no schema written after a failure");

    let mut allowed = args.to_vec();
    allowed.push("--allow-unmatched");
    let run = osler().args(&allowed).output().expect("run osler");
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert!(err.contains("warning") && err.contains("kept the 11 samples"), "{err}");
    assert!(
        err.contains("dropped 1 clinical rows") && err.contains("1 expression profiles"),
        "{err}"
    );
    assert!(Path::new(out).exists());

    // Ids that lost their leading zeros share nothing: even --allow-unmatched refuses.
    let text = std::fs::read_to_string(&genes).expect("read");
    let (header, body) = text.split_once('\n').expect("header line");
    let stripped = format!("{}\n{body}", header.replace(",0", ","));
    let stripped = write(dir.path(), "stripped.csv", &stripped);
    let e = user_error(&[
        "schema",
        "--data",
        &clinical,
        "--expression",
        &stripped,
        "--transpose",
        "--allow-unmatched",
    ]);
    assert!(e.contains("share 0 sample ids") && e.contains("as text"), "{e}");
}

#[test]
fn bad_matrices_name_file_line_column_and_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clinical = write(dir.path(), "c.csv", "id,age\n01,50\n02,60\n");
    let cases = [
        ("text.csv", "probe,01,02\ng1,1.5,high\n", vec!["text.csv", "line 2", "'02'", "'high'"]),
        ("dup_gene.csv", "probe,01,02\ng1,1,2\ng1,3,4\n", vec!["line 3", "duplicate gene id 'g1'"]),
        ("dup_sample.csv", "probe,01,01\ng1,1,2\n", vec!["line 1", "duplicate sample id '01'"]),
        ("ragged.csv", "probe,01,02\ng1,1\n", vec!["line 2", "expected 3 fields", "found 2"]),
        ("clash.csv", "probe,01,02\nage,1,2\n", vec!["gene 'age'", "also a column"]),
    ];
    for (name, text, wanted) in cases {
        let m = write(dir.path(), name, text);
        let e = user_error(&["schema", "--data", &clinical, "--expression", &m, "--transpose"]);
        for w in wanted {
            assert!(e.contains(w), "{name}: expected '{w}' in: {e}");
        }
    }
    let e = user_error(&["schema", "--data", &clinical, "--transpose"]);
    assert!(e.contains("--expression"), "{e}");
    let e = user_error(&["schema", "--data", &clinical, "--expression", "/no/such.csv.gz"]);
    assert!(e.contains("/no/such.csv.gz") && e.contains("no such file"), "{e}");
}

#[test]
fn a_schema_file_with_defaults_covers_the_genes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut clinical = String::from("sample,code,age\n");
    let mut matrix = String::from("probe");
    for k in 1..=12 {
        let code = if k == 12 { "X12".to_string() } else { k.to_string() };
        clinical.push_str(&format!("0{k},{code},{}\n", 40 + k));
        matrix.push_str(&format!(",0{k}"));
    }
    matrix.push_str("\ng1");
    for k in 1..=12 {
        matrix.push_str(&format!(",{}", k as f64 / 8.0));
    }
    matrix.push('\n');
    let clinical = write(dir.path(), "c.csv", &clinical);
    let matrix = write(dir.path(), "m.csv", &matrix);
    // Inferred, `code` (11 numbers and one text) looks like a typo in a numeric column.
    let e = user_error(&["schema", "--data", &clinical, "--expression", &matrix, "--transpose"]);
    assert!(e.contains("'code'") && e.contains("'X12'"), "{e}");
    let schema = write(
        dir.path(),
        "s.toml",
        "[defaults]\nkind = \"numeric\"\nrole = \"feature\"\n\n[[columns]]\nname = \"sample\"\n\
         kind = \"categorical\"\nrole = \"id\"\n\n[[columns]]\nname = \"code\"\n\
         kind = \"categorical\"\nrole = \"id\"\n",
    );
    let out = dir.path().join("out.json");
    let out = out.to_str().expect("path");
    let args = [
        "schema",
        "--data",
        &clinical,
        "--expression",
        &matrix,
        "--transpose",
        "--schema",
        &schema,
    ];
    let run = osler().args(args).args(["--out", out]).output().expect("run osler");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let s: Value =
        serde_json::from_str(&std::fs::read_to_string(out).expect("written")).expect("json");
    let names: Vec<&str> = s["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, vec!["sample", "code", "age", "g1"]);
}
