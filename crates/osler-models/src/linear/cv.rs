//! K-fold cross-validation of the binomial and multinomial elastic-net
//! paths over the penalty, as glmnet's `cv.glmnet(..., grouped = TRUE)`
//! (glmnet 4.1 `cv.lognet`, `cv.multnet`; the curve and the choice of
//! `lambda_min` / `lambda_1se` are [`crate::cv::CvCurve`]'s).
//!
//! The path is fitted on all rows to fix the penalties; then, for each fold,
//! on the other rows at exactly those penalties, and the held-out rows are
//! scored at each penalty. Per-row measures, with `p` the predicted
//! probability clipped to `[1e-5, 1 - 1e-5]` for the deviance (glmnet's
//! `prob_min`):
//!
//! * deviance: `-2 [y log p + (1 - y) log(1 - p)]` (binomial),
//!   `-2 log p_{y}` (multinomial);
//! * misclassification: 1 when the predicted class is wrong (binomial:
//!   class 1 when `p >= 0.5`; multinomial: the most probable class);
//! * AUC (binomial only): per fold, the weighted Mann-Whitney AUC with tied
//!   predictions counting 1/2 (glmnet breaks ties at random); folds are then
//!   weighted by their total case weight, as glmnet's.
//!
//! A fold's value is the case-weighted mean over its held-out rows and its
//! weight the sum of their case weights. With a [`Prefilter`], features are
//! chosen on each training fold only, and the full-data path on the
//! features chosen on all rows; coefficients are reported over all columns
//! (zero for features not kept).

use osler_data::Matrix;
use serde::{Deserialize, Serialize};

use super::binomial_path::{BinomialPath, binomial_path_prepared, sparse_eta};
use super::data::{Prepared, prepare};
use super::multinomial_path::{
    MultinomialPath, argmax, multinomial_path_prepared, prepare_multinomial, softmax_rows,
};
use super::numeric::sigmoid;
use super::options::ElasticNetOptions;
use crate::ModelError;
use crate::cv::{CvCurve, Folds, distinct_folds, submatrix};
use crate::selection::{Outcome, Prefilter};

/// glmnet's clipping of probabilities in the CV deviance.
const PROB_MIN: f64 = 1e-5;

/// The cross-validated measure (glmnet `type.measure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CvMeasure {
    /// Binomial / multinomial deviance (smaller is better).
    #[default]
    Deviance,
    /// Misclassification rate at the most probable class (glmnet `"class"`).
    Misclassification,
    /// Area under the ROC curve per fold (binomial only; larger is better).
    Auc,
}

/// Result of [`cv_binomial`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvBinomial {
    /// The loss measure cross-validated in `curve`.
    pub measure: CvMeasure,
    /// Cross-validated measure per penalty and the chosen `lambda_min` / `lambda_1se`.
    pub curve: CvCurve,
    /// The path on all rows (coefficients over all columns of `x`).
    pub path: BinomialPath,
    /// Fold id per row (the given ones, or those drawn from the seed).
    pub folds: Vec<usize>,
    /// Features kept by the pre-filter on all rows (all features without one).
    pub features: Vec<usize>,
}

/// Result of [`cv_multinomial`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvMultinomial {
    /// The loss measure cross-validated in `curve`.
    pub measure: CvMeasure,
    /// Cross-validated measure per penalty and the chosen `lambda_min` / `lambda_1se`.
    pub curve: CvCurve,
    /// The path on all rows (coefficients over all columns of `x`).
    pub path: MultinomialPath,
    /// Fold id per row (the given ones, or those drawn from the seed).
    pub folds: Vec<usize>,
    /// Features kept by the pre-filter on all rows (all features without one).
    pub features: Vec<usize>,
}

/// Validated inputs shared by the folds.
struct Setup {
    folds: Vec<usize>,
    ids: Vec<usize>,
    w: Vec<f64>,
}

fn setup(
    n: usize,
    folds: &Folds,
    strata: &[f64],
    prep_w: &[f64],
    opts: &ElasticNetOptions,
) -> Result<Setup, ModelError> {
    opts.validate()?;
    let folds = folds.assign(n, strata)?;
    let ids = distinct_folds(&folds)?;
    Ok(Setup { folds, ids, w: prep_w.to_vec() })
}

