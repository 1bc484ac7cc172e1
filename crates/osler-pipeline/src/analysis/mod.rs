//! Analyses a front end runs on a loaded table and renders: the classical
//! survival analyses ([`survival`]: Kaplan-Meier, log-rank, Cox), the
//! metrics of saved predictions ([`metrics`], binary; [`survival_metrics`]) and the reports of an
//! artifact's predictions and evaluations ([`prediction`]) with the
//! intervals of its metrics ([`intervals`]), and an artifact's
//! predictions and metrics whatever its task ([`use_artifact`]). Each returns a typed, serde-serialisable result whose JSON
//! form is what `osler ... --json` prints, so every front end shows the same
//! fields and numbers.

mod columns;
pub mod cpu_time;
pub mod error;
pub mod intervals;
pub mod metrics;
pub mod prediction;
pub mod survival;
pub mod survival_metrics;
pub mod use_artifact;

pub use error::AnalysisError;
