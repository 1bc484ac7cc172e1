//! Report composition: whole HTML documents built from osler's results.
//!
//! This layer sits above the HTML and SVG building blocks ([`crate::html`],
//! [`crate::svg`]) and below the front ends: the command line, a service or
//! another Rust program call [`artifact_report`] or [`treatment_report`] and
//! only decide where the returned document goes. Every figure and table is
//! computed from aggregates (out-of-fold predictions pooled over patients,
//! model coefficients, per-arm summaries); no patient-level value is printed.

mod artifact;
mod binary;
mod enet;
mod error;
mod multiclass;
mod nn;
mod shared;
mod survival;
mod treatment;

pub use artifact::artifact_report;
pub use error::ReportError;
pub use treatment::{at_risk_times, treatment_report};
