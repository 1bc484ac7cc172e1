//! The Cox model against R survival 3.5.3 and lifelines 0.30.0 on their
//! own test cases (issue 12, items 3, 4 and 13): the baseline hazard that
//! follows the ties method, `cox.zph` as survival >= 3.0 computes it, and
//! the exact partial likelihood. Reference values:
//! tests/reference/peers/cox_reference.json (`cox_reference.R`) and
//! cox_zph_approximate.json (`cox_zph_approximate.py`); see cox.md there.
#![allow(clippy::unwrap_used)]

#[path = "survival_common.rs"]
mod common;

use common::{Csv, REF, check_rel, floats};
use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::survival::{
    BaselineType, CoxModel, CoxOptions, PhMethod, PhTestOptions, PhTransform, ProportionalHazards,
    Ties,
};
use serde_json::Value;

/// Iterative fits agree with R to this relative tolerance (both converged
/// to ~1e-14).
const TOL: f64 = 1e-6;

fn reference(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{REF}peers/{name}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn peers_csv(name: &str) -> Csv {
    Csv::read(&format!("../peers/{name}"))
}

/// A data set: covariates, time, event and (optionally) start and strata.
struct Set {
    x: Matrix,
    time: Vec<f64>,
    event: Vec<f64>,
    start: Option<Vec<f64>>,
    strata: Option<Vec<u32>>,
}

fn set(csv: &Csv, time: &str, event: &str, cols: &[&str]) -> Set {
    let columns: Vec<Vec<f64>> = cols.iter().map(|c| csv.num(c)).collect();
    Set {
        x: Matrix::from_columns(&columns).unwrap(),
        time: csv.num(time),
        event: csv.num(event),
        start: None,
        strata: None,
    }
}

fn codes(v: &[f64]) -> Vec<u32> {
    v.iter().map(|&c| c as u32).collect()
}

fn rossi(cols: &[&str]) -> Set {
    set(&Csv::read("lifelines_rossi.csv"), "week", "arrest", cols)
}

const ROSSI_ALL: [&str; 7] = ["fin", "age", "race", "wexp", "mar", "paro", "prio"];

impl Set {
    fn opts(&self, ties: Ties) -> CoxOptions {
        CoxOptions {
            ties,
            start: self.start.clone(),
            strata: self.strata.clone(),
            ..CoxOptions::default()
        }
    }
    fn fit(&self, ties: Ties) -> CoxModel {
        CoxModel::fit(&self.x, &self.time, &self.event, &self.opts(ties)).unwrap()
    }
    /// `cox.zph` chi-squares (per covariate, then global).
    fn zph(&self, ties: Ties, transform: PhTransform, method: PhMethod) -> Vec<f64> {
        let m = self.fit(ties);
        let test = PhTestOptions { transform, method };
        let opts = self.opts(ties);
        let ph = m.proportional_hazards_test_with(&self.x, &self.time, &self.event, &opts, &test);
        let ph = ph.unwrap();
        assert_eq!((ph.transform, ph.method), (transform, method));
        let mut out: Vec<f64> = ph.covariates.iter().map(|r| r.test.statistic).collect();
        out.push(ph.global.statistic);
        out
    }
}

fn test1() -> Set {
    set(&peers_csv("cox_test1.csv"), "time", "status", &["x"])
}

const TRANSFORMS: [(PhTransform, &str); 4] = [
    (PhTransform::Km, "km"),
    (PhTransform::Rank, "rank"),
    (PhTransform::Identity, "identity"),
    (PhTransform::Log, "log"),
];

// R survival tests/book1.R, book2.R (Therneau & Grambsch's test1):
// survfit.coxph's default ctype follows the ties method, so after an Efron
// fit S(6 | x = 0) = 0.694 (Efron-type hazard), after Breslow 0.717.
#[test]
fn r_book_test1_survival_follows_the_ties_method() {
    let r = reference("cox_reference.json");
    let d = test1();
    for (ties, key, kind) in [
        (Ties::Efron, "test1_efron", BaselineType::Efron),
        (Ties::Breslow, "test1_breslow", BaselineType::Breslow),
    ] {
        let e = &r["baseline"][key];
        let m = d.fit(ties);
        assert_eq!(m.baseline_type(), kind);
        check_rel(key, m.coefficients(), &[e["coef"].as_f64().unwrap()], TOL);
        let times = floats(&e["times"]);
        let x = Matrix::from_columns(&[vec![0.0, 1.0]]).unwrap();
        let s = m.predict_survival(&x, &times).unwrap();
        check_rel(&format!("{key} x=0"), &s[0], &floats(&e["surv_x0"]), TOL);
        check_rel(&format!("{key} x=1"), &s[1], &floats(&e["surv_x1"]), TOL);
    }
    let s6 = test1().fit(Ties::Efron).predict_survival(&Matrix::zeros(1, 1), &[6.0]).unwrap();
    assert!((s6[0][0] - 0.694).abs() < 5e-4, "{}", s6[0][0]);
}

// R survival tests/book2.R style survfit(fit, newdata) on rossi (the
// lifelines data set), Efron and Breslow fits.
#[test]
fn r_rossi_survival_at_new_data_follows_the_ties_method() {
    let r = reference("cox_reference.json");
    let d = rossi(&["fin", "age", "prio"]);
    for (ties, key) in [(Ties::Efron, "rossi_efron"), (Ties::Breslow, "rossi_breslow")] {
        let e = &r["baseline"][key];
        let m = d.fit(ties);
        check_rel(key, m.coefficients(), &floats(&e["coef"]), TOL);
        let rows: Vec<Vec<f64>> = e["newdata"].as_array().unwrap().iter().map(floats).collect();
        let cols: Vec<Vec<f64>> = (0..3).map(|j| rows.iter().map(|r| r[j]).collect()).collect();
        let x = Matrix::from_columns(&cols).unwrap();
        let s = m.predict_survival(&x, &floats(&e["times"])).unwrap();
        for (i, want) in e["surv"].as_array().unwrap().iter().enumerate() {
            check_rel(&format!("{key} row {i}"), &s[i], &floats(want), TOL);
        }
    }
}

// A model saved before the baseline choice was recorded predicted with the
// Breslow-type hazard whatever its ties: it keeps doing so when loaded.
#[test]
fn models_saved_without_the_baseline_choice_keep_breslow_predictions() {
    let m = test1().fit(Ties::Efron);
    let mut json: Value = serde_json::to_value(&m).unwrap();
    assert_eq!(json["baseline_type"], "Efron");
    json.as_object_mut().unwrap().remove("baseline_type");
    let old: CoxModel = serde_json::from_value(json).unwrap();
    assert_eq!(old.baseline_type(), BaselineType::Breslow);
    let x = Matrix::zeros(1, 1);
    let times = [1.0, 6.0, 9.0];
    let want = m.baseline_cumhaz(0, &times, BaselineType::Breslow).unwrap();
    let got = old.predict_survival(&x, &times).unwrap();
    for (s, h) in got[0].iter().zip(&want) {
        assert_eq!(*s, (-h).exp());
    }
}

// R survival tests/zph.R: test1 with Breslow and Efron fits; the score
// test computed by hand there, for each of R's transforms.
#[test]
fn r_zph_test1_score_test_each_transform() {
    let r = reference("cox_reference.json");
    let d = test1();
    for (ties, name) in [(Ties::Efron, "efron"), (Ties::Breslow, "breslow")] {
        for (tr, tname) in TRANSFORMS {
            let want = chisq(&r["zph"][format!("test1_{name}_{tname}")]["chisq"]);
            let got = d.zph(ties, tr, PhMethod::Score);
            check_rel(&format!("test1 {name} {tname}"), &got[..1], &want, TOL);
        }
    }
}

// R survival tests/zph.R: test1 doubled into two strata, as (0, t] rows:
// the statistic doubles (fit6, zp6).
#[test]
fn r_zph_test2_strata_with_entry_times() {
    let r = reference("cox_reference.json");
    let one = test1();
    let n = one.time.len();
    let twice = |v: &[f64]| [v, v].concat();
    let d = Set {
        x: Matrix::from_columns(&[twice(one.x.col(0))]).unwrap(),
        time: twice(&one.time),
        event: twice(&one.event),
        start: Some(vec![0.0; 2 * n]),
        strata: Some((0..2 * n).map(|i| u32::from(i >= n)).collect()),
    };
    let got = d.zph(Ties::Efron, PhTransform::Log, PhMethod::Score);
    check_rel("test2", &got[..1], &chisq(&r["zph"]["test2_strata_entry_log"]["chisq"]), TOL);
}

/// `[chisq...]` of a reference entry (a single number or an array).
fn chisq(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(_) => floats(v),
        _ => vec![v.as_f64().unwrap()],
    }
}

