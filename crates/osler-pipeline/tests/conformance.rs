//! The model contract, checked for every registered model kind
//! (`osler_pipeline::registry::KINDS`): a kind added to the registry is
//! tested here without touching this file.
//!
//! For each kind, on a small synthetic cohort (numeric, binary and
//! categorical predictors, some missing values, a binary, a three-class and
//! a survival outcome), for its task and, when the kind also fits more than
//! two classes, for the multiclass task:
//! - save -> load -> predict gives bit-identical numbers;
//! - the same seed gives the same model (every artifact file byte-identical);
//! - for kinds whose capabilities say `row_order_invariant`, fitting the rows
//!   in another order gives the same predictions up to rounding; the others
//!   draw rows by position (bootstrap samples, validation splits, mini-batch
//!   shuffles), so a permutation legitimately changes their fit;
//! - missing values and unseen levels follow the schema: a declared missing
//!   code is a missing value, a missing value is imputed with the training
//!   median (or routed by the estimator when it handles NaN itself), an unseen
//!   categorical level is coded as the reference level, and an unknown level
//!   of a binary column with declared levels is refused;
//! - bad input (text in a numeric column, a missing or unknown column) gives
//!   the typed data error naming the column;
//! - 8 threads predicting at once on one loaded artifact get the
//!   single-thread numbers, while another thread holds the networks'
//!   training lock (a prediction never waits for a training run);
//! - 1 row and 100,000 rows both predict.
//!
//! Kinds that read long-format data (`capabilities.sequence_input`: one row
//! per patient per visit) meet the same contract on a synthetic visit table,
//! with one prediction per patient (`support/sequence_conformance.rs`); their
//! bad input is a duplicated visit or a missing patient-id column.

use std::collections::BTreeMap;
use std::path::Path;

use osler_data::csv_reader::read_csv_bytes;
use osler_data::preprocess::FeatureStep;
use osler_data::{DataError, Schema, SplitMix64, Table};
use osler_pipeline::survival_data::SurvivalSpec;
use osler_pipeline::survival_train::{prepare_survival, train_survival};
use osler_pipeline::{
    Artifact, DataInfo, DataSpec, ModelKind, PipelineError, Task, ThresholdRule, TrainSpec,
    build_artifact, build_survival_artifact, kinds, prepare, train,
};

#[path = "support/long_cohort.rs"]
mod long_cohort;
#[path = "support/sequence_conformance.rs"]
mod sequence_conformance;

const SEED: u64 = 7;

/// Kinds that read image files (`capabilities.image_input`) are trained and
/// predicted through their image contract (osler-cli's `tests/image_task.rs`);
/// given table rows they refuse with the typed error that says so.
fn check_image_kind(kind: &ModelKind) {
    let x = osler_data::Matrix::from_row_major(4, 1, &[0.0, 1.0, 2.0, 3.0]);
    let err = (kind.example)(SEED).fit(&x, &[0.0, 1.0, 0.0, 1.0], &["a".into()]).err();
    assert!(matches!(err, Some(osler_models::ModelError::NeedsImages)), "{}: {err:?}", kind.name);
}
/// How long 8 concurrent predictions of the small cohort may take before the
/// suite concludes they are blocked (they take well under a second).
const PREDICTION_WAIT: std::time::Duration = std::time::Duration::from_secs(120);
const ROWS: usize = 240;
const FEATURES: &str = "x1,x2,x3,grp,sex";

