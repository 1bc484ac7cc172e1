//! Feature selection for wide data (`p >> n`, e.g. gene expression):
//!
//! * [`Prefilter`] — univariate pre-filtering (variance, t, F, Cox score) to
//!   the top `keep` features, to be applied inside each training fold (the
//!   cross-validation functions take one and do so).
//! * [`stability_selection`] — Meinshausen & Bühlmann (2010) selection
//!   frequencies over subsamples for the binomial, multinomial and Cox
//!   elastic-net paths.

mod prefilter;
mod stability;

pub use prefilter::{Outcome, Prefilter, PrefilterMethod};
pub use stability::{Stability, StabilityOptions, StabilityTarget, stability_selection};
