//! Elastic-net logistic regression for wide data (the procedure in
//! [`crate::enet`]), and on more than two classes the multinomial elastic
//! net ([`crate::enet_multinomial`]).

use osler_data::Matrix;
use osler_models::ModelError;

use super::LINEAR_EXPLANATION;
use crate::artifact::Manifest;
use crate::contract::{BinaryClassifier, Contract, Estimator, MulticlassClassifier};
use crate::enet::{EnetModel, EnetSpec, LambdaRule};
use crate::enet_multinomial::MultinomialEnetModel;
use crate::model::{Fit, Fitted, FittedModel, ModelSpec, Specification};
use crate::registry::{Capabilities, ModelKind, NONE, Task};
use crate::summary::{EnetSummary, ModelSummary, MultinomialSummary};

/// The registration of the elastic net.
pub static KIND: ModelKind = ModelKind {
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
        ModelSpec::new(EnetSpec {
            alpha: 0.5,
            lambda: Some(0.01),
            rule: LambdaRule::Min,
            inner_folds: 3,
            prefilter: None,
            stability: 0,
            seed,
        })
    },
    spec: crate::model::parse_spec::<EnetSpec>,
    fitted: &[
        ("enet", crate::model::parse_fitted::<EnetModel>),
        ("multinomial", crate::model::parse_fitted::<MultinomialEnetModel>),
    ],
};

impl Specification for EnetSpec {
    fn kind(&self) -> &'static ModelKind {
        &KIND
    }
    fn fit(&self, x: &Matrix, y: &[f64], _names: &[String]) -> Result<Fit, ModelError> {
        Ok(Fit::plain(EnetSpec::fit(self, x, y)?))
    }
    fn fit_multiclass(
        &self,
        x: &Matrix,
        y: &[f64],
        _classes: usize,
    ) -> Result<FittedModel, ModelError> {
        Ok(FittedModel::new(self.fit_multinomial(x, y)?))
    }
    fn for_cv(&self) -> ModelSpec {
        ModelSpec::new(EnetSpec::for_cv(self))
    }
}

impl Fitted for EnetModel {
    fn tag(&self) -> &'static str {
        "enet"
    }
    fn contract(&self) -> Contract<'_> {
        Contract::Binary(self)
    }
    fn summary(&self, manifest: &Manifest) -> ModelSummary {
        ModelSummary::Enet(Box::new(EnetSummary::of(self, &manifest.feature_names)))
    }
}

impl Fitted for MultinomialEnetModel {
    fn tag(&self) -> &'static str {
        "multinomial"
    }
    fn contract(&self) -> Contract<'_> {
        Contract::Multiclass(self)
    }
    fn summary(&self, manifest: &Manifest) -> ModelSummary {
        let classes = manifest.classes.as_deref().unwrap_or_default();
        ModelSummary::Multinomial(Box::new(MultinomialSummary::of(
            self,
            &manifest.feature_names,
            classes,
        )))
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
