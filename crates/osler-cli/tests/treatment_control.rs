//! `osler treatment` picks the control arm from `--control` or from an
//! unambiguous coding, never from sorted order: gbsg2's hormone-therapy arms
//! renamed `drug` (yes) and `placebo` (no) give R's hazard ratio 0.695 of the
//! drug, not its inverse, and say which arm is the reference in the text,
//! the JSON and the report; levels whose coding does not say are refused.

mod common;

use std::path::Path;

use common::{f, json_ok, osler, user_error};

/// gbsg2 with its `horTh` levels renamed (`no` -> `control`, `yes` -> `treated`),
/// written to `dir/name`.
fn gbsg2_arms(dir: &Path, name: &str, control: &str, treated: &str) -> String {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/gbsg2/data.csv");
    let text = std::fs::read_to_string(data).expect("gbsg2 data.csv");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    let arm = header.split(',').position(|c| c == "horTh").expect("horTh column");
    let mut out = format!("{header}\n");
    for line in lines {
        let mut cells: Vec<&str> = line.split(',').collect();
        cells[arm] = match cells[arm] {
            "no" => control,
            "yes" => treated,
            other => panic!("unexpected horTh level {other}"),
        };
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    let p = dir.join(name);
    std::fs::write(&p, out).expect("write csv");
    p.to_string_lossy().into_owned()
}

fn args<'a>(data: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["treatment", "--data", data, "--arm", "horTh", "--time", "time"];
    a.extend(["--event", "cens"]);
    a.extend(extra);
    a
}

#[test]
fn placebo_is_the_control_although_drug_sorts_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = gbsg2_arms(dir.path(), "trial.csv", "placebo", "drug");
    let html = dir.path().join("trial.html");
    let html_arg = html.to_string_lossy().into_owned();

    let v = json_ok(&args(&data, &["--json", "--report", &html_arg]));
    // R: coxph(Surv(time, cens) ~ horTh, gbsg2) gives exp(coef) 0.6949 for yes vs no.
    let hr = f(&v["hazard_ratio"]["estimate"]);
    assert!((hr - 0.694_884_326_657_678_2).abs() < 1e-9, "drug vs placebo HR {hr}");
    assert_eq!(v["arm"]["reference"], "placebo");
    assert_eq!(v["arm"]["treated"], "drug");
    assert_eq!(v["arm"]["reference_chosen_by"], "coding");
    assert!(f(&v["rmst"]["difference"]["estimate"]) > 0.0, "drug lengthens RMST");

    let report = std::fs::read_to_string(&html).expect("report");
    assert!(
        report.contains(
            "horTh = drug (treated) vs placebo (reference: recognised as the control arm from \
             its coding)"
        ),
        "the report names the reference arm"
    );

    let out = osler().args(args(&data, &[])).output().expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().next(),
        Some(
            "686 patients: arm 'horTh' = drug (treated) vs placebo (reference, recognised as the \
             control arm from its coding)"
        ),
        "{text}"
    );
}

#[test]
fn codings_in_any_case_and_order_mark_the_control() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (control, treated) in
        [("0", "1"), ("No", "Yes"), ("FALSE", "TRUE"), ("usual care", "arm B")]
    {
        let data = gbsg2_arms(dir.path(), "coded.csv", control, treated);
        let v = json_ok(&args(&data, &["--json"]));
        assert_eq!(v["arm"]["reference"], control, "{control}/{treated}");
        assert!(f(&v["hazard_ratio"]["estimate"]) < 1.0, "{control}/{treated}");
    }
}

#[test]
fn levels_without_a_control_coding_are_refused_until_one_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = gbsg2_arms(dir.path(), "ab.csv", "B", "A");
    let html = dir.path().join("never.html");
    let html_arg = html.to_string_lossy().into_owned();
    let e = user_error(&args(&data, &["--report", &html_arg]));
    assert!(
        e.contains("arm column 'horTh' has levels A and B")
            && e.contains("neither is recognisably the control arm")
            && e.contains("--control A or --control B"),
        "{e}"
    );
    assert!(!html.exists(), "no report after an error");

    let v = json_ok(&args(&data, &["--control", "B", "--json"]));
    assert_eq!((&v["arm"]["reference"], &v["arm"]["treated"]), (&"B".into(), &"A".into()));
    assert_eq!(v["arm"]["reference_chosen_by"], "given");
    assert!(f(&v["hazard_ratio"]["estimate"]) < 1.0);

    // Two control words are no coding either.
    let data = gbsg2_arms(dir.path(), "two.csv", "placebo", "control");
    let e = user_error(&args(&data, &[]));
    assert!(e.contains("--control control or --control placebo"), "{e}");

    let e = user_error(&args(&data, &["--control", "standard"]));
    assert!(e.contains("'standard' is not a level of arm column 'horTh'"), "{e}");
}
