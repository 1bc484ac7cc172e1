//! A synthetic long-format cohort shared by the sequence tests: one row per
//! patient per visit (`id`, `day`, labs, sex) and a per-patient outcome `y`
//! that depends on the latest lab values and their trend, so a recurrent
//! network has signal to find.

use osler_data::csv_reader::read_csv_bytes;
use osler_data::{Schema, SplitMix64, Table};
use osler_pipeline::sequence::{PreparedSequences, train_sequences};
use osler_pipeline::sequence::{SequenceSpec, build_sequence_artifact, prepare_sequences};
use osler_pipeline::{Artifact, DataSpec, ModelSpec, ThresholdRule, TrainSpec};

/// The columns of every visit row, in order.
pub const HEADER: &str = "id,day,lab1,lab2,sex,y";

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The visit rows of `patients` patients as fields (`HEADER` order); patient
/// `i` has 1 to 6 visits, `lab2` is missing at every seventh visit.
pub fn visits(patients: usize) -> Vec<Vec<String>> {
    let mut rng = SplitMix64::new(99);
    let mut rows = Vec::new();
    let mut visit = 0;
    for i in 0..patients {
        let n = 1 + i % 6;
        let slope = rng.next_f64() * 2.0 - 1.0;
        let start = rng.next_f64() * 2.0 - 1.0;
        let sex = ["F", "M"][i % 2];
        let last = start + slope * (n - 1) as f64 * 0.5;
        let y =
            if rng.next_f64() < 1.0 / (1.0 + (-(2.0 * last + slope)).exp()) { "yes" } else { "no" };
        let mut day = 0.0;
        for t in 0..n {
            let lab1 = round3(start + slope * t as f64 * 0.5 + 0.1 * rng.next_f64());
            let lab2 = round3(10.0 + 3.0 * rng.next_f64() + slope);
            let lab2 = if visit % 7 == 3 { String::new() } else { lab2.to_string() };
            visit += 1;
            rows.push(vec![
                format!("p{i}"),
                day.to_string(),
                lab1.to_string(),
                lab2,
                sex.to_string(),
                y.to_string(),
            ]);
            day += (30.0 + 300.0 * rng.next_f64()).round();
        }
    }
    rows
}

/// Rows as CSV text under `header`.
pub fn csv(header: &str, rows: &[Vec<String>]) -> String {
    let mut s = format!("{header}\n");
    for r in rows {
        s.push_str(&r.join(","));
        s.push('\n');
    }
    s
}

/// Parses CSV text as a table.
pub fn read(text: &str) -> Table {
    read_csv_bytes(text.as_bytes(), "visits.csv").expect("test CSV parses")
}

/// The cohort's schema: inferred, with `lab2`'s code -1 declared missing.
pub fn schema(table: &Table) -> Schema {
    let mut s = Schema::infer(table).expect("schema infers");
    s.get_mut("lab2").expect("lab2 in schema").missing = vec!["-1".into()];
    s
}

/// The long-format reading: patients by `id`, visits by `day`, all visits.
pub fn sequence_spec() -> SequenceSpec {
    SequenceSpec { id: "id".into(), time: "day".into(), steps: None }
}

/// A training spec of `model` with `cv_folds` folds and few bootstrap replicates.
pub fn train_spec(model: ModelSpec, cv_folds: usize) -> TrainSpec {
    TrainSpec {
        model,
        missing_indicators: false,
        cv_folds,
        cv_repeats: 1,
        seed: 7,
        threshold: ThresholdRule::Fixed(0.5),
        bootstrap: 20,
    }
}

/// The cohort prepared for a sequence model predicting `y = yes`.
pub fn prepared(patients: usize) -> PreparedSequences {
    let table = read(&csv(HEADER, &visits(patients)));
    let schema = schema(&table);
    let data =
        DataSpec { target: Some("y".into()), positive: Some("yes".into()), ..DataSpec::default() };
    prepare_sequences(table, schema, &data, &sequence_spec()).expect("prepare")
}

/// Trains `model` on `patients` patients and returns the artifact.
pub fn fit(model: ModelSpec, patients: usize, cv_folds: usize) -> Artifact {
    let data = prepared(patients);
    let spec = train_spec(model, cv_folds);
    let outcome = train_sequences(&data, &spec, &mut || {}).expect("train");
    let info = data.data_info("visits.csv".into(), String::new());
    build_sequence_artifact(&data, &spec, outcome, info)
}

/// The visit rows without the outcome (what a prediction reads).
pub fn features_csv(rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r[..5].to_vec()).collect();
    csv("id,day,lab1,lab2,sex", &rows)
}