/// Features kept on `rows` (all without a pre-filter).
fn features(
    prefilter: Option<&Prefilter>,
    x: &Matrix,
    rows: &[usize],
    outcome: Outcome<'_>,
) -> Result<Vec<usize>, ModelError> {
    match prefilter {
        Some(f) => f.select_rows(x, rows, outcome),
        None => Ok((0..x.cols()).collect()),
    }
}

/// Fold values and weight from per-row losses (case-weighted mean).
fn weighted_mean_rows(loss: &[Vec<f64>], w: &[f64]) -> (Vec<f64>, f64) {
    let wsum: f64 = w.iter().sum();
    let nl = loss.first().map_or(0, Vec::len);
    let v = (0..nl).map(|l| loss.iter().zip(w).map(|(r, wi)| wi * r[l]).sum::<f64>() / wsum);
    (v.collect(), wsum)
}

/// Weighted AUC of scores `s` for 0/1 labels `y` (ties count 1/2); NaN
/// without both classes.
fn weighted_auc(y: &[f64], s: &[f64], w: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..y.len()).collect();
    idx.sort_by(|&a, &b| s[a].total_cmp(&s[b]));
    let (mut neg_below, mut num) = (0.0, 0.0);
    let (wpos, wneg): (f64, f64) = idx
        .iter()
        .fold((0.0, 0.0), |(p, q), &i| if y[i] == 1.0 { (p + w[i], q) } else { (p, q + w[i]) });
    let mut start = 0;
    while start < idx.len() {
        let mut end = start;
        let (mut tp, mut tn) = (0.0, 0.0);
        while end < idx.len() && s[idx[end]] == s[idx[start]] {
            let i = idx[end];
            if y[i] == 1.0 {
                tp += w[i];
            } else {
                tn += w[i];
            }
            end += 1;
        }
        num += tp * (neg_below + 0.5 * tn);
        neg_below += tn;
        start = end;
    }
    if wpos > 0.0 && wneg > 0.0 { num / (wpos * wneg) } else { f64::NAN }
}

/// Cross-validates the binomial elastic-net path of `y` (0/1) on `x`
/// (weights `w`) over its penalties; see the module docs. The penalties are
/// those of [`super::binomial_path`] on all rows with `opts`.
pub fn cv_binomial(
    x: &Matrix,
    y: &[f64],
    w: Option<&[f64]>,
    opts: &ElasticNetOptions,
    folds: &Folds,
    measure: CvMeasure,
    prefilter: Option<&Prefilter>,
) -> Result<CvBinomial, ModelError> {
    let prep = prepare(x, y, w)?;
    let s = setup(x.rows(), folds, y, &prep.w, opts)?;
    let (path, kept) = screened_path(x, y, &s.w, opts, prefilter)?;
    let all: Vec<usize> = (0..x.rows()).collect();
    let fixed = ElasticNetOptions { lambdas: Some(path.lambdas.clone()), ..opts.clone() };
    let (mut values, mut weights) = (Vec::new(), Vec::new());
    for &f in &s.ids {
        let (train, test): (Vec<usize>, Vec<usize>) = all.iter().partition(|&&i| s.folds[i] != f);
        let cols = features(prefilter, x, &train, Outcome::Binary(y))?;
        let fit = fit_binomial_on(x, y, &s.w, &train, &cols, &fixed)?;
        let xt = submatrix(x, &test, &cols);
        let yt: Vec<f64> = test.iter().map(|&i| y[i]).collect();
        let wt: Vec<f64> = test.iter().map(|&i| s.w[i]).collect();
        let probs: Vec<Vec<f64>> = (0..fit.len())
            .map(|l| {
                let b: Vec<f64> = cols.iter().map(|&j| fit.coefs[l][j]).collect();
                sparse_eta(&xt, fit.intercepts[l], &b).into_iter().map(sigmoid).collect()
            })
            .collect();
        if measure == CvMeasure::Auc {
            values.push(probs.iter().map(|p| weighted_auc(&yt, p, &wt)).collect());
            weights.push(wt.iter().sum());
            continue;
        }
        let loss: Vec<Vec<f64>> = (0..test.len())
            .map(|r| {
                probs
                    .iter()
                    .map(|p| {
                        let (yi, pi) = (yt[r], p[r]);
                        match measure {
                            CvMeasure::Misclassification => {
                                f64::from(u8::from((yi == 1.0) != (pi >= 0.5)))
                            }
                            _ => {
                                let q = pi.clamp(PROB_MIN, 1.0 - PROB_MIN);
                                -2.0 * if yi == 1.0 { q.ln() } else { (1.0 - q).ln() }
                            }
                        }
                    })
                    .collect()
            })
            .collect();
        let (v, wsum) = weighted_mean_rows(&loss, &wt);
        values.push(v);
        weights.push(wsum);
    }
    let curve = CvCurve::from_folds(
        path.lambdas.clone(),
        s.ids,
        values,
        weights,
        measure == CvMeasure::Auc,
    )?;
    Ok(CvBinomial { measure, curve, path, folds: s.folds, features: kept })
}

