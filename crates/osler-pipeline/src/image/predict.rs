//! Predictions of image files with an image artifact: every file read through
//! the manifest's image contract before anything is predicted, so one bad
//! file stops the run with its name and nothing is written. On request each
//! prediction comes with its Grad-CAM heat map as a PNG overlay.

use std::path::{Path, PathBuf};

use osler_imaging::{OverlayOptions, write_heatmap_overlay};

use serde::Serialize;

use osler_nn::{Geometry, Images};

use super::ImageTaskError;
use crate::artifact::{Artifact, InputContract};
use crate::contract::{Contract, nn_error};
use crate::error::PipelineError;

/// One file's prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImagePrediction {
    /// The file, as given.
    pub file: String,
    /// Probability of the event class (class 1).
    pub probability: f64,
    /// The predicted class's name (the event class when `probability >= threshold`).
    pub class: String,
    /// The PNG of its Grad-CAM heat map of the event class, when asked for.
    pub heatmap: Option<String>,
}

/// The predictions of `osler predict --input IMAGE...`, in input order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImagePredictions {
    /// Always `image`.
    pub input: &'static str,
    /// The artifact's decision threshold.
    pub threshold: f64,
    /// One per file.
    pub predictions: Vec<ImagePrediction>,
}

/// Reads every file of `paths` through `art`'s image contract and predicts
/// them in one batch. With `heatmap`, each file's Grad-CAM map of the event
/// class (Selvaraju et al. 2017) is drawn over the grey image the network
/// saw and written there: to `heatmap` itself for one file, else to
/// `STEM-<k>.png` beside it, `k` counting the files from 1. Maps are computed
/// before anything is written, and a failed write removes the ones written.
pub fn predict_image_files(
    art: &Artifact,
    paths: &[PathBuf],
    heatmap: Option<&Path>,
) -> Result<ImagePredictions, PipelineError> {
    let InputContract::Image(contract) = &art.manifest.input else {
        return Err(ImageTaskError::NotAnImageArtifact.into());
    };
    let Contract::Image(model) = art.model.contract() else {
        return Err(ImageTaskError::NotAnImageArtifact.into());
    };
    if paths.is_empty() {
        return Err(ImageTaskError::NoInput.into());
    }
    let mut values = Vec::new();
    let mut greys = Vec::new();
    for path in paths {
        let grey = contract.read_grey(path)?;
        values.extend(contract.inputs(&grey));
        if heatmap.is_some() {
            greys.push(contract.display_grey(&grey));
        }
    }
    let geometry = Geometry {
        channels: contract.channels,
        height: contract.input_rows,
        width: contract.input_columns,
    };
    let images = Images::new(values, paths.len(), geometry)
        .map_err(|e| PipelineError::model("images", nn_error(e)))?;
    let p = model.predict_images(&images).map_err(|e| PipelineError::model("predict", e))?;
    let written = match heatmap {
        Some(out) => {
            let maps =
                model.event_heatmaps(&images).map_err(|e| PipelineError::model("heatmap", e))?;
            let (h, w) = (contract.input_rows, contract.input_columns);
            write_overlays(out, &greys, &maps, h, w)?
        }
        None => Vec::new(),
    };
    let m = &art.manifest;
    let predictions = paths
        .iter()
        .zip(p)
        .enumerate()
        .map(|(k, (path, probability))| ImagePrediction {
            file: path.display().to_string(),
            probability,
            class: if probability >= m.threshold { &m.levels.positive } else { &m.levels.negative }
                .clone(),
            heatmap: written.get(k).map(|p| p.display().to_string()),
        })
        .collect();
    Ok(ImagePredictions { input: "image", threshold: m.threshold, predictions })
}

/// Writes one overlay per map (see [`predict_image_files`] for the names),
/// enlarged to about 224 pixels a side so a 28 px image stays readable;
/// removes what it wrote if a write fails.
fn write_overlays(
    out: &Path,
    greys: &[Vec<u8>],
    maps: &[Vec<f32>],
    height: usize,
    width: usize,
) -> Result<Vec<PathBuf>, ImageTaskError> {
    let names: Vec<PathBuf> = if maps.len() == 1 {
        vec![out.to_path_buf()]
    } else {
        let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        (1..=maps.len()).map(|k| out.with_file_name(format!("{stem}-{k}.png"))).collect()
    };
    let scale = u32::try_from((224 / height.max(width)).max(1)).unwrap_or(1);
    let options = OverlayOptions { alpha: 0.4, scale };
    for (k, ((name, grey), map)) in names.iter().zip(greys).zip(maps).enumerate() {
        if let Err(e) = write_heatmap_overlay(name, grey, height, width, map, &options) {
            names[..k].iter().for_each(|done| {
                let _ = std::fs::remove_file(done);
            });
            return Err(e.into());
        }
    }
    Ok(names)
}
