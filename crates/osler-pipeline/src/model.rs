//! The estimators a pipeline can train, behind one face: fit on a design
//! matrix, predict probabilities, explain a prediction, describe the fit.

use serde::{Deserialize, Serialize};

use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::gbdt::{GbdtModel, GbdtOptions};
use osler_models::linear::{LogisticModel, LogisticOptions, Penalty};
use osler_models::rsf::{RandomSurvivalForest, RsfOptions};
use osler_models::survival::{CoxModel, CoxOptions, CoxnetModel, CoxnetOptions, CvCoxnet, Ties};

use osler_nn::sequence::SequenceClassifier;
use osler_nn::{DeepSurv, DeepSurvOptions, MlpClassifier, MlpOptions};

use crate::contract::{
    BinaryClassifier, Estimator, MulticlassClassifier, SequenceModel, SurvivalModel, nn_error,
};
use crate::enet::{EnetModel, EnetSpec};
use crate::enet_multinomial::MultinomialEnetModel;
use crate::sequence::SequenceOptions;
use crate::survival_data::SurvivalOutcome;

/// Which model to train, with its hyperparameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ModelSpec {
    /// Logistic regression. With `auto_penalty`, an unpenalised fit that does
    /// not exist (separation, collinearity, divergence) falls back to ridge with
    /// `lambda = 1/n` (scikit-learn's default `C = 1`), and the fallback is recorded.
    Logistic {
        /// Penalty kind, strength `lambda`, mixing `alpha` and convergence settings.
        options: LogisticOptions,
        /// Fall back to ridge when the unpenalised fit does not exist.
        auto_penalty: bool,
    },
    /// Histogram gradient-boosted trees.
    Gbdt {
        /// Number of trees, learning rate, tree size, binning and early stopping.
        options: GbdtOptions,
    },
    /// Cox proportional hazards (survival); risk = linear predictor.
    Cox {
        /// How tied event times enter the partial likelihood (Efron or Breslow).
        ties: Ties,
    },
    /// Random survival forest (log-rank splits); risk = ensemble mortality.
    Rsf {
        /// Number of trees, features tried per split, leaf size and depth.
        options: RsfOptions,
    },
    /// Elastic-net Cox (glmnet objective, Breslow ties). Without `lambda`, the
    /// penalty is chosen by `inner_folds`-fold cross-validation of the partial-
    /// likelihood deviance on the training rows (`lambda_min` or `lambda_1se`,
    /// as glmnet's cv.glmnet).
    Coxnet {
        /// Elastic-net mixing in `[0, 1]`: 1 lasso, 0 ridge (glmnet's `alpha`).
        alpha: f64,
        /// Fixed penalty strength; `None` chooses it by inner cross-validation.
        lambda: Option<f64>,
        /// Number of inner cross-validation folds used to choose `lambda`.
        inner_folds: usize,
        /// Seed of the inner fold assignment.
        seed: u64,
        /// Univariate pre-filter applied inside each inner training fold.
        #[serde(default)]
        prefilter: Option<osler_models::selection::Prefilter>,
        /// Which cross-validated penalty (`lambda_min` or `lambda_1se`).
        #[serde(default)]
        rule: crate::enet::LambdaRule,
    },
    /// Multilayer perceptron classifier (osler-nn, burn).
    Mlp {
        /// Hidden layers, dropout, normalisation, loss and training settings.
        options: MlpOptions,
    },
    /// Elastic-net logistic regression for wide data (penalty by inner CV,
    /// optional in-fold pre-filter and stability selection).
    Enet(EnetSpec),
    /// DeepSurv: MLP risk score on the Cox partial likelihood (osler-nn, burn).
    DeepSurv {
        /// Hidden layers, dropout, normalisation, ties and training settings.
        options: DeepSurvOptions,
    },
    /// LSTM classifier of each patient's sequence of visits (long-format
    /// input; trained by [`crate::sequence::train_sequences`]).
    Lstm {
        /// Hidden width, dropout and training settings.
        options: SequenceOptions,
    },
    /// GRU classifier of each patient's sequence of visits (long-format
    /// input; trained by [`crate::sequence::train_sequences`]).
    Gru {
        /// Hidden width, dropout and training settings.
        options: SequenceOptions,
    },
}

