//! Predictions of image files with an image artifact: every file read through
//! the manifest's image contract before anything is predicted, so one bad
//! file stops the run with its name and nothing is written.

use std::path::PathBuf;

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
/// them in one batch.
pub fn predict_image_files(
    art: &Artifact,
    paths: &[PathBuf],
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
    for path in paths {
        values.extend(contract.read(path)?);
    }
    let geometry = Geometry {
        channels: contract.channels,
        height: contract.input_rows,
        width: contract.input_columns,
    };
    let images = Images::new(values, paths.len(), geometry)
        .map_err(|e| PipelineError::model("images", nn_error(e)))?;
    let p = model.predict_images(&images).map_err(|e| PipelineError::model("predict", e))?;
    let m = &art.manifest;
    let predictions = paths
        .iter()
        .zip(p)
        .map(|(path, probability)| ImagePrediction {
            file: path.display().to_string(),
            probability,
            class: if probability >= m.threshold { &m.levels.positive } else { &m.levels.negative }
                .clone(),
        })
        .collect();
    Ok(ImagePredictions { input: "image", threshold: m.threshold, predictions })
}
