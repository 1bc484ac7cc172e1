//! A whole training job through the front ends' facade (`osler_pipeline::api`),
//! the way a service would run one: the shipped SUPPORT data -> the disease
//! class of each patient (four classes) from admission physiology, by an MLP
//! with 5-fold cross-validation -> artifact saved and loaded -> predictions for the first
//! patients -> the text the command line prints and the HTML report. Writes
//! into the folder given as the first argument (default: a fresh folder under
//! the system's temporary directory):
//! `cargo run --release -p osler-report --example multiclass_job [DIR]`.

// The training job saves the artifact itself, so this example leaves the
// shared `support::save` (and what only it calls) unused.
#[allow(dead_code)]
mod support;

use osler_data::source::{DataSource, load};
use osler_pipeline::api::estimators::MlpOptions;
use osler_pipeline::api::estimators::MlpSpec;
use osler_pipeline::api::{
    Artifact, DataSpec, ModelSpec, PredictRequest, TaskInput, TrainingJob, predict, run_training,
};

/// Columns that give the class away (the disease group, cancer status) or are
/// outcomes or other models' predictions, left out of the predictors.
const LEAKY: [&str; 7] =
    ["fac_dzgroup", "fac_ca", "event", "time", "fac_sfdm2", "num_surv2m", "num_surv6m"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = support::output_dir("multiclass")?;
    let source = DataSource::Dataset("support2".into());
    let mut options = MlpOptions::default();
    options.train.epochs = 40;
    let job = TrainingJob {
        data: DataSpec {
            target: Some("fac_dzclass".into()),
            multiclass: true,
            drop: LEAKY.iter().map(|c| c.to_string()).collect(),
            ..DataSpec::default()
        },
        input: TaskInput::Rows,
        spec: support::cv_spec(ModelSpec::new(MlpSpec { options }), false),
        out: dir.join("support2-dzclass"),
        overwrite: true,
    };
    // One call: prepare, cross-validate, fit, save; the callback runs after each fold.
    let (_, report) = run_training(load(&source, None)?, 0.0, &job, &mut || {})?;
    print!("{}", osler_report::text::training(&report));

    // A service would load the artifact once and predict many times.
    let artifact = Artifact::load(&job.out)?;
    let first = load(&source, None)?.table.take_rows(&[0, 1, 2]);
    let predictions = predict(&artifact, first, &PredictRequest::default())?;
    print!("{}", osler_report::text::predictions(&predictions));

    let html = dir.join("support2-dzclass.html");
    std::fs::write(&html, osler_report::artifact_report(&artifact, &job.out)?)?;
    println!("report: {}", html.display());
    Ok(())
}
