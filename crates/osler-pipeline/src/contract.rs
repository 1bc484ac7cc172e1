//! The model contract: one trait per task, implemented by every fitted
//! estimator of that task. The pipeline (CV, artifacts, prediction,
//! evaluation) talks to models only through these traits, so a new model is
//! one implementation, one [`crate::model::FittedModel`] variant (its serde
//! tag in `model.json`) and one entry in [`crate::registry::KINDS`].

use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::gbdt::{GbdtModel, ImportanceKind};
use osler_models::linear::LogisticModel;
use osler_models::rsf::RandomSurvivalForest;
use osler_models::survival::{CoxModel, CoxnetModel, ProportionalHazards};
use osler_nn::sequence::{SequenceClassifier, Sequences};
use osler_nn::{DeepSurv, MlpClassifier};

use crate::enet::EnetModel;
use crate::enet_multinomial::MultinomialEnetModel;

/// What every fitted model offers besides its task's predictions: its
/// family's name, additive explanations and feature importances.
pub trait Estimator {
    /// Additive explanation of the model's output, `(base, n x p contributions)`
    /// with `base + sum_j c_ij` equal to the log-odds of a classifier or the
    /// risk score of a survival model.
    fn explain(&self, _x: &Matrix) -> Result<(f64, Matrix), ModelError> {
        Err(ModelError::NoExplanations { model: self.family().to_string() })
    }

    /// How [`Self::explain`] computes its contributions (`none` without explanations).
    fn explanation_method(&self) -> &'static str {
        "none"
    }

    /// Importance of each design column, normalised to sum 1; `None` when the
    /// model has no such measure.
    fn importance(&self) -> Option<Vec<f64>> {
        None
    }

    /// What the model is, for messages ("random survival forests").
    fn family(&self) -> &'static str;
}

/// A fitted model of a 0/1 outcome; its explanations are on the log-odds scale.
pub trait BinaryClassifier: Estimator {
    /// Probability of the event for each row of `x` (rows = patients).
    fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>, ModelError>;
}

/// A fitted model of an outcome of more than two classes; it has no
/// per-feature explanation of a single score.
pub trait MulticlassClassifier: Estimator {
    /// Number of classes `k` (at least 3; two-class models are binary classifiers).
    fn classes(&self) -> usize;

    /// Probability of each class for each row of `x`, `[row][class]`, each row summing to 1.
    fn predict_class_proba(&self, x: &Matrix) -> Result<Vec<Vec<f64>>, ModelError>;
}

/// A fitted model of a censored time to event; its explanations are of the risk score.
pub trait SurvivalModel: Estimator {
    /// Risk score of each row (higher = earlier event).
    fn risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError>;

    /// Survival probabilities `S(t | x)`: one row per patient, one column per time.
    fn survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError>;
}

/// A fitted classifier of a 0/1 outcome from each patient's sequence of
/// visits (long-format input); its rows are patients, not visits.
pub trait SequenceModel: Estimator {
    /// Probability of the event for each sequence of `data`.
    fn predict_sequences(&self, data: &Sequences) -> Result<Vec<f64>, ModelError>;
}

/// An osler-nn error as a model error: its facts stay typed where the model
/// error has a variant for them, and an internal network failure stays internal.
pub(crate) fn nn_error(e: osler_nn::NnError) -> ModelError {
    ModelError::from(e)
}

/// `values / sum(values)`, zeros when the sum is not positive.
fn shares(values: &[f64]) -> Vec<f64> {
    let total: f64 = values.iter().sum();
    values.iter().map(|v| if total > 0.0 { v / total } else { 0.0 }).collect()
}

const LINEAR_EXPLANATION: &str = "exact linear (coef x (value - training mean))";

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

impl BinaryClassifier for EnetModel {
    fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.model.predict_proba(x)
    }
}

impl Estimator for EnetModel {
    fn explain(&self, x: &Matrix) -> Result<(f64, Matrix), ModelError> {
        self.model.contributions(x)
    }
    fn explanation_method(&self) -> &'static str {
        LINEAR_EXPLANATION
    }
    fn family(&self) -> &'static str {
        "elastic-net logistic regression"
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

impl MulticlassClassifier for MultinomialEnetModel {
    fn classes(&self) -> usize {
        self.model.n_classes()
    }
    fn predict_class_proba(&self, x: &Matrix) -> Result<Vec<Vec<f64>>, ModelError> {
        self.model.predict_proba(x)
    }
}

impl Estimator for MultinomialEnetModel {
    fn family(&self) -> &'static str {
        "multinomial elastic-net regression"
    }
}

impl Estimator for MlpClassifier {
    fn family(&self) -> &'static str {
        "neural networks"
    }
}

impl SequenceModel for SequenceClassifier {
    fn predict_sequences(&self, data: &Sequences) -> Result<Vec<f64>, ModelError> {
        self.predict_proba(data).map_err(nn_error)
    }
}

impl Estimator for SequenceClassifier {
    fn family(&self) -> &'static str {
        "recurrent sequence networks"
    }
}

impl SurvivalModel for CoxModel {
    /// The linear predictor `x'b`.
    fn risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.linear_predictor(x)
    }
    fn survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError> {
        Ok(rows_to_matrix(self.predict_survival(x, times)?, x.rows(), times.len()))
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

impl SurvivalModel for CoxnetModel {
    /// The linear predictor `x'b`.
    fn risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.linear_predictor(x)
    }
    fn survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError> {
        Ok(rows_to_matrix(self.predict_survival(x, times)?, x.rows(), times.len()))
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

impl SurvivalModel for RandomSurvivalForest {
    /// Ensemble mortality.
    fn risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.predict_risk(x)
    }
    fn survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError> {
        self.predict_survival(x, times)
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

impl SurvivalModel for DeepSurv {
    fn risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        DeepSurv::risk(self, x).map_err(nn_error)
    }
    fn survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError> {
        Ok(rows_to_matrix(self.predict_survival(x, times)?, x.rows(), times.len()))
    }
}

impl Estimator for DeepSurv {
    fn family(&self) -> &'static str {
        "neural networks"
    }
}

fn rows_to_matrix(rows: Vec<Vec<f64>>, n: usize, k: usize) -> Matrix {
    let flat: Vec<f64> = rows.into_iter().flatten().collect();
    Matrix::from_row_major(n, k, &flat)
}

/// Log-hazard contributions `b_j (x_j - m_j)` around reference means `m`,
/// with `base = sum_j b_j m_j`, so `base + sum_j c_ij = x_i'b`.
fn linear_contributions(b: &[f64], means: &[f64], x: &Matrix) -> (f64, Matrix) {
    let base: f64 = b.iter().zip(means).map(|(b, m)| b * m).sum();
    let mut c = Matrix::zeros(x.rows(), x.cols());
    for j in 0..x.cols() {
        for i in 0..x.rows() {
            c.set(i, j, b[j] * (x.get(i, j) - means[j]));
        }
    }
    (base, c)
}
