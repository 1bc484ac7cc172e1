//! Elastic-net models on gene expression end to end (issue 4): the shipped
//! `all-leukemia` data (12,625 probe sets, 128 patients), nested CV (the
//! penalty chosen by inner CV inside every outer training fold), outcome
//! level selection, the artifact's prediction path and the option errors.

mod common;

use common::{f, json_ok, user_error};

/// Clinical columns of all-leukemia that are features in its schema; the
/// expression models below use the probe sets only.
const CLINICAL: &str =
    "sex,age,t(4;11),t(9;22),cyto.normal,citog,mol.biol,fusion protein,mdr,kinet";

#[test]
fn b_versus_t_lineage_is_classified_from_expression() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("bt");
    let v = json_ok(&[
        "train",
        "--dataset",
        "all-leukemia",
        "--target",
        "BT",
        "--positive",
        "T,T1,T2,T3,T4",
        "--drop",
        CLINICAL,
        "--model",
        "enet",
        "--cv",
        "10",
        "--seed",
        "1",
        "--bootstrap",
        "200",
        "--json",
        "--out",
        out.to_str().expect("path"),
    ]);
    assert_eq!(v["positive"], "T|T1|T2|T3|T4");
    let acc = &v["cv"]["metrics"]["accuracy"];
    assert!(f(&acc["mean"]) >= 0.98, "CV accuracy {}", acc["mean"]);
    assert_eq!(f(&acc["folds_used"]), 10.0);
    // A sparse signature, every coefficient a probe set.
    let selected = v["selected"].as_u64().expect("selected");
    assert!((1..=128).contains(&selected), "{selected} probe sets");
    let coefs = v["coefficients"].as_array().expect("coefficients");
    assert!(coefs.iter().all(|c| c["name"].as_str().is_some_and(|n| n.ends_with("_at"))));
    assert!(f(&v["inner_cv"]["lambda_1se"]) >= f(&v["inner_cv"]["lambda_min"]));
    // The artifact predicts from the raw files (clinical table + probe-set
    // matrix, genes as rows), joined as in training.
    let ds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/all-leukemia");
    let (clinical, matrix) = (ds.join("data.csv"), ds.join("expression.csv.gz"));
    let p = json_ok(&[
        "predict",
        out.to_str().expect("path"),
        "--input",
        clinical.to_str().expect("path"),
        "--expression",
        matrix.to_str().expect("path"),
        "--transpose",
        "--id",
        "sample",
        "--json",
    ]);
    let rows = p["predictions"].as_array().expect("predictions");
    assert_eq!(rows.len(), 128);
    let bt = std::fs::read_to_string(&clinical).expect("clinical csv");
    let truth: Vec<bool> = bt
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).is_some_and(|v| v.starts_with('T')))
        .collect();
    let right = rows.iter().zip(&truth).filter(|(r, t)| (r["predicted_class"] == 1) == **t).count();
    assert_eq!(right, 128, "training rows reclassified");
}

#[test]
fn bcr_abl_versus_neg_reports_a_nested_cv_auroc_with_interval() {
    let drop = CLINICAL;
    let v = json_ok(&[
        "train",
        "--dataset",
        "all-leukemia",
        "--target",
        "mol.biol",
        "--levels",
        "BCR/ABL,NEG",
        "--positive",
        "BCR/ABL",
        "--drop",
        drop,
        "--model",
        "enet",
        "--alpha",
        "0.5",
        "--prefilter",
        "ttest",
        "--keep",
        "2000",
        "--cv",
        "5",
        "--seed",
        "1",
        "--bootstrap",
        "200",
        "--json",
        "--out",
        tempfile::tempdir().expect("tempdir").path().join("bcr").to_str().expect("path"),
    ]);
    // 37 BCR/ABL and 74 NEG patients.
    assert_eq!(v["data"]["rows"], 111);
    assert_eq!(v["positive"], "BCR/ABL");
    let auc = &v["cv"]["metrics"]["auroc"];
    let (mean, lo, hi) = (f(&auc["pooled"]), f(&auc["ci95"][0]), f(&auc["ci95"][1]));
    assert!(mean > 0.7 && lo < mean && mean <= hi && hi <= 1.0, "{auc}");
    assert_eq!(f(&v["n_screened"]), 2000.0);
    assert_eq!(v["prefilter"]["method"], "t_test");
}

