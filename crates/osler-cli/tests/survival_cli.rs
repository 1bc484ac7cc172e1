//! `osler survival` and `osler train --task survival` end to end: R's numbers
//! through the CLI, the acceptance run on whas500, and bad survival input.

mod common;

use common::{f, json_ok, osler, reference, user_error};
use serde_json::Value;

fn golden(name: &str) -> Value {
    let text = std::fs::read_to_string(reference(&format!("golden/{name}.json"))).expect("golden");
    serde_json::from_str(&text).expect("golden JSON")
}

#[test]
fn cox_on_whas500_matches_r_efron_and_breslow() {
    let g = golden("cox_whas500");
    let covs = "age,gender,hr,sysbp,diasbp,bmi,chf,afb";
    for ties in ["efron", "breslow"] {
        let v = json_ok(&[
            "survival",
            "cox",
            "--dataset",
            "whas500",
            "--time",
            "lenfol",
            "--event",
            "fstat",
            "--covariates",
            covs,
            "--ties",
            ties,
            "--json",
        ]);
        let e = &g["expected"][ties];
        let rel = (f(&v["loglik"]) - f(&e["loglik"])).abs() / f(&e["loglik"]).abs();
        assert!(rel < 1e-10, "{ties} loglik {} vs {}", v["loglik"], e["loglik"]);
        let coefs = v["coefficients"].as_array().expect("coefficients");
        for (k, c) in coefs.iter().enumerate() {
            assert!((f(&c["coef"]) - f(&e["coef_vector"][k])).abs() < 1e-8, "{ties} coef {k}");
            assert!((f(&c["se"]) - f(&e["se_vector"][k])).abs() < 1e-8, "{ties} se {k}");
        }
        assert_eq!(v["n"], 500);
        assert!(v["timing"]["fit_seconds"].is_number() && v["timing"]["read_seconds"].is_number());
        assert!(v["timing"]["concordance_seconds"].as_f64().is_some_and(|t| t >= 0.0));
        assert!(
            (f(&v["concordance"]) - f(&e["concordance_R"])).abs() < 1e-12,
            "{ties} concordance"
        );
    }
}

#[test]
fn km_and_logrank_match_r() {
    let v = json_ok(&[
        "survival",
        "km",
        "--dataset",
        "whas500",
        "--time",
        "lenfol",
        "--event",
        "fstat",
        "--group",
        "gender",
        "--json",
    ]);
    let groups = v["groups"].as_array().expect("groups");
    assert_eq!(f(&groups[0]["median"]), 2160.0);
    assert_eq!(f(&groups[1]["median"]), 1317.0);
    let all = json_ok(&[
        "survival",
        "km",
        "--dataset",
        "whas500",
        "--time",
        "lenfol",
        "--event",
        "fstat",
        "--json",
    ]);
    assert_eq!(f(&all["groups"][0]["median"]), 1627.0);
    let lr = json_ok(&[
        "survival",
        "logrank",
        "--dataset",
        "veterans",
        "--time",
        "Survival_in_days",
        "--event",
        "Status",
        "--group",
        "Celltype",
        "--json",
    ]);
    assert!((f(&lr["chisq"]) - 25.4037003458).abs() / 25.4 < 1e-10);
    assert_eq!(lr["df"], 3);
}

#[test]
fn whas500_cox_cross_validated_harrell_c() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("cox");
    let v = json_ok(&[
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
        "cox",
        "--cv",
        "5",
        "--seed",
        "1",
        "--json",
        "--out",
        out.to_str().expect("path"),
    ]);
    let c = f(&v["cv"]["metrics"]["harrell_c"]["mean"]);
    assert!(c >= 0.74, "Harrell C {c}");
    let e = json_ok(&["evaluate", out.to_str().expect("path"), "--dataset", "whas500", "--json"]);
    for m in ["harrell_c", "uno_c", "integrated_brier"] {
        assert!(f(&e["metrics"][m]).is_finite(), "{m}");
    }
    let input = dir.path().join("p.json");
    std::fs::write(
        &input,
        r#"[{"afb":1,"age":70,"av3":0,"bmi":25,"chf":1,"cvd":1,"diasbp":80,"gender":0,"hr":90,"miord":1,"mitype":0,"sho":0,"sysbp":140}]"#,
    )
    .expect("write");
    let p = json_ok(&[
        "predict",
        out.to_str().expect("path"),
        "--input",
        input.to_str().expect("p"),
        "--times",
        "365,730",
        "--json",
    ]);
    let s = &p["predictions"][0]["survival"];
    assert!(f(&s[0]) > f(&s[1]) && f(&s[1]) > 0.0, "survival decreases over time");
}

