//! Trains a cross-validated logistic regression on the shipped Pima data
//! and writes its report (default `/tmp/osler_artifact_report.html`), the
//! way a front end other than the command line would:
//! `cargo run --release -p osler-report --example artifact_report [PATH]`.

use std::path::Path;

use osler_data::datasets;
use osler_models::linear::LogisticOptions;
use osler_pipeline::{
    DataInfo, DataSpec, ModelSpec, ThresholdRule, TrainSpec, build_artifact, prepare, train,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path =
        std::env::args().nth(1).unwrap_or_else(|| "/tmp/osler_artifact_report.html".to_string());
    let d = datasets::find("pima-diabetes")?;
    let data = prepare(d.table()?, d.schema()?, &DataSpec::default())?;
    let spec = TrainSpec {
        model: ModelSpec::Logistic { options: LogisticOptions::default(), auto_penalty: true },
        missing_indicators: true,
        cv_folds: 5,
        cv_repeats: 1,
        seed: 1,
        threshold: ThresholdRule::Youden,
        bootstrap: 200,
    };
    let outcome = train(&data, &spec, &mut || {})?;
    let info = DataInfo {
        source: "dataset:pima-diabetes".into(),
        sha256: data.table.sha256.clone().unwrap_or_default(),
        rows: data.y.len(),
        events: data.events(),
        columns: data.column_summaries(),
    };
    let artifact = build_artifact(&data, &spec, outcome, info);
    // The artifact is not saved here, so the subtitle names no directory.
    let html = osler_report::artifact_report(&artifact, Path::new("(in memory)"))?;
    std::fs::write(&path, html)?;
    println!("wrote {path}");
    Ok(())
}