#[test]
fn stability_selection_reports_frequencies_and_is_reproducible() {
    let args = |out: &str| {
        vec![
            "train".to_string(),
            "--dataset".into(),
            "all-leukemia".into(),
            "--target".into(),
            "BT".into(),
            "--positive".into(),
            "T,T1,T2,T3,T4".into(),
            "--drop".into(),
            CLINICAL.into(),
            "--model".into(),
            "enet".into(),
            "--cv".into(),
            "0".into(),
            "--stability".into(),
            "12".into(),
            "--seed".into(),
            "7".into(),
            "--json".into(),
            "--out".into(),
            out.into(),
        ]
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let run = |p: &std::path::Path| {
        let v: Vec<String> = args(p.to_str().expect("path"));
        json_ok(&v.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let (va, vb) = (run(&a), run(&b));
    let st = &va["stability"];
    assert_eq!(st["subsamples"], 12);
    let top = st["features"].as_array().expect("features");
    assert!(!top.is_empty() && f(&top[0]["max_frequency"]) <= 1.0);
    assert!(top.windows(2).all(|w| f(&w[0]["max_frequency"]) >= f(&w[1]["max_frequency"])));
    assert_eq!(va["stability"], vb["stability"]);
    assert_eq!(va["coefficients"], vb["coefficients"]);
    let model = |d: &std::path::Path| std::fs::read(d.join("model.json")).expect("model.json");
    assert_eq!(model(&a), model(&b), "same seed, same model file");
}

#[test]
fn outcome_level_options_are_checked() {
    let base = ["train", "--dataset", "all-leukemia", "--model", "enet", "--cv", "0"];
    let run = |extra: &[&str]| {
        let mut v: Vec<&str> = base.to_vec();
        v.extend_from_slice(extra);
        user_error(&v)
    };
    let e = run(&["--target", "mol.biol"]);
    assert!(e.contains("6 distinct values") && e.contains("--levels"), "{e}");
    let e = run(&["--target", "mol.biol", "--levels", "BCR/ABL,NOPE"]);
    assert!(e.contains("'NOPE' is not a value of outcome 'mol.biol'"), "{e}");
    let e = run(&["--target", "BT", "--positive", "T,T9"]);
    assert!(e.contains("'T9' is not a level"), "{e}");
    let e = run(&["--target", "relapse", "--positive", "True", "--keep", "10"]);
    assert!(e.contains("--keep needs --prefilter") || e.contains("--prefilter"), "{e}");
    let e = run(&["--target", "relapse", "--positive", "True", "--inner-cv", "1"]);
    assert!(e.contains("--inner-cv must be at least 2"), "{e}");
    let pima = |model: &str, extra: &[&str]| {
        let mut v = vec!["train", "--dataset", "pima-diabetes", "--model", model];
        v.extend_from_slice(extra);
        user_error(&v)
    };
    let e = pima("enet", &["--prefilter", "cox", "--keep", "3"]);
    assert!(e.contains("--prefilter cox needs a survival outcome"), "{e}");
    let e = pima("logistic", &["--stability", "5"]);
    assert!(e.contains("--stability is an option of --model enet"), "{e}");
    let e = pima("gbdt", &["--lambda-rule", "1se"]);
    assert!(e.contains("--lambda-rule is an option of --model enet and coxnet"), "{e}");
    let e = pima("gbdt", &["--prefilter", "ttest", "--keep", "3"]);
    assert!(e.contains("--prefilter is an option of --model enet and coxnet"), "{e}");
}

#[test]
fn coxnet_lambda_1se_is_a_larger_sparser_penalty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fit = |rule: &str| {
        let out = dir.path().join(rule);
        json_ok(&[
            "train",
            "--dataset",
            "whas500",
            "--task",
            "survival",
            "--time",
            "lenfol",
            "--event",
            "fstat",
            "--model",
            "coxnet",
            "--lambda-rule",
            rule,
            "--cv",
            "0",
            "--seed",
            "1",
            "--json",
            "--out",
            out.to_str().expect("path"),
        ])
    };
    let (min, se) = (fit("min"), fit("1se"));
    assert!(f(&se["lambda"]) > f(&min["lambda"]), "{} vs {}", se["lambda"], min["lambda"]);
    assert!(se["selected"].as_u64() <= min["selected"].as_u64());
    assert_eq!(se["model_spec"]["rule"], "one_se");
}
