//! The smaller details a new user meets: `evaluate`'s intervals, `predict`'s
//! ids and level names, the help of every `--json`, the flags `metrics` and
//! `survival` show, the file in the event-code error, and suggestions of
//! close column names only.

mod common;

use std::path::{Path, PathBuf};

use common::{f, json_ok, osler, user_error};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A logistic model of Pima's diabetes (no CV), saved under `dir`.
fn pima_model(dir: &Path) -> PathBuf {
    let out = dir.join("pima");
    let args = ["train", "--dataset", "pima-diabetes", "--target", "diabetes"];
    let status = osler()
        .args(args)
        .args(["--model", "logistic", "--cv", "0", "--out", path(&out)])
        .output()
        .expect("run");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    out
}

fn stdout_ok(args: &[&str]) -> String {
    let out = osler().args(args).output().expect("run");
    assert!(out.status.success(), "osler {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn evaluate_gives_every_metric_a_95_percent_interval() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = pima_model(dir.path());
    let args = ["evaluate", path(&model), "--dataset", "pima-diabetes", "--json"];
    let json = json_ok(&args);
    assert!(json["ci_method"].as_str().is_some_and(|m| m.contains("DeLong")), "{json}");
    assert!(json["ci_method"].as_str().is_some_and(|m| m.contains("1000 replicates, seed 1")));
    for (name, value) in json["metrics"].as_object().expect("metrics") {
        if ["threshold", "n", "events"].contains(&name.as_str()) {
            continue;
        }
        let ci = &json["ci95"][name];
        let (lo, hi, v) = (f(&ci[0]), f(&ci[1]), f(value));
        assert!(lo <= v && v <= hi && lo < hi, "{name}: {v} not in [{lo}, {hi}]");
    }
    // The same seed gives the same intervals; another seed other bootstrap ones.
    assert_eq!(json_ok(&args)["ci95"], json["ci95"]);
    let other = json_ok(&[&args[..], &["--seed", "2"]].concat());
    assert_eq!(other["ci95"]["auroc"], json["ci95"]["auroc"], "DeLong's has no resampling");
    assert_ne!(other["ci95"]["brier"], json["ci95"]["brier"]);
    // No replicates: the AUROC's interval only.
    let none = json_ok(&[&args[..], &["--bootstrap", "0"]].concat());
    let names: Vec<&String> = none["ci95"].as_object().expect("ci95").keys().collect();
    assert_eq!(names, ["auroc"]);
    // The text shows the interval beside the value and says how it was computed.
    let text = stdout_ok(&args[..4]);
    let auroc = text.lines().find(|l| l.starts_with("auroc")).expect("auroc line");
    assert!(auroc.contains("95% CI 0.8"), "{auroc}");
    assert!(text.lines().any(|l| l.starts_with("95% CI: AUROC: DeLong")), "{text}");
}

#[test]
fn evaluate_gives_a_survival_model_bootstrap_intervals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("whas");
    let train = osler()
        .args(["train", "--dataset", "whas500", "--task", "survival", "--time", "lenfol"])
        .args(["--event", "fstat", "--model", "cox", "--cv", "0", "--out", path(&out)])
        .output()
        .expect("run");
    assert!(train.status.success(), "{}", String::from_utf8_lossy(&train.stderr));
    let args = ["evaluate", path(&out), "--dataset", "whas500", "--bootstrap", "200"];
    let json = json_ok(&[&args[..], &["--json"]].concat());
    for name in ["harrell_c", "uno_c", "integrated_brier"] {
        let (ci, v) = (&json["ci95"][name], f(&json["metrics"][name]));
        assert!(f(&ci[0]) < v && v < f(&ci[1]), "{name}: {v} not in {ci}");
    }
    assert!(json["ci_method"].as_str().is_some_and(|m| m.contains("200 replicates")), "{json}");
    let text = stdout_ok(&args);
    assert!(text.lines().any(|l| l.starts_with("harrell_c") && l.contains("95% CI")), "{text}");
}

