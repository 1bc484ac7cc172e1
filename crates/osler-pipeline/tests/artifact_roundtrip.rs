//! A saved and reloaded artifact predicts exactly what the in-memory model
//! predicted, for every model kind, and the same seed gives the same model.

use osler_data::datasets;
use osler_models::gbdt::GbdtOptions;
use osler_models::linear::LogisticOptions;
use osler_pipeline::api::estimators::{GbdtSpec, LogisticSpec};
use osler_pipeline::{
    Artifact, DataSpec, ModelSpec, Prepared, ThresholdRule, TrainSpec, build_artifact, prepare,
    train,
};

fn pima() -> Prepared {
    let d = datasets::find("pima-diabetes").expect("shipped");
    let table = d.table().expect("table");
    prepare(table, d.schema().expect("schema"), &DataSpec::default()).expect("prepare")
}

fn spec(model: ModelSpec, cv: usize) -> TrainSpec {
    TrainSpec {
        model,
        missing_indicators: true,
        cv_folds: cv,
        cv_repeats: 1,
        seed: 11,
        threshold: ThresholdRule::Youden,
        bootstrap: 50,
    }
}

fn models() -> Vec<ModelSpec> {
    vec![
        ModelSpec::new(LogisticSpec { options: LogisticOptions::default(), auto_penalty: true }),
        ModelSpec::new(GbdtSpec {
            options: GbdtOptions {
                n_trees: 40,
                early_stopping_rounds: Some(5),
                ..GbdtOptions::default()
            },
        }),
    ]
}

#[test]
fn reloaded_artifact_predicts_bit_identically() {
    let data = pima();
    let all: Vec<usize> = (0..data.y().len()).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    for (k, model) in models().into_iter().enumerate() {
        let spec = spec(model, 3);
        let outcome = train(&data, &spec, &mut || {}).expect("train");
        let in_memory = outcome.fitted.predict_rows(&data, &all).expect("predict");
        let info = data.data_info(
            "dataset:pima-diabetes".into(),
            data.table.sha256.clone().unwrap_or_default(),
        );
        let mut art = build_artifact(&data, &spec, outcome, info);
        let path = dir.path().join(format!("m{k}"));
        art.save(&path, false).expect("save");
        let loaded = Artifact::load(&path).expect("load");
        let raw = datasets::find("pima-diabetes").expect("shipped").table().expect("table");
        let reloaded = loaded.predict(raw, true).expect("predict from artifact");
        assert_eq!(reloaded.probability.len(), in_memory.len());
        for (a, b) in reloaded.probability.iter().zip(&in_memory) {
            assert_eq!(a.to_bits(), b.to_bits(), "prediction changed after save/load");
        }
        let e = reloaded.explanation.expect("explanation");
        for (i, c) in e.contributions.iter().enumerate() {
            let p = reloaded.probability[i];
            let logit = (p / (1.0 - p)).ln();
            assert!((e.base + c.iter().sum::<f64>() - logit).abs() < 1e-9);
        }
        assert!(loaded.manifest.cv.is_some() && loaded.out_of_fold.is_some());
        assert!((0.0..1.0).contains(&loaded.manifest.threshold));
    }
}

#[test]
fn same_seed_same_model_and_cv() {
    let data = pima();
    for model in models() {
        let s = spec(model, 4);
        let a = train(&data, &s, &mut || {}).expect("train a");
        let b = train(&data, &s, &mut || {}).expect("train b");
        assert_eq!(a.fitted.model, b.fitted.model);
        let (ca, oa) = a.cv.expect("cv a");
        let (cb, ob) = b.cv.expect("cv b");
        assert_eq!(ca, cb);
        assert_eq!(oa, ob);
    }
}

#[test]
fn preprocessing_is_fitted_inside_each_fold() {
    // A fold's imputation median must come from its training rows only: fitting on
    // all rows vs on a subset gives different medians for a column with missing values.
    let data = pima();
    let s = spec(models().remove(0), 0);
    let half: Vec<usize> = (0..data.y().len()).filter(|i| i % 2 == 0).collect();
    let all: Vec<usize> = (0..data.y().len()).collect();
    let on_half = osler_pipeline::train::fit_on_rows(&data, &s, &half).expect("half");
    let on_all = osler_pipeline::train::fit_on_rows(&data, &s, &all).expect("all");
    assert_ne!(on_half.preprocessor, on_all.preprocessor);
}
