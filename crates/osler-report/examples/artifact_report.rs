//! Diagnosis through the libraries alone, the way a front end other than the
//! command line would: the shipped Pima data -> logistic regression with
//! 5-fold cross-validation -> artifact saved and loaded again -> predictions
//! -> HTML report. Writes into the folder given as the first argument (default:
//! a fresh folder under the system's temporary directory):
//! `cargo run --release -p osler-report --example artifact_report [DIR]`.

mod support;

use osler_data::datasets;
use osler_models::linear::LogisticOptions;
use osler_pipeline::api::estimators::LogisticSpec;
use osler_pipeline::{Artifact, DataSpec, ModelSpec, build_artifact, prepare, train};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = support::output_dir("diagnosis")?;
    let d = datasets::find("pima-diabetes")?;
    // The schema's target (diabetes) and features; nothing overridden.
    let data = prepare(d.table()?, d.schema()?, &DataSpec::default())?;
    let spec = support::cv_spec(
        ModelSpec::new(LogisticSpec { options: LogisticOptions::default(), auto_penalty: true }),
        true,
    );
    // The callback runs after each fold; a front end would advance a progress bar.
    let outcome = train(&data, &spec, &mut || {})?;
    let sha256 = data.table.sha256.clone().unwrap_or_default();
    let info = data.data_info(format!("dataset:{}", d.name), sha256);
    let mut artifact = build_artifact(&data, &spec, outcome, info);
    let model_dir = support::save(&mut artifact, &dir, "pima-logistic", "auroc")?;

    // A service would load the artifact once and predict many times.
    let loaded = Artifact::load(&model_dir)?;
    let predictions = loaded.predict(d.table()?, false)?;
    for (i, p) in predictions.probability.iter().take(3).enumerate() {
        println!("patient {}: P(diabetes) = {p:.3}", i + 1);
    }

    let report = dir.join("pima-logistic.html");
    std::fs::write(&report, osler_report::artifact_report(&loaded, &model_dir)?)?;
    println!("report: {}", report.display());
    Ok(())
}