// The example (rossi `fin`: 0.062 by survival >= 3.0 against the
// approximation's 0.005) and every transform: R cox.zph on rossi.
#[test]
fn r_zph_rossi_every_transform_and_breslow() {
    let r = reference("cox_reference.json");
    let d = rossi(&ROSSI_ALL);
    for (tr, tname) in TRANSFORMS {
        let got = d.zph(Ties::Efron, tr, PhMethod::Score);
        check_rel(
            &format!("rossi {tname}"),
            &got,
            &chisq(&r["zph"][format!("rossi_{tname}")]["chisq"]),
            TOL,
        );
    }
    let got = d.zph(Ties::Breslow, PhTransform::Km, PhMethod::Score);
    check_rel("rossi breslow", &got, &chisq(&r["zph"]["rossi_breslow_km"]["chisq"]), TOL);
    assert!((got[0] - 0.062).abs() < 0.01);
}

// R cox.zph with strata (veteran by cell type) and on (start, stop] rows
// (R tests/zph.R's veteran split at day 150).
#[test]
fn r_zph_veteran_strata_and_counting_process() {
    let r = reference("cox_reference.json");
    let csv = peers_csv("cox_veteran.csv");
    let mut d = set(&csv, "time", "status", &["karno", "age", "diagtime"]);
    d.strata = Some(codes(&csv.num("celltype")));
    for (tr, tname) in [(PhTransform::Km, "km"), (PhTransform::Identity, "identity")] {
        let got = d.zph(Ties::Efron, tr, PhMethod::Score);
        let want = chisq(&r["zph"][format!("veteran_strata_{tname}")]["chisq"]);
        check_rel(&format!("veteran strata {tname}"), &got, &want, TOL);
    }
    let csv = peers_csv("cox_veteran_split.csv");
    let mut d = set(&csv, "time", "status", &["karno", "age", "trt"]);
    d.start = Some(csv.num("tstart"));
    for (tr, tname) in
        [(PhTransform::Km, "km"), (PhTransform::Rank, "rank"), (PhTransform::Log, "log")]
    {
        let got = d.zph(Ties::Efron, tr, PhMethod::Score);
        let want = chisq(&r["zph"][format!("veteran_split_{tname}")]["chisq"]);
        check_rel(&format!("veteran split {tname}"), &got, &want, TOL);
    }
}

