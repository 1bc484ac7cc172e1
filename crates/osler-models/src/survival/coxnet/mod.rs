//! Elastic-net Cox regression (glmnet `family = "cox"`, scikit-survival
//! Coxnet): the path and fitted model ([`model`]), the Breslow sweeps
//! ([`data`]), proximal-Newton coordinate descent ([`solver`], [`active`])
//! and cross-validation of the path ([`cv`]).

mod active;
mod cv;
mod data;
mod model;
mod solver;

pub use cv::{CvCoxnet, cv_coxnet};
pub use model::{CoxnetModel, CoxnetOptions, CoxnetPath, fit_path};
