//! Discrimination of predicted treatment benefit: the C-for-benefit of van
//! Klaveren, Steyerberg, Serruys & Kent (2018), "The proposed 'concordance-
//! statistic for benefit' provided a useful metric when modeling
//! heterogeneous treatment effects", J Clin Epidemiol 94:59-68.
//!
//! Patients of a two-arm trial carry a predicted benefit `b_i` (risk under
//! control minus risk under treatment, so larger = more benefit) and a binary
//! outcome `y_i` (1 = the unfavourable event). The metric:
//!
//! 1. If the arms differ in size, a random subset of the larger arm, as large
//!    as the smaller arm, is kept (seeded; as the authors' code and the
//!    `HTEPredictionMetrics` package).
//! 2. Each arm is sorted by predicted benefit (ties by row order) and the
//!    `k`-th treated patient is paired with the `k`-th control patient.
//! 3. A pair's predicted benefit is the mean of its two predictions; its
//!    observed benefit is `y_control - y_treated`, in `{-1, 0, 1}`.
//! 4. `C` is Harrell's concordance between predicted and observed pair
//!    benefit over the pairs of pairs whose observed benefits differ; a tie
//!    in predicted benefit counts 1/2 (as `Hmisc::rcorr.cens`, which the
//!    authors use).

use osler_data::SplitMix64;
use serde::Serialize;

use crate::error::EvalError;
use crate::survival::harrell_c_weighted;

/// Result of [`c_for_benefit`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CForBenefit {
    /// `(concordant + tied / 2) / comparable`; NaN when nothing is comparable.
    pub c_index: f64,
    /// Matched treated-control pairs.
    pub n_pairs: usize,
    /// Pairs of pairs with unequal observed benefit.
    pub comparable: f64,
    /// Comparable pairs of pairs ordered the same way by prediction and outcome.
    pub concordant: f64,
    /// Comparable pairs of pairs with equal predicted benefit.
    pub tied: f64,
}

/// 1:1 matches of treated and control rows by rank of predicted benefit
/// (steps 1-2 of the module documentation): `(treated row, control row)`,
/// in increasing order of predicted benefit. `rng` is only drawn from when
/// the arms differ in size.
pub fn match_by_benefit(
    treated: &[bool],
    benefit: &[f64],
    rng: &mut SplitMix64,
) -> Result<Vec<(usize, usize)>, EvalError> {
    check(treated.len(), benefit, "benefit")?;
    let mut t: Vec<usize> = (0..treated.len()).filter(|&i| treated[i]).collect();
    let mut c: Vec<usize> = (0..treated.len()).filter(|&i| !treated[i]).collect();
    let m = t.len().min(c.len());
    for arm in [&mut t, &mut c] {
        if arm.len() > m {
            // A uniformly random m-subset: the first m of a shuffle.
            rng.shuffle(arm);
            arm.truncate(m);
        }
        arm.sort_by(|&a, &b| benefit[a].total_cmp(&benefit[b]).then(a.cmp(&b)));
    }
    Ok(t.into_iter().zip(c).collect())
}

/// Harrell's concordance of `predicted` with `observed` over the pairs with
/// unequal `observed`, ties in `predicted` counting 1/2 (`Hmisc::rcorr.cens`
/// for an uncensored outcome), by the sweep of [`harrell_c_weighted`] in
/// O(n log n).
pub fn concordance_uncensored(
    predicted: &[f64],
    observed: &[f64],
) -> Result<CForBenefit, EvalError> {
    check(predicted.len(), observed, "observed")?;
    check(observed.len(), predicted, "predicted")?;
    // Every subject "fails" at its observed value, so the comparable pairs are
    // those with unequal observed values, and a higher prediction for the
    // larger observed value is concordant: Harrell's C of the reversed score.
    let event = vec![true; observed.len()];
    let reversed: Vec<f64> = predicted.iter().map(|&p| -p).collect();
    let c = harrell_c_weighted(observed, &event, &reversed, None, None);
    let (concordant, tied) = (c.concordant, c.tied_risk);
    let comparable = c.concordant + c.discordant + c.tied_risk;
    let c_index = if comparable > 0.0 { c.c_index } else { f64::NAN };
    Ok(CForBenefit { c_index, n_pairs: predicted.len(), comparable, concordant, tied })
}

/// The C-for-benefit of predicted benefits `benefit` for binary outcomes
/// `outcome` (`true` = unfavourable event) in a two-arm trial (`treated`).
/// Deterministic given `seed` (used only when the arms differ in size).
///
/// # Errors
/// Length mismatches, non-finite predictions, or an empty arm.
pub fn c_for_benefit(
    treated: &[bool],
    outcome: &[bool],
    benefit: &[f64],
    seed: u64,
) -> Result<CForBenefit, EvalError> {
    check(treated.len(), benefit, "benefit")?;
    if outcome.len() != treated.len() {
        return Err(EvalError::LengthMismatch {
            what: "outcome",
            y: treated.len(),
            other: outcome.len(),
        });
    }
    let arms = [treated.iter().filter(|&&t| t).count(), treated.iter().filter(|&&t| !t).count()];
    if arms.contains(&0) {
        return Err(EvalError::ClassTooSmall {
            metric: "C-for-benefit",
            needed_positives: 1,
            needed_negatives: 1,
            positives: arms[0],
            negatives: arms[1],
        });
    }
    let pairs = match_by_benefit(treated, benefit, &mut SplitMix64::new(seed))?;
    let y = |i: usize| f64::from(u8::from(outcome[i]));
    let predicted: Vec<f64> = pairs.iter().map(|&(t, c)| 0.5 * (benefit[t] + benefit[c])).collect();
    let observed: Vec<f64> = pairs.iter().map(|&(t, c)| y(c) - y(t)).collect();
    concordance_uncensored(&predicted, &observed)
}

