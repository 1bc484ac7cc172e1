//! Image classifiers (the small CNN and ResNet-18 of [`osler_nn::cnn`]): one
//! image file per patient, read through the artifact's image input contract
//! ([`crate::image::ImageContract`]) and trained by
//! [`crate::image::train_images`]. Two kinds, one fitted type: the network is
//! part of the fitted model's architecture, so both read `model.json` files
//! tagged `image` (registered once, by [`CNN`]).

use serde::{Deserialize, Serialize};

use osler_models::ModelError;
use osler_nn::{CnnKind, ImageClassifier, ImageOptions, Images};

use super::{network_summary, small_network};
use crate::artifact::Manifest;
use crate::contract::{Contract, Estimator, ImageModel, nn_error};
use crate::model::{Fitted, ModelSpec, Specification};
use crate::registry::{Capabilities, ModelKind, NONE, Task};
use crate::summary::ModelSummary;

const CAPABILITIES: Capabilities = Capabilities { device: true, image_input: true, ..NONE };

/// The registration of the small CNN image classifier.
pub static CNN: ModelKind = ModelKind {
    name: "cnn",
    task: Task::Binary,
    capabilities: CAPABILITIES,
    example: |seed| example(CnnKind::Cnn, seed),
    spec: |fields| parse(fields, CnnKind::Cnn),
    fitted: &[("image", crate::model::parse_fitted::<ImageClassifier>)],
};

/// The registration of the ResNet-18 image classifier (its fitted models are
/// read through [`CNN`]'s `image` tag).
pub static RESNET18: ModelKind = ModelKind {
    name: "resnet18",
    task: Task::Binary,
    capabilities: CAPABILITIES,
    example: |seed| example(CnnKind::ResNet18, seed),
    spec: |fields| parse(fields, CnnKind::ResNet18),
    fitted: &[],
};

/// An image classifier's hyperparameters; the network (`options.model`) is
/// the kind. Serialises as `{"kind": "cnn"|"resnet18", "options": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageSpec {
    /// Network, width, class weights, augmentation and training settings.
    pub options: ImageOptions,
}

/// The JSON fields of an [`ImageSpec`].
#[derive(Deserialize)]
struct ImageFields {
    options: ImageOptions,
}

fn parse(fields: serde_json::Value, model: CnnKind) -> Result<ModelSpec, serde_json::Error> {
    let ImageFields { mut options } = serde_json::from_value(fields)?;
    // The tag names the network; the options' copy follows it.
    options.model = model;
    Ok(ModelSpec::new(ImageSpec { options }))
}

/// A network of the kind trained for a few epochs, without augmentation.
fn example(model: CnnKind, seed: u64) -> ModelSpec {
    let defaults = ImageOptions::default();
    let options =
        ImageOptions { model, train: small_network(seed, defaults.train.clone()), ..defaults };
    ModelSpec::new(ImageSpec { options })
}

impl Specification for ImageSpec {
    fn kind(&self) -> &'static ModelKind {
        match self.options.model {
            CnnKind::Cnn => &CNN,
            CnnKind::ResNet18 => &RESNET18,
        }
    }
    fn for_cv(&self) -> ModelSpec {
        let mut spec = self.clone();
        spec.options.train.progress = Default::default();
        ModelSpec::new(spec)
    }
}

impl crate::ModelSpec {
    /// An image classifier's options; `None` for models of table rows.
    pub fn image(&self) -> Option<&ImageOptions> {
        self.get::<ImageSpec>().map(|s| &s.options)
    }
}

impl Fitted for ImageClassifier {
    fn tag(&self) -> &'static str {
        "image"
    }
    fn contract(&self) -> Contract<'_> {
        Contract::Image(self)
    }
    fn summary(&self, _manifest: &Manifest) -> ModelSummary {
        network_summary(&self.summary, &self.log, None)
    }
    super::network_state!();
}

impl ImageModel for ImageClassifier {
    fn predict_images(&self, images: &Images) -> Result<Vec<f64>, ModelError> {
        if self.classes != 2 {
            return Err(ModelError::NotBinary { classes: self.classes });
        }
        self.predict_proba(images).map_err(nn_error)
    }

    fn event_heatmaps(&self, images: &Images) -> Result<Vec<Vec<f32>>, ModelError> {
        self.grad_cam(images, 1).map_err(nn_error)
    }
}

impl Estimator for ImageClassifier {
    fn family(&self) -> &'static str {
        "convolutional image networks"
    }
}
