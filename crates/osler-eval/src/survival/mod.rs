//! Evaluation of right-censored survival predictions.
//!
//! Every function takes observed times `time: &[f64]` (finite, `>= 0`) and event
//! indicators `event: &[bool]` (`true` = event observed at `time`, `false` =
//! censored at `time`), plus either a *risk score* (higher = higher risk, e.g. a
//! Cox linear predictor) or predicted *survival probabilities* `S(t | x_i)`.
//! Inputs are validated in one place ([`SurvivalError`], wrapped in
//! [`EvalError::Survival`](crate::EvalError::Survival)); non-finite values come
//! back as [`EvalError::NonFinite`](crate::EvalError::NonFinite).
//!
//! | metric | function | reference |
//! |---|---|---|
//! | Harrell's C | [`harrell_c`] | Harrell et al. 1982; sksurv, R survival, lifelines |
//! | Harrell's C with pair weights and strata | [`harrell_c_weighted`], [`harrell_c_presorted`] | R `concordancefit`; the Cox model's concordance |
//! | Harrell's C on `(start, stop]` rows | [`harrell_c_counting`] | R survival >= 3 `concordance(Surv(start, stop, event) ~ x)` |
//! | Uno's IPCW C | [`uno_c`] | Uno et al. 2011; sksurv `concordance_index_ipcw` |
//! | cumulative/dynamic AUC(t) | [`cumulative_dynamic_auc`] | Uno et al. 2007, Hung & Chiang 2010; sksurv |
//! | Brier score, IBS | [`brier_score`], [`integrated_brier_score`] | Graf et al. 1999; sksurv, riskRegression |
//! | calibration at a horizon | [`calibration_at_horizon`] | grouped KM, Austin et al. 2020 (ICI) |
//! | decision curve at a horizon | [`decision_curve_at_horizon`] | Vickers et al. 2008 |
//!
//! # Ties
//! Times and scores are compared with *exact* floating-point equality (as R
//! `survival` and lifelines do). scikit-survival instead counts two scores with
//! `|s_i - s_j| <= 1e-8` as tied; this only matters for scores that differ by less
//! than 1e-8 without being equal, which none of the reference inputs have.
//!
//! # Censoring weights
//! The IPCW metrics (Uno's C, AUC(t), Brier score) weight observations by the
//! inverse of the censoring survivor `G(t) = P(C > t)`, estimated by the reverse
//! Kaplan-Meier estimator [`CensoringKm`]. Two conventions exist in the peers and
//! differ whenever a subject is censored at the time of an event
//! ([`CensoringConvention`]); the library defaults to the left limit `G(T_i-)`
//! (R survival), `osler metrics --task survival` to scikit-survival's `G(T_i)`.

mod brier;
mod censoring;
mod concordance;
mod error;
mod horizon;
mod input;
mod rank_tree;
mod sort;
mod td_auc;
mod weighted_concordance;

pub use brier::{IntegratedBrier, brier_score, integrated_brier_score};
pub use censoring::{CensoringConvention, CensoringKm};
pub use concordance::{Concordance, harrell_c, uno_c};
pub use error::SurvivalError;
pub use horizon::{
    HorizonCalibration, HorizonGroup, calibration_at_horizon, decision_curve_at_horizon,
};
pub use input::eval_times as check_eval_times;
pub use td_auc::{CumulativeDynamicAuc, cumulative_dynamic_auc, cumulative_dynamic_auc_by_time};
pub use weighted_concordance::{
    TieGroup, WeightedConcordance, harrell_c_counting, harrell_c_presorted, harrell_c_weighted,
};
