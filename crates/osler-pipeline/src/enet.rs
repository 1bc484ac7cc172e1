//! Elastic-net logistic regression for wide data (gene expression, p >> n):
//! the glmnet binomial path with the penalty chosen by an inner
//! cross-validation on the training rows only, an optional univariate
//! pre-filter inside each inner fold, and optional stability selection on
//! the final fit.
//!
//! Inside an outer CV fold the whole procedure (pre-filter, inner CV, refit)
//! sees only that fold's training rows, so the outer CV estimate is a nested
//! CV estimate of the procedure, not of one penalty picked with the test rows.

use serde::{Deserialize, Serialize};

use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::cv::{CvCurve, Folds};
use osler_models::linear::{
    CvMeasure, ElasticNetOptions, LogisticModel, binomial_path_screened, cv_binomial,
};
use osler_models::selection::{Prefilter, StabilityOptions, StabilityTarget, stability_selection};

/// Which penalty of the cross-validated curve the model uses (cv.glmnet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LambdaRule {
    /// The penalty with the smallest mean CV deviance (`lambda.min`).
    #[default]
    Min,
    /// The largest penalty within one standard error of it (`lambda.1se`):
    /// sparser, and the usual choice for gene signatures.
    OneSe,
}

impl LambdaRule {
    /// The path index this rule keeps, given the indices of `lambda.min` and `lambda.1se`.
    pub fn index(self, index_min: usize, index_1se: usize) -> usize {
        match self {
            LambdaRule::Min => index_min,
            LambdaRule::OneSe => index_1se,
        }
    }
}

/// How to fit [`EnetModel`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnetSpec {
    /// Elastic-net mixing (1 lasso, 0 ridge).
    pub alpha: f64,
    /// A fixed penalty; `None`: chosen by `inner_folds`-fold CV with `rule`.
    pub lambda: Option<f64>,
    /// Which cross-validated penalty to keep when `lambda` is `None`.
    pub rule: LambdaRule,
    /// Number of inner (stratified) folds choosing the penalty.
    pub inner_folds: usize,
    /// Keep only the top features by a univariate statistic, chosen on each
    /// (inner) training fold.
    pub prefilter: Option<Prefilter>,
    /// Stability-selection subsamples on the final fit (0: none).
    pub stability: usize,
    /// Seed of the inner folds and of the stability subsamples.
    pub seed: u64,
}

/// The cross-validated deviance curve of the final fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnetCv {
    /// The penalty grid, decreasing (glmnet's path).
    pub lambdas: Vec<f64>,
    /// Mean held-out binomial deviance per penalty (glmnet `cvm`).
    pub cvm: Vec<f64>,
    /// Standard error of that mean per penalty (glmnet `cvsd`).
    pub cvsd: Vec<f64>,
    /// The penalty with the smallest `cvm`.
    pub lambda_min: f64,
    /// The largest penalty with `cvm` within one `cvsd` of the minimum.
    pub lambda_1se: f64,
    /// Non-zero coefficients at each penalty (full-data path).
    pub nonzero: Vec<usize>,
    /// Number of inner folds behind `cvm`.
    pub folds: usize,
}

impl EnetCv {
    /// The summary of an inner cross-validation curve; `nonzero` counts the
    /// non-zero coefficients of the full-data path at each penalty.
    pub fn from_curve(curve: &CvCurve, nonzero: Vec<usize>, folds: usize) -> EnetCv {
        EnetCv {
            lambdas: curve.lambdas.clone(),
            cvm: curve.cvm.clone(),
            cvsd: curve.cvsd.clone(),
            lambda_min: curve.lambda_min,
            lambda_1se: curve.lambda_1se,
            nonzero,
            folds,
        }
    }
}