#[test]
fn case_weights_equal_duplicated_rows() {
    // With Breslow ties, weight 2 on a row is the same as listing it twice (R's definition).
    let dir = tempfile::tempdir().expect("tempdir");
    let rows = [
        (5.0, 1, 1.2),
        (6.0, 0, 2.0),
        (7.0, 1, 0.3),
        (8.0, 0, 4.1),
        (9.0, 1, 2.2),
        (3.0, 1, 5.0),
        (4.5, 0, 1.0),
    ];
    let (mut weighted, mut duplicated) =
        (String::from("time,event,x,w\n"), String::from("time,event,x\n"));
    for (i, (t, e, x)) in rows.iter().enumerate() {
        let w = 1 + i % 2;
        weighted.push_str(&format!("{t},{e},{x},{w}\n"));
        for _ in 0..w {
            duplicated.push_str(&format!("{t},{e},{x}\n"));
        }
    }
    let a = json_ok(&[
        "survival",
        "cox",
        "--data",
        &write(dir.path(), "w.csv", &weighted),
        "--time",
        "time",
        "--event",
        "event",
        "--covariates",
        "x",
        "--weights",
        "w",
        "--ties",
        "breslow",
        "--json",
    ]);
    let b = json_ok(&[
        "survival",
        "cox",
        "--data",
        &write(dir.path(), "d.csv", &duplicated),
        "--time",
        "time",
        "--event",
        "event",
        "--ties",
        "breslow",
        "--json",
    ]);
    for k in ["coef", "se"] {
        let (x, y) = (f(&a["coefficients"][0][k]), f(&b["coefficients"][0][k]));
        assert!((x - y).abs() < 1e-9, "{k}: {x} vs {y}");
    }
    assert!((f(&a["loglik"]) - f(&b["loglik"])).abs() < 1e-9);
}

#[test]
fn coxnet_and_rsf_train_as_artifacts() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (model, extra) in [("coxnet", vec!["--alpha", "0.5"]), ("rsf", vec!["--trees", "50"])] {
        let out = dir.path().join(model);
        let mut args = vec![
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
            model,
            "--cv",
            "3",
            "--bootstrap",
            "100",
            "--seed",
            "2",
            "--json",
            "--out",
            out.to_str().expect("path"),
        ];
        args.extend(extra);
        let v = json_ok(&args);
        let c = f(&v["cv"]["metrics"]["harrell_c"]["mean"]);
        assert!(c > 0.72, "{model} Harrell C {c}");
        let e =
            json_ok(&["evaluate", out.to_str().expect("path"), "--dataset", "whas500", "--json"]);
        assert!(f(&e["metrics"]["harrell_c"]) > 0.72, "{model}");
    }
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.to_str().expect("path").to_string()
}

#[test]
fn bad_survival_input_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let cox = |data: &str, extra: &[&str]| {
        let mut args =
            vec!["survival", "cox", "--data", data, "--time", "time", "--event", "event"];
        args.extend_from_slice(extra);
        user_error(&args)
    };
    let e = cox(&write(d, "neg.csv", "time,event,x\n5,1,1\n-2,0,2\n3,1,3\n"), &[]);
    assert!(e.contains("line 3") && e.contains("negative"), "{e}");
    let e = cox(&write(d, "ev.csv", "time,event,x\n5,1,1\n2,3,2\n3,1,3\n"), &[]);
    assert!(e.contains("'event'") && e.contains("0/1"), "{e}");
    let e = cox(&write(d, "cens.csv", "time,event,x\n5,0,1\n2,0,2\n"), &[]);
    assert!(e.contains("censored"), "{e}");
    let e = user_error(&[
        "survival",
        "cox",
        "--data",
        &write(d, "ss.csv", "start,stop,event,x\n0,5,1,1\n5,5,0,2\n2,4,1,3\n"),
        "--time",
        "stop",
        "--start",
        "start",
        "--event",
        "event",
    ]);
    assert!(e.contains("line 3") && e.contains("not after start"), "{e}");
    // Issue 12 (items 6, 7): a constant covariate and a separating one are
    // fitted as R coxph does (no coefficient; the last iterate), with a
    // warning naming the covariate, instead of refused.
    let fit = |data: &str| {
        json_ok(&[
            "survival", "cox", "--data", data, "--time", "time", "--event", "event", "--json",
        ])
    };
    let got = fit(&write(
        d,
        "const.csv",
        "time,event,x,c\n5,1,1,3\n6,0,2,3\n7,1,3,3\n8,0,4,3\n9,1,2,3\n",
    ));
    let w = got["warnings"][0].as_str().expect("warning");
    assert!(w.contains("'c'") && w.contains("constant"), "{w}");
    assert_eq!(got["coefficients"][1]["aliased"], true);
    let got = fit(&write(
        d,
        "sep.csv",
        "time,event,x\n1,1,1\n2,1,1\n3,1,1\n4,0,0\n5,0,0\n6,0,0\n7,0,0\n2.5,1,1\n",
    ));
    let w = got["warnings"][0].as_str().expect("warning");
    assert!(w.contains("'x'") && w.contains("infinite"), "{w}");
    assert_eq!(got["coefficients"][0]["infinite"], true);
    let e = user_error(&[
        "train",
        "--data",
        &write(d, "t.csv", "time,event,x\n5,1,1\n6,0,2\n"),
        "--task",
        "survival",
        "--time",
        "time",
        "--event",
        "event",
        "--model",
        "gbdt",
        "--cv",
        "0",
        "--out",
        &d.join("m").display().to_string(),
    ]);
    assert!(e.contains("does not fit --task survival"), "{e}");
}

