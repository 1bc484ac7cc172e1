//! Multilayer perceptron classifier (osler-nn, burn): a sigmoid output for
//! two classes, a softmax over `k` classes otherwise.

use serde::{Deserialize, Serialize};

use osler_data::Matrix;
use osler_models::ModelError;
use osler_nn::{MlpClassifier, MlpOptions};

use super::{network_summary, small_network};
use crate::artifact::Manifest;
use crate::contract::{BinaryClassifier, Contract, Estimator, MulticlassClassifier, nn_error};
use crate::model::{Fit, Fitted, FittedModel, ModelSpec, Specification};
use crate::registry::{Capabilities, ModelKind, NONE, Task};
use crate::summary::ModelSummary;

/// The registration of the MLP classifier.
pub static KIND: ModelKind = ModelKind {
    name: "mlp",
    task: Task::Binary,
    capabilities: Capabilities { device: true, multiclass: true, ..NONE },
    example: |seed| {
        ModelSpec::new(MlpSpec {
            options: MlpOptions {
                hidden: vec![8],
                train: small_network(seed, MlpOptions::default().train),
                ..MlpOptions::default()
            },
        })
    },
    spec: crate::model::parse_spec::<MlpSpec>,
    fitted: &[("mlp", crate::model::parse_fitted::<MlpClassifier>)],
};

/// Multilayer perceptron classifier (osler-nn, burn).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpSpec {
    /// Hidden layers, dropout, normalisation, loss and training settings.
    pub options: MlpOptions,
}

impl MlpSpec {
    fn fit_network(&self, x: &Matrix, y: &[f64]) -> Result<MlpClassifier, ModelError> {
        MlpClassifier::fit(x, y, &self.options).map_err(nn_error)
    }
}

impl Specification for MlpSpec {
    fn kind(&self) -> &'static ModelKind {
        &KIND
    }
    fn fit(&self, x: &Matrix, y: &[f64], _names: &[String]) -> Result<Fit, ModelError> {
        Ok(Fit::plain(self.fit_network(x, y)?))
    }
    fn fit_multiclass(
        &self,
        x: &Matrix,
        y: &[f64],
        _classes: usize,
    ) -> Result<FittedModel, ModelError> {
        Ok(FittedModel::new(self.fit_network(x, y)?))
    }
    fn for_cv(&self) -> ModelSpec {
        let mut spec = self.clone();
        spec.options.train.progress = Default::default();
        ModelSpec::new(spec)
    }
}

impl Fitted for MlpClassifier {
    fn tag(&self) -> &'static str {
        "mlp"
    }
    fn contract(&self) -> Contract<'_> {
        if self.classes > 2 { Contract::Multiclass(self) } else { Contract::Binary(self) }
    }
    fn summary(&self, _manifest: &Manifest) -> ModelSummary {
        network_summary(&self.summary, &self.log, None)
    }
    super::network_state!();
}

impl BinaryClassifier for MlpClassifier {
    fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        MlpClassifier::predict_proba(self, x).map_err(nn_error)
    }
}

impl MulticlassClassifier for MlpClassifier {
    fn classes(&self) -> usize {
        self.classes
    }
    fn predict_class_proba(&self, x: &Matrix) -> Result<Vec<Vec<f64>>, ModelError> {
        let p = MlpClassifier::predict_proba(self, x).map_err(nn_error)?;
        Ok(p.chunks(self.classes).map(<[f64]>::to_vec).collect())
    }
}

impl Estimator for MlpClassifier {
    fn family(&self) -> &'static str {
        "neural networks"
    }
}
