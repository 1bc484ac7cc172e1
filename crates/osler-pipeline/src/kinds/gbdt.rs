//! Histogram gradient-boosted trees (missing values routed natively,
//! TreeSHAP explanations, gain importances).

use serde::{Deserialize, Serialize};

use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::gbdt::{GbdtModel, GbdtOptions, ImportanceKind};

use super::shares;
use crate::artifact::Manifest;
use crate::contract::{BinaryClassifier, Contract, Estimator};
use crate::model::{Fit, Fitted, ModelSpec, Specification};
use crate::registry::{Capabilities, ModelKind, NONE, Task};
use crate::summary::{GainShare, ModelSummary};

/// The registration of gradient-boosted trees.
pub static KIND: ModelKind = ModelKind {
    name: "gbdt",
    task: Task::Binary,
    capabilities: Capabilities {
        explanations: true,
        importances: true,
        native_missing: true,
        ..NONE
    },
    example: |seed| {
        ModelSpec::new(GbdtSpec {
            options: GbdtOptions {
                n_trees: 30,
                early_stopping_rounds: Some(5),
                seed,
                ..GbdtOptions::default()
            },
        })
    },
    spec: crate::model::parse_spec::<GbdtSpec>,
    fitted: &[("gbdt", crate::model::parse_fitted::<GbdtModel>)],
};

/// Histogram gradient-boosted trees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbdtSpec {
    /// Number of trees, learning rate, tree size, binning and early stopping.
    pub options: GbdtOptions,
}

impl Specification for GbdtSpec {
    fn kind(&self) -> &'static ModelKind {
        &KIND
    }
    fn fit(&self, x: &Matrix, y: &[f64], _names: &[String]) -> Result<Fit, ModelError> {
        Ok(Fit::plain(GbdtModel::fit(x, y, None, &self.options)?))
    }
}

impl Fitted for GbdtModel {
    fn tag(&self) -> &'static str {
        "gbdt"
    }
    fn contract(&self) -> Contract<'_> {
        Contract::Binary(self)
    }
    fn summary(&self, manifest: &Manifest) -> ModelSummary {
        let gains = self.importance().unwrap_or_default();
        ModelSummary::Gbdt {
            importance: manifest
                .feature_names
                .iter()
                .cloned()
                .zip(gains)
                .map(|(name, gain)| GainShare { name, gain })
                .collect(),
            trees: self.n_trees(),
        }
    }
}

impl BinaryClassifier for GbdtModel {
    fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        GbdtModel::predict_proba(self, x)
    }
}

impl Estimator for GbdtModel {
    fn explain(&self, x: &Matrix) -> Result<(f64, Matrix), ModelError> {
        self.shap_values(x)
    }
    fn explanation_method(&self) -> &'static str {
        "TreeSHAP (path-dependent, Lundberg 2018)"
    }
    /// Gain importance (normalised to sum 1).
    fn importance(&self) -> Option<Vec<f64>> {
        Some(shares(&self.feature_importance(ImportanceKind::Gain)))
    }
    fn family(&self) -> &'static str {
        "gradient-boosted trees"
    }
}