#[test]
fn rsf_text_output_shows_the_split_shares_the_json_holds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("rsf");
    let out = out.to_str().expect("utf-8 path");
    let train = |extra: &[&'static str]| {
        let mut args: Vec<String> = ["train", "--dataset", "whas500", "--task", "survival"]
            .into_iter()
            .chain(["--time", "lenfol", "--event", "fstat", "--model", "rsf", "--trees", "20"])
            .chain(["--cv", "0", "--force", "--out", out])
            .map(String::from)
            .collect();
        args.extend(extra.iter().map(|a| a.to_string()));
        args
    };
    let run = osler().args(train(&[])).output().expect("run osler");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(text.contains("split share"), "{text}");
    // The largest share comes first, and it is the JSON's largest (not a zero).
    let args = train(&["--json"]);
    let json = json_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let top = json["importance"]
        .as_array()
        .expect("importance list")
        .iter()
        .max_by(|a, b| f(&a["split_share"]).total_cmp(&f(&b["split_share"])))
        .expect("a feature")
        .clone();
    assert!(f(&top["split_share"]) > 0.0);
    let first =
        text.lines().skip_while(|l| !l.contains("split share")).nth(1).expect("a share row");
    assert!(first.starts_with(top["name"].as_str().expect("name")), "{first} vs {top}");
}

/// `predict` says what each survival model's risk score is (only the Cox
/// models' is a linear predictor) and how a penalised Cox model's
/// contributions add up (relative to `x = 0`, not the training means).
#[test]
fn survival_predictions_name_each_models_risk_and_explanation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let patients =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/patients.csv");
    let patients = patients.to_str().expect("utf-8 path");
    let predict = |model: &str, extra: &[&str]| {
        let out = dir.path().join(model);
        let out = out.to_str().expect("utf-8 path");
        let mut args = vec!["train", "--dataset", "whas500", "--task", "survival"];
        args.extend(["--time", "lenfol", "--event", "fstat", "--cv", "0", "--quiet"]);
        args.extend(["--model", model, "--out", out]);
        args.extend(extra);
        osler().args(&args).assert().success();
        let mut predict = vec!["predict", out, "--input", patients, "--json"];
        if model.starts_with("cox") {
            predict.push("--explain");
        }
        json_ok(&predict)
    };
    let cox = predict("cox", &[]);
    assert!(
        cox["risk"].as_str().is_some_and(|r| r.contains("linear predictor")),
        "{}",
        cox["risk"]
    );
    assert!(f(&cox["explanation"]["base_risk"]) != 0.0, "around the training means");
    for (model, extra) in [("rsf", ["--trees", "10"]), ("deepsurv", ["--epochs", "3"])] {
        let risk = predict(model, &extra)["risk"].as_str().unwrap_or_default().to_string();
        assert!(!risk.is_empty() && !risk.contains("linear predictor"), "{model}: {risk}");
    }
    let coxnet = predict("coxnet", &["--lambda", "0.01"]);
    let method = coxnet["explanation"]["method"].as_str().unwrap_or_default();
    assert!(method.contains("reference x = 0") && !method.contains("mean"), "{method}");
    let row = &coxnet["predictions"][0];
    let sum: f64 = row["contributions"].as_object().expect("contributions").values().map(f).sum();
    let base = f(&coxnet["explanation"]["base_risk"]);
    assert!((base + sum - f(&row["risk"])).abs() < 1e-9, "base {base} + {sum} != {}", row["risk"]);
}
