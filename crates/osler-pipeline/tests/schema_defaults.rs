//! A model trained through the library with a schema whose features are
//! covered only by `[defaults]` accepts the table it was trained on after a
//! save and load (the saved schema lists those columns).

use osler_data::Schema;
use osler_data::csv_reader::read_csv_reader;
use osler_models::linear::LogisticOptions;
use osler_pipeline::api::estimators::LogisticSpec;
use osler_pipeline::{
    Artifact, DataSpec, ModelSpec, ThresholdRule, TrainSpec, build_artifact, prepare, train,
};

const SCHEMA: &str = r#"
[[columns]]
name = "y"
kind = "binary"
role = "target"

[defaults]
kind = "numeric"
role = "feature"
"#;

fn csv() -> String {
    let mut s = String::from("y,g1,g2\n");
    for i in 0..60 {
        let (a, b) = (f64::from(i % 7) * 0.5, f64::from((i * 3) % 11) * 0.25);
        let y = u8::from(a + b + f64::from(i % 2) > 3.0);
        s.push_str(&format!("{y},{a},{b}\n"));
    }
    s
}

#[test]
fn default_covered_columns_are_listed_in_the_saved_schema() {
    let table = || read_csv_reader(csv().as_bytes(), "genes.csv").expect("csv");
    let schema = Schema::from_toml(SCHEMA).expect("schema");
    assert!(schema.get("g1").is_none(), "the schema lists only the outcome itself");
    let data = prepare(table(), schema, &DataSpec::default()).expect("prepare");
    assert_eq!(data.features, ["g1", "g2"]);
    let spec = TrainSpec {
        model: ModelSpec::new(LogisticSpec {
            options: LogisticOptions::default(),
            auto_penalty: true,
        }),
        missing_indicators: false,
        cv_folds: 0,
        cv_repeats: 1,
        seed: 1,
        threshold: ThresholdRule::Fixed(0.5),
        bootstrap: 0,
    };
    let outcome = train(&data, &spec, &mut || {}).expect("train");
    let info = data.data_info("genes.csv".into(), String::new());
    let mut art = build_artifact(&data, &spec, outcome, info);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("model");
    art.save(&path, false).expect("save");
    let loaded = Artifact::load(&path).expect("load");
    assert!(loaded.manifest.schema.get("g2").is_some());
    let p = loaded.predict(table(), false).expect("the training table is accepted");
    assert_eq!(p.probability.len(), 60);
}
