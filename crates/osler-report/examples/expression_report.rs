//! Gene expression (p >> n) through the libraries alone: the shipped adult
//! ALL data (128 patients, 12,625 probe sets) read as two files, the
//! expression matrix joined to the clinical table on the sample id -> B- vs
//! T-lineage elastic net (penalty by inner CV, t-test pre-filter inside every
//! fold) with 5-fold outer cross-validation -> artifact saved and loaded again
//! -> predictions -> HTML report. Writes into the folder given as the first
//! argument (default: a fresh folder under the system's temporary directory):
//! `cargo run --release -p osler-report --example expression_report [DIR]`.

mod support;

use osler_data::csv_reader::read_csv_reader_with;
use osler_data::expression::read_expression_reader;
use osler_data::{CsvOptions, IdColumn, Orientation, join_expression};
use osler_models::selection::{Prefilter, PrefilterMethod};
use osler_pipeline::enet::{EnetSpec, LambdaRule};
use osler_pipeline::{Artifact, DataSpec, ModelSpec, build_artifact, prepare, train};
use std::fs::File;

/// The shipped files, the same a user would pass as `--data` and `--expression`.
const CLINICAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/all-leukemia/data.csv");
const EXPRESSION: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/all-leukemia/expression.csv.gz");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = support::output_dir("expression")?;
    // Sample ids such as 01005 are read as text so their leading zeros survive the join.
    let id = IdColumn::Named("sample".into());
    let options = CsvOptions { text_column: Some(id.clone()), ..CsvOptions::default() };
    let clinical = read_csv_reader_with(File::open(CLINICAL)?, "all-leukemia/data.csv", &options)?;
    let matrix = read_expression_reader(
        File::open(EXPRESSION)?,
        "all-leukemia/expression.csv.gz",
        Orientation::GenesAsRows,
    )?;
    let joined = join_expression(clinical, &id, matrix, false)?;
    // The dataset's own schema (roles, missing codes; genes by `[defaults]`):
    // inferring one would read the clinical codes such as `cod` as numbers.
    let schema = osler_data::datasets::find("all-leukemia")?.schema()?;
    // Predictors: the genes only (the columns after the clinical ones).
    let genes: Vec<String> =
        joined.table.columns[joined.n_clinical..].iter().map(|c| c.name.clone()).collect();
    let data_spec = DataSpec {
        target: Some("BT".into()),
        // BT holds the lineage and stage (B, B1, ..., T, T1, ...): every T level is the event.
        positive: Some("T,T1,T2,T3,T4".into()),
        features: Some(genes),
        ..DataSpec::default()
    };
    let data = prepare(joined.table, schema, &data_spec)?;
    let enet = EnetSpec {
        alpha: 0.5,
        lambda: None,
        rule: LambdaRule::OneSe,
        inner_folds: 5,
        prefilter: Some(Prefilter { method: PrefilterMethod::TTest, keep: 500 }),
        stability: 0,
        seed: 1,
    };
    let spec = support::cv_spec(ModelSpec::new(enet), false);
    let outcome = train(&data, &spec, &mut || {})?;
    let sha256 = data.table.sha256.clone().unwrap_or_default();
    let info = data.data_info(data.table.source.clone(), sha256);
    let mut artifact = build_artifact(&data, &spec, outcome, info);
    let model_dir = support::save(&mut artifact, &dir, "all-lineage-enet", "auroc")?;

    let loaded = Artifact::load(&model_dir)?;
    let predictions = loaded.predict(data.table, false)?;
    for (i, p) in predictions.probability.iter().take(3).enumerate() {
        println!("patient {}: P(T lineage) = {p:.3}", i + 1);
    }

    let report = dir.join("all-lineage-enet.html");
    std::fs::write(&report, osler_report::artifact_report(&loaded, &model_dir)?)?;
    println!("report: {}", report.display());
    Ok(())
}
