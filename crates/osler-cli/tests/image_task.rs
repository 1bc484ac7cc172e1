//! Images as a task: `osler train --model cnn|resnet18` on PneumoniaMNIST's
//! official splits (a short smoke run: one epoch on a spread subset) and
//! `osler predict ARTIFACT --input IMAGE...` through the artifact's image
//! contract, PNG and DICOM alike; bad input exits 2, names the file and
//! writes nothing.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{json_ok, osler, user_error};

/// The smoke artifact, trained once per test process.
fn artifact() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = tempfile::tempdir().unwrap().keep();
        let out = root.join("cnn");
        let v = json_ok(&[
            "train",
            "--dataset",
            "pneumoniamnist",
            "--model",
            "cnn",
            "--seed",
            "1",
            "--epochs",
            "1",
            "--train-limit",
            "400",
            "--bootstrap",
            "20",
            "--out",
            out.to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(v["artifact"].as_str(), out.to_str());
        out
    })
}

/// A 28 x 28 grey test pattern (a bright disc on a ramp).
fn pattern() -> Vec<u8> {
    (0..28 * 28)
        .map(|i| {
            let (y, x) = ((i / 28) as f64, (i % 28) as f64);
            let disc = if (y - 12.0).powi(2) + (x - 15.0).powi(2) < 30.0 { 120.0 } else { 0.0 };
            (x * 4.0 + y + disc).min(255.0) as u8
        })
        .collect()
}

fn write_png(path: &Path, w: u32, h: u32, pixels: Vec<u8>) {
    image::GrayImage::from_raw(w, h, pixels).unwrap().save(path).unwrap();
}

/// One explicit-VR little-endian data element.
fn element(out: &mut Vec<u8>, group: u16, elem: u16, vr: &[u8; 2], value: &[u8]) {
    let mut value = value.to_vec();
    if value.len() % 2 == 1 {
        value.push(if vr == b"UI" || vr == b"OB" { 0 } else { b' ' });
    }
    out.extend(group.to_le_bytes());
    out.extend(elem.to_le_bytes());
    out.extend(vr);
    if vr == b"OB" || vr == b"OW" {
        out.extend([0, 0]);
        out.extend((value.len() as u32).to_le_bytes());
    } else {
        out.extend((value.len() as u16).to_le_bytes());
    }
    out.extend(value);
}

/// A minimal single-frame 8-bit DICOM file of `pixels` (28 x 28).
fn dicom(photometric: &str, pixels: &[u8]) -> Vec<u8> {
    let syntax = b"1.2.840.10008.1.2.1";
    let sop_class = b"1.2.840.10008.5.1.4.1.1.7";
    let mut meta = Vec::new();
    element(&mut meta, 0x0002, 0x0001, b"OB", &[0, 1]);
    element(&mut meta, 0x0002, 0x0002, b"UI", sop_class);
    element(&mut meta, 0x0002, 0x0003, b"UI", b"1.2.3.4.5");
    element(&mut meta, 0x0002, 0x0010, b"UI", syntax);
    let mut out = vec![0u8; 128];
    out.extend(b"DICM");
    element(&mut out, 0x0002, 0x0000, b"UL", &(meta.len() as u32).to_le_bytes());
    out.extend(meta);
    element(&mut out, 0x0008, 0x0016, b"UI", sop_class);
    element(&mut out, 0x0008, 0x0060, b"CS", b"OT");
    element(&mut out, 0x0028, 0x0002, b"US", &1u16.to_le_bytes());
    element(&mut out, 0x0028, 0x0004, b"CS", photometric.as_bytes());
    element(&mut out, 0x0028, 0x0010, b"US", &28u16.to_le_bytes());
    element(&mut out, 0x0028, 0x0011, b"US", &28u16.to_le_bytes());
    element(&mut out, 0x0028, 0x0100, b"US", &8u16.to_le_bytes());
    element(&mut out, 0x0028, 0x0101, b"US", &8u16.to_le_bytes());
    element(&mut out, 0x0028, 0x0102, b"US", &7u16.to_le_bytes());
    element(&mut out, 0x0028, 0x0103, b"US", &0u16.to_le_bytes());
    element(&mut out, 0x7FE0, 0x0010, b"OB", pixels);
    out
}

fn predict(files: &[&Path]) -> serde_json::Value {
    let art = artifact().to_str().unwrap().to_string();
    let mut args = vec!["predict".to_string(), art, "--input".into()];
    args.extend(files.iter().map(|f| f.to_str().unwrap().to_string()));
    args.push("--json".into());
    json_ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn train_reports_validation_and_official_test_metrics_and_the_artifact() {
    let dir = artifact();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let input = &manifest["input"];
    assert_eq!(input["kind"], "image");
    assert_eq!((input["rows"].as_u64(), input["input_rows"].as_u64()), (Some(28), Some(28)));
    assert_eq!(input["normalisation"]["mean"].as_f64(), Some(0.5));
    assert_eq!(manifest["model"]["kind"], "cnn");
    assert_eq!(manifest["levels"]["positive"], "pneumonia");
    assert!(dir.join("weights.safetensors").is_file());
}

#[test]
fn train_json_has_the_metric_panel_of_both_splits() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("a");
    let v = json_ok(&[
        "train",
        "--dataset",
        "pneumoniamnist",
        "--model",
        "cnn",
        "--epochs",
        "1",
        "--train-limit",
        "200",
        "--bootstrap",
        "10",
        "--no-augment",
        "--out",
        dir.to_str().unwrap(),
        "--json",
    ]);
    for split in ["validation", "test"] {
        let auroc = v[split]["metrics"]["auroc"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&auroc), "{split} {auroc}");
        assert!(v[split]["ci95"]["auroc"].is_array(), "{split}");
        assert!(v[split]["metrics"]["sensitivity"].is_f64());
    }
    // The official splits: 524 validation and 624 test images.
    assert_eq!((v["validation"]["n"].as_u64(), v["test"]["n"].as_u64()), (Some(524), Some(624)));
    assert_eq!((v["train_images"].as_u64(), v["epochs"].as_u64()), (Some(200), Some(1)));
    assert_eq!(v["artifact"].as_str(), dir.to_str());
}

