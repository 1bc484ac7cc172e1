//! The estimators a pipeline can train, behind one face: a [`ModelSpec`]
//! (which kind, with its hyperparameters) fits a [`FittedModel`], which
//! predicts through its task's contract, explains a prediction and describes
//! the fit.
//!
//! Both are open: each model kind is one module under [`crate::kinds`](mod@crate::kinds) that
//! implements [`Specification`] for its hyperparameters and [`Fitted`] for
//! its fitted type, plus one entry in [`crate::registry::KINDS`]. Serde reads
//! the `kind` tag of `model.json` and of the manifest's `model` object and
//! asks the registry which kind parses the rest, so the artifact format is
//! the one the closed enums of earlier releases wrote.

use std::any::Any;
use std::fmt;

use serde::de::Error as _;
use serde::ser::{Error as _, SerializeMap};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use osler_data::Matrix;
use osler_models::ModelError;
use osler_nn::EpochLog;
use osler_nn::trainer::TrainSummary;

use crate::artifact::Manifest;
use crate::contract::Contract;
use crate::registry::{ModelKind, Task};
use crate::summary::ModelSummary;
use crate::survival_data::SurvivalOutcome;

/// The hyperparameters of one model kind: how to fit it on each task it supports.
///
/// The fit methods a kind does not support keep their defaults, which refuse
/// with the typed error that says which outcome the kind needs.
pub trait Specification: SpecObject {
    /// The registered kind this spec belongs to.
    fn kind(&self) -> &'static ModelKind;

    /// Fits on `x` (rows = patients) and 0/1 outcomes `y`; `names` are the
    /// feature names, used to word a fallback note.
    fn fit(&self, _x: &Matrix, _y: &[f64], _names: &[String]) -> Result<Fit, ModelError> {
        Err(wrong_outcome(self.kind()))
    }

    /// Fits a classifier of `classes` (>= 3) classes on class indices `y`.
    fn fit_multiclass(
        &self,
        _x: &Matrix,
        _y: &[f64],
        classes: usize,
    ) -> Result<FittedModel, ModelError> {
        let fitting: Vec<&str> = crate::registry::kinds()
            .iter()
            .filter(|k| k.capabilities.multiclass)
            .map(|k| k.name)
            .collect();
        Err(ModelError::TwoClassesOnly {
            model: self.kind().name.to_string(),
            classes,
            fitting: fitting.join(" or "),
        })
    }

    /// Fits a survival model on `x` and the survival outcome.
    fn fit_survival(
        &self,
        _x: &Matrix,
        _outcome: &SurvivalOutcome,
    ) -> Result<FittedModel, ModelError> {
        Err(wrong_outcome(self.kind()))
    }

    /// The spec an outer CV fold fits: the final-fit extras (stability
    /// selection, an epoch progress observer) left out. The default is the
    /// spec itself.
    fn for_cv(&self) -> ModelSpec {
        self.boxed()
    }
}

/// The error for a fit on an outcome the kind does not model.
fn wrong_outcome(kind: &ModelKind) -> ModelError {
    let model = kind.name.to_string();
    if kind.capabilities.sequence_input {
        ModelError::NeedsSequences
    } else if kind.capabilities.image_input {
        ModelError::NeedsImages
    } else if kind.task == Task::Survival {
        ModelError::NeedsSurvivalOutcome { model }
    } else {
        ModelError::NeedsClassOutcome { model }
    }
}

/// A fitted model of one kind: its task's contract, its serde tag in
/// `model.json`, its description, and the network state a neural model keeps
/// beside `model.json`.
pub trait Fitted: FittedObject {
    /// The `kind` tag of this model in `model.json` (registered by its kind in
    /// [`ModelKind::fitted`]).
    fn tag(&self) -> &'static str;

    /// The model as its task's trait object: what predictions and
    /// explanations go through.
    fn contract(&self) -> Contract<'_>;

    /// The typed description of the fit, its design columns named from the
    /// artifact's manifest.
    fn summary(&self, manifest: &Manifest) -> ModelSummary;

