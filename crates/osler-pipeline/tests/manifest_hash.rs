//! The manifest is covered by a hash like every other artifact file: an
//! edited manifest (a threshold, or only its whitespace) is refused with the
//! typed hash error, and an artifact written before the hash existed (no
//! `manifest.sha256`) still loads.

use osler_pipeline::api::estimators::LogisticSpec;
use std::path::Path;

use osler_data::datasets;
use osler_models::linear::LogisticOptions;
use osler_pipeline::error::ArtifactProblem;
use osler_pipeline::{
    Artifact, DataSpec, ModelSpec, PipelineError, ThresholdRule, TrainSpec, build_artifact,
    prepare, train,
};

/// A logistic model of Pima without cross-validation, saved to `dir`.
fn save_artifact(dir: &Path) {
    let d = datasets::find("pima-diabetes").expect("shipped");
    let data =
        prepare(d.table().expect("table"), d.schema().expect("schema"), &DataSpec::default())
            .expect("prepare");
    let spec = TrainSpec {
        model: ModelSpec::new(LogisticSpec {
            options: LogisticOptions::default(),
            auto_penalty: true,
        }),
        missing_indicators: true,
        cv_folds: 0,
        cv_repeats: 1,
        seed: 3,
        threshold: ThresholdRule::Youden,
        bootstrap: 0,
    };
    let outcome = train(&data, &spec, &mut || {}).expect("train");
    let info = data.data_info("dataset:pima-diabetes".into(), String::new());
    build_artifact(&data, &spec, outcome, info).save(dir, false).expect("save");
}

/// The artifact problem of a failed load.
fn problem(dir: &Path) -> ArtifactProblem {
    match Artifact::load(dir) {
        Err(PipelineError::Artifact { problem, .. }) => problem,
        Err(e) => panic!("expected an artifact problem, got {e}"),
        Ok(_) => panic!("a modified artifact loaded"),
    }
}

#[test]
fn an_edited_manifest_is_refused_and_one_without_a_hash_file_loads() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("m");
    save_artifact(&dir);
    let manifest = dir.join("manifest.json");
    let hash = dir.join("manifest.sha256");
    let original = std::fs::read_to_string(&manifest).expect("manifest");
    let line = std::fs::read_to_string(&hash).expect("manifest.sha256");
    let (hex, name) = line.trim_end().split_once("  ").expect("sha256sum format");
    assert!(hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()), "{line}");
    assert_eq!(name, "manifest.json");
    let intact = Artifact::load(&dir).expect("an intact artifact loads");

    let mut edited: serde_json::Value = serde_json::from_str(&original).expect("json");
    edited["threshold"] = serde_json::json!(0.01);
    std::fs::write(&manifest, serde_json::to_string_pretty(&edited).expect("json") + "\n")
        .expect("edit threshold");
    assert!(
        matches!(
            problem(&dir),
            ArtifactProblem::HashMismatch { manifest: "manifest.sha256", ref file }
                if file == "manifest.json"
        ),
        "an edited threshold"
    );

    std::fs::write(&manifest, format!("{original}\n")).expect("add a newline");
    assert!(
        matches!(problem(&dir), ArtifactProblem::HashMismatch { .. }),
        "the hash covers the bytes, whitespace included"
    );

    std::fs::write(&hash, "").expect("empty hash file");
    std::fs::write(&manifest, &original).expect("restore");
    assert!(matches!(problem(&dir), ArtifactProblem::Corrupt { file: "manifest.sha256", .. }));

    std::fs::remove_file(&hash).expect("remove hash file");
    let legacy = Artifact::load(&dir).expect("an artifact without manifest.sha256 loads");
    assert_eq!(legacy.manifest, intact.manifest);
}
