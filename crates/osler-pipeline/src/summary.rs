//! What a training run reports, as typed values: the run itself
//! ([`TrainingReport`]) and, per model kind, the fitted model's description
//! ([`ModelSummary`]: coefficients with SEs and odds or hazard ratios,
//! importances, the elastic net's selection, a network's training record).
//! `osler train --json` prints the serde form of a [`TrainingReport`], so every
//! front end reports the same fields.

use std::path::Path;

use serde::Serialize;

use osler_models::linear::Penalty;
use osler_models::selection::Prefilter;
use osler_nn::EpochLog;
use osler_nn::trainer::TrainSummary;

use crate::artifact::{Artifact, DataInfo, SurvivalColumns};
use crate::cv::CvSummary;
use crate::enet::{EnetCv, EnetModel, LambdaRule, PenaltyRecord};
use crate::enet_multinomial::MultinomialEnetModel;
use crate::leakage::Warning;
use crate::model::ModelSpec;

/// Wall-clock seconds of the steps of a training run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Timing {
    /// Reading and conforming the data (measured by the front end).
    pub read_seconds: f64,
    /// Fitting and applying the final model's preprocessing (classifiers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preprocess_seconds: Option<f64>,
    /// The final model's estimator fit alone.
    pub fit_seconds: f64,
    /// The whole cross-validation.
    pub cv_seconds: f64,
}

/// The outcome of `osler train`: where the artifact is, what was fitted on
/// which data, the CV metrics, timings and the model's own summary
/// (flattened into the same object).
#[derive(Debug, Clone, Serialize)]
pub struct TrainingReport {
    /// Artifact directory.
    pub artifact: String,
    /// `binary`, `multiclass` or `survival`.
    pub task: String,
    /// Model kind name (`logistic`, `cox`, ...).
    pub model: &'static str,
    /// The model kind with its hyperparameters.
    pub model_spec: ModelSpec,
    /// Why the model differs from the one asked for (e.g. a ridge fallback).
    pub model_note: Option<String>,
    /// Problems found in the training data (e.g. possible leakage); empty when none.
    pub warnings: Vec<Warning>,
    /// Outcome column (the time column of a survival model).
    pub target: String,
    /// Event level of the outcome.
    pub positive: String,
    /// Multiclass models: the class names in class-code order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    /// Input columns the model reads.
    pub features: Vec<String>,
    /// Training file, its SHA-256, row and event counts, aggregate column summaries.
    pub data: DataInfo,
    /// Decision threshold of a classifier (null for survival models).
    pub threshold: f64,
    /// Seed of the fold assignments and of the CV bootstrap.
    pub seed: u64,
    /// Cross-validated metrics; `None` when CV was skipped.
    pub cv: Option<CvSummary>,
    /// Wall-clock seconds of each step.
    pub timing: Timing,
    /// The fitted model's own description (flattened into the report).
    #[serde(flatten)]
    pub summary: ModelSummary,
}

impl TrainingReport {
    /// The report of a trained artifact saved at `dir`.
    pub fn new(art: &Artifact, dir: &Path, timing: Timing) -> TrainingReport {
        let m = &art.manifest;
        TrainingReport {
            artifact: dir.display().to_string(),
            task: m.task.clone(),
            model: m.model.name(),
            model_spec: m.model.clone(),
            model_note: m.model_note.clone(),
            warnings: m.warnings.clone(),
            target: m.target.clone(),
            positive: m.levels.positive.clone(),
            classes: m.classes.clone(),
            features: m.features.clone(),
            data: m.data.clone(),
            threshold: m.threshold,
            seed: m.seed,
            cv: m.cv.clone(),
            timing,
            summary: ModelSummary::of(art),
        }
    }
}

