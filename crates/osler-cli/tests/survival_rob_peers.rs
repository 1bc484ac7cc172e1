//! `osler survival` on R survival's own cases for missing values (na.omit),
//! monotone likelihood, aliased covariates, Firth's penalty and bad input.
//! Reference values: tests/reference/peers/rob_r.json (rob_r.R, R 4.2.2,
//! survival 3.5.3) and rob_firth.json (rob_firth.py); see rob.md there.
#![allow(clippy::unwrap_used)]

mod common;

use common::{f, json_ok, osler, reference, user_error};
use serde_json::Value;

fn peers(name: &str) -> String {
    reference(&format!("peers/{name}")).display().to_string()
}

fn r(case: &str) -> Value {
    let text = std::fs::read_to_string(reference("peers/rob_r.json")).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()[case].clone()
}

fn close(what: &str, got: f64, want: f64, rel: f64) {
    let d = ((got - want) / want).abs();
    assert!(d <= rel, "{what}: got {got:e}, want {want:e} (rel {d:e})");
}

/// `osler survival cox --json` on R's lung data (status 2 = dead).
fn lung_cox(extra: &[&str]) -> Value {
    let data = peers("rob_lung.csv");
    let mut args = vec![
        "survival",
        "cox",
        "--data",
        &data,
        "--time",
        "time",
        "--event",
        "status",
        "--event-level",
        "2",
        "--json",
    ];
    args.extend_from_slice(extra);
    json_ok(&args)
}

/// Coefficients (null where R has NA, with `aliased`), SEs, n, events,
/// log-likelihoods and the three tests against R's `fitinfo`.
fn check_cox(got: &Value, want: &Value, rel: f64) {
    let rows = got["coefficients"].as_array().unwrap();
    let (coef, se) = (want["coef"].as_array().unwrap(), want["se"].as_array().unwrap());
    assert_eq!(rows.len(), coef.len());
    for ((row, c), s) in rows.iter().zip(coef).zip(se) {
        match c.as_f64() {
            None => {
                assert_eq!(row["aliased"], true, "{row}");
                assert!(row["coef"].is_null() && row["se"].is_null() && row["p"].is_null());
            }
            Some(c) => {
                assert_eq!(row["aliased"], false, "{row}");
                close("coef", f(&row["coef"]), c, rel);
                close("se", f(&row["se"]), s.as_f64().unwrap(), rel);
            }
        }
    }
    assert_eq!(f(&got["n"]), f(&want["n"][0]));
    assert_eq!(f(&got["events"]), f(&want["nevent"][0]));
    assert_eq!(f(&got["n_dropped_missing"]), f(&want["n_deleted"][0]));
    assert_eq!(f(&got["missing"]["rows_dropped"]), f(&want["n_deleted"][0]));
    close("loglik", f(&got["loglik"]), f(&want["loglik"][1]), 1e-10);
    close("loglik_null", f(&got["loglik_null"]), f(&want["loglik"][0]), 1e-10);
    for (key, r) in
        [("likelihood_ratio_test", "logtest"), ("wald_test", "waldtest"), ("score_test", "sctest")]
    {
        close(key, f(&got[key]["statistic"]), f(&want[r][0]), rel);
        assert_eq!(f(&got[key]["df"]), f(&want["df"][0]), "{key}: df is the rank");
    }
}

// R survival tests/r_lung.R (lung under na.omit): coxph drops the 58 rows
// missing ph.ecog, meal.cal or wt.loss and prints "(58 observations deleted
// due to missingness)"; Efron and Breslow ties, and a stratum column with a
// missing value (ph.ecog), as coxph(... + strata(ph.ecog)).
#[test]
fn lung_cox_drops_incomplete_rows_as_na_omit() {
    let got = lung_cox(&["--covariates", "age,sex,ph.ecog,meal.cal,wt.loss"]);
    check_cox(&got, &r("lung_cox"), 1e-8);
    assert_eq!(got["missing"]["policy"], "drop");
    let per: Vec<(String, f64)> = got["missing"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["column"].as_str().unwrap().to_string(), f(&c["missing"])))
        .collect();
    assert_eq!(per, [("ph.ecog".into(), 1.0), ("meal.cal".into(), 47.0), ("wt.loss".into(), 14.0)]);
    let got = lung_cox(&["--covariates", "age,sex,ph.ecog,wt.loss", "--ties", "breslow"]);
    check_cox(&got, &r("lung_cox_breslow"), 1e-8);
    let got = lung_cox(&["--covariates", "age,meal.cal", "--strata", "ph.ecog"]);
    check_cox(&got, &r("lung_strata"), 1e-8);
    let data = peers("rob_lung.csv");
    let out = osler()
        .args(["survival", "cox", "--data", &data, "--time", "time", "--event", "status"])
        .args(["--event-level", "2", "--covariates", "age,sex,ph.ecog,meal.cal,wt.loss"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("58 observations deleted due to missingness"), "{text}");
}