    /// A neural network's training state (weights, training log); `None` for
    /// models whose `model.json` holds everything.
    fn network(&self) -> Option<NetworkState<'_>> {
        None
    }

    /// The same state to fill in from an artifact's side files.
    fn network_mut(&mut self) -> Option<NetworkStateMut<'_>> {
        None
    }
}

/// A neural network's state kept beside `model.json`.
pub struct NetworkState<'a> {
    /// The safetensors weights.
    pub weights: &'a [u8],
    /// Per-epoch losses and metrics.
    pub log: &'a [EpochLog],
    /// Epochs run, best epoch, early stop, rows.
    pub summary: &'a TrainSummary,
}

/// Mutable access to [`NetworkState`]'s files, for loading them.
pub struct NetworkStateMut<'a> {
    /// The safetensors weights.
    pub weights: &'a mut Vec<u8>,
    /// Per-epoch losses and metrics.
    pub log: &'a mut Vec<EpochLog>,
}

/// Declares the object-safe helper trait a boxed kind type needs (cloning,
/// comparison, downcasting, JSON), implements it for every suitable type,
/// and gives the box type `Clone`, `PartialEq` and `Debug` through it.
macro_rules! boxed_kind_object {
    ($helper:ident, $kind_trait:ident, $boxed:ident, $what:literal) => {
        #[doc = concat!("What ", $what, " needs besides its kind's methods: cloning, comparison,")]
        /// downcasting and JSON, implemented for every suitable type.
        pub trait $helper: Any + fmt::Debug + Send + Sync {
            #[doc = concat!("A copy as a [`", stringify!($boxed), "`].")]
            fn boxed(&self) -> $boxed;
            /// Equality with another object of any kind.
            fn same(&self, other: &dyn Any) -> bool;
            /// The object as [`Any`], for downcasting.
            fn as_any(&self) -> &dyn Any;
            /// The object's fields as JSON (without the `kind` tag).
            fn fields(&self) -> Result<Value, serde_json::Error>;
        }

        impl<T> $helper for T
        where
            T: $kind_trait + Clone + PartialEq + Serialize + fmt::Debug + Send + Sync + 'static,
        {
            fn boxed(&self) -> $boxed {
                $boxed(Box::new(self.clone()))
            }
            fn same(&self, other: &dyn Any) -> bool {
                other.downcast_ref::<T>() == Some(self)
            }
            fn as_any(&self) -> &dyn Any {
                self
            }
            fn fields(&self) -> Result<Value, serde_json::Error> {
                serde_json::to_value(self)
            }
        }

        impl Clone for $boxed {
            fn clone(&self) -> Self {
                self.0.boxed()
            }
        }

        impl PartialEq for $boxed {
            fn eq(&self, other: &Self) -> bool {
                self.0.same(other.0.as_any())
            }
        }

        impl fmt::Debug for $boxed {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

boxed_kind_object!(SpecObject, Specification, ModelSpec, "a spec");
boxed_kind_object!(FittedObject, Fitted, FittedModel, "a fitted model");

/// Which model to train, with its hyperparameters: one registered kind's
/// [`Specification`]. Serialises as `{"kind": name, ...hyperparameters}`.
pub struct ModelSpec(Box<dyn Specification>);

impl ModelSpec {
    /// Wraps one kind's hyperparameters.
    pub fn new(spec: impl Specification) -> ModelSpec {
        ModelSpec(Box::new(spec))
    }

    /// Short name used in manifests and output (`logistic`, `gbdt`).
    pub fn name(&self) -> &'static str {
        self.0.kind().name
    }

    /// This spec's registered kind.
    pub fn kind(&self) -> &'static ModelKind {
        self.0.kind()
    }

    /// The hyperparameters as their kind's type, when they are of type `T`.
    pub fn get<T: Specification>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }

    /// The spec an outer CV fold fits (see [`Specification::for_cv`]).
    pub fn for_cv(&self) -> ModelSpec {
        self.0.for_cv()
    }

    /// Whether the preprocessing must impute: every kind but those that route
    /// missing values themselves (the registered kind's `native_missing`).
    pub fn needs_imputation(&self) -> bool {
        !self.kind().capabilities.native_missing
    }

    /// Fits on `x` (rows = patients) and 0/1 outcomes `y`.
    pub fn fit(&self, x: &Matrix, y: &[f64], names: &[String]) -> Result<Fit, ModelError> {
        self.0.fit(x, y, names)
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
        Ok(Fit { model: self.0.fit_multiclass(x, y, classes)?, fallback: None })
    }

    /// Fits a survival model on `x` and the survival outcome.
    pub fn fit_survival(
        &self,
        x: &Matrix,
        outcome: &SurvivalOutcome,
    ) -> Result<FittedModel, ModelError> {
        self.0.fit_survival(x, outcome)
    }
}

