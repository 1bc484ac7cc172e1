//! Editing an artifact's `manifest.json` (its decision threshold) no longer
//! changes predictions silently: `osler predict` refuses the artifact with
//! exit 2, like an edited weights file. An artifact without
//! `manifest.sha256` (written before the manifest had a hash) still predicts.

mod common;

use common::{json_ok, osler, user_error};

#[test]
fn an_edited_threshold_is_refused_like_edited_weights() {
    let dir = tempfile::tempdir().expect("tempdir");
    let art = dir.path().join("m");
    let a = art.to_str().expect("path");
    json_ok(&["train", "--dataset", "pima-diabetes", "--cv", "0", "--json", "--out", a]);
    let input = dir.path().join("p.csv");
    std::fs::write(
        &input,
        "pregnant,glucose,pressure,triceps,insulin,mass,pedigree,age\n1,100,70,20,80,25,0.3,30\n",
    )
    .expect("input");
    let input = input.to_str().expect("path");
    let predict = || {
        let out = osler().args(["predict", a, "--input", input]).output().expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let before = predict();

    let manifest = art.join("manifest.json");
    let original = std::fs::read_to_string(&manifest).expect("manifest");
    let mut edited: serde_json::Value = serde_json::from_str(&original).expect("json");
    edited["threshold"] = serde_json::json!(0.01);
    std::fs::write(&manifest, serde_json::to_string_pretty(&edited).expect("json") + "\n")
        .expect("edit threshold");
    let e = user_error(&["predict", a, "--input", input]);
    assert!(
        e.contains("manifest.json does not match its SHA-256 in manifest.sha256")
            && e.contains("modified"),
        "{e}"
    );
    let e = user_error(&["evaluate", a, "--dataset", "pima-diabetes"]);
    assert!(e.contains("manifest.sha256"), "{e}");

    std::fs::write(&manifest, &original).expect("restore");
    assert_eq!(predict(), before);
    std::fs::remove_file(art.join("manifest.sha256")).expect("remove the hash file");
    assert_eq!(predict(), before, "an artifact from before the manifest hash still predicts");
}
