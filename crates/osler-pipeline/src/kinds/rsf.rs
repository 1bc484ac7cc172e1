//! Random survival forest (log-rank splits; risk = ensemble mortality).

use serde::{Deserialize, Serialize};

use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::rsf::{RandomSurvivalForest, RsfOptions};

use super::shares;
use crate::artifact::Manifest;
use crate::contract::{Contract, Estimator, SurvivalModel};
use crate::model::{Fitted, FittedModel, ModelSpec, Specification};
use crate::registry::{Capabilities, ModelKind, NONE, Task};
use crate::summary::{ModelSummary, SplitShare};
use crate::survival_data::SurvivalOutcome;

/// The registration of the random survival forest.
pub static KIND: ModelKind = ModelKind {
    name: "rsf",
    task: Task::Survival,
    capabilities: Capabilities { importances: true, survival_curves: true, ..NONE },
    example: |seed| {
        ModelSpec::new(RsfSpec {
            options: RsfOptions { n_trees: 20, seed, ..RsfOptions::default() },
        })
    },
    spec: crate::model::parse_spec::<RsfSpec>,
    fitted: &[("rsf", crate::model::parse_fitted::<RandomSurvivalForest>)],
};

/// Random survival forest (log-rank splits); risk = ensemble mortality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RsfSpec {
    /// Number of trees, features tried per split, leaf size and depth.
    pub options: RsfOptions,
}

impl Specification for RsfSpec {
    fn kind(&self) -> &'static ModelKind {
        &KIND
    }
    fn fit_survival(
        &self,
        x: &Matrix,
        outcome: &SurvivalOutcome,
    ) -> Result<FittedModel, ModelError> {
        super::right_censored_only(outcome, "the random survival forest")?;
        let event: Vec<bool> = outcome.event.iter().map(|&e| e == 1.0).collect();
        Ok(FittedModel::new(RandomSurvivalForest::fit(x, &outcome.time, &event, &self.options)?))
    }
}

impl Fitted for RandomSurvivalForest {
    fn tag(&self) -> &'static str {
        "rsf"
    }
    fn contract(&self) -> Contract<'_> {
        Contract::Survival(self)
    }
    fn summary(&self, manifest: &Manifest) -> ModelSummary {
        let split_shares = self.importance().unwrap_or_default();
        ModelSummary::Rsf {
            importance: manifest
                .feature_names
                .iter()
                .cloned()
                .zip(split_shares)
                .map(|(name, split_share)| SplitShare { name, split_share })
                .collect(),
            trees: self.trees().len(),
            oob_concordance: self.oob_concordance(),
            survival: manifest.survival.clone(),
        }
    }
}

impl SurvivalModel for RandomSurvivalForest {
    /// Ensemble mortality.
    fn risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.predict_risk(x)
    }
    fn survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError> {
        self.predict_survival(x, times)
    }
    fn risk_description(&self) -> &'static str {
        "ensemble mortality: expected events over the training times (higher = higher risk)"
    }
}

impl Estimator for RandomSurvivalForest {
    /// Each feature's share of the forest's splits.
    fn importance(&self) -> Option<Vec<f64>> {
        let counts: Vec<f64> = self.split_counts().iter().map(|&c| c as f64).collect();
        Some(shares(&counts))
    }
    fn family(&self) -> &'static str {
        "random survival forests"
    }
}