fn check(n: usize, v: &[f64], what: &'static str) -> Result<(), EvalError> {
    if v.len() != n {
        return Err(EvalError::LengthMismatch { what, y: n, other: v.len() });
    }
    if n == 0 {
        return Err(EvalError::Empty { what });
    }
    if let Some((index, &value)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        return Err(EvalError::NonFinite { what, index, value });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Brute force over all pairs of pairs.
    fn brute(p: &[f64], o: &[f64]) -> (f64, f64, f64) {
        let (mut n, mut c, mut t) = (0.0, 0.0, 0.0);
        for i in 0..p.len() {
            for j in 0..i {
                if o[i] == o[j] {
                    continue;
                }
                n += 1.0;
                let (hi, lo) = if o[i] > o[j] { (i, j) } else { (j, i) };
                if p[hi] > p[lo] {
                    c += 1.0;
                } else if p[hi] == p[lo] {
                    t += 1.0;
                }
            }
        }
        (n, c, t)
    }

    #[test]
    fn hand_computed_equal_arms() {
        // Treated rows 0-2 (benefit 0.3, 0.1, 0.2), controls 3-5 (0.05, 0.25, 0.15).
        let treated = [true, true, true, false, false, false];
        let benefit = [0.3, 0.1, 0.2, 0.05, 0.25, 0.15];
        let pairs = match_by_benefit(&treated, &benefit, &mut SplitMix64::new(1)).unwrap();
        assert_eq!(pairs, vec![(1, 3), (2, 5), (0, 4)]);
        // Pair benefits 0.075, 0.175, 0.275.
        // Outcomes: treated 1 = event, control 3 = none, 5 = event, 4 = event, 0, 2 none.
        let outcome = [false, true, false, false, true, true];
        // Observed = y_c - y_t: (1,3): 0 - 1 = -1; (2,5): 1 - 0 = 1; (0,4): 1 - 0 = 1.
        // Comparable: {pair1, pair2}, {pair1, pair3}: both concordant -> C = 1.
        let c = c_for_benefit(&treated, &outcome, &benefit, 7).unwrap();
        assert_eq!((c.n_pairs, c.comparable, c.concordant, c.tied), (3, 2.0, 2.0, 0.0));
        assert_eq!(c.c_index, 1.0);
        // Reversing the predictions makes every comparable pair discordant.
        let rev: Vec<f64> = benefit.iter().map(|b| -b).collect();
        assert_eq!(c_for_benefit(&treated, &outcome, &rev, 7).unwrap().c_index, 0.0);
    }

    #[test]
    fn ties_in_prediction_count_half() {
        // observed -1, 0, 1, 1 with predictions 0.1, 0.2, 0.2, 0.3:
        // (-1,0): 0.2 > 0.1 conc; (-1,1)x2: conc; (0,1a): tie; (0,1b): conc -> 4 + 0.5 of 5.
        let c = concordance_uncensored(&[0.1, 0.2, 0.2, 0.3], &[-1.0, 0.0, 1.0, 1.0]).unwrap();
        assert_eq!((c.comparable, c.concordant, c.tied), (5.0, 4.0, 1.0));
        assert_eq!(c.c_index, 0.9);
        let none = concordance_uncensored(&[0.1, 0.2], &[1.0, 1.0]).unwrap();
        assert!(none.c_index.is_nan() && none.comparable == 0.0);
    }

    #[test]
    fn unequal_arms_subsample_deterministically_and_match_brute_force() {
        let mut rng = SplitMix64::new(3);
        let n = 301;
        let treated: Vec<bool> = (0..n).map(|_| rng.next_f64() < 0.4).collect();
        let benefit: Vec<f64> = (0..n).map(|_| (rng.next_f64() * 20.0).round() / 20.0).collect();
        let outcome: Vec<bool> = (0..n).map(|_| rng.next_f64() < 0.3).collect();
        let a = c_for_benefit(&treated, &outcome, &benefit, 11).unwrap();
        let b = c_for_benefit(&treated, &outcome, &benefit, 11).unwrap();
        assert_eq!(a, b);
        let n_t = treated.iter().filter(|&&t| t).count();
        assert_eq!(a.n_pairs, n_t.min(n - n_t));
        let pairs = match_by_benefit(&treated, &benefit, &mut SplitMix64::new(11)).unwrap();
        let p: Vec<f64> = pairs.iter().map(|&(t, c)| 0.5 * (benefit[t] + benefit[c])).collect();
        let o: Vec<f64> = pairs
            .iter()
            .map(|&(t, c)| f64::from(u8::from(outcome[c])) - f64::from(u8::from(outcome[t])))
            .collect();
        assert_eq!(brute(&p, &o), (a.comparable, a.concordant, a.tied));
        assert!(pairs.iter().all(|&(t, c)| treated[t] && !treated[c]));
    }

    #[test]
    fn bad_input() {
        assert!(c_for_benefit(&[true, true], &[true, false], &[0.1, 0.2], 1).is_err());
        assert!(c_for_benefit(&[true, false], &[true], &[0.1, 0.2], 1).is_err());
        assert!(c_for_benefit(&[true, false], &[true, false], &[0.1, f64::NAN], 1).is_err());
    }
}
