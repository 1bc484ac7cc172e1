//! The readers on the shipped DICOM samples (datasets/imaging-dicom-samples),
//! the PneumoniaMNIST archive (datasets/pneumoniamnist) and bad files.

use std::path::{Path, PathBuf};

use osler_imaging::{
    ImageFormat, ImagingError, Window, WindowChoice, image_info, read_dicom, read_image,
    read_medmnist, write_preview,
};
use sha2::{Digest, Sha256};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

fn sample(name: &str) -> PathBuf {
    repo(&format!("datasets/imaging-dicom-samples/{name}"))
}

// pydicom 3.0.2 `apply_modality_lut(ds.pixel_array, ds)` on the CT slice,
// written by tests/reference/imaging/hu_reference.py: every pixel equal
// (SHA-256 of the float64 little-endian buffer), not merely close.
#[test]
fn ct_hounsfield_units_equal_pydicom_apply_modality_lut() -> Result<(), Box<dyn std::error::Error>>
{
    let text = std::fs::read_to_string(repo("tests/reference/imaging/hu_reference.json"))?;
    let doc: serde_json::Value = serde_json::from_str(&text)?;
    let want = &doc["files"]["ct_thorax_slice_CT_small.dcm"];
    let image = read_dicom(&sample("ct_thorax_slice_CT_small.dcm"))?;
    assert_eq!(image.meta.modality.as_deref(), Some("CT"));
    assert_eq!(image.frames.len(), 1);
    assert_eq!(u64::from(image.meta.rows), want["rows"].as_u64().unwrap_or_default());
    assert_eq!(u64::from(image.meta.columns), want["columns"].as_u64().unwrap_or_default());
    let hu = &image.frames[0];
    let bytes: Vec<u8> = hu.iter().flat_map(|v| v.to_le_bytes()).collect();
    let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digest, want["sha256_f64le"].as_str().unwrap_or_default());
    let row0: Vec<f64> = serde_json::from_value(want["row_0"].clone())?;
    assert_eq!(&hu[..128], row0.as_slice());
    assert_eq!(hu.iter().sum::<f64>(), want["hu_sum"].as_f64().unwrap_or(f64::NAN));
    let info = image_info(&sample("ct_thorax_slice_CT_small.dcm"))?;
    assert_eq!(info.hu_min, want["hu_min"].as_f64());
    assert_eq!(info.hu_max, want["hu_max"].as_f64());
    assert_eq!(info.pixel_spacing_mm, Some([0.661468, 0.661468]));
    assert_eq!(info.orientation, Some([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]));
    Ok(())
}

fn mean_box(grey: &image::GrayImage, fy: f64, fx: f64) -> f64 {
    let (w, h) = grey.dimensions();
    let (cy, cx) = ((fy * f64::from(h)) as u32, (fx * f64::from(w)) as u32);
    let mut sum = 0.0;
    for y in cy - 50..cy + 50 {
        for x in cx - 50..cx + 50 {
            sum += f64::from(grey.get_pixel(x, y)[0]);
        }
    }
    sum / 10_000.0
}

// The CR chest radiograph is MONOCHROME1 (low values white): its preview is
// inverted back, so the lung fields (boxes at 40% height, 25% and 75% width)
// are darker than the mediastinum (50% width) as on any chest film; without
// the inversion it is the other way round.
#[test]
fn monochrome1_chest_radiograph_preview_is_not_inverted() -> Result<(), Box<dyn std::error::Error>>
{
    let path = sample("chest_xray_CR_RG1_UNCR.dcm");
    let info = image_info(&path)?;
    assert_eq!(info.photometric, "MONOCHROME1");
    assert_eq!(info.modality.as_deref(), Some("CR"));
    assert_eq!(info.hu_min, None);
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("cr.png");
    let used = write_preview(&read_image(&path)?, None, &out)?;
    assert_eq!(used, Some(Window { center: 15000.0, width: 30000.0 }));
    let grey = image::open(&out)?.to_luma8();
    assert_eq!((grey.height(), grey.width()), (info.rows, info.columns));
    let lungs = (mean_box(&grey, 0.4, 0.25) + mean_box(&grey, 0.4, 0.75)) / 2.0;
    let mediastinum = mean_box(&grey, 0.4, 0.5);
    assert!(lungs + 60.0 < mediastinum, "lungs {lungs} vs mediastinum {mediastinum}");
    Ok(())
}

#[test]
fn multiframe_mr_keeps_every_frame() -> Result<(), Box<dyn std::error::Error>> {
    let image = read_dicom(&sample("mr_multiframe_emri_small.dcm"))?;
    assert_eq!((image.meta.rows, image.meta.columns, image.meta.frames), (64, 64, 10));
    assert_eq!(image.frames.len(), 10);
    assert!(image.frames.iter().all(|f| f.len() == 64 * 64));
    let info = image_info(&sample("mr_MR_small.dcm"))?;
    assert_eq!((info.modality.as_deref(), info.frames, info.hu_max), (Some("MR"), 1, None));
    assert_eq!(info.window, Some(Window { center: 600.0, width: 1600.0 }));
    Ok(())
}