/// The coefficient path over the features that are non-zero somewhere on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SparsePath {
    /// The penalties of the path, in fitting order.
    pub lambdas: Vec<f64>,
    /// Feature indices (columns of the design).
    pub features: Vec<usize>,
    /// `coefs[l][k]`: coefficient of `features[k]` at `lambdas[l]` (original scale).
    pub coefs: Vec<Vec<f64>>,
}

/// Selection frequencies of stability selection (features selected at least once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionFrequency {
    /// Number of random subsamples fitted.
    pub subsamples: usize,
    /// Rows per subsample.
    pub subsample_size: usize,
    /// Feature indices with a non-zero maximum frequency.
    pub features: Vec<usize>,
    /// Maximum over the penalty grid of the fraction of subsamples selecting it.
    pub max_frequency: Vec<f64>,
    /// Fraction of subsamples selecting it at the model's penalty (when the
    /// model's penalty is on the grid).
    pub at_lambda: Option<Vec<f64>>,
    /// Average number of features selected somewhere on the grid (`q`).
    pub mean_union: f64,
}

/// How a fitted elastic net's penalty was chosen: the record a binomial and
/// a multinomial fit share (flattened into their `model.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PenaltyRecord {
    /// Elastic-net mixing used (1 lasso, 0 ridge).
    pub alpha: f64,
    /// The penalty of the model.
    pub lambda: f64,
    /// How `lambda` was chosen; `None` when the user fixed it.
    pub rule: Option<LambdaRule>,
    /// The inner cross-validation curve (deviance); `None` when the user fixed `lambda`.
    pub cv: Option<EnetCv>,
    /// The univariate pre-filter applied, if any.
    pub prefilter: Option<Prefilter>,
    /// Features the pre-filter kept on the full training rows (all without one).
    pub n_screened: usize,
}

/// A fitted elastic-net logistic regression with its selection record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnetModel {
    /// The model at the chosen penalty (coefficients over all columns).
    pub model: LogisticModel,
    /// How the penalty was chosen.
    #[serde(flatten)]
    pub penalty: PenaltyRecord,
    /// Coefficients along the penalty path, for the features ever non-zero.
    pub path: SparsePath,
    /// Stability-selection frequencies on the final fit, when requested.
    pub stability: Option<SelectionFrequency>,
}

impl SelectionFrequency {
    /// The selected features with their maximum selection frequency, most
    /// frequent first (ties by feature index).
    pub fn by_frequency(&self) -> Vec<(usize, f64)> {
        let mut top: Vec<(usize, f64)> =
            self.features.iter().copied().zip(self.max_frequency.iter().copied()).collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        top
    }
}

impl EnetModel {
    /// Non-zero coefficients, largest |coef| first, named by `names` (the
    /// design columns), with their maximum selection frequency when
    /// stability selection ran.
    pub fn selected(&self, names: &[String]) -> Vec<(String, f64, Option<f64>)> {
        let b = self.model.coefficients();
        let freq = |j: usize| {
            self.stability.as_ref().map(|s| {
                s.features
                    .iter()
                    .position(|&k| k == j)
                    .and_then(|k| s.max_frequency.get(k).copied())
                    .unwrap_or(0.0)
            })
        };
        let mut rows: Vec<(String, f64, Option<f64>)> = (0..b.len())
            .filter(|&j| b[j] != 0.0)
            .map(|j| (crate::summary::feature_name(names, j), b[j], freq(j)))
            .collect();
        rows.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        rows
    }
}

impl EnetSpec {
    /// The same procedure without the final-fit extras (stability selection),
    /// for the outer CV folds.
    pub fn for_cv(&self) -> EnetSpec {
        EnetSpec { stability: 0, ..self.clone() }
    }