// lifelines tests/test_statistics.py::test_proportional_hazard_test_with_weights
// and ::test_proportional_hazard_test_with_strata_weights_and_strata (their R
// calls, at full precision).
#[test]
fn lifelines_zph_with_case_weights_and_strata() {
    let r = reference("cox_reference.json");
    let var1 = vec![0.209325, 0.693919, 0.443804, 0.065636, 0.386294];
    let time = vec![5.269797, 6.601666, 7.335846, 11.684092, 12.678458];
    let w = vec![1.0, 0.5, 2.0, 1.0, 1.0];
    let x = Matrix::from_columns(&[var1]).unwrap();
    let event = vec![1.0; 5];
    for (strata, prefix, transforms) in [
        (None, "lifelines_weights", &TRANSFORMS[..]),
        (
            Some(vec![1, 1, 0, 0, 0]),
            "lifelines_weights_strata",
            &[TRANSFORMS[0], TRANSFORMS[2]][..],
        ),
    ] {
        let opts = CoxOptions { weights: Some(w.clone()), strata, ..CoxOptions::default() };
        let m = CoxModel::fit(&x, &time, &event, &opts).unwrap();
        for &(tr, tname) in transforms {
            let e = &r["zph"][format!("{prefix}_{tname}")];
            check_rel(prefix, m.coefficients(), &[e["coef"].as_f64().unwrap()], TOL);
            let test = PhTestOptions { transform: tr, method: PhMethod::Score };
            let ph = m.proportional_hazards_test_with(&x, &time, &event, &opts, &test).unwrap();
            check_rel(
                &format!("{prefix} {tname}"),
                &[ph.covariates[0].test.statistic],
                &chisq(&e["chisq"]),
                TOL,
            );
        }
    }
}