/// A fitted estimator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FittedModel {
    /// Fitted logistic regression (coefficients on the log-odds scale).
    Logistic(LogisticModel),
    /// Fitted gradient-boosted tree ensemble.
    Gbdt(GbdtModel),
    /// Fitted Cox proportional hazards model with its baseline hazard.
    Cox(CoxModel),
    /// Fitted random survival forest.
    Rsf(RandomSurvivalForest),
    /// Fitted elastic-net Cox model at the chosen penalty.
    Coxnet(CoxnetModel),
    /// Fitted multilayer perceptron classifier.
    Mlp(MlpClassifier),
    /// Fitted elastic-net logistic regression at the chosen penalty.
    Enet(EnetModel),
    /// Fitted DeepSurv network with its Breslow baseline cumulative hazard.
    DeepSurv(DeepSurv),
    /// Fitted multinomial elastic net (an `enet` spec on a multiclass outcome).
    Multinomial(MultinomialEnetModel),
    /// Fitted LSTM or GRU classifier of visit sequences.
    Sequence(SequenceClassifier),
}

/// Result of [`ModelSpec::fit`]: the model plus why a fallback happened, if it did.
pub struct Fit {
    /// The fitted estimator.
    pub model: FittedModel,
    /// Why the requested fit was replaced (logistic -> ridge), for the manifest's model note.
    pub fallback: Option<String>,
}

impl ModelSpec {
    /// Short name used in manifests and output (`logistic`, `gbdt`).
    pub fn name(&self) -> &'static str {
        match self {
            ModelSpec::Logistic { .. } => "logistic",
            ModelSpec::Gbdt { .. } => "gbdt",
            ModelSpec::Cox { .. } => "cox",
            ModelSpec::Rsf { .. } => "rsf",
            ModelSpec::Coxnet { .. } => "coxnet",
            ModelSpec::Mlp { .. } => "mlp",
            ModelSpec::Enet(_) => "enet",
            ModelSpec::DeepSurv { .. } => "deepsurv",
            ModelSpec::Lstm { .. } => "lstm",
            ModelSpec::Gru { .. } => "gru",
        }
    }

    /// The spec an outer CV fold fits: the final-fit extras (stability
    /// selection, the epoch progress bar) left out.
    pub fn for_cv(&self) -> ModelSpec {
        let mut spec = self.clone();
        match &mut spec {
            ModelSpec::Enet(e) => *e = e.for_cv(),
            ModelSpec::Mlp { options } => options.train.progress = Default::default(),
            ModelSpec::DeepSurv { options } => options.train.progress = Default::default(),
            ModelSpec::Lstm { options } | ModelSpec::Gru { options } => {
                options.train.progress = Default::default();
            }
            _ => {}
        }
        spec
    }

    /// Whether the preprocessing must impute: every kind but those that route
    /// missing values themselves (the registered kind's `native_missing`).
    pub fn needs_imputation(&self) -> bool {
        !self.kind().is_some_and(|k| k.capabilities.native_missing)
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
            ModelSpec::Gbdt { options } => Ok(Fit {
                model: FittedModel::Gbdt(GbdtModel::fit(x, y, None, options)?),
                fallback: None,
            }),
            ModelSpec::Enet(spec) => {
                Ok(Fit { model: FittedModel::Enet(spec.fit(x, y)?), fallback: None })
            }
            ModelSpec::Mlp { options } => Ok(Fit {
                model: FittedModel::Mlp(MlpClassifier::fit(x, y, options).map_err(nn_error)?),
                fallback: None,
            }),
            ModelSpec::Cox { .. }
            | ModelSpec::Rsf { .. }
            | ModelSpec::Coxnet { .. }
            | ModelSpec::DeepSurv { .. } => {
                Err(ModelError::NeedsSurvivalOutcome { model: self.name().to_string() })
            }
            ModelSpec::Lstm { .. } | ModelSpec::Gru { .. } => Err(ModelError::NeedsSequences),
        }
    }

    /// Fits a classifier of `classes` (>= 2) classes on `x` and class indices
    /// `y`: the binary fit for two classes, else the kind's multiclass model.
    pub fn fit_classes(
        &self,
        x: &Matrix,
        y: &[f64],
        classes: usize,
        names: &[String],
    ) -> Result<Fit, ModelError> {
        if classes <= 2 {
            return self.fit(x, y, names);
        }
        let model = match self {
            ModelSpec::Enet(spec) => FittedModel::Multinomial(spec.fit_multinomial(x, y)?),
            ModelSpec::Mlp { options } => {
                FittedModel::Mlp(MlpClassifier::fit(x, y, options).map_err(nn_error)?)
            }
            other => {
                let fitting: Vec<&str> = crate::registry::kinds()
                    .iter()
                    .filter(|k| k.capabilities.multiclass)
                    .map(|k| k.name)
                    .collect();
                return Err(ModelError::TwoClassesOnly {
                    model: other.name().to_string(),
                    classes,
                    fitting: fitting.join(" or "),
                });
            }
        };
        Ok(Fit { model, fallback: None })
    }

    /// Fits a survival model on `x` and the survival outcome.
    pub fn fit_survival(
        &self,
        x: &Matrix,
        outcome: &SurvivalOutcome,
    ) -> Result<FittedModel, ModelError> {
        match self {
            ModelSpec::Cox { ties } => {
                let opts = CoxOptions {
                    ties: *ties,
                    start: outcome.start.clone(),
                    ..CoxOptions::default()
                };
                Ok(FittedModel::Cox(CoxModel::fit(x, &outcome.time, &outcome.event, &opts)?))
            }
            ModelSpec::Rsf { options } => {
                if outcome.start.is_some() {
                    return Err(ModelError::RightCensoredOnly {
                        model: "the random survival forest",
                    });
                }
                let event: Vec<bool> = outcome.event.iter().map(|&e| e == 1.0).collect();
                Ok(FittedModel::Rsf(RandomSurvivalForest::fit(x, &outcome.time, &event, options)?))
            }
            ModelSpec::Coxnet { alpha, lambda, inner_folds, seed, prefilter, rule } => {
                if outcome.start.is_some() {
                    return Err(ModelError::RightCensoredOnly { model: "the penalised Cox model" });
                }
                let opts = CoxnetOptions { alpha: *alpha, ..CoxnetOptions::default() };
                let (time, event) = (&outcome.time, &outcome.event);
                let model = match lambda {
                    Some(l) => CoxnetModel::fit(x, time, event, None, *l, &opts)?,
                    None => {
                        let mut rng = osler_data::SplitMix64::new(*seed);
                        let folds =
                            osler_data::split::stratified_kfold(event, *inner_folds, &mut rng)
                                .map_err(|_| ModelError::Folds {
                                    folds: *inner_folds,
                                    rows: event.len(),
                                })?;
                        let cv =
                            CvCoxnet::fit(x, time, event, None, &folds, &opts, prefilter.as_ref())?;
                        let index = rule.index(cv.index_min, cv.index_1se);
                        cv.path.model(index, x, time, event, None)?
                    }
                };
                Ok(FittedModel::Coxnet(model))
            }
            ModelSpec::DeepSurv { options } => {
                if outcome.start.is_some() {
                    return Err(ModelError::RightCensoredOnly { model: "DeepSurv" });
                }
                let m =
                    DeepSurv::fit(x, &outcome.time, &outcome.event, options).map_err(nn_error)?;
                Ok(FittedModel::DeepSurv(m))
            }
            other => Err(ModelError::NeedsClassOutcome { model: other.name().to_string() }),
        }
    }
}