/// The fitted model's description, one variant per shape (a kind returns the
/// shape that fits it from [`crate::model::Fitted::summary`]).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ModelSummary {
    /// Logistic regression: coefficients with Wald SEs (unpenalised fits) and odds ratios.
    Logistic {
        /// The coefficient table, `(Intercept)` first.
        coefficients: Vec<LogisticCoefficient>,
        /// The penalty kind fitted (none, L1, L2 or elastic net).
        penalty: Penalty,
        /// Penalty strength on glmnet's scale (0 unpenalised).
        lambda: f64,
        /// Log-likelihood at the estimate.
        loglik: f64,
        /// Log-likelihood of the intercept-only model.
        loglik_null: f64,
    },
    /// Cox model: coefficients with SEs and hazard ratios, partial likelihoods.
    Cox {
        /// The coefficient table, one row per design column.
        coefficients: Vec<CoxCoefficient>,
        /// Log partial likelihood at the estimate.
        loglik: f64,
        /// Log partial likelihood at `b = 0`.
        loglik_null: f64,
        /// The baseline hazard of its survival curves: `efron` or `breslow`
        /// (R `survfit.coxph`'s default for the ties method).
        baseline_hazard: &'static str,
        /// Outcome columns and evaluation times of the survival model.
        survival: Option<SurvivalColumns>,
    },
    /// Elastic-net Cox: coefficients at the chosen penalty.
    Coxnet {
        /// Every design column's coefficient (zeros included).
        coefficients: Vec<PenalisedCoxCoefficient>,
        /// The chosen penalty strength (glmnet's scale).
        lambda: f64,
        /// Elastic-net mixing (1 lasso, 0 ridge).
        alpha: f64,
        /// Number of non-zero coefficients.
        selected: usize,
        /// Outcome columns and evaluation times of the survival model.
        survival: Option<SurvivalColumns>,
    },
    /// Random survival forest: split shares and the out-of-bag concordance.
    Rsf {
        /// Each design column's share of the forest's splits (sums to 1).
        importance: Vec<SplitShare>,
        /// Number of trees in the forest.
        trees: usize,
        /// Harrell's C of the out-of-bag ensemble predictions.
        oob_concordance: Option<f64>,
        /// Outcome columns and evaluation times of the survival model.
        survival: Option<SurvivalColumns>,
    },
    /// Gradient-boosted trees: gain shares and the number of trees kept.
    Gbdt {
        /// Each design column's share of the total split gain (sums to 1).
        importance: Vec<GainShare>,
        /// Number of trees kept (after early stopping).
        trees: usize,
    },
    /// Elastic-net logistic regression: the selected features and how the penalty was chosen.
    Enet(Box<EnetSummary>),
    /// Multinomial elastic net: each class's intercept and non-zero coefficients.
    Multinomial(Box<MultinomialSummary>),
    /// A neural network: its training summary and per-epoch log.
    Network {
        /// Epochs run, the epoch whose weights were kept, early stop, train/validation rows.
        training: TrainSummary,
        /// Per epoch: training loss, validation loss and metric, learning rate.
        training_log: Vec<EpochLog>,
        /// Wall time of each epoch (in the report only: the artifact stays byte-identical per seed).
        epoch_seconds: Vec<f64>,
        /// Outcome columns and evaluation times (DeepSurv only).
        #[serde(skip_serializing_if = "Option::is_none")]
        survival: Option<SurvivalColumns>,
    },
}

/// One row of a logistic regression's coefficient table (`(Intercept)` first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogisticCoefficient {
    /// Design column name (`(Intercept)` for the intercept).
    pub name: String,
    /// Log-odds per unit of the feature.
    pub coef: f64,
    /// Wald standard error, `sqrt` of the inverse Hessian's diagonal (`None` when penalised).
    pub se: Option<f64>,
    /// Wald statistic `coef / se`.
    pub z: Option<f64>,
    /// Two-sided Wald p-value.
    pub p: Option<f64>,
    /// `coef -+ 1.959964 se`.
    pub ci95: Option<[f64; 2]>,
    /// `exp(coef)`.
    pub odds_ratio: f64,
    /// `exp(coef -+ 1.959964 se)`.
    pub odds_ratio_ci95: Option<[f64; 2]>,
}

