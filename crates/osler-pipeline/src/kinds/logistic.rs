//! Logistic regression (IRLS; optional L1/L2/elastic-net penalty), with a
//! ridge fallback when the unpenalised fit does not exist.

use serde::{Deserialize, Serialize};

use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::linear::{LogisticModel, LogisticOptions, Penalty};

use super::LINEAR_EXPLANATION;
use crate::artifact::Manifest;
use crate::contract::{BinaryClassifier, Contract, Estimator};
use crate::model::{Fit, Fitted, FittedModel, ModelSpec, Specification, name_features};
use crate::registry::{Capabilities, ModelKind, NONE, Task};
use crate::summary::{LogisticCoefficient, ModelSummary, feature_name};

/// The registration of logistic regression.
pub static KIND: ModelKind = ModelKind {
    name: "logistic",
    task: Task::Binary,
    capabilities: Capabilities {
        explanations: true,
        standard_errors: true,
        row_order_invariant: true,
        ..NONE
    },
    example: |_| {
        ModelSpec::new(LogisticSpec { options: LogisticOptions::default(), auto_penalty: true })
    },
    spec: crate::model::parse_spec::<LogisticSpec>,
    fitted: &[("logistic", crate::model::parse_fitted::<LogisticModel>)],
};

/// Logistic regression. With `auto_penalty`, an unpenalised fit that does
/// not exist (separation, collinearity, divergence) falls back to ridge with
/// `lambda = 1/n` (scikit-learn's default `C = 1`), and the fallback is recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticSpec {
    /// Penalty kind, strength `lambda` (0 with a penalty: `1/n` of the
    /// training rows), mixing `alpha` and convergence settings.
    pub options: LogisticOptions,
    /// Fall back to ridge when the unpenalised fit does not exist.
    pub auto_penalty: bool,
}

impl Specification for LogisticSpec {
    fn kind(&self) -> &'static ModelKind {
        &KIND
    }

    fn fit(&self, x: &Matrix, y: &[f64], names: &[String]) -> Result<Fit, ModelError> {
        let mut options = self.options;
        if options.penalty != Penalty::None && options.lambda == 0.0 {
            // lambda 0 with a penalty means "the default 1/n" (scikit-learn's C = 1).
            options.lambda = 1.0 / x.rows().max(1) as f64;
        }
        match LogisticModel::fit(x, y, None, &options) {
            Ok(m) => Ok(Fit::plain(m)),
            Err(e @ (ModelError::Degenerate { .. } | ModelError::NotConverged { .. }))
                if self.auto_penalty && options.penalty == Penalty::None =>
            {
                let ridge = LogisticOptions {
                    penalty: Penalty::L2,
                    lambda: 1.0 / x.rows().max(1) as f64,
                    ..options
                };
                let m = LogisticModel::fit(x, y, None, &ridge)?;
                Ok(Fit {
                    model: FittedModel::new(m),
                    fallback: Some(format!(
                        "unpenalised fit impossible ({}); used ridge (L2) with lambda = 1/n",
                        name_features(&e, names)
                    )),
                })
            }
            Err(e) => Err(e),
        }
    }
}

impl Fitted for LogisticModel {
    fn tag(&self) -> &'static str {
        "logistic"
    }
    fn contract(&self) -> Contract<'_> {
        Contract::Binary(self)
    }
    fn summary(&self, manifest: &Manifest) -> ModelSummary {
        let names = &manifest.feature_names;
        ModelSummary::Logistic {
            coefficients: self
                .summary()
                .into_iter()
                .map(|r| LogisticCoefficient {
                    name: r
                        .index
                        .map_or_else(|| "(Intercept)".to_string(), |j| feature_name(names, j)),
                    coef: r.coef,
                    se: r.se,
                    z: r.z,
                    p: r.p_value,
                    ci95: r.ci95,
                    odds_ratio: r.odds_ratio,
                    odds_ratio_ci95: r.odds_ratio_ci95,
                })
                .collect(),
            penalty: self.options().penalty,
            lambda: self.options().lambda,
            loglik: self.loglik(),
            loglik_null: self.loglik_null(),
        }
    }
}

impl BinaryClassifier for LogisticModel {
    fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        LogisticModel::predict_proba(self, x)
    }
}

impl Estimator for LogisticModel {
    fn explain(&self, x: &Matrix) -> Result<(f64, Matrix), ModelError> {
        self.contributions(x)
    }
    fn explanation_method(&self) -> &'static str {
        LINEAR_EXPLANATION
    }
    fn family(&self) -> &'static str {
        "logistic regression"
    }
}