#[test]
fn hounsfield_presets_are_refused_for_other_modalities() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("mr.png");
    let mr = read_image(&sample("mr_MR_small.dcm"))?;
    let err = write_preview(&mr, Some(WindowChoice::parse("lung")?), &out);
    assert!(matches!(err, Err(ImagingError::PresetNeedsCt { preset: "lung", .. })));
    assert!(!out.exists());
    let ct = read_image(&sample("ct_thorax_slice_CT_small.dcm"))?;
    let used = write_preview(&ct, Some(WindowChoice::parse("mediastinum")?), &out)?;
    assert_eq!(used, Some(Window::MEDIASTINUM));
    assert!(matches!(
        write_preview(&ct, Some(WindowChoice::File), &out),
        Err(ImagingError::NoFileWindow { .. })
    ));
    Ok(())
}

#[test]
fn undecodable_transfer_syntax_is_named() {
    let path = repo("tests/reference/imaging/unsupported_jpeg2000.dcm");
    match read_dicom(&path) {
        Err(ImagingError::UnsupportedTransferSyntax { uid, name, .. }) => {
            assert_eq!(uid, "1.2.840.10008.1.2.4.90");
            assert!(name.contains("JPEG 2000"), "{name}");
        }
        other => panic!("expected an unsupported transfer syntax, got {other:?}"),
    }
}

#[test]
fn truncated_empty_and_foreign_files_are_errors_naming_the_file()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let whole = std::fs::read(sample("ct_thorax_slice_CT_small.dcm"))?;
    // Every 97th cut through the header, the data set and the pixel data.
    for cut in (132..whole.len()).step_by(97) {
        let path = dir.path().join(format!("cut{cut}.dcm"));
        std::fs::write(&path, &whole[..cut])?;
        let err = image_info(&path).err().ok_or(format!("a file cut at {cut} bytes was read"))?;
        assert!(err.to_string().contains(&format!("cut{cut}.dcm")), "{err}");
    }
    let mut garbage = whole[..132].to_vec();
    garbage.extend(std::iter::repeat_n(0xA5u8, 4000));
    let path = dir.path().join("garbage.dcm");
    std::fs::write(&path, &garbage)?;
    assert!(matches!(image_info(&path), Err(ImagingError::Dicom { .. })));
    let empty = dir.path().join("empty.dcm");
    std::fs::write(&empty, b"")?;
    assert!(matches!(image_info(&empty), Err(ImagingError::Empty { .. })));
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, b"age,sex\n54,F\n")?;
    assert!(matches!(image_info(&text), Err(ImagingError::UnknownFormat { bytes: 13, .. })));
    let missing = dir.path().join("missing.dcm");
    assert!(matches!(image_info(&missing), Err(ImagingError::Io { .. })));
    Ok(())
}

#[test]
fn png_and_jpeg_are_read_as_grey_with_their_channels() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let rgb = image::RgbImage::from_fn(5, 3, |x, y| image::Rgb([x as u8 * 40, y as u8 * 60, 7]));
    let png = dir.path().join("a.png");
    rgb.save(&png)?;
    let info = image_info(&png)?;
    assert_eq!((info.format, info.rows, info.columns, info.channels), (ImageFormat::Png, 3, 5, 3));
    assert_eq!(info.photometric, "RGB");
    let jpg = dir.path().join("a.jpg");
    image::GrayImage::from_pixel(8, 8, image::Luma([90])).save(&jpg)?;
    let info = image_info(&jpg)?;
    assert_eq!(
        (info.format, info.channels, info.photometric.as_str()),
        (ImageFormat::Jpeg, 1, "MONOCHROME2")
    );
    Ok(())
}

// Shapes, label counts and pixel sums as numpy.load reports them for the
// shipped PneumoniaMNIST archive.
#[test]
fn pneumoniamnist_splits_match_numpy() -> Result<(), Box<dyn std::error::Error>> {
    let data = read_medmnist(&repo("datasets/pneumoniamnist/pneumoniamnist.npz"))?;
    let sums = |s: &osler_imaging::MedMnistSplit| {
        (
            s.len,
            s.images.iter().map(|&v| u64::from(v)).sum::<u64>(),
            s.labels.iter().map(|&v| u64::from(v)).sum::<u64>(),
        )
    };
    assert_eq!(sums(&data.train), (3882, 447_494_718, 3494));
    assert_eq!(sums(&data.validation), (524, 59_624_090, 389));
    assert_eq!(sums(&data.test), (624, 70_355_184, 390));
    assert_eq!((data.test.rows, data.test.columns, data.test.channels), (28, 28, 1));
    assert_eq!(data.test.image(623).map(<[u8]>::len), Some(784));
    assert_eq!(data.test.image(624), None);
    Ok(())
}
