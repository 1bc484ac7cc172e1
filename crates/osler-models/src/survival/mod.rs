//! Survival analysis matching R `survival` to many digits.
//!
//! * [`KaplanMeier`] — product-limit curve, Greenwood SEs, `log`/`log-log`/
//!   `plain` intervals, Nelson-Aalen, medians with R's interval, number at risk;
//!   restricted mean survival time with R's SE ([`KaplanMeier::rmst`],
//!   [`rmst_difference`]).
//! * [`logrank_test`] — log-rank and `G^rho` tests, k groups, strata (R
//!   `survdiff`); [`logrank_test_with`] — the weighted family (Wilcoxon,
//!   Tarone-Ware, Peto, Fleming-Harrington), entry times and case weights.
//! * [`CoxModel`] — Cox regression (Efron/Breslow ties, strata, weights,
//!   counting-process data, robust SEs) by Newton-Raphson on a one-sweep
//!   likelihood, with Breslow/Efron baseline hazards, predictions, Harrell's C
//!   and the Grambsch-Therneau proportional-hazards test.
//! * [`fit_path`], [`CoxnetModel`], [`cv_coxnet`] — elastic-net Cox (glmnet /
//!   sksurv Coxnet, Breslow ties) by exact proximal-Newton coordinate descent.
//! * [`harrell_c`], [`chi2_sf`], [`gamma_q`] — building blocks.
//!
//! Folders by job: `cox/` (Cox regression), `coxnet/` (elastic-net Cox),
//! `nonparametric/` (Kaplan-Meier, Nelson-Aalen, log-rank, RMST); the
//! gamma functions and input checks they share stay here.

mod concordance;
mod cox;
mod coxnet;
mod gamma;
mod nonparametric;
mod validate;

pub use concordance::{Concordance, harrell_c};
pub use cox::{
    BaselineStratum, BaselineType, ChiSquareTest, CoxCoefficient, CoxFit, CoxModel, CoxOptions,
    PhMethod, PhTest, PhTestOptions, PhTestRow, PhTransform, ProportionalHazards, Singular, Ties,
};
pub use coxnet::{CoxnetModel, CoxnetOptions, CoxnetPath, CvCoxnet, cv_coxnet, fit_path};
pub use gamma::{chi2_sf, gamma_p, gamma_q, ln_gamma};
pub use nonparametric::{
    ConfType, KaplanMeier, LogRankOptions, LogRankTest, RmstComparison, WaldEstimate, Weighting,
    logrank_test, logrank_test_with, rmst_difference,
};
