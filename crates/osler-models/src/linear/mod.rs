//! Linear models: logistic regression (IRLS and elastic net) and glmnet's
//! elastic-net paths for binary and multiclass outcomes.
//!
//! * [`LogisticModel::fit`] — maximum likelihood by Newton/IRLS with
//!   step-halving, standard errors from the inverse Hessian at the optimum
//!   (statsmodels' convention), Wald tests and intervals; or penalised
//!   (ridge, lasso, elastic net) with glmnet's objective and standardisation.
//! * [`binomial_path`] / [`multinomial_path`] — glmnet's regularisation paths
//!   (`family = "binomial"` / `"multinomial"`, ungrouped) for wide data
//!   (`p >> n`): warm starts, sequential strong rules with KKT checks over all
//!   features, working-set coordinate descent, glmnet's stopping rules.
//! * [`cv_binomial`] / [`cv_multinomial`] — K-fold cross-validation over the
//!   penalty as `cv.glmnet` (deviance, misclassification or AUC; `lambda_min`,
//!   `lambda_1se`), optionally with a univariate pre-filter inside each fold.
//! * [`logistic_path`] — the path as a list of [`LogisticModel`]s.
//!
//! All solvers work on internally standardised features (weighted mean,
//! population SD) and report coefficients on the original scale.

mod active;
mod binomial_path;
pub(crate) mod cd;
mod cv;
mod data;
mod model;
mod multinomial;
mod multinomial_path;
mod newton;
pub(crate) mod numeric;
mod options;
mod pass;
mod path;
mod working;

pub use binomial_path::{BinomialPath, binomial_path};
pub use cv::{
    CvBinomial, CvMeasure, CvMultinomial, binomial_path_screened, cv_binomial, cv_multinomial,
};
pub use model::{CoefficientRow, LogisticModel};
pub use multinomial_path::{MultinomialModel, MultinomialPath, multinomial_path};
pub use numeric::{erfc, sigmoid, two_sided_p};
pub(crate) use options::PathSettings;
pub use options::{ElasticNetOptions, LogisticOptions, Penalty};
pub use path::{lambda_max, logistic_path};
