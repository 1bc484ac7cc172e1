//! `osler image info`: the JSON of the shipped DICOM samples, the windowed
//! preview, and bad input (exit code 2, the file named, nothing written).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{json_ok, osler, reference, user_error};

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../datasets/imaging-dicom-samples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

// HU range as pydicom's apply_modality_lut gives it
// (tests/reference/imaging/hu_reference.json).
#[test]
fn ct_info_reports_modality_geometry_and_hounsfield_range() {
    let v = json_ok(&["image", "info", &sample("ct_thorax_slice_CT_small.dcm"), "--json"]);
    assert_eq!(v["format"], "dicom");
    assert_eq!(v["modality"], "CT");
    assert_eq!((v["rows"].as_u64(), v["columns"].as_u64()), (Some(128), Some(128)));
    assert_eq!(v["frames"], 1);
    assert_eq!(v["photometric"], "MONOCHROME2");
    assert_eq!((v["hu_min"].as_f64(), v["hu_max"].as_f64()), (Some(-896.0), Some(1167.0)));
    assert_eq!(v["rescale_intercept"].as_f64(), Some(-1024.0));
    assert!(v["preview"].is_null());
}

#[test]
fn multiframe_mr_reports_its_frames_and_no_hounsfield_units() {
    let v = json_ok(&["image", "info", &sample("mr_multiframe_emri_small.dcm"), "--json"]);
    assert_eq!((v["modality"].as_str(), v["frames"].as_u64()), (Some("MR"), Some(10)));
    assert!(v["hu_min"].is_null() && v["hu_max"].is_null());
}

// The CR film is MONOCHROME1: in the preview the lung fields must be darker
// than the mediastinum (not inverted).
#[test]
fn chest_radiograph_preview_has_dark_lungs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cr.png");
    let out_s = out.to_string_lossy().into_owned();
    let v = json_ok(&[
        "image",
        "info",
        &sample("chest_xray_CR_RG1_UNCR.dcm"),
        "--preview",
        &out_s,
        "--json",
    ]);
    assert_eq!(v["photometric"], "MONOCHROME1");
    assert_eq!(v["preview"]["window"]["center"].as_f64(), Some(15000.0));
    let grey = image::open(&out).unwrap().to_luma8();
    let mean = |fy: f64, fx: f64| {
        let (cy, cx) =
            ((fy * f64::from(grey.height())) as u32, (fx * f64::from(grey.width())) as u32);
        let mut sum = 0.0;
        for y in cy - 40..cy + 40 {
            for x in cx - 40..cx + 40 {
                sum += f64::from(grey.get_pixel(x, y)[0]);
            }
        }
        sum / 6400.0
    };
    assert!((mean(0.4, 0.25) + mean(0.4, 0.75)) / 2.0 + 60.0 < mean(0.4, 0.5));
}

#[test]
fn lung_window_preview_of_the_ct_slice_and_text_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sub/ct.png");
    let ct = sample("ct_thorax_slice_CT_small.dcm");
    let run = osler()
        .args(["image", "info", &ct, "--preview", &out.to_string_lossy(), "--window", "lung"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("DICOM CT, 128 rows x 128 columns"), "{text}");
    assert!(text.contains("Hounsfield units: -896 to 1167"), "{text}");
    assert!(text.contains("window centre -600 width 1500"), "{text}");
    let grey = image::open(&out).unwrap().to_luma8();
    assert_eq!(grey.dimensions(), (128, 128));
    let v = json_ok(&[
        "image",
        "info",
        &ct,
        "--preview",
        &out.to_string_lossy(),
        "--window",
        "40,400",
        "--json",
    ]);
    assert_eq!(v["preview"]["window"]["width"].as_f64(), Some(400.0));
}

/// Runs `osler image info FILE --json --preview OUT` expecting exit 2 with
/// the file named and no preview written; returns stderr.
fn refused(file: &Path, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("preview.png");
    let file_s = file.to_string_lossy().into_owned();
    let out_s = out.to_string_lossy().into_owned();
    let mut args = vec!["image", "info", &file_s, "--json", "--preview", &out_s];
    args.extend_from_slice(extra);
    let err = user_error(&args);
    assert!(err.contains(&file_s), "the message names the file: {err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
    err
}

#[test]
fn bad_files_exit_2_naming_the_file_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ct = std::fs::read(sample("ct_thorax_slice_CT_small.dcm")).unwrap();
    let truncated = dir.path().join("truncated.dcm");
    std::fs::write(&truncated, &ct[..ct.len() / 2]).unwrap();
    let err = refused(&truncated, &[]);
    assert!(err.contains("pixel data") || err.contains("DICOM"), "{err}");
    let empty = dir.path().join("empty.dcm");
    std::fs::write(&empty, b"").unwrap();
    assert!(refused(&empty, &[]).contains("empty"));
    let text = dir.path().join("labs.csv");
    std::fs::write(&text, b"id,value\n1,2\n").unwrap();
    assert!(refused(&text, &[]).contains("not a DICOM, PNG or JPEG"));
    let missing: PathBuf = dir.path().join("missing.dcm");
    assert!(refused(&missing, &[]).contains("cannot read"));
    let empty_dir = dir.path().join("nothing");
    std::fs::create_dir(&empty_dir).unwrap();
    assert!(refused(&empty_dir, &[]).contains("is a directory"));
}

#[test]
fn undecodable_transfer_syntax_is_named() {
    let err = refused(&reference("imaging/unsupported_jpeg2000.dcm"), &[]);
    assert!(err.contains("1.2.840.10008.1.2.4.90"), "{err}");
    assert!(err.contains("JPEG 2000"), "{err}");
}

#[test]
fn windows_that_do_not_fit_the_image_are_refused() {
    let mr = PathBuf::from(sample("mr_MR_small.dcm"));
    assert!(refused(&mr, &["--window", "lung"]).contains("Hounsfield"));
    let ct = PathBuf::from(sample("ct_thorax_slice_CT_small.dcm"));
    assert!(refused(&ct, &["--window", "file"]).contains("carries no window"));
    let err = user_error(&["image", "info", &sample("mr_MR_small.dcm"), "--window", "bone"]);
    assert!(err.contains("--preview"), "--window needs --preview: {err}");
}
