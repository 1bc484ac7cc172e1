//! The model contract: one trait per task, implemented by every fitted
//! estimator of that task. The pipeline (CV, artifacts, prediction,
//! evaluation) talks to models only through these traits; each kind's
//! implementations live in its module under [`crate::kinds`](mod@crate::kinds).

use osler_data::Matrix;
use osler_models::ModelError;
use osler_nn::sequence::Sequences;

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

    /// What [`Self::risk`] is, in words, for the outputs that show it.
    fn risk_description(&self) -> &'static str;
}

/// A fitted classifier of a 0/1 outcome from each patient's sequence of
/// visits (long-format input); its rows are patients, not visits.
pub trait SequenceModel: Estimator {
    /// Probability of the event for each sequence of `data`.
    fn predict_sequences(&self, data: &Sequences) -> Result<Vec<f64>, ModelError>;
}

/// A fitted classifier of a 0/1 outcome from images: normalised pixels in
/// (the artifact's image input contract, [`crate::image::ImageContract`],
/// turns files into them), one probability per image out.
pub trait ImageModel: Estimator {
    /// Probability of the event (class 1) for each image.
    fn predict_images(&self, images: &osler_nn::Images) -> Result<Vec<f64>, ModelError>;
    /// Grad-CAM map of the event class for each image, at the network's
    /// input size, scaled to `[0, 1]`.
    fn event_heatmaps(&self, images: &osler_nn::Images) -> Result<Vec<Vec<f32>>, ModelError>;
}

/// An osler-nn error as a model error: its facts stay typed where the model
/// error has a variant for them, and an internal network failure stays internal.
pub(crate) fn nn_error(e: osler_nn::NnError) -> ModelError {
    ModelError::from(e)
}

/// A fitted model seen through its task's contract.
pub enum Contract<'a> {
    /// A classifier of a 0/1 outcome.
    Binary(&'a dyn BinaryClassifier),
    /// A classifier of more than two classes.
    Multiclass(&'a dyn MulticlassClassifier),
    /// A model of a censored time to event.
    Survival(&'a dyn SurvivalModel),
    /// A classifier of a 0/1 outcome from each patient's sequence of visits.
    Sequence(&'a dyn SequenceModel),
    /// A classifier of a 0/1 outcome from images.
    Image(&'a dyn ImageModel),
}

impl Contract<'_> {
    /// The model's task-independent face (explanations, importances, family).
    pub fn estimator(&self) -> &dyn Estimator {
        match *self {
            Contract::Binary(m) => m,
            Contract::Multiclass(m) => m,
            Contract::Survival(m) => m,
            Contract::Sequence(m) => m,
            Contract::Image(m) => m,
        }
    }
}
