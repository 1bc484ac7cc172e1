//! Cox proportional-hazards regression (R `coxph`): the validated, sorted
//! layout ([`data`]), the one-sweep likelihood engine and its SIMD kernels,
//! Newton-Raphson with step halving and Anderson acceleration ([`fit`]),
//! the exact partial likelihood for heavy ties ([`exact`]),
//! the fitted model with baseline hazards and predictions ([`model`]),
//! residuals and the Grambsch-Therneau test as R survival >= 3.0 ([`zph`]).

mod accel;
mod alias;
pub(crate) mod data;
mod engine;
mod exact;
mod fast_math;
mod firth;
mod fit;
mod groups;
pub(crate) mod kernels;
pub(crate) mod model;
pub(crate) mod options;
mod residuals;
mod zph;

pub use fit::CoxFit;
pub use model::{BaselineStratum, ChiSquareTest, CoxCoefficient, CoxModel, ProportionalHazards};
pub use options::{BaselineType, CoxOptions, Singular, Ties};
pub use zph::{PhMethod, PhTest, PhTestOptions, PhTestRow, PhTransform};