#[test]
fn predict_carries_the_id_column_and_names_the_predicted_level() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = pima_model(dir.path());
    let input = write(
        dir.path(),
        "new.csv",
        "pid,pregnant,glucose,pressure,triceps,insulin,mass,pedigree,age\n\
         A7,6,98,58,33,190,34.0,0.43,43\n\
         B2,9,154,78,30,100,30.9,0.164,45\n",
    );
    let text = stdout_ok(&["predict", path(&model), "--input", path(&input), "--id", "pid"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "row,pid,probability,predicted_class");
    assert!(lines[1].starts_with("1,A7,0.") && lines[1].ends_with(",neg"), "{text}");
    assert!(lines[2].starts_with("2,B2,0.") && lines[2].ends_with(",pos"), "{text}");

    let args = ["predict", path(&model), "--input", path(&input), "--id", "pid", "--json"];
    let json = json_ok(&args);
    assert_eq!(json["id_column"], "pid");
    let rows = json["predictions"].as_array().expect("predictions");
    assert_eq!((&rows[0]["id"], &rows[1]["id"]), (&"A7".into(), &"B2".into()));
    // predicted_class stays 0/1 for programs that read it; the level is named beside it.
    assert_eq!(
        (&rows[0]["predicted_class"], &rows[0]["predicted_level"]),
        (&0.into(), &"neg".into())
    );
    assert_eq!(
        (&rows[1]["predicted_class"], &rows[1]["predicted_level"]),
        (&1.into(), &"pos".into())
    );

    // Without --id the id column is still an unknown column, and an absent one is named.
    let e = user_error(&["predict", path(&model), "--input", path(&input)]);
    assert!(e.contains("'pid'"), "{e}");
    let e = user_error(&["predict", path(&model), "--input", path(&input), "--id", "patient"]);
    assert!(e.contains("'patient'"), "{e}");
}

#[test]
fn every_json_flag_says_what_it_does() {
    let commands: [&[&str]; 10] = [
        &["train"],
        &["predict"],
        &["evaluate"],
        &["metrics"],
        &["survival", "km"],
        &["survival", "logrank"],
        &["survival", "cox"],
        &["treatment"],
        &["datasets", "list"],
        &["datasets", "show"],
    ];
    for command in commands {
        // `-h`: the one-line form, with the help text beside the flag.
        let help = stdout_ok(&[command, &["-h"]].concat());
        let line = help.lines().find(|l| l.trim_start().starts_with("--json")).expect("--json");
        assert!(line.trim_start().len() > "--json".len() + 5, "{command:?}: '{line}'");
    }
}

#[test]
fn metrics_and_survival_do_not_offer_gene_expression_flags() {
    for command in [&["metrics"][..], &["survival", "km"], &["survival", "logrank"]] {
        let help = stdout_ok(&[command, &["--help"]].concat());
        for flag in ["--expression", "--transpose", "--allow-unmatched"] {
            assert!(!help.contains(flag), "{command:?} lists {flag}");
        }
    }
    let e = user_error(&[
        "metrics",
        "--data",
        "x.csv",
        "--label",
        "y",
        "--score",
        "p",
        "--expression",
        "g.csv",
    ]);
    assert!(e.contains("--expression"), "{e}");
    // The commands that join a matrix still have them.
    assert!(stdout_ok(&["train", "--help"]).contains("--expression"));
    assert!(stdout_ok(&["predict", "--help"]).contains("--expression"));
}

#[test]
fn event_code_errors_name_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let words = write(dir.path(), "codes.csv", "t,e\n5,alive\n3,gone\n4,alive\n");
    let one_two = write(dir.path(), "r_coded.csv", "t,e\n5,1\n3,2\n4,1\n");
    for (file, fact) in [(&words, "has values alive, gone"), (&one_two, "coded 1/2")] {
        let e =
            user_error(&["survival", "km", "--data", path(file), "--time", "t", "--event", "e"]);
        assert!(e.contains(fact) && e.contains(path(file)), "{e}");
    }
    let e = user_error(&[
        "survival",
        "km",
        "--data",
        path(&one_two),
        "--time",
        "t",
        "--event",
        "e",
        "--event-level",
        "9",
    ]);
    assert!(e.contains("'9'") && e.contains(path(&one_two)), "{e}");
}

#[test]
fn only_close_column_names_are_suggested() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = write(dir.path(), "d.csv", "mass,glucose,outcome\n30,100,1\n25,90,0\n33,120,1\n");
    let out = dir.path().join("m");
    let train = |target: &str| {
        user_error(&["train", "--data", path(&data), "--target", target, "--out", path(&out)])
    };
    let e = train("age");
    assert!(e.contains("no column named 'age'") && !e.contains("did you mean"), "{e}");
    let e = train("glucos");
    assert!(e.contains("did you mean 'glucose'"), "{e}");
}
