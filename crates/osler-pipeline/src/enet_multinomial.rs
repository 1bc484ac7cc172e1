//! The multinomial elastic net for an outcome of `k >= 2` classes (e.g. a
//! leukaemia subtype from gene expression): glmnet's multinomial path with the
//! penalty chosen by an inner cross-validation of the multinomial deviance on
//! the training rows only (`cv.glmnet(family = "multinomial")`), and the same
//! options as the binomial [`EnetSpec`].

use serde::{Deserialize, Serialize};

use osler_data::Matrix;
use osler_models::ModelError;
use osler_models::linear::{
    CvMeasure, ElasticNetOptions, MultinomialModel, cv_multinomial, multinomial_path,
};
use osler_models::selection::StabilityTarget;

use crate::enet::{EnetSpec, PenaltyRecord, SelectionFrequency};

/// A fitted multinomial elastic net at the chosen penalty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultinomialEnetModel {
    /// The model at the chosen penalty: per-class intercepts and coefficients
    /// (original scale, glmnet's symmetric parameterisation).
    pub model: MultinomialModel,
    /// How the penalty was chosen (the inner CV curve is of the multinomial deviance).
    #[serde(flatten)]
    pub penalty: PenaltyRecord,
    /// Stability-selection frequencies on the final fit, when requested.
    pub stability: Option<SelectionFrequency>,
}

/// Class indices `0..k` of labels stored as f64 (as the pipeline keeps every outcome).
fn class_indices(y: &[f64]) -> Result<Vec<usize>, ModelError> {
    y.iter()
        .enumerate()
        .map(|(row, &v)| {
            if v >= 0.0 && v.fract() == 0.0 {
                Ok(v as usize)
            } else {
                Err(ModelError::BadLabel { row, value: v })
            }
        })
        .collect()
}

impl EnetSpec {
    /// Fits the multinomial elastic net on `x` and class indices `y` (`0..k`,
    /// every class present).
    pub fn fit_multinomial(
        &self,
        x: &Matrix,
        y: &[f64],
    ) -> Result<MultinomialEnetModel, ModelError> {
        let classes = class_indices(y)?;
        let opts = ElasticNetOptions { alpha: self.alpha, ..ElasticNetOptions::default() };
        let (path, index, cv, n_screened) = match self.lambda {
            Some(lambda) if self.prefilter.is_some() => {
                return Err(ModelError::InvalidOption {
                    option: "lambda",
                    value: lambda.to_string(),
                    expected: "be chosen by inner cross-validation (left unset) when a multinomial model has a pre-filter",
                });
            }
            Some(lambda) => {
                let fixed = ElasticNetOptions { lambdas: Some(vec![lambda]), ..opts };
                (multinomial_path(x, &classes, None, &fixed)?, 0, None, x.cols())
            }
            None => {
                let cv = cv_multinomial(
                    x,
                    &classes,
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
            .then(|| {
                self.stability(x, StabilityTarget::Multinomial(&classes), &path.lambdas, index)
            })
            .transpose()?;
        Ok(MultinomialEnetModel {
            model,
            penalty: self.record(path.lambdas[index], cv, n_screened),
            stability,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 90 rows of 3 classes separated by features 0 and 1, plus 40 noise features.
    fn three_classes() -> (Matrix, Vec<f64>) {
        let (n, p) = (90, 42);
        let mut rng = osler_data::SplitMix64::new(5);
        let y: Vec<f64> = (0..n).map(|i| (i % 3) as f64).collect();
        let cols: Vec<Vec<f64>> = (0..p)
            .map(|j| {
                (0..n)
                    .map(|i| {
                        let signal = match j {
                            0 => f64::from(u8::from(y[i] == 1.0)) * 2.0,
                            1 => f64::from(u8::from(y[i] == 2.0)) * 2.0,
                            _ => 0.0,
                        };
                        signal + rng.next_f64() - 0.5
                    })
                    .collect()
            })
            .collect();
        (Matrix::from_columns(&cols).expect("matrix"), y)
    }

    #[test]
    fn inner_cv_picks_the_signal_and_predicts_each_class() {
        let (x, y) = three_classes();
        let spec = EnetSpec::lasso_by_inner_cv();
        let m = spec.fit_multinomial(&x, &y).expect("fit");
        assert_eq!(m.model.n_classes(), 3);
        assert!(m.model.selected().contains(&0) && m.model.selected().contains(&1));
        let p = m.model.predict_proba(&x).expect("predict");
        let correct = (0..y.len())
            .filter(|&i| {
                let best = (0..3).max_by(|&a, &b| p[i][a].total_cmp(&p[i][b]));
                best == Some(y[i] as usize)
            })
            .count();
        assert!(correct >= 80, "{correct} of 90");
        assert_eq!(spec.fit_multinomial(&x, &y).expect("again"), m);
        let fixed = EnetSpec { lambda: Some(m.penalty.lambda), ..spec };
        let f = fixed.fit_multinomial(&x, &y).expect("fixed");
        assert!(f.penalty.cv.is_none() && f.penalty.rule.is_none());
    }

    #[test]
    fn labels_must_be_class_indices() {
        let (x, mut y) = three_classes();
        y[4] = 0.5;
        let spec = EnetSpec { lambda: Some(0.1), ..EnetSpec::lasso_by_inner_cv() };
        assert_eq!(
            spec.fit_multinomial(&x, &y).expect_err("a fractional label"),
            ModelError::BadLabel { row: 4, value: 0.5 }
        );
    }
}
