//! Sequence models from long-format data: preparing visits into patients,
//! cross-validation over patients, the artifact's input contract and
//! predictions per patient.

#[path = "support/long_cohort.rs"]
mod long_cohort;

use osler_data::{DataError, Role};
use osler_pipeline::registry::kind;
use osler_pipeline::sequence::{SequenceError, SequenceSpec, prepare_sequences, train_sequences};
use osler_pipeline::{Artifact, DataSpec, InputContract, Manifest, PipelineError};

use long_cohort::{HEADER, csv, features_csv, fit, prepared, read, schema, train_spec, visits};

fn lstm() -> osler_pipeline::ModelSpec {
    (kind("lstm").expect("lstm is registered").example)(7)
}

#[test]
fn visits_become_one_outcome_and_one_sequence_per_patient() {
    let data = prepared(12);
    assert_eq!(data.groups.len(), 12);
    assert_eq!(data.y.len(), 12);
    assert_eq!(data.steps, 6, "the longest patient has 6 visits");
    assert_eq!(data.features, ["lab1", "lab2", "sex"]);
    let id = data.schema.columns.iter().find(|c| c.name == "id").expect("id column");
    assert_eq!(id.role, Role::Group);
    let rows = visits(12);
    for (p, patient_rows) in data.groups.rows.iter().enumerate() {
        let want = f64::from(rows[patient_rows[0]][5] == "yes");
        assert_eq!(data.y[p], want, "patient {p}");
    }
}

#[test]
fn an_outcome_that_changes_between_visits_is_refused() {
    let mut rows = visits(6);
    // Patient p1 has two visits: make its second disagree with its first.
    let second = rows.iter().rposition(|r| r[0] == "p1").expect("p1");
    rows[second][5] = if rows[second][5] == "yes" { "no" } else { "yes" }.into();
    let table = read(&csv(HEADER, &rows));
    let schema = schema(&table);
    let data =
        DataSpec { target: Some("y".into()), positive: Some("yes".into()), ..DataSpec::default() };
    let seq = SequenceSpec { id: "id".into(), time: "day".into(), steps: None };
    match prepare_sequences(table, schema, &data, &seq) {
        Err(PipelineError::Data(DataError::NotConstantPerPatient(rows))) => {
            assert_eq!((rows.column.as_str(), rows.patient.as_str()), ("y", "p1"));
        }
        other => panic!("a changing outcome gave {other:?}"),
    }
}

#[test]
fn id_time_and_steps_are_checked() {
    let table = read(&csv(HEADER, &visits(6)));
    let data =
        DataSpec { target: Some("y".into()), positive: Some("yes".into()), ..DataSpec::default() };
    let zero = SequenceSpec { id: "id".into(), time: "day".into(), steps: Some(0) };
    assert!(matches!(
        prepare_sequences(table.clone(), schema(&table), &data, &zero),
        Err(PipelineError::Sequence(SequenceError::ZeroSteps))
    ));
    let same = SequenceSpec { id: "y".into(), time: "day".into(), steps: None };
    assert!(matches!(
        prepare_sequences(table.clone(), schema(&table), &data, &same),
        Err(PipelineError::Sequence(SequenceError::ColumnTwice { .. }))
    ));
    let logistic = (kind("logistic").expect("logistic").example)(1);
    let err = train_sequences(&prepared(12), &train_spec(logistic, 0), &mut || {});
    assert!(matches!(
        err,
        Err(PipelineError::Sequence(SequenceError::NotASequenceModel { model: "logistic" }))
    ));
}

