//! Survival through the libraries alone: the shipped WHAS500 data (500 heart-
//! attack patients, follow-up `lenfol` in days, death `fstat`) -> Cox model
//! (Efron ties) with 5-fold cross-validation -> artifact saved and loaded
//! again -> survival probabilities at one and two years -> HTML report.
//! Writes into the folder given as the first argument (default: a fresh folder
//! under the system's temporary directory):
//! `cargo run --release -p osler-report --example survival_report [DIR]`.

mod support;

use osler_data::datasets;
use osler_models::survival::Ties;
use osler_pipeline::api::estimators::CoxSpec;
use osler_pipeline::survival_data::SurvivalSpec;
use osler_pipeline::survival_train::{prepare_survival, train_survival};
use osler_pipeline::{Artifact, DataSpec, ModelSpec, build_survival_artifact};

/// Prediction horizons, in days (the unit of `lenfol`).
const HORIZONS: [f64; 2] = [365.0, 730.0];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = support::output_dir("survival")?;
    let d = datasets::find("whas500")?;
    let outcome = SurvivalSpec {
        time: "lenfol".into(),
        event: "fstat".into(),
        event_level: None,
        start: None,
    };
    // Predictors: every feature of the schema except the outcome columns.
    let data = prepare_survival(d.table()?, d.schema()?, &DataSpec::default(), &outcome)?;
    let spec = support::cv_spec(ModelSpec::new(CoxSpec { ties: Ties::Efron }), true);
    let run = train_survival(&data, &spec, &mut || {})?;
    let sha256 = data.table.sha256.clone().unwrap_or_default();
    let info = data.data_info(format!("dataset:{}", d.name), sha256);
    let mut artifact = build_survival_artifact(&data, &spec, run, info)?;
    let model_dir = support::save(&mut artifact, &dir, "whas500-cox", "harrell_c")?;

    let loaded = Artifact::load(&model_dir)?;
    let predictions = loaded.predict_survival(d.table()?, &HORIZONS, false)?;
    for (i, row) in predictions.survival.iter().take(3).enumerate() {
        let at: Vec<String> =
            predictions.times.iter().zip(row).map(|(t, s)| format!("S({t} d) = {s:.3}")).collect();
        println!("patient {}: {}", i + 1, at.join(", "));
    }

    let report = dir.join("whas500-cox.html");
    std::fs::write(&report, osler_report::artifact_report(&loaded, &model_dir)?)?;
    println!("report: {}", report.display());
    Ok(())
}
