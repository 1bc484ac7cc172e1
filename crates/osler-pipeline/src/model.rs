//! The estimators a pipeline can train, behind one face: fit on a design
//! matrix, predict probabilities, explain a prediction, describe the fit.

use serde::{Deserialize, Serialize};

use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::gbdt::{GbdtModel, GbdtOptions, ImportanceKind};
use osler_models::linear::{LogisticModel, LogisticOptions, Penalty};

/// Which model to train, with its hyperparameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ModelSpec {
    /// Logistic regression. With `auto_penalty`, an unpenalised fit that does
    /// not exist (separation, collinearity, divergence) falls back to ridge with
    /// `lambda = 1/n` (scikit-learn's default `C = 1`), and the fallback is recorded.
    Logistic { options: LogisticOptions, auto_penalty: bool },
    /// Histogram gradient-boosted trees.
    Gbdt { options: GbdtOptions },
}

/// A fitted estimator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FittedModel {
    Logistic(LogisticModel),
    Gbdt(GbdtModel),
}

/// Result of [`ModelSpec::fit`]: the model plus why a fallback happened, if it did.
pub struct Fit {
    pub model: FittedModel,
    pub fallback: Option<String>,
}

impl ModelSpec {
    /// Short name used in manifests and output (`logistic`, `gbdt`).
    pub fn name(&self) -> &'static str {
        match self {
            ModelSpec::Logistic { .. } => "logistic",
            ModelSpec::Gbdt { .. } => "gbdt",
        }
    }

    /// Whether the preprocessing must impute (GBDT routes missing values itself).
    pub fn needs_imputation(&self) -> bool {
        matches!(self, ModelSpec::Logistic { .. })
    }

    /// Fits on `x` (rows = patients) and 0/1 outcomes `y`.
    ///
    /// `names` are the feature names, used to word a fallback note.
    pub fn fit(&self, x: &Matrix, y: &[f64], names: &[String]) -> Result<Fit, ModelError> {
        match self {
            ModelSpec::Logistic { options, auto_penalty } => {
                let mut options = *options;
                if options.penalty != Penalty::None && options.lambda == 0.0 {
                    // lambda 0 with a penalty means "the default 1/n" (scikit-learn's C = 1).
                    options.lambda = 1.0 / x.rows().max(1) as f64;
                }
                match LogisticModel::fit(x, y, None, &options) {
                    Ok(m) => Ok(Fit { model: FittedModel::Logistic(m), fallback: None }),
                    Err(e @ (ModelError::Degenerate { .. } | ModelError::NotConverged { .. }))
                        if *auto_penalty && options.penalty == Penalty::None =>
                    {
                        let ridge = LogisticOptions {
                            penalty: Penalty::L2,
                            lambda: 1.0 / x.rows().max(1) as f64,
                            ..options
                        };
                        let m = LogisticModel::fit(x, y, None, &ridge)?;
                        Ok(Fit {
                            model: FittedModel::Logistic(m),
                            fallback: Some(format!(
                                "unpenalised fit impossible ({}); used ridge (L2) with lambda = 1/n",
                                name_features(&e, names)
                            )),
                        })
                    }
                    Err(e) => Err(e),
                }
            }
            ModelSpec::Gbdt { options } => {
                Ok(Fit { model: FittedModel::Gbdt(GbdtModel::fit(x, y, None, options)?), fallback: None })
            }
        }
    }
}

/// A model error's message with feature indices replaced by feature names.
pub fn name_features(e: &ModelError, names: &[String]) -> String {
    let name = |j: usize| names.get(j).map_or_else(|| format!("#{j}"), |n| format!("'{n}'"));
    match e {
        ModelError::Degenerate { feature, reason } => {
            // Reasons may list further features as "[2, 3, 5]".
            let reason = match (reason.find('['), reason.find(']')) {
                (Some(a), Some(b)) if a < b => {
                    let listed: Vec<String> = reason[a + 1..b]
                        .split(',')
                        .map(|t| t.trim().parse::<usize>().map_or_else(|_| t.trim().to_string(), name))
                        .collect();
                    format!("{}{}{}", &reason[..a], listed.join(", "), &reason[b + 1..])
                }
                _ => reason.clone(),
            };
            format!("feature {} {reason}", name(*feature))
        }
        other => other.to_string(),
    }
}

impl FittedModel {
    /// Predicted probability of the event for each row.
    pub fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        match self {
            FittedModel::Logistic(m) => m.predict_proba(x),
            FittedModel::Gbdt(m) => m.predict_proba(x),
        }
    }

    /// Additive explanation on the log-odds scale: `(base, n x p contributions)`
    /// with `base + sum_j c_ij = logit(p_i)`. Exact for logistic regression
    /// (contributions relative to the training means), TreeSHAP for trees.
    pub fn explain(&self, x: &Matrix) -> Result<(f64, Matrix), ModelError> {
        match self {
            FittedModel::Logistic(m) => m.contributions(x),
            FittedModel::Gbdt(m) => m.shap_values(x),
        }
    }

    /// Gain importance per feature for trees (normalised to sum 1); `None` for linear models.
    pub fn importance(&self) -> Option<Vec<f64>> {
        match self {
            FittedModel::Logistic(_) => None,
            FittedModel::Gbdt(m) => {
                let g = m.feature_importance(ImportanceKind::Gain);
                let total: f64 = g.iter().sum();
                Some(g.iter().map(|v| if total > 0.0 { v / total } else { 0.0 }).collect())
            }
        }
    }
}