/// A model error's message with feature indices replaced by feature names.
pub fn name_features(e: &ModelError, names: &[String]) -> String {
    let name = |j: usize| names.get(j).map_or_else(|| format!("#{j}"), |n| format!("'{n}'"));
    match e {
        ModelError::Degenerate { feature, reason, with } if with.is_empty() => {
            format!("feature {} {reason}", name(*feature))
        }
        ModelError::Degenerate { feature, reason, with } => {
            let others: Vec<String> = with.iter().map(|&j| name(j)).collect();
            format!(
                "feature {} {reason} (together with features {})",
                name(*feature),
                others.join(", ")
            )
        }
        ModelError::Diverges { feature, direction } => format!(
            "coefficient for feature {} diverges to {direction}infinity (monotone likelihood: \
             e.g. events only in one group of it); drop it or use a penalised model",
            name(*feature)
        ),
        other => other.to_string(),
    }
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
}

impl Contract<'_> {
    /// The model's task-independent face (explanations, importances, family).
    pub fn estimator(&self) -> &dyn Estimator {
        match *self {
            Contract::Binary(m) => m,
            Contract::Multiclass(m) => m,
            Contract::Survival(m) => m,
            Contract::Sequence(m) => m,
        }
    }
}

impl FittedModel {
    /// The model as its task's trait object: the one place a fitted model's
    /// kind is matched for prediction.
    pub fn contract(&self) -> Contract<'_> {
        match self {
            FittedModel::Logistic(m) => Contract::Binary(m),
            FittedModel::Gbdt(m) => Contract::Binary(m),
            FittedModel::Enet(m) => Contract::Binary(m),
            FittedModel::Mlp(m) if m.classes > 2 => Contract::Multiclass(m),
            FittedModel::Mlp(m) => Contract::Binary(m),
            FittedModel::Multinomial(m) => Contract::Multiclass(m),
            FittedModel::Cox(m) => Contract::Survival(m),
            FittedModel::Coxnet(m) => Contract::Survival(m),
            FittedModel::Rsf(m) => Contract::Survival(m),
            FittedModel::DeepSurv(m) => Contract::Survival(m),
            FittedModel::Sequence(m) => Contract::Sequence(m),
        }
    }

    /// Predicted probability of the event for each row (binary classifiers).
    pub fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        match self.contract() {
            Contract::Binary(m) => m.predict_proba(x),
            Contract::Multiclass(m) => Err(ModelError::NotBinary { classes: m.classes() }),
            Contract::Survival(_) => Err(ModelError::NotAClassifier),
            Contract::Sequence(_) => Err(ModelError::NeedsSequences),
        }
    }

    /// Probability of every class for each row, `[row][class]`: a binary
    /// classifier gives `[1 - p, p]`.
    pub fn predict_class_proba(&self, x: &Matrix) -> Result<Vec<Vec<f64>>, ModelError> {
        match self.contract() {
            Contract::Multiclass(m) => m.predict_class_proba(x),
            Contract::Binary(m) => {
                Ok(m.predict_proba(x)?.into_iter().map(|p| vec![1.0 - p, p]).collect())
            }
            Contract::Survival(_) => Err(ModelError::NotAClassifier),
            Contract::Sequence(_) => Err(ModelError::NeedsSequences),
        }
    }

    /// Risk score of a survival model (higher = earlier event): the linear predictor `x'b` for Cox.
    pub fn risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        match self.contract() {
            Contract::Survival(m) => m.risk(x),
            Contract::Binary(_) | Contract::Multiclass(_) | Contract::Sequence(_) => {
                Err(ModelError::NotASurvivalModel)
            }
        }
    }

    /// Survival probabilities `S(t | x)`: one row per patient, one column per time.
    pub fn survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError> {
        match self.contract() {
            Contract::Survival(m) => m.survival(x, times),
            Contract::Binary(_) | Contract::Multiclass(_) | Contract::Sequence(_) => {
                Err(ModelError::NotASurvivalModel)
            }
        }
    }

    /// Additive explanation: `(base, n x p contributions)` with
    /// `base + sum_j c_ij` = the log-odds of a classifier or the risk score of a
    /// survival model. Exact for linear models (contributions relative to the
    /// training means, or to `x = 0` for the penalised Cox model), TreeSHAP for trees.
    pub fn explain(&self, x: &Matrix) -> Result<(f64, Matrix), ModelError> {
        self.contract().estimator().explain(x)
    }

    /// How [`Self::explain`] computes its contributions (`none` without explanations).
    pub fn explanation_method(&self) -> &'static str {
        self.contract().estimator().explanation_method()
    }

    /// Importance per design column, normalised to sum 1: gain shares for
    /// boosted trees, split shares for forests; `None` for other models.
    pub fn importance(&self) -> Option<Vec<f64>> {
        self.contract().estimator().importance()
    }
}

