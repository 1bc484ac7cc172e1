//! Without `--out`, `osler train` writes `osler-models/<data>-<model>` and, like
//! an explicit `--out`, never replaces an existing folder there without
//! `--force`: two runs of one data set and model would otherwise share it,
//! and a report written from the first run would describe the second model.

mod common;

use common::osler;

const TRAIN: [&str; 8] =
    ["train", "--dataset", "pima-diabetes", "--model", "logistic", "--cv", "0", "--quiet"];

#[test]
fn the_default_artifact_folder_is_not_replaced_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("osler-models/pima-diabetes-logistic/manifest.json");
    osler().current_dir(dir.path()).args(TRAIN).assert().success();
    let first = std::fs::read(&manifest).expect("the default folder holds the artifact");

    let out = osler()
        .current_dir(dir.path())
        .args(TRAIN)
        .args(["--penalty", "l2"])
        .output()
        .expect("run osler");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("pima-diabetes-logistic"), "{err}");
    assert!(err.contains("already exists") && err.contains("--force"), "{err}");
    let kept = std::fs::read(&manifest).expect("the first artifact is still there");
    assert_eq!(kept, first, "the first artifact is untouched");

    osler()
        .current_dir(dir.path())
        .args(TRAIN)
        .args(["--penalty", "l2", "--force"])
        .assert()
        .success();
    let replaced = std::fs::read(&manifest).expect("replaced artifact");
    assert_ne!(replaced, first, "--force replaces the folder with the new model");
}