// R's na.fail: `--missing fail` refuses the first missing value, naming its
// line and column (lung's first row has no wt.loss).
#[test]
fn missing_fail_refuses_naming_line_and_column() {
    let data = peers("rob_lung.csv");
    let e = user_error(&[
        "survival",
        "cox",
        "--data",
        &data,
        "--time",
        "time",
        "--event",
        "status",
        "--event-level",
        "2",
        "--covariates",
        "age,wt.loss",
        "--missing",
        "fail",
    ]);
    assert!(e.contains("line 2") && e.contains("'wt.loss'") && e.contains("missing"), "{e}");
    let e = user_error(&[
        "survival",
        "km",
        "--data",
        &data,
        "--time",
        "time",
        "--event",
        "status",
        "--event-level",
        "2",
        "--group",
        "ph.ecog",
        "--missing",
        "fail",
    ]);
    assert!(e.contains("'ph.ecog'") && e.contains("missing"), "{e}");
}

// R survival: survfit(Surv(time, status) ~ ph.ecog, lung) and
// survdiff(Surv(time, status) ~ ph.ecog, lung) drop the one patient without
// ph.ecog (survfit's na.action), as osler km and logrank do by default.
#[test]
fn km_and_logrank_drop_the_row_without_a_group() {
    let data = peers("rob_lung.csv");
    let base = ["survival", "km", "--data", &data, "--time", "time", "--event", "status", "--json"];
    let km = json_ok(&[&base[..], &["--event-level", "2", "--group", "ph.ecog"]].concat());
    let want = r("lung_km_ecog");
    let n: Vec<f64> = km["groups"].as_array().unwrap().iter().map(|g| f(&g["n"])).collect();
    let r_n: Vec<f64> = want["n"].as_array().unwrap().iter().map(f).collect();
    assert_eq!(n, r_n);
    assert_eq!(f(&km["missing"]["rows_dropped"]), f(&want["n_deleted"][0]));
    let mut args = base.to_vec();
    args[1] = "logrank";
    let lr = json_ok(&[&args[..], &["--event-level", "2", "--group", "ph.ecog"]].concat());
    let want = r("lung_logrank_ecog");
    close("chisq", f(&lr["chisq"]), f(&want["chisq"][0]), 1e-10);
    for key in ["n", "observed", "expected"] {
        let got: Vec<f64> = lr[key].as_array().unwrap().iter().map(f).collect();
        let exp: Vec<f64> = want[key].as_array().unwrap().iter().map(f).collect();
        for (g, w) in got.iter().zip(&exp) {
            close(key, *g, *w, 1e-10);
        }
    }
    assert_eq!(f(&lr["missing"]["rows_dropped"]), 1.0);
}

