//! Linear models: logistic regression (IRLS and elastic net).
//!
//! * [`LogisticModel::fit`] — maximum likelihood by Newton/IRLS with
//!   step-halving, standard errors from the inverse Hessian at the optimum
//!   (statsmodels' convention), Wald tests and intervals; or penalised
//!   (ridge, lasso, elastic net) with glmnet's objective and standardisation.
//! * [`logistic_path`] — glmnet's regularisation path with warm starts.
//!
//! All solvers work on internally standardised features (weighted mean,
//! population SD) and report coefficients on the original scale.

pub(crate) mod cd;
mod data;
mod model;
mod newton;
pub(crate) mod numeric;
mod options;
mod pass;
mod path;

pub use model::{CoefficientRow, LogisticModel};
pub use numeric::{erfc, sigmoid, two_sided_p};
pub use options::{LogisticOptions, Penalty};
pub use path::{lambda_max, logistic_path};
