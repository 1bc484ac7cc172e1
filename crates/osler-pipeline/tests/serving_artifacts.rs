//! Artifacts saved from threads of one process at the same time, to different
//! directories or to one directory, all end complete and loadable, leave no
//! temporary directories, and predict what the network in memory predicted.

use osler_pipeline::api::estimators::MlpSpec;
use std::path::Path;
use std::sync::Barrier;

use osler_data::datasets;
use osler_nn::{MlpOptions, TrainOptions};
use osler_pipeline::{
    Artifact, DataSpec, ModelSpec, PipelineError, Prepared, ThresholdRule, TrainSpec,
    build_artifact, prepare, train,
};

const THREADS: usize = 8;
/// Races per test: one race of quick saves on a busy machine may happen to run in turn.
const ROUNDS: usize = 10;

fn pima() -> Prepared {
    let d = datasets::find("pima-diabetes").expect("shipped");
    prepare(d.table().expect("table"), d.schema().expect("schema"), &DataSpec::default())
        .expect("prepare")
}

/// A small MLP artifact (no CV) and the probabilities of the fitted network for every row.
fn mlp_artifact() -> (Artifact, Vec<f64>) {
    let data = pima();
    let options = MlpOptions {
        train: TrainOptions { epochs: 5, ..MlpOptions::default().train },
        ..MlpOptions::default()
    };
    let spec = TrainSpec {
        model: ModelSpec::new(MlpSpec { options }),
        missing_indicators: true,
        cv_folds: 0,
        cv_repeats: 1,
        seed: 3,
        threshold: ThresholdRule::Youden,
        bootstrap: 0,
    };
    let outcome = train(&data, &spec, &mut || {}).expect("train");
    let all: Vec<usize> = (0..data.y().len()).collect();
    let in_memory = outcome.fitted.predict_rows(&data, &all).expect("predict");
    let info = data
        .data_info("dataset:pima-diabetes".into(), data.table.sha256.clone().unwrap_or_default());
    (build_artifact(&data, &spec, outcome, info), in_memory)
}

/// Loads `dir` and checks its predictions bit for bit.
fn assert_predicts(dir: &Path, want: &[f64]) {
    let loaded = Artifact::load(dir).expect("a complete, loadable artifact");
    let raw = datasets::find("pima-diabetes").expect("shipped").table().expect("table");
    let got = loaded.predict(raw, false).expect("predict").probability;
    let bits = |v: &[f64]| v.iter().map(|p| p.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&got), bits(want), "prediction changed after save/load");
}

/// Entries of `parent` other than the artifact directories themselves.
fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

/// `THREADS` saves of `artifact` started together; `target(i)` is thread i's directory.
fn save_concurrently(
    artifact: &Artifact,
    target: impl Fn(usize) -> std::path::PathBuf + Sync,
    overwrite: bool,
) -> Vec<Result<(), PipelineError>> {
    let start = Barrier::new(THREADS);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|i| {
                let (mut art, start, target) = (artifact.clone(), &start, &target);
                s.spawn(move || {
                    start.wait();
                    art.save(&target(i), overwrite)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("saving thread")).collect()
    })
}

#[test]
fn concurrent_saves_to_different_directories_all_complete() {
    let (artifact, want) = mlp_artifact();
    let root = tempfile::tempdir().expect("tempdir");
    // One parent and one name stem: the temporary names must differ by more than the directory.
    let results = save_concurrently(&artifact, |i| root.path().join(format!("m{i}")), false);
    for (i, r) in results.into_iter().enumerate() {
        r.expect("save");
        assert_predicts(&root.path().join(format!("m{i}")), &want);
    }
    assert_eq!(leftovers(root.path()), Vec::<String>::new());
}

#[test]
fn concurrent_overwrites_of_one_directory_leave_one_complete_artifact() {
    let (artifact, want) = mlp_artifact();
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("model");
    artifact.clone().save(&dir, false).expect("first save");
    for _ in 0..ROUNDS {
        for r in save_concurrently(&artifact, |_| dir.clone(), true) {
            r.expect("overwrite");
        }
        assert_predicts(&dir, &want);
        assert_eq!(leftovers(root.path()), Vec::<String>::new());
    }
}

#[test]
fn concurrent_saves_without_overwrite_let_exactly_one_win() {
    let (artifact, want) = mlp_artifact();
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("model");
    for _ in 0..ROUNDS {
        let results = save_concurrently(&artifact, |_| dir.clone(), false);
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "{results:?}");
        for r in results.iter().filter_map(|r| r.as_ref().err()) {
            assert!(r.to_string().contains("already exists"), "{r}");
        }
        assert_predicts(&dir, &want);
        assert_eq!(leftovers(root.path()), Vec::<String>::new());
        std::fs::remove_dir_all(&dir).expect("clear for the next race");
    }
}