/// One row of a Cox model's coefficient table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoxCoefficient {
    /// Design column name.
    pub name: String,
    /// Log hazard ratio per unit of the feature.
    pub coef: f64,
    /// Model-based standard error, `sqrt(diag I^-1)`.
    pub se: f64,
    /// Wald statistic `coef / se` (the robust SE when one was computed, as R).
    pub z: f64,
    /// Two-sided Wald p-value of `z`.
    pub p: f64,
    /// `exp(coef)`.
    pub hazard_ratio: f64,
    /// `exp(coef -+ 1.959964 se)`.
    pub hazard_ratio_ci95: [f64; 2],
}

/// One coefficient of an elastic-net Cox model (no SEs: penalised estimates have none).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PenalisedCoxCoefficient {
    /// Design column name.
    pub name: String,
    /// Penalised log hazard ratio per unit of the feature.
    pub coef: f64,
    /// `exp(coef)`.
    pub hazard_ratio: f64,
}

/// A feature's share of a random survival forest's splits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitShare {
    /// Design column name.
    pub name: String,
    /// Fraction of all splits made on this feature (shares sum to 1).
    pub split_share: f64,
}

/// A feature's share of a boosted model's total split gain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GainShare {
    /// Design column name.
    pub name: String,
    /// Fraction of the total split gain from this feature (shares sum to 1).
    pub gain: f64,
}

/// The summary of an elastic-net logistic regression.
#[derive(Debug, Clone, Serialize)]
pub struct EnetSummary {
    /// Intercept on the log-odds scale.
    pub intercept: f64,
    /// Number of non-zero coefficients.
    pub selected: usize,
    /// Non-zero coefficients, largest |coef| first.
    pub coefficients: Vec<EnetCoefficient>,
    /// How the penalty was set (its fields appear at this level in JSON).
    #[serde(flatten)]
    pub penalty: PenaltyChoice,
    /// Stability selection on the final fit, when requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stability: Option<StabilitySummary>,
}

/// A selected feature of an elastic net.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnetCoefficient {
    /// Design column name.
    pub name: String,
    /// Penalised log-odds per unit of the feature.
    pub coef: f64,
    /// `exp(coef)`.
    pub odds_ratio: f64,
    /// Maximum selection frequency over the penalty path (with stability selection).
    pub selection_frequency: Option<f64>,
}

/// A multinomial elastic net at its penalty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MultinomialSummary {
    /// Per class (in class-code order): its intercept and non-zero coefficients.
    pub class_coefficients: Vec<ClassCoefficients>,
    /// Design columns with a non-zero coefficient in some class.
    pub selected: usize,
    /// How the penalty was set (its fields appear at this level in JSON).
    #[serde(flatten)]
    pub penalty: PenaltyChoice,
}

/// How an elastic net's penalty was set, binomial or multinomial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PenaltyChoice {
    /// Elastic-net mixing (1 lasso, 0 ridge).
    pub alpha: f64,
    /// The penalty of the fitted model (glmnet's scale).
    pub lambda: f64,
    /// How the penalty was chosen (`None`: fixed by the user).
    pub lambda_rule: Option<LambdaRule>,
    /// The inner cross-validation's penalties (`None`: fixed by the user).
    pub inner_cv: Option<InnerCv>,
    /// The univariate pre-filter applied, if any.
    pub prefilter: Option<Prefilter>,
    /// Features the pre-filter kept on all training rows.
    pub n_screened: usize,
}

/// One class of a multinomial model (glmnet's symmetric parameterisation:
/// intercepts sum to 0; a coefficient is the change in that class's log-odds
/// score per unit of the feature).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassCoefficients {
    /// The class name.
    pub class: String,
    /// Its intercept.
    pub intercept: f64,
    /// Its non-zero coefficients, largest |coef| first.
    pub coefficients: Vec<NamedCoefficient>,
}

/// A named coefficient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedCoefficient {
    /// Design column name.
    pub name: String,
    /// The coefficient (original feature scale).
    pub coef: f64,
}