    /// Fits on `x` and 0/1 outcomes `y`.
    pub fn fit(&self, x: &Matrix, y: &[f64]) -> Result<EnetModel, ModelError> {
        let opts = ElasticNetOptions { alpha: self.alpha, ..ElasticNetOptions::default() };
        let (path, index, cv, features) = match self.lambda {
            Some(lambda) => {
                // One penalty, the user's: no grid, no inner CV.
                let fixed = ElasticNetOptions { lambdas: Some(vec![lambda]), ..opts };
                let (path, kept) =
                    binomial_path_screened(x, y, None, &fixed, self.prefilter.as_ref())?;
                (path, 0, None, kept.len())
            }
            None => {
                let cv = cv_binomial(
                    x,
                    y,
                    None,
                    &opts,
                    &self.inner_folds(),
                    CvMeasure::Deviance,
                    self.prefilter.as_ref(),
                )?;
                let (index, summary) = self.choose(&cv.curve, &cv.path.df);
                (cv.path, index, Some(summary), cv.features.len())
            }
        };
        let model = path.model(index)?;
        let stability = (self.stability > 0)
            .then(|| self.stability(x, StabilityTarget::Binomial(y), &path.lambdas, index))
            .transpose()?;
        Ok(EnetModel {
            model,
            penalty: self.record(path.lambdas[index], cv, features),
            path: sparse_path(&path.lambdas, &path.coefs),
            stability,
        })
    }

    /// The record of a fit at penalty `lambda` with inner-CV curve `cv`,
    /// after a pre-filter that kept `n_screened` features.
    pub(crate) fn record(
        &self,
        lambda: f64,
        cv: Option<EnetCv>,
        n_screened: usize,
    ) -> PenaltyRecord {
        PenaltyRecord {
            alpha: self.alpha,
            lambda,
            rule: self.lambda.is_none().then_some(self.rule),
            cv,
            prefilter: self.prefilter,
            n_screened,
        }
    }

    /// The stratified inner folds that choose the penalty.
    pub(crate) fn inner_folds(&self) -> Folds {
        Folds::Stratified { k: self.inner_folds, seed: self.seed }
    }

    /// The path index `rule` keeps on an inner cross-validation `curve`, and
    /// the curve's summary (`nonzero`: the full-data path's non-zero counts).
    pub(crate) fn choose(&self, curve: &CvCurve, nonzero: &[usize]) -> (usize, EnetCv) {
        let index = self.rule.index(curve.index_min, curve.index_1se);
        (index, EnetCv::from_curve(curve, nonzero.to_vec(), self.inner_folds))
    }

    /// Stability selection on the penalty grid of the fit.
    pub(crate) fn stability(
        &self,
        x: &Matrix,
        target: StabilityTarget<'_>,
        lambdas: &[f64],
        index: usize,
    ) -> Result<SelectionFrequency, ModelError> {
        let opts = StabilityOptions {
            subsamples: self.stability,
            seed: self.seed,
            path: ElasticNetOptions {
                alpha: self.alpha,
                lambdas: Some(lambdas.to_vec()),
                ..ElasticNetOptions::default()
            },
            prefilter: self.prefilter,
            ..StabilityOptions::default()
        };
        let s = stability_selection(x, target, &opts)?;
        let features: Vec<usize> =
            (0..s.max_frequency.len()).filter(|&j| s.max_frequency[j] > 0.0).collect();
        let at = s.frequency_at(index);
        Ok(SelectionFrequency {
            subsamples: s.subsamples,
            subsample_size: s.subsample_size,
            max_frequency: features.iter().map(|&j| s.max_frequency[j]).collect(),
            at_lambda: (!at.is_empty()).then(|| features.iter().map(|&j| at[j]).collect()),
            features,
            mean_union: s.mean_union,
        })
    }
}

/// The columns of `coefs[l][j]` that are non-zero at some penalty.
fn sparse_path(lambdas: &[f64], coefs: &[Vec<f64>]) -> SparsePath {
    let p = coefs.first().map_or(0, Vec::len);
    let features: Vec<usize> = (0..p).filter(|&j| coefs.iter().any(|c| c[j] != 0.0)).collect();
    SparsePath {
        lambdas: lambdas.to_vec(),
        coefs: coefs.iter().map(|c| features.iter().map(|&j| c[j]).collect()).collect(),
        features,
    }
}

