//! Survival analysis matching R `survival` to many digits.
//!
//! * [`KaplanMeier`] — product-limit curve, Greenwood SEs, `log`/`log-log`/
//!   `plain` intervals, Nelson-Aalen, medians with R's interval, number at risk;
//!   restricted mean survival time with R's SE ([`KaplanMeier::rmst`],
//!   [`rmst_difference`]).
//! * [`logrank_test`] — log-rank and `G^rho` tests, k groups, strata (R `survdiff`).
//! * [`CoxModel`] — Cox regression (Efron/Breslow ties, strata, weights,
//!   counting-process data, robust SEs) by Newton-Raphson on a one-sweep
//!   likelihood, with Breslow/Efron baseline hazards, predictions, Harrell's C
//!   and the Grambsch-Therneau proportional-hazards test.
//! * [`fit_path`], [`CoxnetModel`], [`cv_coxnet`] — elastic-net Cox (glmnet /
//!   sksurv Coxnet, Breslow ties) by exact proximal-Newton coordinate descent.
//! * [`harrell_c`], [`chi2_sf`], [`gamma_q`] — building blocks.

mod concordance;
mod cox_accel;
mod cox_data;
mod cox_engine;
mod cox_fit;
mod cox_groups;
mod cox_kernels;
mod cox_model;
mod cox_options;
mod cox_residuals;
mod cox_sort;
mod cox_zph;
mod coxnet;
mod coxnet_active;
mod coxnet_cv;
mod coxnet_data;
mod coxnet_solver;
mod fast_math;
mod gamma;
mod km;
mod logrank;
mod rmst;
mod validate;

pub use concordance::{Concordance, harrell_c};
pub use cox_fit::CoxFit;
pub use cox_model::{
    BaselineStratum, ChiSquareTest, CoxCoefficient, CoxModel, ProportionalHazards,
};
pub use cox_options::{BaselineType, CoxOptions, Ties};
pub use cox_zph::{PhTest, PhTestRow};
pub use coxnet::{CoxnetModel, CoxnetOptions, CoxnetPath, fit_path};
pub use coxnet_cv::{CvCoxnet, cv_coxnet};
pub use gamma::{chi2_sf, gamma_p, gamma_q, ln_gamma};
pub use km::{ConfType, KaplanMeier};
pub use logrank::{LogRankTest, logrank_test};
pub use rmst::{RmstComparison, WaldEstimate, rmst_difference};