impl FittedModel {
    /// Binary files stored beside `model.json` in an artifact: a network's
    /// safetensors weights and its JSON-lines training log.
    pub fn side_files(&self) -> Vec<(String, Vec<u8>)> {
        let (weights, log) = match self {
            FittedModel::Mlp(m) => (&m.weights, &m.log),
            FittedModel::DeepSurv(m) => (&m.weights, &m.log),
            FittedModel::Sequence(m) => (&m.weights, &m.log),
            _ => return Vec::new(),
        };
        vec![
            (NN_WEIGHTS.to_string(), weights.clone()),
            (NN_LOG.to_string(), osler_nn::trainer::log_to_jsonl(log).into_bytes()),
        ]
    }

    /// Restores what [`Self::side_files`] wrote; `read` returns a verified file's bytes.
    pub fn attach_side_files(
        &mut self,
        read: &dyn Fn(&str) -> Result<Vec<u8>, crate::error::PipelineError>,
    ) -> Result<(), crate::error::PipelineError> {
        let (weights, log) = match self {
            FittedModel::Mlp(m) => (&mut m.weights, &mut m.log),
            FittedModel::DeepSurv(m) => (&mut m.weights, &mut m.log),
            FittedModel::Sequence(m) => (&mut m.weights, &mut m.log),
            _ => return Ok(()),
        };
        *weights = read(NN_WEIGHTS)?;
        let text = String::from_utf8_lossy(&read(NN_LOG)?).into_owned();
        *log = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        Ok(())
    }

    /// The training log of a neural network (empty for other models).
    pub fn training_log(&self) -> &[osler_nn::EpochLog] {
        match self {
            FittedModel::Mlp(m) => &m.log,
            FittedModel::DeepSurv(m) => &m.log,
            FittedModel::Sequence(m) => &m.log,
            _ => &[],
        }
    }
}

/// Artifact file of a network's weights (safetensors, burn-store).
pub const NN_WEIGHTS: &str = "weights.safetensors";
/// Artifact file of a network's training log (JSON lines).
pub const NN_LOG: &str = "training_log.jsonl";
