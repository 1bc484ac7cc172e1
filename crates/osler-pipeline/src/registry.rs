//! The registry of model kinds: every estimator the pipeline can train, once,
//! with its task, what a fitted model of the kind can do, and a small valid
//! spec. Front ends list kinds from here, and the conformance suite
//! (`tests/conformance.rs`) runs every entry, so a kind registered here is a
//! kind that is tested.

use serde::Serialize;

use crate::model::{FittedModel, ModelSpec};

/// What a model predicts from one row of features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// The probability of a 0/1 outcome (diagnosis).
    Binary,
    /// The probability of each of `k >= 2` classes (e.g. a disease subtype).
    Multiclass,
    /// A risk score and a survival curve `S(t | x)` of a censored time to event (prognosis).
    Survival,
}

impl Task {
    /// The task's name in manifests and output (`binary`, `multiclass`, `survival`).
    pub fn name(self) -> &'static str {
        match self {
            Task::Binary => "binary",
            Task::Multiclass => "multiclass",
            Task::Survival => "survival",
        }
    }
}

/// What a fitted model of one kind offers beyond its task's predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// Additive per-feature explanations of a prediction (`--explain`).
    pub explanations: bool,
    /// A per-feature importance of the whole model (split gain or split share).
    pub importances: bool,
    /// Standard errors and Wald intervals of the coefficients.
    pub standard_errors: bool,
    /// Survival curves `S(t | x)` at any time (survival models).
    pub survival_curves: bool,
    /// Can train on an accelerator device (the neural networks; CPU by default).
    pub device: bool,
    /// A classifier that also fits an outcome of more than two classes
    /// ([`Task::Multiclass`]): a probability per class, summing to 1.
    pub multiclass: bool,
    /// Missing values reach the estimator as NaN and are routed by it; otherwise
    /// the preprocessing imputes them (training median or most frequent level).
    pub native_missing: bool,
    /// Fitting the example spec on the same rows in another order gives the
    /// same predictions up to rounding: no step draws rows by position (no
    /// bootstrap, validation split, inner CV fold or mini-batch shuffle).
    pub row_order_invariant: bool,
    /// Reads long-format data (one row per patient per visit, grouped by a
    /// patient id and ordered by a visit time) instead of one row per patient:
    /// the manifest's input contract is [`crate::artifact::InputContract::Sequence`].
    pub sequence_input: bool,
    /// Reads image files (PNG, JPEG, DICOM) instead of table rows: the
    /// manifest's input contract is [`crate::artifact::InputContract::Image`].
    pub image_input: bool,
}

/// One registered model kind.
#[derive(Debug, Clone, Copy)]
pub struct ModelKind {
    /// The name in manifests, `--model` and output (`logistic`, `cox`, ...);
    /// equal to [`ModelSpec::name`] of the kind's specs.
    pub name: &'static str,
    /// What the kind predicts (a probability or a survival curve).
    pub task: Task,
    /// What the kind's fitted models offer beyond their task's predictions.
    pub capabilities: Capabilities,
    /// A small but valid spec of this kind for a given seed (few trees or
    /// epochs): what examples and the conformance suite train.
    pub example: fn(seed: u64) -> ModelSpec,
    /// Reads a spec of this kind from the manifest's `model` object (the
    /// `kind` tag removed).
    pub spec: fn(serde_json::Value) -> Result<ModelSpec, serde_json::Error>,
    /// The `kind` tags of this kind's fitted models in `model.json`, each
    /// with its reader (a kind may fit more than one type, e.g. the elastic
    /// net's binomial and multinomial models).
    pub fitted: &'static [(&'static str, FittedParser)],
}

/// No capabilities: what a kind's [`Capabilities`] start from (`..NONE`).
pub const NONE: Capabilities = Capabilities {
    explanations: false,
    importances: false,
    standard_errors: false,
    survival_curves: false,
    device: false,
    multiclass: false,
    native_missing: false,
    row_order_invariant: false,
    sequence_input: false,
    image_input: false,
};

/// Reads a fitted model from the fields of its `model.json` (the `kind` tag removed).
pub type FittedParser = fn(serde_json::Value) -> Result<FittedModel, serde_json::Error>;

/// Every model kind the pipeline trains, classifiers first: the one place a
/// kind is registered (its module under [`crate::kinds`](mod@crate::kinds) holds the rest).
pub static KINDS: &[&ModelKind] = &[
    &crate::kinds::logistic::KIND,
    &crate::kinds::gbdt::KIND,
    &crate::kinds::enet::KIND,
    &crate::kinds::mlp::KIND,
    &crate::kinds::cox::KIND,
    &crate::kinds::coxnet::KIND,
    &crate::kinds::rsf::KIND,
    &crate::kinds::deepsurv::KIND,
    &crate::kinds::recurrent::LSTM,
    &crate::kinds::recurrent::GRU,
    &crate::kinds::image::CNN,
    &crate::kinds::image::RESNET18,
];

/// Every registered model kind.
pub fn kinds() -> &'static [&'static ModelKind] {
    KINDS
}

impl ModelKind {
    /// True when this kind can be trained for `task`: its own task, or a
    /// multiclass outcome for a classifier with the `multiclass` capability.
    pub fn fits(&self, task: Task) -> bool {
        self.task == task || (task == Task::Multiclass && self.capabilities.multiclass)
    }
}

/// The registered kind called `name`, if any.
pub fn kind(name: &str) -> Option<&'static ModelKind> {
    KINDS.iter().copied().find(|k| k.name == name)
}

/// The reader of fitted models tagged `tag` in `model.json`, if a kind registers one.
pub fn fitted_format(tag: &str) -> Option<FittedParser> {
    KINDS.iter().flat_map(|k| k.fitted).find(|(t, _)| *t == tag).map(|(_, parse)| *parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_registered_once_and_its_example_is_of_its_kind() {
        for (i, k) in KINDS.iter().enumerate() {
            assert!(KINDS[..i].iter().all(|o| o.name != k.name), "{} twice", k.name);
            let spec = (k.example)(1);
            assert_eq!(spec.name(), k.name);
            assert!(std::ptr::eq(spec.kind(), *k), "{}", k.name);
            let json = serde_json::to_string(&spec).expect("a spec serialises");
            assert!(json.starts_with(&format!("{{\"kind\":\"{}\"", k.name)), "{json}");
            let back: ModelSpec = serde_json::from_str(&json).expect("a spec reads back");
            assert_eq!(back, spec, "{}", k.name);
            assert_eq!(k.capabilities.survival_curves, k.task == Task::Survival, "{}", k.name);
            assert!(!k.capabilities.multiclass || k.task == Task::Binary, "{}", k.name);
        }
        let tags: Vec<&str> = KINDS.iter().flat_map(|k| k.fitted).map(|(t, _)| *t).collect();
        for (i, t) in tags.iter().enumerate() {
            assert!(!tags[..i].contains(t), "fitted tag {t} registered twice");
        }
    }

    #[test]
    fn an_unknown_kind_is_refused_by_name() {
        let err = serde_json::from_str::<ModelSpec>(r#"{"kind":"svm","c":1}"#)
            .expect_err("svm is not registered");
        assert!(err.to_string().contains("unknown model kind 'svm'"), "{err}");
        let err = serde_json::from_str::<FittedModel>(r#"{"kind":"svm"}"#)
            .expect_err("svm is not registered");
        assert!(err.to_string().contains("unknown fitted model kind 'svm'"), "{err}");
    }
}