// R survival tests/infcox.R: "Loglik converged before variable 1,2;
// coefficient may be infinite": the fit is returned, both coefficients
// flagged, with R's log-likelihood and tests.
#[test]
fn infcox_warns_and_flags_both_coefficients() {
    let data = peers("rob_infcox.csv");
    let got = json_ok(&[
        "survival", "cox", "--data", &data, "--time", "futime", "--event", "fustat", "--json",
    ]);
    let want = r("infcox");
    for row in got["coefficients"].as_array().unwrap() {
        assert_eq!(row["infinite"], true, "{row}");
        assert!(f(&row["coef"]) < -22.0, "{row}");
    }
    let warnings: Vec<&str> =
        got["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert_eq!(warnings.len(), 2);
    assert!(warnings[0].contains("'x1'") && warnings[0].contains("infinite"), "{warnings:?}");
    assert!(warnings[1].contains("'x2'") && warnings[1].contains("Firth"), "{warnings:?}");
    close("loglik", f(&got["loglik"]), f(&want["loglik"][1]), 1e-8);
    close("LR", f(&got["likelihood_ratio_test"]["statistic"]), f(&want["logtest"][0]), 1e-8);
    close("score", f(&got["score_test"]["statistic"]), f(&want["sctest"][0]), 1e-10);
}

// R survival tests/singtest.R: factor(epoch) is aliased on these
// (start, stop] rows (R: NA for coefficients 2:4); the four rows with a
// missing status are dropped. And an exact linear combination on lung.
#[test]
fn aliased_covariates_are_null_with_a_warning() {
    let data = peers("rob_singtest.csv");
    let got = json_ok(&[
        "survival", "cox", "--data", &data, "--start", "start", "--time", "stop", "--event",
        "status", "--json",
    ]);
    check_cox(&got, &r("singtest"), 1e-8);
    let warned: Vec<&str> =
        got["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert_eq!(warned.len(), 3);
    assert!(warned.iter().all(|w| w.contains("aliased")), "{warned:?}");
    let got = lung_cox(&["--covariates", "age,sex,z", "--ph-test"]);
    check_cox(&got, &r("lung_alias"), 1e-8);
    assert!(got["warnings"][0].as_str().unwrap().contains("'z'"));
    // The proportional-hazards test covers the fitted covariates.
    let ph: Vec<&str> = got["ph_test"]["covariates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(ph, ["age", "sex"]);
}

// Firth's penalised likelihood (Heinze & Schemper 2001) on infcox.R's
// separated data: finite coefficients equal to rob_firth.py's maximum of
// l(b) + 0.5 log|I(b)|, with the penalised log-likelihoods.
#[test]
fn firth_gives_finite_estimates_on_separated_data() {
    let data = peers("rob_infcox.csv");
    let text = std::fs::read_to_string(reference("peers/rob_firth.json")).unwrap();
    let want = &serde_json::from_str::<Value>(&text).unwrap()["infcox_efron"];
    let got = json_ok(&[
        "survival", "cox", "--data", &data, "--time", "futime", "--event", "fustat", "--firth",
        "--json",
    ]);
    assert_eq!(got["firth"], true);
    assert!(got["warnings"].as_array().unwrap().is_empty());
    for (j, row) in got["coefficients"].as_array().unwrap().iter().enumerate() {
        assert_eq!(row["infinite"], false);
        close("coef", f(&row["coef"]), f(&want["coef"][j]), 1e-8);
        close("se", f(&row["se"]), f(&want["se"][j]), 1e-8);
    }
    close("penalised loglik", f(&got["loglik"]), f(&want["penalized_loglik"]), 1e-10);
    close("null", f(&got["loglik_null"]), f(&want["penalized_loglik_null"]), 1e-10);
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

// The bad input, for every survival command: a zero time (R and
// lifelines accept it; osler refuses it, see docs/conventions.md), an event
// code other than the declared ones (R's Surv turns status 3 into NA with a
// warning; osler refuses it), negative and missing weights (R coxph:
// "Invalid weights, must be >0"): each names its line and column.
#[test]
fn bad_survival_input_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let zero = write(d, "zero.csv", "time,status,g,x\n5,1,a,1\n0,1,b,2\n3,0,a,1\n4,1,b,3\n");
    for cmd in ["km", "logrank", "cox"] {
        let e = user_error(&[
            "survival", cmd, "--data", &zero, "--time", "time", "--event", "status", "--group", "g",
        ]);
        assert!(e.contains("line 3") && e.contains("'time'") && e.contains("time is 0"), "{e}");
    }
    let codes = write(d, "codes.csv", "time,status,g,x\n5,2,a,1\n2,1,b,2\n3,3,a,1\n4,2,b,3\n");
    for cmd in ["km", "logrank", "cox"] {
        let e = user_error(&[
            "survival",
            cmd,
            "--data",
            &codes,
            "--time",
            "time",
            "--event",
            "status",
            "--event-level",
            "2",
            "--group",
            "g",
        ]);
        assert!(e.contains("line 4") && e.contains("'status'") && e.contains("1, 2, 3"), "{e}");
    }
    let weighted_cox = |data: &str| -> Vec<String> {
        ["survival", "cox", "--data", data, "--time", "time", "--event", "status"]
            .into_iter()
            .chain(["--weights", "w", "--covariates", "x", "--json"])
            .map(String::from)
            .collect()
    };
    let w = write(d, "w.csv", "time,status,w,x\n5,1,1,1\n2,0,-0.5,2\n3,1,1,1\n4,1,2,3\n");
    let args = weighted_cox(&w);
    let e = user_error(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("line 3") && e.contains("'w'") && e.contains("weight -0.5"), "{e}");
    let w = write(d, "wna.csv", "time,status,w,x\n5,1,1,1\n2,0,,2\n3,1,1,1\n4,1,2,3\n");
    let owned = weighted_cox(&w);
    let args: Vec<&str> = owned.iter().map(String::as_str).collect();
    let e = user_error(&[&args[..], &["--missing", "fail"]].concat());
    assert!(e.contains("line 3") && e.contains("'w'") && e.contains("weight is missing"), "{e}");
    let got = json_ok(&args);
    assert_eq!((f(&got["n"]), f(&got["missing"]["rows_dropped"])), (3.0, 1.0));
    // Cox and log-rank need events; all censored is refused.
    let cens = write(d, "cens.csv", "time,status,g,x\n5,0,a,1\n2,0,b,2\n");
    for cmd in ["logrank", "cox"] {
        let e = user_error(&[
            "survival", cmd, "--data", &cens, "--time", "time", "--event", "status", "--group", "g",
        ]);
        assert!(e.contains("censored"), "{e}");
    }
}