#[test]
fn cross_validation_runs_over_patients_and_the_artifact_predicts_per_patient() {
    let mut folds = 0;
    let data = prepared(60);
    let spec = train_spec(lstm(), 3);
    let outcome = train_sequences(&data, &spec, &mut || folds += 1).expect("train");
    assert_eq!(folds, 3);
    let (cv, oof) = outcome.cv.clone().expect("cv ran");
    assert!(cv.grouped, "all visits of a patient are in one fold");
    assert_eq!(oof.p.len(), 60, "one out-of-fold prediction per patient");
    let auroc = cv.metrics.get("auroc").expect("auroc");
    assert!(auroc.mean.is_finite() && auroc.folds_used == 3);

    let info = data.data_info("visits.csv".into(), String::new());
    let mut art = osler_pipeline::sequence::build_sequence_artifact(&data, &spec, outcome, info);
    assert_eq!(art.manifest.data.rows, 60, "rows are patients");
    assert_eq!(
        art.manifest.input,
        InputContract::Sequence { id: "id".into(), time: "day".into(), steps: 6 }
    );
    let pred = art.predict_sequences(read(&features_csv(&visits(60)))).expect("predict");
    assert_eq!(pred.predictions.len(), 60);
    assert_eq!(pred.predictions[0].id, "p0");
    assert_eq!(pred.positive, "yes");
    for p in &pred.predictions {
        assert_eq!(p.predicted_class, u8::from(p.probability >= pred.threshold));
    }
    // The saved manifest names its input contract.
    let tmp = tempfile::tempdir().expect("tempdir");
    art.save(&tmp.path().join("a"), false).expect("save");
    let text =
        std::fs::read_to_string(Artifact::manifest_path(&tmp.path().join("a"))).expect("manifest");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(json["input"]["kind"], "sequence");
    assert_eq!(json["input"]["steps"], 6);
}

#[test]
fn only_the_latest_steps_visits_are_read() {
    let table = read(&csv(HEADER, &visits(24)));
    let data =
        DataSpec { target: Some("y".into()), positive: Some("yes".into()), ..DataSpec::default() };
    let seq = SequenceSpec { id: "id".into(), time: "day".into(), steps: Some(2) };
    let prepared = prepare_sequences(table.clone(), schema(&table), &data, &seq).expect("prepare");
    let spec = train_spec(lstm(), 0);
    let outcome = train_sequences(&prepared, &spec, &mut || {}).expect("train");
    let info = prepared.data_info(String::new(), String::new());
    let art = osler_pipeline::sequence::build_sequence_artifact(&prepared, &spec, outcome, info);
    // Patient p5 has six visits: changing its first visit changes nothing.
    let rows: Vec<Vec<String>> = visits(24).into_iter().filter(|r| r[0] == "p5").collect();
    assert_eq!(rows.len(), 6);
    let before = art.predict_sequences(read(&features_csv(&rows))).expect("predict");
    let mut edited = rows.clone();
    edited[0][2] = "99".into();
    let after = art.predict_sequences(read(&features_csv(&edited))).expect("predict");
    assert_eq!(before, after);
    edited[5][2] = "99".into();
    let latest = art.predict_sequences(read(&features_csv(&edited))).expect("predict");
    assert_ne!(before, latest, "the latest visit is read");
}

#[test]
fn a_tabular_artifact_refuses_sequences_and_old_manifests_are_tabular() {
    let art = fit(lstm(), 12, 0);
    let mut manifest = serde_json::to_value(&art.manifest).expect("serialise");
    manifest.as_object_mut().expect("object").remove("input");
    let old: Manifest = serde_json::from_value(manifest).expect("a manifest without input");
    assert_eq!(old.input, InputContract::Tabular);
    let tabular = Artifact { manifest: old, ..art.clone() };
    let rows = features_csv(&visits(3));
    assert!(matches!(
        tabular.predict_sequences(read(&rows)),
        Err(PipelineError::Sequence(SequenceError::NotASequenceArtifact))
    ));
    // The sequence model cannot score one row per patient.
    assert!(art.predict(read(&rows), false).is_err());
}

#[test]
fn evaluation_reads_the_outcome_once_per_patient() {
    let art = fit(lstm(), 30, 0);
    let rows = visits(30);
    let (metrics, y, p) = art.evaluate_sequences(read(&csv(HEADER, &rows))).expect("evaluate");
    assert_eq!((y.len(), p.len()), (30, 30));
    let pred = art.predict_sequences(read(&features_csv(&rows))).expect("predict");
    let probability: Vec<f64> = pred.predictions.iter().map(|p| p.probability).collect();
    assert_eq!(p, probability);
    assert!(metrics.auroc.is_finite());
    // Without the outcome column there is nothing to evaluate against.
    match art.evaluate_sequences(read(&features_csv(&rows))) {
        Err(PipelineError::Data(DataError::MissingColumn { column, .. })) => {
            assert_eq!(column, "y")
        }
        other => panic!("evaluation without the outcome gave {other:?}"),
    }
}
