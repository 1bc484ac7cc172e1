//! The model contract for the kinds that read long-format data
//! (`capabilities.sequence_input`): one probability per patient from each
//! patient's visits.

use osler_data::DataError;
use osler_pipeline::{Artifact, ModelKind, PipelineError};

use crate::long_cohort::{features_csv, fit, read, visits};
// The bit-exact comparisons of the tabular suite (this module's parent).
use crate::{bits, files, predictions_while_training};

const PATIENTS: usize = 60;

fn predict(art: &Artifact, text: &str) -> Result<Vec<f64>, PipelineError> {
    let pred = art.predict_sequences(read(text))?;
    Ok(pred.predictions.iter().map(|p| p.probability).collect())
}

/// Save -> load -> predict, same seed, missing values, bad input, threads,
/// one patient and a large input, for one sequence kind.
pub fn check_kind(kind: &ModelKind) {
    let name = kind.name;
    let tmp = tempfile::tempdir().expect("tempdir");
    let art = fit((kind.example)(7), PATIENTS, 3);
    let rows = visits(PATIENTS);
    let input = features_csv(&rows);
    let expected = predict(&art, &input).expect("predict");
    assert_eq!(expected.len(), PATIENTS, "{name}: one probability per patient");
    assert!(expected.iter().all(|p| (0.0..=1.0).contains(p)), "{name}: not a probability");

    // Save -> load -> predict: bit-identical.
    let mut saved = art.clone();
    let dir_a = tmp.path().join("a");
    saved.save(&dir_a, false).expect("save");
    let loaded = Artifact::load(&dir_a).expect("load");
    assert_eq!(bits(&predict(&loaded, &input).expect("predict")), bits(&expected), "{name}");

    // The same seed gives the same model: every artifact file byte-identical.
    let mut again = fit((kind.example)(7), PATIENTS, 3);
    let dir_b = tmp.path().join("b");
    again.save(&dir_b, false).expect("save");
    assert!(files(&dir_a) == files(&dir_b), "{name}: same seed, different artifact");

    // Missing values follow the schema: the code -1 is missing, and a missing
    // lab is imputed like the training median.
    let edit = |value: &str| {
        let mut r = rows[..1].to_vec();
        r[0][3] = value.to_string();
        predict(&loaded, &features_csv(&r)).expect("predict")
    };
    assert_eq!(bits(&edit("")), bits(&edit("-1")), "{name}: the missing code is not missing");
    assert!(edit("").iter().all(|p| p.is_finite()), "{name}: a missing value gives NaN");

    // Bad input gives the typed error: a duplicated visit, a missing id column.
    let mut dup = rows[..3].to_vec();
    dup.push(dup[1].clone());
    match predict(&loaded, &features_csv(&dup)) {
        Err(PipelineError::Data(DataError::DuplicateVisit(rows))) => {
            assert_eq!((rows.patient.as_str(), rows.column.as_str()), (dup[1][0].as_str(), "day"));
        }
        other => panic!("{name}: a duplicated visit gave {other:?}"),
    }
    let no_id: String = features_csv(&rows[..4])
        .lines()
        .map(|l| l.split_once(',').map_or("", |(_, rest)| rest).to_string() + "\n")
        .collect();
    match predict(&loaded, &no_id) {
        Err(PipelineError::Data(DataError::MissingColumn { column, .. })) => {
            assert_eq!(column, "id");
        }
        other => panic!("{name}: a missing id column gave {other:?}"),
    }

    // 8 threads at once on one loaded model get the single-thread numbers,
    // and none waits for a training run.
    for got in predictions_while_training(name, || predict(&loaded, &input)) {
        assert_eq!(bits(&got.expect("predict")), bits(&expected), "{name}: threads");
    }

    // One patient (its prediction does not depend on the others), and 100,000 visit rows.
    let first_visits: Vec<Vec<String>> =
        rows.iter().take_while(|r| r[0] == rows[0][0]).cloned().collect();
    let one = predict(&loaded, &features_csv(&first_visits)).expect("one patient");
    assert_eq!(bits(&one), bits(&expected[..1]), "{name}: one patient");
    let big_rows = visits(100_000 / 3 + 1);
    let big_rows = &big_rows[..100_000];
    let big = predict(&loaded, &features_csv(big_rows)).expect("100k rows");
    assert!(big.len() > 20_000 && big.iter().all(|p| p.is_finite()), "{name}: 100k rows");
}
