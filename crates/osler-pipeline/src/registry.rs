//! The registry of model kinds: every estimator the pipeline can train, once,
//! with its task, what a fitted model of the kind can do, and a small valid
//! spec. Front ends list kinds from here, and the conformance suite
//! (`tests/conformance.rs`) runs every entry, so a kind registered here is a
//! kind that is tested.

use serde::Serialize;

use osler_models::gbdt::GbdtOptions;
use osler_models::linear::LogisticOptions;
use osler_models::rsf::RsfOptions;
use osler_models::survival::Ties;
use osler_nn::{DeepSurvOptions, MlpOptions, TrainOptions};

use crate::enet::{EnetSpec, LambdaRule};
use crate::model::ModelSpec;
use crate::sequence::SequenceOptions;

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
}

const NONE: Capabilities = Capabilities {
    explanations: false,
    importances: false,
    standard_errors: false,
    survival_curves: false,
    device: false,
    multiclass: false,
    native_missing: false,
    row_order_invariant: false,
    sequence_input: false,
};

/// Every model kind the pipeline trains, classifiers first.
pub static KINDS: &[ModelKind] = &[
    ModelKind {
        name: "logistic",
        task: Task::Binary,
        capabilities: Capabilities {
            explanations: true,
            standard_errors: true,
            row_order_invariant: true,
            ..NONE
        },
        example: |_| ModelSpec::Logistic {
            options: LogisticOptions::default(),
            auto_penalty: true,
        },
    },
    ModelKind {
        name: "gbdt",
        task: Task::Binary,
        capabilities: Capabilities {
            explanations: true,
            importances: true,
            native_missing: true,
            ..NONE
        },
        example: |seed| ModelSpec::Gbdt {
            options: GbdtOptions {
                n_trees: 30,
                early_stopping_rounds: Some(5),
                seed,
                ..GbdtOptions::default()
            },
        },
    },
    ModelKind {
        name: "enet",
        task: Task::Binary,
        capabilities: Capabilities {
            explanations: true,
            multiclass: true,
            row_order_invariant: true,
            ..NONE
        },
        // A fixed penalty: the inner CV that would choose it assigns rows to folds by position.
        example: |seed| {
            ModelSpec::Enet(EnetSpec {
                alpha: 0.5,
                lambda: Some(0.01),
                rule: LambdaRule::Min,
                inner_folds: 3,
                prefilter: None,
                stability: 0,
                seed,
            })
        },
    },
    ModelKind {
        name: "mlp",
        task: Task::Binary,
        capabilities: Capabilities { device: true, multiclass: true, ..NONE },
        example: |seed| ModelSpec::Mlp {
            options: MlpOptions {
                hidden: vec![8],
                train: small_network(seed, MlpOptions::default().train),
                ..MlpOptions::default()
            },
        },
    },
    ModelKind {
        name: "cox",
        task: Task::Survival,
        capabilities: Capabilities {
            explanations: true,
            standard_errors: true,
            survival_curves: true,
            row_order_invariant: true,
            ..NONE
        },
        example: |_| ModelSpec::Cox { ties: Ties::Efron },
    },
    ModelKind {
        name: "coxnet",
        task: Task::Survival,
        capabilities: Capabilities {
            explanations: true,
            survival_curves: true,
            row_order_invariant: true,
            ..NONE
        },
        example: |seed| ModelSpec::Coxnet {
            alpha: 0.5,
            lambda: Some(0.01),
            inner_folds: 3,
            seed,
            prefilter: None,
            rule: LambdaRule::Min,
        },
    },
    ModelKind {
        name: "rsf",
        task: Task::Survival,
        capabilities: Capabilities { importances: true, survival_curves: true, ..NONE },
        example: |seed| ModelSpec::Rsf {
            options: RsfOptions { n_trees: 20, seed, ..RsfOptions::default() },
        },
    },
    ModelKind {
        name: "deepsurv",
        task: Task::Survival,
        capabilities: Capabilities { survival_curves: true, device: true, ..NONE },
        example: |seed| ModelSpec::DeepSurv {
            options: DeepSurvOptions {
                hidden: vec![8],
                train: small_network(seed, DeepSurvOptions::default().train),
                ..DeepSurvOptions::default()
            },
        },
    },
    ModelKind {
        name: "lstm",
        task: Task::Binary,
        capabilities: Capabilities { device: true, sequence_input: true, ..NONE },
        example: |seed| ModelSpec::Lstm { options: small_sequence(seed) },
    },
    ModelKind {
        name: "gru",
        task: Task::Binary,
        capabilities: Capabilities { device: true, sequence_input: true, ..NONE },
        example: |seed| ModelSpec::Gru { options: small_sequence(seed) },
    },
];

/// A small recurrent network (8 hidden units) trained for a few epochs.
fn small_sequence(seed: u64) -> SequenceOptions {
    let defaults = SequenceOptions::default();
    SequenceOptions { hidden: 8, train: small_network(seed, defaults.train.clone()), ..defaults }
}

/// A network's training options cut to a few epochs.
fn small_network(seed: u64, defaults: TrainOptions) -> TrainOptions {
    TrainOptions { epochs: 8, seed, ..defaults }
}

/// Every registered model kind.
pub fn kinds() -> &'static [ModelKind] {
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
    KINDS.iter().find(|k| k.name == name)
}

impl ModelSpec {
    /// This spec's registered kind (every spec has one).
    pub fn kind(&self) -> Option<&'static ModelKind> {
        kind(self.name())
    }
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
            assert!(spec.kind().is_some_and(|s| std::ptr::eq(s, k)), "{}", k.name);
            assert_eq!(k.capabilities.survival_curves, k.task == Task::Survival, "{}", k.name);
            assert!(!k.capabilities.multiclass || k.task == Task::Binary, "{}", k.name);
        }
    }
}