// lifelines tests/test_statistics.py::test_proportional_hazard_test: its
// proportional_hazard_test is survival 2.x's approximation, offered as
// PhMethod::Approximate (lifelines converges to ~1e-8 here, hence 1e-6).
#[test]
fn lifelines_approximate_test_on_rossi() {
    let r = reference("cox_zph_approximate.json");
    let d = rossi(&ROSSI_ALL);
    // lifelines' km and rank transforms are not R's (see the generator).
    for (tr, tname) in [(PhTransform::Identity, "identity"), (PhTransform::Log, "log")] {
        let got = d.zph(Ties::Efron, tr, PhMethod::Approximate);
        let want: Vec<f64> = ROSSI_ALL.iter().map(|c| r[tname][*c].as_f64().unwrap()).collect();
        check_rel(&format!("approximate {tname}"), &got[..7], &want, TOL);
    }
}

/// Checks an exact-ties fit against R's `fit_summary`.
fn check_exact(name: &str, m: &CoxModel, e: &Value) {
    check_rel(&format!("{name} coef"), m.coefficients(), &floats(&e["coef"]), TOL);
    check_rel(&format!("{name} se"), &m.std_errors(), &floats(&e["se"]), TOL);
    let got = [m.loglik(), m.loglik_null(), m.score_test().statistic, m.wald_test().statistic];
    let want = ["loglik", "loglik_null", "score", "wald"].map(|k| e[k].as_f64().unwrap());
    check_rel(&format!("{name} tests"), &got, &want, TOL);
    assert_eq!(m.ties(), Ties::Exact);
    assert_eq!(m.baseline_type(), BaselineType::Breslow);
}

// R survival tests/book7.R: the exact method on lung (age, ph.ecog, sex),
// as right-censored rows and as (0, t] rows (R's other C routine).
#[test]
fn r_book7_exact_lung_and_counting_process() {
    let r = reference("cox_reference.json");
    let csv = peers_csv("cox_lung.csv");
    let mut d = set(&csv, "time", "status", &["age", "ph.ecog", "sex"]);
    check_exact("lung", &d.fit(Ties::Exact), &r["exact"]["lung"]);
    d.start = Some(csv.num("zero"));
    check_exact("lung (0, t]", &d.fit(Ties::Exact), &r["exact"]["lung_entry"]);
}

// R coxph(ties = "exact") on heavily tied data: rossi (weeks), veteran in
// 30-day months with and without strata, and survfit's Breslow-type curve.
#[test]
fn r_exact_heavy_ties_rossi_and_veteran_months() {
    let r = reference("cox_reference.json");
    check_exact("rossi", &rossi(&["fin", "age", "prio"]).fit(Ties::Exact), &r["exact"]["rossi"]);
    let csv = peers_csv("cox_veteran.csv");
    let mut d = set(&csv, "month", "status", &["karno", "age"]);
    let e = &r["exact"]["veteran_month"];
    let m = d.fit(Ties::Exact);
    check_exact("veteran months", &m, e);
    let x = Matrix::from_columns(&[vec![60.0], vec![60.0]]).unwrap();
    let s = m.predict_survival(&x, &floats(&e["surv_times"])).unwrap();
    check_rel("veteran months survival", &s[0], &floats(&e["surv"]), TOL);
    d.strata = Some(codes(&csv.num("trt")));
    check_exact("veteran strata", &d.fit(Ties::Exact), &r["exact"]["veteran_month_strata"]);
}

// R coxexact.fit: "Case weights are not supported for the exact method".
#[test]
fn exact_refuses_case_weights_as_r() {
    let d = test1();
    let opts = CoxOptions {
        ties: Ties::Exact,
        weights: Some(vec![1.0, 2.0, 1.0, 1.0, 1.0, 1.0]),
        ..CoxOptions::default()
    };
    let err = CoxModel::fit(&d.x, &d.time, &d.event, &opts).unwrap_err();
    assert!(matches!(err, ModelError::InvalidOption { option: "weights", .. }), "{err}");
    // Unit weights are no weights.
    let opts = CoxOptions { weights: Some(vec![1.0; 6]), ..opts };
    let rossi = rossi(&["fin", "age", "prio"]);
    assert!(
        CoxModel::fit(
            &rossi.x,
            &rossi.time,
            &rossi.event,
            &CoxOptions { weights: Some(vec![1.0; 432]), ..opts }
        )
        .is_ok()
    );
}

// R survival tests/book7.R: on test1 the exact-method coefficient is
// infinite (R warns); osler names the feature that runs away.
#[test]
fn r_book7_exact_test1_diverges() {
    let d = test1();
    let err = CoxModel::fit(&d.x, &d.time, &d.event, &d.opts(Ties::Exact)).unwrap_err();
    assert!(matches!(err, ModelError::Diverges { feature: 0, .. }), "{err}");
}

