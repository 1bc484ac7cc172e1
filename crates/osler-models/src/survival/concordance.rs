//! Harrell's concordance index of the survival estimators, computed by the
//! one implementation in osler-eval ([`osler_eval::survival::harrell_c_weighted`]).

/// Weighted pair counts and Harrell's C (osler-eval's type, under the name
/// this crate has always used).
pub use osler_eval::survival::WeightedConcordance as Concordance;
use osler_eval::survival::harrell_c_weighted;

/// Harrell's C of the risk `score` (higher = earlier expected failure).
/// `event` is 0/1; `weights` (pair weight `w_i w_j`) and `strata` (pairs
/// within a stratum only) are optional. The comparable pairs, score ties
/// and algorithm are those of [`osler_eval::survival::harrell_c`].
pub fn harrell_c(
    time: &[f64],
    event: &[f64],
    score: &[f64],
    weights: Option<&[f64]>,
    strata: Option<&[u32]>,
) -> Concordance {
    let event: Vec<bool> = event.iter().map(|&e| e == 1.0).collect();
    harrell_c_weighted(time, &event, score, weights, strata)
}