#[cfg(test)]
impl EnetSpec {
    /// The lasso with the penalty at `lambda.min` of 5 inner folds (seed 1):
    /// the spec the elastic-net tests vary.
    pub(crate) fn lasso_by_inner_cv() -> EnetSpec {
        EnetSpec {
            alpha: 1.0,
            lambda: None,
            rule: LambdaRule::Min,
            inner_folds: 5,
            prefilter: None,
            stability: 0,
            seed: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use osler_models::selection::PrefilterMethod;

    /// 60 rows, 300 noise features; features 0 and 1 carry the signal.
    fn wide() -> (Matrix, Vec<f64>) {
        let (n, p) = (60, 300);
        let mut rng = osler_data::SplitMix64::new(3);
        let cols: Vec<Vec<f64>> =
            (0..p).map(|_| (0..n).map(|_| rng.next_f64() * 2.0 - 1.0).collect()).collect();
        let y = (0..n).map(|i| f64::from(u8::from(cols[0][i] - 0.8 * cols[1][i] > 0.0))).collect();
        (Matrix::from_columns(&cols).expect("matrix"), y)
    }

    #[test]
    fn cv_choice_finds_the_signal_and_1se_is_sparser() {
        let (x, y) = wide();
        let spec = EnetSpec::lasso_by_inner_cv();
        let m = spec.fit(&x, &y).expect("fit");
        let cv = m.penalty.cv.as_ref().expect("cv");
        assert_eq!(m.penalty.lambda, cv.lambda_min);
        let b = m.model.coefficients();
        assert!(b[0] > 0.0 && b[1] < 0.0, "{} {}", b[0], b[1]);
        let se = EnetSpec { rule: LambdaRule::OneSe, ..spec }.fit(&x, &y).expect("1se");
        assert!(se.penalty.lambda >= m.penalty.lambda);
        let nz = |m: &EnetModel| m.model.coefficients().iter().filter(|&&v| v != 0.0).count();
        assert!(nz(&se) <= nz(&m));
        // The sparse path holds every coefficient that is non-zero anywhere.
        for (l, c) in m.path.coefs.iter().enumerate() {
            assert_eq!(c.len(), m.path.features.len());
            if (m.path.lambdas[l] - m.penalty.lambda).abs() == 0.0 {
                for (k, &j) in m.path.features.iter().enumerate() {
                    assert_eq!(c[k], b[j]);
                }
            }
        }
    }

    #[test]
    fn prefilter_and_fixed_lambda_keep_all_columns() {
        let (x, y) = wide();
        let spec = EnetSpec {
            alpha: 0.5,
            lambda: Some(0.05),
            rule: LambdaRule::Min,
            inner_folds: 5,
            prefilter: Some(Prefilter { method: PrefilterMethod::TTest, keep: 20 }),
            stability: 10,
            seed: 2,
        };
        let m = spec.fit(&x, &y).expect("fit");
        assert_eq!(m.penalty.lambda, 0.05);
        assert_eq!(m.penalty.n_screened, 20);
        assert_eq!(m.model.coefficients().len(), 300);
        let nz: Vec<usize> = (0..300).filter(|&j| m.model.coefficients()[j] != 0.0).collect();
        assert!(nz.contains(&0) && nz.len() <= 20);
        let p = m.model.predict_proba(&x).expect("predict");
        assert_eq!(p.len(), 60);
        let st = m.stability.as_ref().expect("stability");
        assert_eq!(st.subsamples, 10);
        let k0 = st.features.iter().position(|&j| j == 0).expect("feature 0 selected");
        assert!(st.max_frequency[k0] >= 0.9, "{}", st.max_frequency[k0]);
        // Same seed, same model.
        assert_eq!(spec.fit(&x, &y).expect("again"), m);
        assert_eq!(spec.for_cv().stability, 0);
    }
}