/// One synthetic patient: `(x1, x2, x3 or missing, grp, sex)`; the outcomes
/// depend on x1, x2 and the group so every model has signal to find.
fn patient(rng: &mut SplitMix64, i: usize) -> (f64, f64, Option<f64>, &'static str, &'static str) {
    let x1 = round3(rng.next_f64() * 4.0 - 2.0);
    let x2 = round3(rng.next_f64() * 10.0 + 20.0);
    // Cycling levels keep each level's first appearance in the first rows, so a
    // permutation of the later rows keeps the one-hot reference level.
    let grp = ["a", "b", "c"][i % 3];
    let sex = ["F", "M"][i % 2];
    let x3 = (i % 11 != 5).then(|| round3(rng.next_f64()));
    (x1, x2, x3, grp, sex)
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The cohort as CSV text: features, a binary outcome `y`, a survival
/// outcome (`time`, `status`) and a three-class outcome `stage` (the tertiles
/// of the linear predictor).
fn cohort_csv(n: usize) -> String {
    let mut rng = SplitMix64::new(2024);
    let mut s = format!("{FEATURES},y,time,status,stage\n");
    for i in 0..n {
        let (x1, x2, x3, grp, sex) = patient(&mut rng, i);
        let eta = 1.2 * x1 - 0.15 * (x2 - 25.0) + if grp == "c" { 0.8 } else { 0.0 };
        let y = if rng.next_f64() < 1.0 / (1.0 + (-eta).exp()) { "yes" } else { "no" };
        let u = rng.next_f64().max(1e-9);
        let time = round3(-u.ln() / (0.1 * eta.exp()) + 0.01);
        let censor = round3(rng.next_f64() * 25.0 + 0.01);
        let (time, status) = if time <= censor { (time, 1) } else { (censor, 0) };
        let x3 = x3.map_or(String::new(), |v| v.to_string());
        let stage = if eta < -0.5 {
            "early"
        } else if eta < 0.8 {
            "middle"
        } else {
            "late"
        };
        s.push_str(&format!("{x1},{x2},{x3},{grp},{sex},{y},{time},{status},{stage}\n"));
    }
    s
}

fn read(csv: &str) -> Table {
    read_csv_bytes(csv.as_bytes(), "cohort.csv").expect("test CSV parses")
}

/// The cohort's schema: inferred, with `x3`'s code -1 declared missing and
/// `sex` a binary column with the declared levels F and M.
fn schema(table: &Table) -> Schema {
    let mut s = Schema::infer(table).expect("schema infers");
    let x3 = s.get_mut("x3").expect("x3 in schema");
    x3.missing = vec!["-1".into()];
    let sex = s.get_mut("sex").expect("sex in schema");
    sex.kind = osler_data::Kind::Binary;
    sex.levels = Some(vec!["F".into(), "M".into()]);
    s
}

fn train_spec(kind: &ModelKind, cv_folds: usize) -> TrainSpec {
    TrainSpec {
        model: (kind.example)(SEED),
        missing_indicators: false,
        cv_folds,
        cv_repeats: 1,
        seed: SEED,
        threshold: ThresholdRule::Fixed(0.5),
        bootstrap: 20,
    }
}

fn info(table: &Table, rows: usize) -> DataInfo {
    DataInfo {
        source: table.source.clone(),
        sha256: table.sha256.clone().unwrap_or_default(),
        rows,
        events: 0,
        columns: Vec::new(),
    }
}

/// Trains `kind` for `task` on `table` (its rows in the given order) and returns the artifact.
fn fit(kind: &ModelKind, task: Task, table: Table, cv_folds: usize) -> Artifact {
    let spec = train_spec(kind, cv_folds);
    let schema = schema(&table);
    let n = table.n_rows();
    let info = info(&table, n);
    let drop = |cols: &[&str]| cols.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    match task {
        Task::Binary => {
            let data_spec = DataSpec {
                target: Some("y".into()),
                positive: Some("yes".into()),
                drop: drop(&["time", "status", "stage"]),
                ..DataSpec::default()
            };
            let data = prepare(table, schema, &data_spec).expect("prepare");
            let outcome = train(&data, &spec, &mut || {}).expect("train");
            build_artifact(&data, &spec, outcome, info)
        }
        Task::Multiclass => {
            let data_spec = DataSpec {
                target: Some("stage".into()),
                multiclass: true,
                drop: drop(&["y", "time", "status"]),
                ..DataSpec::default()
            };
            let data = prepare(table, schema, &data_spec).expect("prepare");
            let outcome = train(&data, &spec, &mut || {}).expect("train");
            build_artifact(&data, &spec, outcome, info)
        }
        Task::Survival => {
            let data_spec = DataSpec { drop: drop(&["y", "stage"]), ..DataSpec::default() };
            let surv = SurvivalSpec {
                time: "time".into(),
                event: "status".into(),
                event_level: None,
                start: None,
            };
            let data = prepare_survival(table, schema, &data_spec, &surv).expect("prepare");
            let run = train_survival(&data, &spec, &mut || {}).expect("train");
            build_survival_artifact(&data, &spec, run, info).expect("artifact")
        }
    }
}

/// Every number a prediction gives: probabilities (of every class, row by
/// row, for a multiclass model), or risk scores followed by the survival
/// probabilities on the artifact's evaluation grid.
fn predict(art: &Artifact, table: Table) -> Result<Vec<f64>, PipelineError> {
    match art.manifest.survival {
        None if art.manifest.classes.is_some() => {
            Ok(art.predict_classes(table)?.probabilities.into_iter().flatten().collect())
        }
        None => Ok(art.predict(table, false)?.probability),
        Some(_) => {
            let p = art.predict_survival(table, &[], false)?;
            Ok(p.risk.into_iter().chain(p.survival.into_iter().flatten()).collect())
        }
    }
}

/// The feature columns of the cohort, with `edit` applied to each line's fields.
fn features_csv(n: usize, edit: impl Fn(usize, &mut Vec<String>)) -> String {
    let csv = cohort_csv(n);
    let mut out = format!("{FEATURES}\n");
    for (i, line) in csv.lines().skip(1).enumerate() {
        let mut f: Vec<String> = line.split(',').take(5).map(str::to_string).collect();
        edit(i, &mut f);
        out.push_str(&f.join(","));
        out.push('\n');
    }
    out
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("artifact dir")
        .map(|e| {
            let e = e.expect("dir entry");
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// What `predict` gives on 8 threads at once while this thread holds the
/// networks' training lock, as a training run would: a prediction never waits
/// for it, so waiting longer than [`PREDICTION_WAIT`] fails the kind `name`.
fn predictions_while_training<T: Send>(name: &str, predict: impl Fn() -> T + Sync) -> Vec<T> {
    let mut training = Some(osler_nn::device::fit_lock());
    let (tx, rx) = std::sync::mpsc::channel();
    let got = std::thread::scope(|s| {
        for _ in 0..8 {
            let (tx, predict) = (tx.clone(), &predict);
            s.spawn(move || tx.send(predict()));
        }
        (0..8)
            .map(|_| {
                rx.recv_timeout(PREDICTION_WAIT).unwrap_or_else(|_| {
                    // Let the blocked threads finish so the scope can end, then fail.
                    training.take();
                    panic!("{name}: a prediction waited for a training run");
                })
            })
            .collect()
    });
    drop(training);
    got
}

/// The training median `x3`'s missing values are imputed with, for kinds that impute.
fn x3_median(art: &Artifact) -> Option<f64> {
    art.manifest.preprocessing.steps.iter().find_map(|s| match s {
        FeatureStep::Numeric { column, impute, .. } if column == "x3" => *impute,
        _ => None,
    })
}

fn check_kind(kind: &ModelKind, task: Task) {
    let name = format!("{} ({})", kind.name, task.name());
    let tmp = tempfile::tempdir().expect("tempdir");
    let art = fit(kind, task, read(&cohort_csv(ROWS)), 3);
    let new_rows = || read(&features_csv(ROWS, |_, _| {}));
    let expected = predict(&art, new_rows()).expect("predict");
    assert!(expected.iter().all(|v| v.is_finite()), "{name}: non-finite prediction");

    // Save -> load -> predict: bit-identical.
    let mut saved = art.clone();
    let dir_a = tmp.path().join("a");
    saved.save(&dir_a, false).expect("save");
    let loaded = Artifact::load(&dir_a).expect("load");
    assert_eq!(bits(&predict(&loaded, new_rows()).expect("predict")), bits(&expected), "{name}");

    // The same seed gives the same model: every artifact file byte-identical.
    let mut again = fit(kind, task, read(&cohort_csv(ROWS)), 3);
    let dir_b = tmp.path().join("b");
    again.save(&dir_b, false).expect("save");
    assert!(files(&dir_a) == files(&dir_b), "{name}: same seed, different artifact");

    // Row order: deterministic kinds give the same predictions from permuted rows.
    if kind.capabilities.row_order_invariant {
        let table = read(&cohort_csv(ROWS));
        let mut order: Vec<usize> = (0..ROWS).collect();
        order[3..].reverse();
        let permuted = fit(kind, task, table.take_rows(&order), 0);
        let p = predict(&permuted, new_rows()).expect("predict");
        for (a, b) in p.iter().zip(&expected) {
            assert!(
                (a - b).abs() <= 1e-7 * (1.0 + b.abs()),
                "{name}: row order changed {b} to {a}"
            );
        }
    }

    // Missing values follow the schema: the declared code -1 is missing, and a
    // missing x3 is imputed with the training median or routed by the model.
    let one = |edit: &dyn Fn(&mut Vec<String>)| {
        let t = read(&features_csv(1, |_, f| edit(f)));
        predict(&loaded, t)
    };
    let blank = one(&|f| f[2] = String::new()).expect("missing x3 predicts");
    let code = one(&|f| f[2] = "-1".into()).expect("missing code predicts");
    assert_eq!(bits(&blank), bits(&code), "{name}: the missing code is not a missing value");
    assert!(blank.iter().all(|v| v.is_finite()), "{name}: missing value gives NaN");
    match x3_median(&loaded) {
        Some(m) => {
            let imputed = one(&|f| f[2] = m.to_string()).expect("predict");
            assert_eq!(bits(&blank), bits(&imputed), "{name}: not imputed with the median");
        }
        None => assert!(kind.capabilities.native_missing, "{name}: neither imputes nor routes"),
    }
    // An unseen categorical level is coded as the reference level `a`.
    let unseen = one(&|f| f[3] = "zz".into()).expect("unseen level predicts");
    let reference = one(&|f| f[3] = "a".into()).expect("predict");
    assert_eq!(bits(&unseen), bits(&reference), "{name}: unseen level is not the reference");
    // A binary column with declared levels refuses another value.
    match one(&|f| f[4] = "X".into()) {
        Err(PipelineError::Data(DataError::Cell { column, .. })) => assert_eq!(column, "sex"),
        other => panic!("{name}: unknown binary level gave {other:?}"),
    }

    // Bad input gives the typed error naming the column.
    match one(&|f| f[0] = "high".into()) {
        Err(PipelineError::Data(DataError::Cell { column, .. })) => assert_eq!(column, "x1"),
        other => panic!("{name}: text in a numeric column gave {other:?}"),
    }
    let without_x2 = read("x1,x3,grp,sex\n0.5,0.2,a,F\n");
    match predict(&loaded, without_x2) {
        Err(PipelineError::Data(DataError::MissingColumn { column, .. })) => {
            assert_eq!(column, "x2");
        }
        other => panic!("{name}: a missing column gave {other:?}"),
    }
    let extra = read("x1,x2,x3,grp,sex,zzz\n0.5,22,0.2,a,F,1\n");
    match predict(&loaded, extra) {
        Err(PipelineError::Data(DataError::UnknownColumn { column, .. })) => {
            assert_eq!(column, "zzz");
        }
        other => panic!("{name}: an unknown column gave {other:?}"),
    }

    // 8 threads at once on one loaded model get the single-thread numbers.
    for got in predictions_while_training(&name, || predict(&loaded, new_rows())) {
        assert_eq!(bits(&got.expect("predict")), bits(&expected), "{name}: threads");
    }

    // 1 row and 100,000 rows.
    let first = one(&|_| {}).expect("one row predicts");
    let per_row = expected.len() / ROWS;
    assert_eq!(first.len(), per_row, "{name}");
    let big = predict(&loaded, read(&features_csv(100_000, |_, _| {}))).expect("100k rows");
    assert_eq!(big.len(), 100_000 * per_row, "{name}");
    assert!(big.iter().all(|v| v.is_finite()), "{name}: non-finite prediction at 100k rows");
}

#[test]
fn every_registered_kind_meets_the_model_contract() {
    let all = kinds();
    assert!(
        all.iter().any(|k| k.task == Task::Binary) && all.iter().any(|k| k.task == Task::Survival)
    );
    assert!(all.iter().any(|k| k.capabilities.multiclass));
    for kind in all {
        if kind.capabilities.sequence_input {
            sequence_conformance::check_kind(kind);
            continue;
        }
        if kind.capabilities.image_input {
            check_image_kind(kind);
            continue;
        }
        check_kind(kind, kind.task);
        if kind.capabilities.multiclass {
            check_kind(kind, Task::Multiclass);
        }
    }
}

#[test]
fn prepared_data_refuses_a_step_of_another_outcome() {
    let table = read(&cohort_csv(60));
    let schema = schema(&table);
    let surv = SurvivalSpec {
        time: "time".into(),
        event: "status".into(),
        event_level: None,
        start: None,
    };
    let drop = vec!["y".to_string(), "stage".to_string()];
    let survival = prepare_survival(
        table.clone(),
        schema.clone(),
        &DataSpec { drop, ..DataSpec::default() },
        &surv,
    )
    .expect("prepare survival");
    let logistic = kinds().iter().find(|k| k.name == "logistic").expect("logistic is registered");
    match train(&survival, &train_spec(logistic, 0), &mut || {}) {
        Err(PipelineError::OutcomeMismatch { has, .. }) => assert_eq!(has, "a survival"),
        other => panic!("a classifier trained on a survival outcome: {:?}", other.err()),
    }
    let binary = DataSpec {
        target: Some("y".into()),
        positive: Some("yes".into()),
        drop: vec!["time".into(), "status".into(), "stage".into()],
        ..DataSpec::default()
    };
    let binary = prepare(table, schema, &binary).expect("prepare binary");
    let cox = kinds().iter().find(|k| k.name == "cox").expect("cox is registered");
    match train_survival(&binary, &train_spec(cox, 0), &mut || {}) {
        Err(PipelineError::OutcomeMismatch { has, needs }) => {
            assert_eq!((has, needs), ("a binary", "a survival"));
        }
        other => panic!("a survival model trained on a binary outcome: {:?}", other.err()),
    }
}