impl Serialize for ModelSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        tagged(s, self.name(), self.0.fields())
    }
}

impl<'de> Deserialize<'de> for ModelSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (tag, fields) = untag(Value::deserialize(d)?).map_err(D::Error::custom)?;
        let kind = crate::registry::kind(&tag)
            .ok_or_else(|| D::Error::custom(format!("unknown model kind '{tag}'")))?;
        (kind.spec)(fields).map_err(D::Error::custom)
    }
}

/// A fitted estimator of one registered kind. Serialises as
/// `{"kind": tag, ...fitted parameters}` (`model.json`).
pub struct FittedModel(Box<dyn Fitted>);

/// Result of [`ModelSpec::fit`]: the model plus why a fallback happened, if it did.
pub struct Fit {
    /// The fitted estimator.
    pub model: FittedModel,
    /// Why the requested fit was replaced (logistic -> ridge), for the manifest's model note.
    pub fallback: Option<String>,
}

impl Fit {
    /// A fit that is the one asked for.
    pub fn plain(model: impl Fitted) -> Fit {
        Fit { model: FittedModel::new(model), fallback: None }
    }
}

impl FittedModel {
    /// Wraps one kind's fitted model.
    pub fn new(model: impl Fitted) -> FittedModel {
        FittedModel(Box::new(model))
    }

    /// The fitted model as its kind's type, when it is of type `T`.
    pub fn get<T: Fitted>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }

    /// The model's `kind` tag in `model.json`.
    pub fn tag(&self) -> &'static str {
        self.0.tag()
    }

    /// The model as its task's trait object.
    pub fn contract(&self) -> Contract<'_> {
        self.0.contract()
    }

    /// The typed description of the fit, its columns named from `manifest`.
    pub fn summary(&self, manifest: &Manifest) -> ModelSummary {
        self.0.summary(manifest)
    }

    /// A neural network's weights, training log and summary (`None` for other models).
    pub fn network(&self) -> Option<NetworkState<'_>> {
        self.0.network()
    }

    /// Predicted probability of the event for each row (binary classifiers).
    pub fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        match self.contract() {
            Contract::Binary(m) => m.predict_proba(x),
            Contract::Multiclass(m) => Err(ModelError::NotBinary { classes: m.classes() }),
            Contract::Survival(_) => Err(ModelError::NotAClassifier),
            Contract::Sequence(_) => Err(ModelError::NeedsSequences),
            Contract::Image(_) => Err(ModelError::NeedsImages),
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
            Contract::Image(_) => Err(ModelError::NeedsImages),
        }
    }

    /// Risk score of a survival model (higher = earlier event): the linear predictor `x'b` for Cox.
    pub fn risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        match self.contract() {
            Contract::Survival(m) => m.risk(x),
            Contract::Binary(_)
            | Contract::Multiclass(_)
            | Contract::Sequence(_)
            | Contract::Image(_) => Err(ModelError::NotASurvivalModel),
        }
    }

    /// Survival probabilities `S(t | x)`: one row per patient, one column per time.
    pub fn survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError> {
        match self.contract() {
            Contract::Survival(m) => m.survival(x, times),
            Contract::Binary(_)
            | Contract::Multiclass(_)
            | Contract::Sequence(_)
            | Contract::Image(_) => Err(ModelError::NotASurvivalModel),
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

    /// Binary files stored beside `model.json` in an artifact: a network's
    /// safetensors weights and its JSON-lines training log.
    pub fn side_files(&self) -> Vec<(String, Vec<u8>)> {
        let Some(net) = self.0.network() else { return Vec::new() };
        vec![
            (NN_WEIGHTS.to_string(), net.weights.to_vec()),
            (NN_LOG.to_string(), osler_nn::trainer::log_to_jsonl(net.log).into_bytes()),
        ]
    }

    /// Restores what [`Self::side_files`] wrote; `read` returns a verified file's bytes.
    pub fn attach_side_files(
        &mut self,
        read: &dyn Fn(&str) -> Result<Vec<u8>, crate::error::PipelineError>,
    ) -> Result<(), crate::error::PipelineError> {
        let Some(net) = self.0.network_mut() else { return Ok(()) };
        *net.weights = read(NN_WEIGHTS)?;
        let text = String::from_utf8_lossy(&read(NN_LOG)?).into_owned();
        *net.log = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        Ok(())
    }

    /// The training log of a neural network (empty for other models).
    pub fn training_log(&self) -> &[EpochLog] {
        self.0.network().map_or(&[], |n| n.log)
    }
}

impl Serialize for FittedModel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        tagged(s, self.tag(), self.0.fields())
    }
}