/// The binomial path on the features `prefilter` keeps on all rows (every
/// feature without one), with its coefficients over all columns of `x` (0
/// for the features not kept); returns the path and the kept features.
pub fn binomial_path_screened(
    x: &Matrix,
    y: &[f64],
    w: Option<&[f64]>,
    opts: &ElasticNetOptions,
    prefilter: Option<&Prefilter>,
) -> Result<(BinomialPath, Vec<usize>), ModelError> {
    opts.validate()?;
    let prep = prepare(x, y, w)?;
    screened_path(x, y, &prep.w, opts, prefilter)
}

/// [`binomial_path_screened`] with prepared case weights `w`.
fn screened_path(
    x: &Matrix,
    y: &[f64],
    w: &[f64],
    opts: &ElasticNetOptions,
    prefilter: Option<&Prefilter>,
) -> Result<(BinomialPath, Vec<usize>), ModelError> {
    let all: Vec<usize> = (0..x.rows()).collect();
    let kept = features(prefilter, x, &all, Outcome::Binary(y))?;
    Ok((fit_binomial_on(x, y, w, &all, &kept, opts)?, kept))
}

/// The binomial path on rows `rows` and columns `cols` of `x`, with its
/// coefficients spread back over all columns.
fn fit_binomial_on(
    x: &Matrix,
    y: &[f64],
    w: &[f64],
    rows: &[usize],
    cols: &[usize],
    opts: &ElasticNetOptions,
) -> Result<BinomialPath, ModelError> {
    let xs = submatrix(x, rows, cols);
    let ys: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
    let ws: Vec<f64> = rows.iter().map(|&i| w[i]).collect();
    let prep = prepare(&xs, &ys, Some(&ws))?;
    let mut path = binomial_path_prepared(&xs, &ys, &prep, opts)?;
    if cols.len() != x.cols() {
        let means = column_means(x, rows, &prep, cols);
        path.coefs = path.coefs.iter().map(|c| spread(c, cols, x.cols())).collect();
        path.feature_means = means;
    }
    Ok(path)
}

/// Means of every column of `x` over `rows` (weighted as `prep` for the
/// columns in `cols`, which `prep` describes; plain for the others, whose
/// coefficients are 0).
fn column_means(x: &Matrix, rows: &[usize], prep: &Prepared, cols: &[usize]) -> Vec<f64> {
    let mut m: Vec<f64> = (0..x.cols())
        .map(|j| rows.iter().map(|&i| x.get(i, j)).sum::<f64>() / rows.len() as f64)
        .collect();
    for (k, &j) in cols.iter().enumerate() {
        m[j] = prep.mean[k];
    }
    m
}

/// A vector over `cols` spread over `p` columns (zeros elsewhere).
fn spread(v: &[f64], cols: &[usize], p: usize) -> Vec<f64> {
    let mut out = vec![0.0; p];
    for (&j, &b) in cols.iter().zip(v) {
        out[j] = b;
    }
    out
}