impl MultinomialSummary {
    /// The summary of `m`, whose design columns are called `names` and classes `classes`.
    pub fn of(m: &MultinomialEnetModel, names: &[String], classes: &[String]) -> Self {
        let per_class = m
            .model
            .coefficients()
            .iter()
            .zip(m.model.intercepts())
            .enumerate()
            .map(|(k, (b, &intercept))| {
                let mut coefficients: Vec<NamedCoefficient> = (0..b.len())
                    .filter(|&j| b[j] != 0.0)
                    .map(|j| NamedCoefficient { name: feature_name(names, j), coef: b[j] })
                    .collect();
                coefficients.sort_by(|a, b| b.coef.abs().total_cmp(&a.coef.abs()));
                let class = classes.get(k).cloned().unwrap_or_else(|| k.to_string());
                ClassCoefficients { class, intercept, coefficients }
            })
            .collect();
        MultinomialSummary {
            class_coefficients: per_class,
            selected: m.model.selected().len(),
            penalty: PenaltyChoice::of(&m.penalty),
        }
    }
}

impl PenaltyChoice {
    /// The choice recorded by a fitted elastic net.
    fn of(p: &PenaltyRecord) -> Self {
        PenaltyChoice {
            alpha: p.alpha,
            lambda: p.lambda,
            lambda_rule: p.rule,
            inner_cv: p.cv.as_ref().map(InnerCv::of),
            prefilter: p.prefilter,
            n_screened: p.n_screened,
        }
    }
}

/// The penalties the inner cross-validation found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InnerCv {
    /// Number of inner folds.
    pub folds: usize,
    /// The penalty with the smallest mean held-out deviance.
    pub lambda_min: f64,
    /// The largest penalty within one standard error of that minimum.
    pub lambda_1se: f64,
}

impl InnerCv {
    /// The penalties of an inner cross-validation curve.
    fn of(c: &EnetCv) -> InnerCv {
        InnerCv { folds: c.folds, lambda_min: c.lambda_min, lambda_1se: c.lambda_1se }
    }
}

/// Stability selection (Meinshausen & Bühlmann 2010) of an elastic net.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StabilitySummary {
    /// Number of random subsamples fitted.
    pub subsamples: usize,
    /// Rows per subsample.
    pub subsample_size: usize,
    /// Average number of features selected somewhere on the penalty path.
    pub mean_selected_anywhere: f64,
    /// The 50 most frequently selected features.
    pub features: Vec<SelectionShare>,
}

/// A feature's maximum selection frequency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelectionShare {
    /// Design column name.
    pub name: String,
    /// Largest fraction of subsamples selecting the feature at any penalty.
    pub max_frequency: f64,
}

/// Feature `j`'s name (`#j` if there is none for it).
pub fn feature_name(names: &[String], j: usize) -> String {
    names.get(j).cloned().unwrap_or_else(|| format!("#{j}"))
}

impl ModelSummary {
    /// The summary of an artifact's model, with its features named.
    pub fn of(art: &Artifact) -> ModelSummary {
        art.model.summary(&art.manifest)
    }
}

impl EnetSummary {
    /// The summary of `m`, whose design columns are called `names`.
    pub fn of(m: &EnetModel, names: &[String]) -> EnetSummary {
        let coefficients: Vec<EnetCoefficient> = m
            .selected(names)
            .into_iter()
            .map(|(name, coef, f)| EnetCoefficient {
                name,
                coef,
                odds_ratio: coef.exp(),
                selection_frequency: f,
            })
            .collect();
        EnetSummary {
            intercept: m.model.intercept(),
            selected: coefficients.len(),
            coefficients,
            penalty: PenaltyChoice::of(&m.penalty),
            stability: m.stability.as_ref().map(|s| StabilitySummary {
                subsamples: s.subsamples,
                subsample_size: s.subsample_size,
                mean_selected_anywhere: s.mean_union,
                features: s
                    .by_frequency()
                    .into_iter()
                    .take(50)
                    .map(|(j, f)| SelectionShare { name: feature_name(names, j), max_frequency: f })
                    .collect(),
            }),
        }
    }
}
