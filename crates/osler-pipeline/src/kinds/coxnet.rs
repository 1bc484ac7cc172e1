//! Elastic-net Cox (glmnet objective, Breslow ties), the penalty fixed or
//! chosen by inner cross-validation of the partial-likelihood deviance.

use serde::{Deserialize, Serialize};

use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::selection::Prefilter;
use osler_models::survival::{CoxnetModel, CoxnetOptions, CvCoxnet};

use super::linear_contributions;
use crate::artifact::Manifest;
use crate::contract::{Contract, Estimator, SurvivalModel};
use crate::enet::LambdaRule;
use crate::model::{Fitted, FittedModel, ModelSpec, Specification};
use crate::registry::{Capabilities, ModelKind, NONE, Task};
use crate::summary::{ModelSummary, PenalisedCoxCoefficient};
use crate::survival_data::SurvivalOutcome;

/// The registration of the elastic-net Cox model.
pub static KIND: ModelKind = ModelKind {
    name: "coxnet",
    task: Task::Survival,
    capabilities: Capabilities {
        explanations: true,
        survival_curves: true,
        row_order_invariant: true,
        ..NONE
    },
    // A fixed penalty: the inner CV that would choose it assigns rows to folds by position.
    example: |seed| {
        ModelSpec::new(CoxnetSpec {
            alpha: 0.5,
            lambda: Some(0.01),
            inner_folds: 3,
            seed,
            prefilter: None,
            rule: LambdaRule::Min,
            standardize: true,
        })
    },
    spec: crate::model::parse_spec::<CoxnetSpec>,
    fitted: &[("coxnet", crate::model::parse_fitted::<CoxnetModel>)],
};

/// Elastic-net Cox (glmnet objective, Breslow ties). Without `lambda`, the
/// penalty is chosen by `inner_folds`-fold cross-validation of the partial-
/// likelihood deviance on the training rows (`lambda_min` or `lambda_1se`,
/// as glmnet's cv.glmnet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoxnetSpec {
    /// Elastic-net mixing in `[0, 1]`: 1 lasso, 0 ridge (glmnet's `alpha`).
    pub alpha: f64,
    /// Fixed penalty strength; `None` chooses it by inner cross-validation.
    pub lambda: Option<f64>,
    /// Number of inner cross-validation folds used to choose `lambda`.
    pub inner_folds: usize,
    /// Seed of the inner fold assignment.
    pub seed: u64,
    /// Univariate pre-filter applied inside each inner training fold.
    #[serde(default)]
    pub prefilter: Option<Prefilter>,
    /// Which cross-validated penalty (`lambda_min` or `lambda_1se`).
    #[serde(default)]
    pub rule: LambdaRule,
    /// Penalise the coefficients of the features scaled to unit population
    /// SD (glmnet's default); `false` penalises them as given (glmnet
    /// `standardize = FALSE`). Coefficients are on the original scale either
    /// way. Specs saved before the option was offered standardised.
    #[serde(default = "standardize_default")]
    pub standardize: bool,
}

/// The standardisation of specs that do not say (glmnet's default).
fn standardize_default() -> bool {
    true
}

impl Specification for CoxnetSpec {
    fn kind(&self) -> &'static ModelKind {
        &KIND
    }
    fn fit_survival(
        &self,
        x: &Matrix,
        outcome: &SurvivalOutcome,
    ) -> Result<FittedModel, ModelError> {
        super::right_censored_only(outcome, "the penalised Cox model")?;
        let opts = CoxnetOptions {
            alpha: self.alpha,
            standardize: self.standardize,
            ..CoxnetOptions::default()
        };
        let (time, event) = (&outcome.time, &outcome.event);
        let model = match self.lambda {
            Some(l) => CoxnetModel::fit(x, time, event, None, l, &opts)?,
            None => {
                let mut rng = osler_data::SplitMix64::new(self.seed);
                let folds = osler_data::split::stratified_kfold(event, self.inner_folds, &mut rng)
                    .map_err(|_| ModelError::Folds {
                        folds: self.inner_folds,
                        rows: event.len(),
                    })?;
                let cv =
                    CvCoxnet::fit(x, time, event, None, &folds, &opts, self.prefilter.as_ref())?;
                let index = self.rule.index(cv.index_min, cv.index_1se);
                cv.path.model(index, x, time, event, None)?
            }
        };
        Ok(FittedModel::new(model))
    }
}

impl Fitted for CoxnetModel {
    fn tag(&self) -> &'static str {
        "coxnet"
    }
    fn contract(&self) -> Contract<'_> {
        Contract::Survival(self)
    }
    fn summary(&self, manifest: &Manifest) -> ModelSummary {
        ModelSummary::Coxnet {
            coefficients: manifest
                .feature_names
                .iter()
                .cloned()
                .zip(self.coefficients().iter().copied())
                .map(|(name, coef)| PenalisedCoxCoefficient {
                    name,
                    coef,
                    hazard_ratio: coef.exp(),
                })
                .collect(),
            lambda: self.lambda(),
            alpha: self.alpha(),
            selected: self.selected().len(),
            survival: manifest.survival.clone(),
        }
    }
}

impl SurvivalModel for CoxnetModel {
    /// The linear predictor `x'b`.
    fn risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.linear_predictor(x)
    }
    fn survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError> {
        super::ph_survival(self, x, times)
    }
    fn risk_description(&self) -> &'static str {
        "linear predictor x'b of the penalised Cox model (higher = higher hazard)"
    }
}

impl Estimator for CoxnetModel {
    /// Log-hazard contributions relative to `x = 0` (the model's reference).
    fn explain(&self, x: &Matrix) -> Result<(f64, Matrix), ModelError> {
        Ok(linear_contributions(self.coefficients(), &vec![0.0; x.cols()], x))
    }
    fn explanation_method(&self) -> &'static str {
        "exact log-hazard (coef x value, reference x = 0)"
    }
    fn family(&self) -> &'static str {
        "penalised Cox models"
    }
}