// scikit-survival tests/test_coxnet.py with `normalize=False` (glmnet
// `standardize = FALSE`) at fixed `alphas`: the penalty applies to the
// coefficients of the raw rossi covariates. Reference: sksurv's solution
// polished to the KKT conditions (cox_coxnet_unstandardized.py).
#[test]
fn sksurv_coxnet_without_standardisation_on_rossi() {
    use osler_models::survival::CoxnetOptions;
    let r = reference("cox_coxnet_unstandardized.json");
    let cols: Vec<String> = common::strings(&r["covariates"]);
    let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
    let d = rossi(&cols);
    for f in r["fits"].as_array().unwrap() {
        let (alpha, lambda) = (f["l1_ratio"].as_f64().unwrap(), f["lambda"].as_f64().unwrap());
        let opts = CoxnetOptions { alpha, standardize: false, ..CoxnetOptions::default() };
        let m =
            osler_models::survival::CoxnetModel::fit(&d.x, &d.time, &d.event, None, lambda, &opts)
                .unwrap();
        let want = floats(&f["coef"]);
        let got = m.coefficients();
        for (j, (a, b)) in got.iter().zip(&want).enumerate() {
            assert_eq!(*a == 0.0, *b == 0.0, "zero pattern at lambda {lambda}, feature {j}");
        }
        check_rel(&format!("coxnet alpha {alpha} lambda {lambda}"), got, &want, TOL);
    }
}

// R cox.zph(terms = TRUE): a factor's indicator columns form one term,
// tested together on their number of degrees of freedom (veteran cell type).
#[test]
fn r_zph_factor_is_one_term() {
    let r = reference("cox_reference.json");
    let csv = peers_csv("cox_veteran.csv");
    let cell = csv.text("cell");
    let mut cols: Vec<Vec<f64>> = ["large", "smallcell", "squamous"]
        .iter()
        .map(|l| cell.iter().map(|c| f64::from(u8::from(c == l))).collect())
        .collect();
    cols.extend([csv.num("karno"), csv.num("age")]);
    let d = Set {
        x: Matrix::from_columns(&cols).unwrap(),
        time: csv.num("time"),
        event: csv.num("status"),
        start: None,
        strata: None,
    };
    let opts = d.opts(Ties::Efron);
    let m = d.fit(Ties::Efron);
    let terms = [vec![0, 1, 2], vec![3], vec![4]];
    let test = PhTestOptions::default();
    let ph =
        m.proportional_hazards_test_by_term(&d.x, &d.time, &d.event, &opts, &test, &terms).unwrap();
    let e = &r["zph"]["veteran_factor_km"];
    let mut got: Vec<f64> = ph.covariates.iter().map(|c| c.test.statistic).collect();
    got.push(ph.global.statistic);
    check_rel("veteran factor", &got, &floats(&e["chisq"]), TOL);
    let df: Vec<usize> = ph.covariates.iter().map(|c| c.test.df).collect();
    assert_eq!(df, [3, 1, 1]);
    assert!(ph.covariates[0].rho.is_nan() && ph.covariates[1].rho.is_finite());
    // A feature in no term, or in two, is refused.
    let bad = [vec![0, 1], vec![3], vec![4]];
    assert!(
        m.proportional_hazards_test_by_term(&d.x, &d.time, &d.event, &opts, &test, &bad).is_err()
    );
}

// R coxph(Surv(start, stop, event), ties = "exact") (agexact): entry times
// with heavy ties, the veteran split of R tests/zph.R in months, squamous
// cells (R's routine enumerates subsets; it stops at its iteration limit
// within 1e-8 of the optimum here).
#[test]
fn r_exact_with_entry_times() {
    let r = reference("cox_reference.json");
    let csv = peers_csv("cox_veteran_split.csv");
    let keep: Vec<usize> = (0..csv.rows.len()).filter(|&i| csv.num("celltype")[i] == 1.0).collect();
    let pick = |c: &str| -> Vec<f64> { keep.iter().map(|&i| csv.num(c)[i]).collect() };
    let d = Set {
        x: Matrix::from_columns(&[pick("karno"), pick("age")]).unwrap(),
        time: pick("mstop"),
        event: pick("status"),
        start: Some(pick("mstart")),
        strata: None,
    };
    check_exact("veteran split months", &d.fit(Ties::Exact), &r["exact"]["veteran_split_month"]);
}