impl<'de> Deserialize<'de> for FittedModel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (tag, fields) = untag(Value::deserialize(d)?).map_err(D::Error::custom)?;
        let parse = crate::registry::fitted_format(&tag)
            .ok_or_else(|| D::Error::custom(format!("unknown fitted model kind '{tag}'")))?;
        parse(fields).map_err(D::Error::custom)
    }
}

/// Writes `{"kind": tag, ...fields}`, the tag first as serde's internally
/// tagged enums do.
fn tagged<S: Serializer>(
    s: S,
    tag: &str,
    fields: Result<Value, serde_json::Error>,
) -> Result<S::Ok, S::Error> {
    let Value::Object(fields) = fields.map_err(S::Error::custom)? else {
        return Err(S::Error::custom(format!(
            "model kind '{tag}' does not serialise to an object"
        )));
    };
    let mut map = s.serialize_map(Some(fields.len() + 1))?;
    map.serialize_entry("kind", tag)?;
    for (k, v) in &fields {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// Splits `{"kind": tag, ...}` into the tag and the other fields.
fn untag(value: Value) -> Result<(String, Value), String> {
    let Value::Object(mut fields) = value else {
        return Err("a model must be a JSON object with a 'kind'".to_string());
    };
    match fields.remove("kind") {
        Some(Value::String(tag)) => Ok((tag, Value::Object(fields))),
        _ => Err("a model needs a string field 'kind'".to_string()),
    }
}

/// Reads a fitted model of type `T` from its fields (a kind's entry in
/// [`ModelKind::fitted`]).
pub fn parse_fitted<T>(fields: Value) -> Result<FittedModel, serde_json::Error>
where
    T: Fitted + serde::de::DeserializeOwned,
{
    Ok(FittedModel::new(serde_json::from_value::<T>(fields)?))
}

/// Reads a spec of type `T` from its fields (a kind's [`ModelKind::spec`]).
pub fn parse_spec<T>(fields: Value) -> Result<ModelSpec, serde_json::Error>
where
    T: Specification + serde::de::DeserializeOwned,
{
    Ok(ModelSpec::new(serde_json::from_value::<T>(fields)?))
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

/// Artifact file of a network's weights (safetensors, burn-store).
pub const NN_WEIGHTS: &str = "weights.safetensors";
/// Artifact file of a network's training log (JSON lines).
pub const NN_LOG: &str = "training_log.jsonl";
