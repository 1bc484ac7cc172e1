//! DeepSurv (Katzman et al. 2018): an MLP risk score trained on the Cox
//! partial likelihood (osler-nn, burn), with a Breslow baseline hazard.

use serde::{Deserialize, Serialize};

use osler_data::Matrix;
use osler_models::ModelError;
use osler_nn::{DeepSurv, DeepSurvOptions};

use super::{network_summary, small_network};
use crate::artifact::Manifest;
use crate::contract::{Contract, Estimator, SurvivalModel, nn_error};
use crate::model::{Fitted, FittedModel, ModelSpec, Specification};
use crate::registry::{Capabilities, ModelKind, NONE, Task};
use crate::summary::ModelSummary;
use crate::survival_data::SurvivalOutcome;

/// The registration of DeepSurv.
pub static KIND: ModelKind = ModelKind {
    name: "deepsurv",
    task: Task::Survival,
    capabilities: Capabilities { survival_curves: true, device: true, ..NONE },
    example: |seed| {
        ModelSpec::new(DeepSurvSpec {
            options: DeepSurvOptions {
                hidden: vec![8],
                train: small_network(seed, DeepSurvOptions::default().train),
                ..DeepSurvOptions::default()
            },
        })
    },
    spec: crate::model::parse_spec::<DeepSurvSpec>,
    fitted: &[("deepsurv", crate::model::parse_fitted::<DeepSurv>)],
};

/// DeepSurv: MLP risk score on the Cox partial likelihood (osler-nn, burn).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeepSurvSpec {
    /// Hidden layers, dropout, normalisation, ties and training settings.
    pub options: DeepSurvOptions,
}

impl Specification for DeepSurvSpec {
    fn kind(&self) -> &'static ModelKind {
        &KIND
    }
    fn fit_survival(
        &self,
        x: &Matrix,
        outcome: &SurvivalOutcome,
    ) -> Result<FittedModel, ModelError> {
        super::right_censored_only(outcome, "DeepSurv")?;
        let m = DeepSurv::fit(x, &outcome.time, &outcome.event, &self.options).map_err(nn_error)?;
        Ok(FittedModel::new(m))
    }
    fn for_cv(&self) -> ModelSpec {
        let mut spec = self.clone();
        spec.options.train.progress = Default::default();
        ModelSpec::new(spec)
    }
}

impl Fitted for DeepSurv {
    fn tag(&self) -> &'static str {
        "deepsurv"
    }
    fn contract(&self) -> Contract<'_> {
        Contract::Survival(self)
    }
    fn summary(&self, manifest: &Manifest) -> ModelSummary {
        network_summary(&self.summary, &self.log, manifest.survival.clone())
    }
    super::network_state!();
}

impl SurvivalModel for DeepSurv {
    fn risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        DeepSurv::risk(self, x).map_err(nn_error)
    }
    fn survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError> {
        super::ph_survival(self, x, times)
    }
    fn risk_description(&self) -> &'static str {
        "network log-risk score h(x) on the Cox partial likelihood (higher = higher hazard)"
    }
}

impl Estimator for DeepSurv {
    fn family(&self) -> &'static str {
        "neural networks"
    }
}
