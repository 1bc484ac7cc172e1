//! Cox fits on R survival's own test cases for monotone likelihood and
//! aliased covariates (`Singular::Report`, R `coxph`'s behaviour), and
//! Firth's penalised fit against an independent implementation. Values:
//! tests/reference/peers/rob_r.json (rob_r.R, R 4.2.2, survival 3.5.3) and
//! rob_firth.json (rob_firth.py); see tests/reference/peers/rob.md.
#![allow(clippy::unwrap_used)]

use osler_data::Matrix;
use osler_models::survival::{CoxModel, CoxOptions, Singular, Ties};
use serde_json::Value;

const PEERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/reference/peers/");

fn json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{PEERS}{name}")).unwrap()).unwrap()
}

/// The complete rows of `columns` of an R `write.csv` file (quoted header,
/// empty cells for NA), column by column.
fn complete(name: &str, columns: &[&str]) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(format!("{PEERS}{name}")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> =
        lines.next().unwrap().split(',').map(|h| h.trim_matches('"').to_string()).collect();
    let idx: Vec<usize> =
        columns.iter().map(|c| header.iter().position(|h| h == c).unwrap()).collect();
    let mut out = vec![Vec::new(); columns.len()];
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if idx.iter().all(|&j| !cells[j].is_empty()) {
            for (col, &j) in out.iter_mut().zip(&idx) {
                col.push(cells[j].parse().unwrap());
            }
        }
    }
    out
}