#[test]
fn a_png_and_dicoms_of_the_same_image_give_the_same_probability() {
    let dir = tempfile::tempdir().unwrap();
    let px = pattern();
    let png = dir.path().join("x.png");
    write_png(&png, 28, 28, px.clone());
    let dcm = dir.path().join("x.dcm");
    std::fs::write(&dcm, dicom("MONOCHROME2", &px)).unwrap();
    // MONOCHROME1 stores the inverted grey levels; the contract inverts them back.
    let inverted: Vec<u8> = px.iter().map(|g| 255 - g).collect();
    let dcm1 = dir.path().join("x1.dcm");
    std::fs::write(&dcm1, dicom("MONOCHROME1", &inverted)).unwrap();
    let v = predict(&[&png, &dcm, &dcm1]);
    let p: Vec<f64> =
        (0..3).map(|i| v["predictions"][i]["probability"].as_f64().unwrap()).collect();
    assert!((0.0..=1.0).contains(&p[0]));
    assert_eq!(p[0], p[1]);
    assert_eq!(p[0], p[2]);
    assert_eq!(v["predictions"][1]["file"].as_str(), dcm.to_str());
    let class = v["predictions"][0]["class"].as_str().unwrap();
    assert_eq!(class == "pneumonia", p[0] >= 0.5, "{class}");
}

#[test]
fn bad_image_input_exits_2_names_the_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let art = artifact().to_str().unwrap().to_string();
    let good = dir.path().join("good.png");
    write_png(&good, 28, 28, pattern());
    let truncated = dir.path().join("truncated.dcm");
    std::fs::write(&truncated, &dicom("MONOCHROME2", &pattern())[..300]).unwrap();
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "not an image at all").unwrap();
    let big = dir.path().join("big.png");
    write_png(&big, 32, 32, vec![7; 32 * 32]);
    let rgb = dir.path().join("rgb.png");
    image::RgbImage::from_raw(28, 28, vec![9; 28 * 28 * 3]).unwrap().save(&rgb).unwrap();
    let empty = dir.path().join("empty_dir");
    std::fs::create_dir(&empty).unwrap();
    let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    let heatmap = dir.path().join("heat.png");
    for (bad, words) in [
        (&truncated, "truncated.dcm"),
        (&text, "notes.png"),
        (&big, "32 x 32"),
        (&rgb, "channel"),
        (&empty, "empty_dir"),
    ] {
        let msg = user_error(&[
            "predict",
            &art,
            "--input",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
            "--heatmap",
            heatmap.to_str().unwrap(),
            "--json",
        ]);
        assert!(msg.contains(words), "{msg}");
        assert!(msg.contains(bad.file_name().unwrap().to_str().unwrap()), "{msg}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before.len());
}

#[test]
fn bad_image_training_options_exit_2() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("never");
    let o = dir.to_str().unwrap();
    let msg = user_error(&["train", "--dataset", "chestmnist", "--model", "cnn", "--out", o]);
    assert!(msg.contains("chestmnist"), "{msg}");
    let msg = user_error(&[
        "train",
        "--dataset",
        "pneumoniamnist",
        "--model",
        "cnn",
        "--image-size",
        "20",
        "--out",
        o,
    ]);
    assert!(msg.contains("--image-size"), "{msg}");
    assert!(!dir.exists());
}

#[test]
fn an_image_artifact_reports_its_validation_and_test_metrics() {
    let out = tempfile::tempdir().unwrap();
    let html = out.path().join("r.html");
    osler()
        .args(["report", artifact().to_str().unwrap(), "--out", html.to_str().unwrap()])
        .assert()
        .success();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("validation split: 524 images"), "no validation section");
    assert!(text.contains("test split: 624 images, 390 with the event"), "no test section");
}

// Grad-CAM overlays: one file at the path given, several as STEM-k.png, each
// the network's 28 px input enlarged 8 times, named in the JSON.
#[test]
fn heatmaps_are_written_per_prediction_and_named_in_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let art = artifact().to_str().unwrap().to_string();
    let png = dir.path().join("x.png");
    write_png(&png, 28, 28, pattern());
    let one = dir.path().join("one.png");
    let v = json_ok(&[
        "predict",
        &art,
        "--input",
        png.to_str().unwrap(),
        "--heatmap",
        one.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(v["predictions"][0]["heatmap"].as_str(), one.to_str());
    let overlay = image::open(&one).unwrap();
    assert_eq!((overlay.width(), overlay.height()), (224, 224));
    let many = dir.path().join("many.png");
    let v = json_ok(&[
        "predict",
        &art,
        "--input",
        png.to_str().unwrap(),
        png.to_str().unwrap(),
        "--heatmap",
        many.to_str().unwrap(),
        "--json",
    ]);
    for k in 1..=2 {
        let name = dir.path().join(format!("many-{k}.png"));
        assert_eq!(v["predictions"][k - 1]["heatmap"].as_str(), name.to_str());
        assert!(name.is_file(), "{}", name.display());
    }
    assert!(!many.exists());
}
