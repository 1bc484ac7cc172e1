//! `osler train --model enet`: elastic-net logistic regression for wide data
//! (gene expression), its options and JSON fields.

use clap::{Args, ValueEnum};

use osler_pipeline::api::estimators::{Prefilter, PrefilterMethod};
use osler_pipeline::api::{EnetSpec, LambdaRule, ModelSpec};

use crate::CliError;
use crate::cmd_train::TrainArgs;

/// `--lambda-rule`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LambdaRuleArg {
    /// Smallest mean CV deviance (cv.glmnet `lambda.min`).
    Min,
    /// Largest penalty within one SE of it (`lambda.1se`; sparser).
    #[value(name = "1se")]
    OneSe,
}

/// `--prefilter`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrefilterArg {
    /// Largest variance (ignores the outcome).
    Variance,
    /// Largest |t| of the two-sample t test.
    Ttest,
    /// Largest one-way ANOVA F.
    Ftest,
    /// Largest univariate Cox score statistic (survival).
    Cox,
}

/// Options of the penalised models for wide data (`enet`, `coxnet`).
#[derive(Args, Debug, Clone)]
pub struct EnetArgs {
    /// enet, coxnet: which cross-validated penalty to use.
    #[arg(long, value_enum, default_value = "min")]
    pub lambda_rule: LambdaRuleArg,
    /// enet, coxnet: folds of the inner CV that chooses the penalty on the training rows.
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub inner_cv: usize,
    /// enet: keep only the `--keep` features with the largest univariate
    /// statistic, chosen inside each training fold (so it cannot leak).
    #[arg(long, value_enum, requires = "keep")]
    pub prefilter: Option<PrefilterArg>,
    /// enet: features kept by `--prefilter`.
    #[arg(long, value_name = "K")]
    pub keep: Option<usize>,
    /// enet: stability selection over this many half-size subsamples of the
    /// training rows (0 = off); gives each feature's selection frequency.
    #[arg(long, value_name = "B", default_value_t = 0)]
    pub stability: usize,
    /// coxnet: penalise the coefficients of the features as given instead of
    /// the features scaled to unit SD (glmnet `standardize = FALSE`,
    /// scikit-survival `normalize=False`).
    #[arg(long)]
    pub no_standardize: bool,
}

/// The model spec of `--model enet`.
pub fn enet_spec(a: &TrainArgs) -> Result<ModelSpec, CliError> {
    if !(0.0..=1.0).contains(&a.alpha) {
        return Err(CliError::user(format!("--alpha must lie in [0, 1], got {}", a.alpha)));
    }
    if a.lambda.is_some_and(|l| !(l.is_finite() && l > 0.0)) {
        return Err(CliError::user("--lambda must be a positive number"));
    }
    let e = &a.enet;
    if e.inner_cv < 2 {
        return Err(CliError::user(format!("--inner-cv must be at least 2, got {}", e.inner_cv)));
    }
    let prefilter = prefilter(e, false)?;
    Ok(ModelSpec::new(EnetSpec {
        alpha: a.alpha,
        lambda: a.lambda,
        rule: lambda_rule(e),
        inner_folds: e.inner_cv,
        prefilter,
        stability: e.stability,
        seed: a.seed,
    }))
}

/// `--lambda-rule`.
pub fn lambda_rule(e: &EnetArgs) -> LambdaRule {
    match e.lambda_rule {
        LambdaRuleArg::Min => LambdaRule::Min,
        LambdaRuleArg::OneSe => LambdaRule::OneSe,
    }
}

/// `--prefilter METHOD --keep K` (`survival`: for the Cox model).
pub fn prefilter(e: &EnetArgs, survival: bool) -> Result<Option<Prefilter>, CliError> {
    let method = match (e.prefilter, e.keep) {
        (Some(_), Some(0)) => return Err(CliError::user("--keep must be at least 1")),
        (None, Some(_)) => return Err(CliError::user("--keep needs --prefilter")),
        (None, None) => return Ok(None),
        (Some(m), _) => m,
    };
    let method = match (method, survival) {
        (PrefilterArg::Variance, _) => PrefilterMethod::Variance,
        (PrefilterArg::Ttest, false) => PrefilterMethod::TTest,
        (PrefilterArg::Ftest, false) => PrefilterMethod::FTest,
        (PrefilterArg::Cox, true) => PrefilterMethod::CoxScore,
        (PrefilterArg::Cox, false) => {
            return Err(CliError::user(
                "--prefilter cox needs a survival outcome; use ttest, ftest or variance",
            ));
        }
        (_, true) => {
            return Err(CliError::user(
                "a survival model is pre-filtered by --prefilter cox (univariate Cox score) or variance",
            ));
        }
    };
    Ok(e.keep.map(|keep| Prefilter { method, keep }))
}
