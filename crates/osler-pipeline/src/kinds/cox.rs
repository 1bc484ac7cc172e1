//! Cox proportional hazards (Efron, Breslow or exact ties; counting-process
//! entry times); survival curves from the baseline hazard that matches the
//! ties method (Efron-type after Efron, else Breslow-type, as R
//! `survfit.coxph`; models saved before this choice keep Breslow-type).

use serde::{Deserialize, Serialize};

use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::survival::{CoxModel, CoxOptions, Ties};

use super::linear_contributions;
use crate::artifact::Manifest;
use crate::contract::{Contract, Estimator, SurvivalModel};
use crate::model::{Fitted, FittedModel, ModelSpec, Specification};
use crate::registry::{Capabilities, ModelKind, NONE, Task};
use crate::summary::{CoxCoefficient, ModelSummary, feature_name};
use crate::survival_data::SurvivalOutcome;

/// The registration of the Cox model.
pub static KIND: ModelKind = ModelKind {
    name: "cox",
    task: Task::Survival,
    capabilities: Capabilities {
        explanations: true,
        standard_errors: true,
        survival_curves: true,
        row_order_invariant: true,
        ..NONE
    },
    example: |_| ModelSpec::new(CoxSpec { ties: Ties::Efron }),
    spec: crate::model::parse_spec::<CoxSpec>,
    fitted: &[("cox", crate::model::parse_fitted::<CoxModel>)],
};

/// Cox proportional hazards (survival); risk = linear predictor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoxSpec {
    /// How tied event times enter the partial likelihood (Efron, Breslow or exact).
    pub ties: Ties,
}

impl Specification for CoxSpec {
    fn kind(&self) -> &'static ModelKind {
        &KIND
    }
    fn fit_survival(
        &self,
        x: &Matrix,
        outcome: &SurvivalOutcome,
    ) -> Result<FittedModel, ModelError> {
        let opts =
            CoxOptions { ties: self.ties, start: outcome.start.clone(), ..CoxOptions::default() };
        Ok(FittedModel::new(CoxModel::fit(x, &outcome.time, &outcome.event, &opts)?))
    }
}

impl Fitted for CoxModel {
    fn tag(&self) -> &'static str {
        "cox"
    }
    fn contract(&self) -> Contract<'_> {
        Contract::Survival(self)
    }
    fn summary(&self, manifest: &Manifest) -> ModelSummary {
        ModelSummary::Cox {
            coefficients: CoxModel::summary(self)
                .into_iter()
                .map(|r| CoxCoefficient {
                    name: feature_name(&manifest.feature_names, r.index),
                    coef: r.coef,
                    se: r.se,
                    z: r.z,
                    p: r.p_value,
                    hazard_ratio: r.hazard_ratio,
                    hazard_ratio_ci95: r.hr_ci95,
                })
                .collect(),
            loglik: self.loglik(),
            loglik_null: self.loglik_null(),
            baseline_hazard: self.baseline_type().name(),
            survival: manifest.survival.clone(),
        }
    }
}

impl SurvivalModel for CoxModel {
    /// The linear predictor `x'b`.
    fn risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.linear_predictor(x)
    }
    fn survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError> {
        super::ph_survival(self, x, times)
    }
    fn risk_description(&self) -> &'static str {
        "linear predictor x'b of the Cox model (higher = higher hazard)"
    }
}

impl Estimator for CoxModel {
    /// Log-hazard contributions around the training means.
    fn explain(&self, x: &Matrix) -> Result<(f64, Matrix), ModelError> {
        Ok(linear_contributions(self.coefficients(), self.means(), x))
    }
    fn explanation_method(&self) -> &'static str {
        "exact log-hazard (coef x (value - training mean))"
    }
    fn family(&self) -> &'static str {
        "Cox models"
    }
}
