//! Nonparametric survival: Kaplan-Meier and Nelson-Aalen curves ([`km`]),
//! log-rank tests ([`logrank`]) and restricted mean survival time
//! ([`rmst`]).

mod km;
mod logrank;
mod rmst;

pub use km::{ConfType, KaplanMeier};
pub use logrank::{LogRankTest, logrank_test};
pub use rmst::{RmstComparison, WaldEstimate, rmst_difference};