/// Cross-validates the multinomial elastic-net path of the class labels `y`
/// (`0..K`) on `x` over its penalties (deviance or misclassification; see
/// the module docs).
pub fn cv_multinomial(
    x: &Matrix,
    y: &[usize],
    w: Option<&[f64]>,
    opts: &ElasticNetOptions,
    folds: &Folds,
    measure: CvMeasure,
    prefilter: Option<&Prefilter>,
) -> Result<CvMultinomial, ModelError> {
    if measure == CvMeasure::Auc {
        return Err(ModelError::invalid(
            "measure",
            "auc",
            "be deviance or misclassification for a multiclass outcome (AUC is defined for binary outcomes only)",
        ));
    }
    let (prep, _) = prepare_multinomial(x, y, w)?;
    let strata: Vec<f64> = y.iter().map(|&c| c as f64).collect();
    let s = setup(x.rows(), folds, &strata, &prep.w, opts)?;
    let all: Vec<usize> = (0..x.rows()).collect();
    let kept = features(prefilter, x, &all, Outcome::Classes(y))?;
    let path = fit_multinomial_on(x, y, &s.w, &all, &kept, opts)?;
    let fixed = ElasticNetOptions { lambdas: Some(path.lambdas.clone()), ..opts.clone() };
    let (mut values, mut weights) = (Vec::new(), Vec::new());
    for &f in &s.ids {
        let (train, test): (Vec<usize>, Vec<usize>) = all.iter().partition(|&&i| s.folds[i] != f);
        let cols = features(prefilter, x, &train, Outcome::Classes(y))?;
        let fit = fit_multinomial_on(x, y, &s.w, &train, &cols, &fixed)?;
        if fit.n_classes != path.n_classes {
            return Err(ModelError::FoldMissingClass { fold: f, class: path.n_classes - 1 });
        }
        let xt = submatrix(x, &test, &cols);
        let wt: Vec<f64> = test.iter().map(|&i| s.w[i]).collect();
        let mut loss = vec![Vec::with_capacity(fit.len()); test.len()];
        for l in 0..fit.len() {
            let eta: Vec<Vec<f64>> = (0..fit.n_classes)
                .map(|c| {
                    let b: Vec<f64> = cols.iter().map(|&j| fit.coefs[l][c][j]).collect();
                    sparse_eta(&xt, fit.intercepts[l][c], &b)
                })
                .collect();
            for (r, p) in softmax_rows(&eta).iter().enumerate() {
                let yi = y[test[r]];
                loss[r].push(match measure {
                    CvMeasure::Misclassification => f64::from(u8::from(argmax(p) != yi)),
                    _ => -2.0 * p[yi].clamp(PROB_MIN, 1.0 - PROB_MIN).ln(),
                });
            }
        }
        let (v, wsum) = weighted_mean_rows(&loss, &wt);
        values.push(v);
        weights.push(wsum);
    }
    let curve = CvCurve::from_folds(path.lambdas.clone(), s.ids, values, weights, false)?;
    Ok(CvMultinomial { measure, curve, path, folds: s.folds, features: kept })
}

/// The multinomial path on rows `rows` and columns `cols` of `x`, with its
/// coefficients spread back over all columns.
fn fit_multinomial_on(
    x: &Matrix,
    y: &[usize],
    w: &[f64],
    rows: &[usize],
    cols: &[usize],
    opts: &ElasticNetOptions,
) -> Result<MultinomialPath, ModelError> {
    let xs = submatrix(x, rows, cols);
    let ys: Vec<usize> = rows.iter().map(|&i| y[i]).collect();
    let ws: Vec<f64> = rows.iter().map(|&i| w[i]).collect();
    let (prep, ybar) = prepare_multinomial(&xs, &ys, Some(&ws))?;
    let mut path = multinomial_path_prepared(&xs, &ys, &prep, &ybar, opts)?;
    if cols.len() != x.cols() {
        for per_class in &mut path.coefs {
            for c in per_class.iter_mut() {
                *c = spread(c, cols, x.cols());
            }
        }
    }
    Ok(path)
}
