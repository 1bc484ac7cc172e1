//! Progress on stderr when it is not a terminal (a pipe here, as in a log or
//! a CI job): plain lines naming the step, its percent and the elapsed time;
//! none with `--quiet` or `--json`.

mod common;

use common::osler;

/// `osler train` of Pima's logistic model with `extra` flags: its stderr.
fn train_stderr(extra: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("model");
    let run = osler()
        .args(["train", "--dataset", "pima-diabetes", "--model", "logistic", "--seed", "3"])
        .args(["--bootstrap", "300", "--out"])
        .arg(&out)
        .args(extra)
        .output()
        .expect("run osler");
    let err = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{err}");
    err
}

/// Whether `line` reads `"{step}: {percent}% ({done}/{total}), {seconds} s"`.
fn is_progress_line(line: &str, step: &str) -> bool {
    let Some(rest) = line.strip_prefix(step).and_then(|r| r.strip_prefix(": ")) else {
        return false;
    };
    let Some((percent, rest)) = rest.split_once("% (") else { return false };
    let Some((_, seconds)) = rest.split_once("), ") else { return false };
    percent.parse::<u32>().is_ok_and(|p| p <= 100)
        && seconds.strip_suffix(" s").is_some_and(|s| s.parse::<f64>().is_ok())
}

#[test]
fn a_piped_training_run_prints_plain_progress_lines() {
    let err = train_stderr(&[]);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.iter().any(|l| is_progress_line(l, "cross-validating") && l.contains("100% (5/5)")),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| is_progress_line(l, "bootstrap of the intervals")
                && l.contains("100% (300/300)")),
        "{err}"
    );
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "no bar drawing on a pipe: {err:?}");
}

#[test]
fn quiet_and_json_runs_print_no_progress() {
    for flag in ["--quiet", "--json"] {
        let err = train_stderr(&[flag]);
        assert!(
            !err.contains("cross-validating") && !err.contains("bootstrap of"),
            "{flag}: {err}"
        );
    }
}