fn floats(v: &Value) -> Vec<Option<f64>> {
    v.as_array().unwrap().iter().map(Value::as_f64).collect()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn close(what: &str, got: f64, want: f64, rel: f64) {
    let d = ((got - want) / want).abs();
    assert!(d <= rel, "{what}: got {got:e}, want {want:e} (rel {d:e})");
}

/// Fits `time`, `event` (0/1 after `event_level`), `covariates` of a data
/// set with `opts`; with `start`, (start, stop] rows.
fn fit(
    file: &str,
    start: Option<&str>,
    outcome: [&str; 2],
    event_level: f64,
    covariates: &[&str],
    opts: CoxOptions,
    firth: bool,
) -> (CoxModel, Vec<usize>, Vec<usize>) {
    let mut names: Vec<&str> = outcome.to_vec();
    names.extend(start);
    names.extend_from_slice(covariates);
    let cols = complete(file, &names);
    let (time, k) = (cols[0].clone(), if start.is_some() { 3 } else { 2 });
    let event: Vec<f64> = cols[1].iter().map(|&e| f64::from(e == event_level)).collect();
    let opts = CoxOptions { start: start.map(|_| cols[2].clone()), ..opts };
    let x = Matrix::from_columns(&cols[k..]).unwrap();
    let f = if firth {
        CoxModel::fit_firth_deferred(&x, &time, &event, &opts)
    } else {
        CoxModel::fit_deferred(&x, &time, &event, &opts)
    }
    .unwrap();
    let (aliased, infinite) = (f.aliased().to_vec(), f.infinite().to_vec());
    (f.with_concordance(), aliased, infinite)
}

fn reported() -> CoxOptions {
    CoxOptions { singular: Singular::Report, ..CoxOptions::default() }
}

// R survival tests/infcox.R: both covariates separate the three events; R
// warns "Loglik converged before variable 1,2" and returns coefficients
// below -22 whose log-likelihood is the closed form of the test.
#[test]
fn infcox_returns_the_last_iterate_with_both_coefficients_flagged() {
    let r = &json("rob_r.json")["infcox"];
    let (m, aliased, infinite) =
        fit("rob_infcox.csv", None, ["futime", "fustat"], 1.0, &["x1", "x2"], reported(), false);
    assert_eq!((aliased, infinite), (vec![], vec![0, 1]));
    let b = m.coefficients();
    assert!(b.iter().all(|&v| v < -22.0), "{b:?}");
    // infcox.R's `true(beta)`: the log-likelihood in closed form.
    let (r1, r2) = (b[0].exp(), b[1].exp());
    let truth = -(3.0 * (1.0 + r1 + r2 + r1 * r2)).ln()
        - (2.0 + 2.0 * r1 + 3.0 * r2 + 3.0 * r1 * r2).ln()
        - (1.0 + r1 + 3.0 * r2 + 3.0 * r1 * r2).ln();
    close("loglik = true(coef)", m.loglik(), truth, 1e-12);
    let ll = floats(&r["loglik"]);
    close("loglik_null", m.loglik_null(), ll[0].unwrap(), 1e-12);
    close("loglik", m.loglik(), ll[1].unwrap(), 1e-8);
    close("score test", m.score_test().statistic, num(&r["sctest"][0]), 1e-12);
    close("LR test", m.likelihood_ratio_test().statistic, num(&r["logtest"][0]), 1e-8);
    // The default still refuses, naming the first diverging feature.
    let x = Matrix::from_columns(&complete("rob_infcox.csv", &["x1", "x2"])).unwrap();
    let c = complete("rob_infcox.csv", &["futime", "fustat"]);
    let e = CoxModel::fit(&x, &c[0], &c[1], &CoxOptions::default()).unwrap_err();
    assert!(matches!(e, osler_models::ModelError::Diverges { feature: 0, direction: "-" }));
}

// One separating covariate (sep = fustat on R's ovarian data) beside a
// finite one: R flags sep only; age tends to its fit on the events alone
// (rob_r.R's ovarian_sep_limit), which R's own iterate already equals to 2e-11.
#[test]
fn a_finite_coefficient_beside_an_infinite_one_reaches_its_limit() {
    let r = json("rob_r.json");
    let cov = ["age", "sep"];
    let (m, _, infinite) =
        fit("rob_ovarian_sep.csv", None, ["futime", "fustat"], 1.0, &cov, reported(), false);
    assert_eq!(infinite, [1]);
    let limit = &r["ovarian_sep_limit"];
    close("age", m.coefficients()[0], num(&limit["coef"][0]), 1e-9);
    close("age se", m.std_errors()[0], num(&limit["se"][0]), 1e-9);
    close("age (R's iterate)", m.coefficients()[0], num(&r["ovarian_sep"]["coef"][0]), 1e-9);
    close("loglik", m.loglik(), num(&limit["loglik"][1]), 1e-10);
    assert!(m.coefficients()[1] > 20.0);
}

/// Coefficients (None where R has NA), model-based SEs, log-likelihoods
/// and the three tests of a reported fit against R's `fitinfo`.
fn check_against_r(m: &CoxModel, aliased: &[usize], r: &Value, rel: f64) {
    let (coef, se) = (floats(&r["coef"]), floats(&r["se"]));
    let na: Vec<usize> = (0..coef.len()).filter(|&j| coef[j].is_none()).collect();
    assert_eq!(aliased, na.as_slice());
    let kept: Vec<usize> = (0..coef.len()).filter(|j| !na.contains(j)).collect();
    for (k, &j) in kept.iter().enumerate() {
        close("coef", m.coefficients()[k], coef[j].unwrap(), rel);
        close("se", m.std_errors()[k], se[j].unwrap(), rel);
    }
    let ll = floats(&r["loglik"]);
    close("loglik_null", m.loglik_null(), ll[0].unwrap(), 1e-12);
    close("loglik", m.loglik(), ll[1].unwrap(), 1e-12);
    assert_eq!(m.n_obs() as f64, num(&r["n"][0]));
    assert_eq!(m.n_events(), num(&r["nevent"][0]));
    for (got, key) in [
        (m.likelihood_ratio_test(), "logtest"),
        (m.wald_test(), "waldtest"),
        (m.score_test(), "sctest"),
    ] {
        close(key, got.statistic, num(&r[key][0]), rel);
        assert_eq!(got.df as f64, num(&r["df"][0]), "{key} df = the rank, as R");
    }
}

// R survival tests/singtest.R: on these (start, stop] rows factor(epoch)'s
// three columns are constant within every risk set, so R gives them NA
// (coefficients 2:4) and fits x and the interactions; the rows whose status
// is NA are dropped (na.omit).
#[test]
fn singtest_aliased_columns_get_no_coefficient() {
    let cov = ["x", "epoch2", "epoch3", "epoch4", "x_epoch2", "x_epoch3", "x_epoch4"];
    let (m, aliased, infinite) =
        fit("rob_singtest.csv", Some("start"), ["stop", "status"], 1.0, &cov, reported(), false);
    assert!(infinite.is_empty());
    check_against_r(&m, &aliased, &json("rob_r.json")["singtest"], 1e-8);
}

// An exact linear combination (z = age + 2 sex on R's lung data), as
// singtest.R's "overdetermined system": z is NA, age and sex are fitted.
#[test]
fn lung_linear_combination_is_aliased() {
    let (m, aliased, _) =
        fit("rob_lung.csv", None, ["time", "status"], 2.0, &["age", "sex", "z"], reported(), false);
    check_against_r(&m, &aliased, &json("rob_r.json")["lung_alias"], 1e-8);
}

// Firth's penalised likelihood on the separated data of R's infcox.R and on
// ovarian with sep = fustat (finite where the plain fit diverges), on
// singtest.R's tied (start, stop] rows, and on the two examples of coxphf's
// documentation (man/coxphf.Rd: `sim`, monotone in x, and `test2`), both
// ties methods; rob_firth.py maximises l(b) + 0.5 log|I(b)| independently
// (complex-step gradient).
#[test]
fn firth_matches_the_independent_penalised_fit() {
    let f = json("rob_firth.json");
    type Case<'a> = (&'a str, &'a str, Option<&'a str>, [&'a str; 2], &'a [&'a str]);
    let cases: [Case; 5] = [
        ("infcox", "rob_infcox.csv", None, ["futime", "fustat"], &["x1", "x2"]),
        ("ovarian_sep", "rob_ovarian_sep.csv", None, ["futime", "fustat"], &["age", "sep"]),
        ("singtest_x", "rob_singtest.csv", Some("start"), ["stop", "status"], &["x", "x_epoch2"]),
        ("coxphf_sim", "rob_coxphf_sim.csv", None, ["time", "cens"], &["x"]),
        ("coxphf_test2", "rob_coxphf_test2.csv", Some("start"), ["stop", "event"], &["x"]),
    ];
    for (name, file, start, outcome, cov) in cases {
        for (ties, key) in [(Ties::Efron, "efron"), (Ties::Breslow, "breslow")] {
            let want = &f[format!("{name}_{key}")];
            let opts = CoxOptions { ties, ..CoxOptions::default() };
            let (m, _, _) = fit(file, start, outcome, 1.0, cov, opts, true);
            for j in 0..cov.len() {
                close("coef", m.coefficients()[j], num(&want["coef"][j]), 1e-8);
                close("se", m.std_errors()[j], num(&want["se"][j]), 1e-8);
            }
            close("penalised loglik", m.loglik(), num(&want["penalized_loglik"]), 1e-10);
            close("null", m.loglik_null(), num(&want["penalized_loglik_null"]), 1e-10);
            assert!(m.coefficients().iter().all(|b| b.is_finite() && b.abs() < 10.0));
        }
    }
}
