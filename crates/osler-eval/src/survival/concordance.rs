//! Concordance indices: Harrell's C and Uno's IPCW C, in O(n log n).

use serde::Serialize;

use super::censoring::{CensoringConvention, CensoringKm};
use super::error::SurvivalError;
use super::rank_tree::RankTree;
use super::{input, sort};
use crate::error::EvalError;

/// A concordance index with its pair counts (as scikit-survival reports them).
///
/// Counts are over *comparable* pairs `(i, j)`: `i` had the event and either
/// `T_i < T_j`, or `T_i == T_j` and `j` was censored. Two events at the same
/// time are not comparable; ties in time alone never make a pair comparable
/// otherwise. The counts are unweighted even for [`uno_c`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Concordance {
    /// The concordance index.
    pub c: f64,
    /// Comparable pairs with `risk_i > risk_j` (the earlier event has the higher risk).
    pub concordant: u64,
    /// Comparable pairs with `risk_i < risk_j`.
    pub discordant: u64,
    /// Comparable pairs with `risk_i == risk_j` (counted 1/2).
    pub tied_risk: u64,
    /// Comparable pairs tied in time (an event and a censoring at the same time).
    pub tied_time: u64,
    /// All comparable pairs: `concordant + discordant + tied_risk`.
    pub comparable: u64,
}

/// Harrell's concordance index (Harrell et al. 1982, JAMA 247:2543):
///
/// `C = (concordant + tied_risk / 2) / comparable`,
///
/// over comparable pairs as defined in [`Concordance`]; `risk` is a risk score
/// (higher = earlier event expected). Scores are tied only if exactly equal
/// (R survival, lifelines); scikit-survival treats `|risk_i - risk_j| <= 1e-8`
/// as a tie. With that caveat it equals sksurv `concordance_index_censored`,
/// R `concordance(..., reverse = TRUE, timefix = FALSE)` and lifelines
/// `concordance_index(T, -risk, E)`.
///
/// Algorithm: one radix sort by time and one by risk (dense ranks); then a sweep
/// from the latest time down, with a Fenwick tree over risk ranks of subjects
/// already passed. Within a group of tied times, censored subjects are inserted
/// before the group's events are queried and the events after, which yields
/// exactly the comparable pairs. O(n log n) time, O(n) memory.
///
/// # Errors
/// Invalid input, no events, or no comparable pair.
pub fn harrell_c(time: &[f64], event: &[bool], risk: &[f64]) -> Result<Concordance, EvalError> {
    input::with_events(time, event, "harrell_c")?;
    input::column(time.len(), risk, "risk")?;
    let p = sweep(time, event, risk, None);
    if p.comparable() == 0 {
        return Err(SurvivalError::NoComparablePairs { metric: "harrell_c" }.into());
    }
    let c = (p.concordant as f64 + 0.5 * p.tied_risk as f64) / p.comparable() as f64;
    Ok(p.result(c))
}

/// Uno's IPCW concordance index (Uno et al. 2011, Stat Med 30:1105), with the
/// censoring survivor `G` estimated on the same data ([`CensoringKm`]):
///
/// `C = sum_{i,j} w_i [comparable] ([r_i > r_j] + [r_i == r_j] / 2) / sum_{i,j} w_i [comparable]`,
///
/// `w_i = 1 / G_i^2` for events with `T_i < tau` (all events if `tau` is
/// `None`) and `w_i = 0` otherwise, where `G_i = G(T_i-)` or `G(T_i)` per
/// `convention`. With [`CensoringConvention::AtTime`] this is scikit-survival's
/// `concordance_index_ipcw(y, y, risk, tau)`; with
/// [`CensoringConvention::LeftLimit`] it is R
/// `concordance(..., timewt = "n/G2", ymax = tau)`. Same O(n log n) sweep as
/// [`harrell_c`]. The returned counts are unweighted (all events).
///
/// # Errors
/// Invalid input, non-finite `tau`, no events, no comparable pair with an event
/// before `tau`, or `G = 0` at a weighted event.
pub fn uno_c(
    time: &[f64],
    event: &[bool],
    risk: &[f64],
    tau: Option<f64>,
    convention: CensoringConvention,
) -> Result<Concordance, EvalError> {
    input::with_events(time, event, "uno_c")?;
    input::column(time.len(), risk, "risk")?;
    if let Some(t) = tau.filter(|t| !t.is_finite()) {
        return Err(EvalError::NonFinite { what: "tau", index: 0, value: t });
    }
    let g = CensoringKm::fit(time, event)?.for_rows(convention);
    let tau = tau.unwrap_or(f64::INFINITY);
    let mut weight = vec![0.0; time.len()];
    for (i, w) in weight.iter_mut().enumerate() {
        if event[i] && time[i] < tau {
            let gi = g[i];
            if gi <= 0.0 {
                return Err(SurvivalError::CensoringSurvivalZero { time: time[i] }.into());
            }
            let ipcw = 1.0 / gi;
            *w = ipcw * ipcw;
        }
    }
    let p = sweep(time, event, risk, Some(&weight));
    if p.den <= 0.0 {
        return Err(SurvivalError::NoComparablePairs { metric: "uno_c" }.into());
    }
    Ok(p.result(p.num / p.den))
}

/// Pair counts of one sweep, plus weighted sums when weights were given.
struct Pairs {
    concordant: u64,
    discordant: u64,
    tied_risk: u64,
    tied_time: u64,
    num: f64,
    den: f64,
}

impl Pairs {
    fn comparable(&self) -> u64 {
        self.concordant + self.discordant + self.tied_risk
    }

    fn result(&self, c: f64) -> Concordance {
        Concordance {
            c,
            concordant: self.concordant,
            discordant: self.discordant,
            tied_risk: self.tied_risk,
            tied_time: self.tied_time,
            comparable: self.comparable(),
        }
    }
}

/// The sweep described at [`harrell_c`] ([`RankTree::tie_group`] on counts);
/// `weight[i]` (events only) is applied to every pair whose first member is
/// event `i`.
fn sweep(time: &[f64], event: &[bool], risk: &[f64], weight: Option<&[f64]>) -> Pairs {
    let n = time.len();
    // Dense risk ranks, packed with the event flag: rank << 1 | event.
    let (mut packed, m) = sort::dense_ranks(risk);
    for (x, &e) in packed.iter_mut().zip(event) {
        *x = *x << 1 | u32::from(e);
    }
    // In time order; weighted sweeps also need the row of each position.
    let (tkeys, packed, weight) = match weight {
        None => {
            let (tkeys, packed) = sort::sort_with(time, packed);
            (tkeys, packed, Vec::new())
        }
        Some(w) => {
            let (tkeys, order) = sort::argsort(time);
            let p = order.iter().map(|&i| packed[i as usize]).collect();
            (tkeys, p, order.iter().map(|&i| w[i as usize]).collect())
        }
    };
    let mut counts = RankTree::<u32>::new(m);
    let mut p =
        Pairs { concordant: 0, discordant: 0, tied_risk: 0, tied_time: 0, num: 0.0, den: 0.0 };
    let mut b = n;
    while b > 0 {
        let mut a = b - 1;
        while a > 0 && tkeys[a - 1] == tkeys[b - 1] {
            a -= 1;
        }
        let group = &packed[a..b];
        let censored = group.iter().filter(|&&x| x & 1 == 0).map(|&x| ((x >> 1) as usize, 1));
        let events = group
            .iter()
            .enumerate()
            .filter(|(_, x)| *x & 1 == 1)
            .map(|(k, &x)| ((x >> 1) as usize, 1, a + k));
        let (n_censored, n_events) = counts.tie_group(censored, events, |at, r| {
            p.concordant += r.lower;
            p.tied_risk += r.tied;
            p.discordant += r.higher;
            if let Some(&wi) = weight.get(at) {
                p.num += wi * r.lower as f64 + 0.5 * wi * r.tied as f64;
                p.den += wi * (r.lower + r.tied + r.higher) as f64;
            }
        });
        p.tied_time += n_censored * n_events;
        b = a;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_by_hand() {
        // Subjects: (time, event, risk)
        // 0: (1, E, 5)  1: (2, E, 3)  2: (2, C, 3)  3: (2, E, 4)  4: (4, C, 1)
        let time = [1.0, 2.0, 2.0, 2.0, 4.0];
        let event = [true, true, false, true, false];
        let risk = [5.0, 3.0, 3.0, 4.0, 1.0];
        let c = harrell_c(&time, &event, &risk).expect("valid");
        // 0 vs 1,2,3,4: all concordant (4).
        // 1 vs 2 (tied time, censored): tied risk; 1 vs 4: concordant.
        // 3 vs 2: concordant; 3 vs 4: concordant. 1 vs 3: both events at 2, not comparable.
        assert_eq!(c.concordant, 7);
        assert_eq!(c.discordant, 0);
        assert_eq!(c.tied_risk, 1);
        assert_eq!(c.tied_time, 2);
        assert_eq!(c.comparable, 8);
        assert_eq!(c.c, 7.5 / 8.0);
    }

    #[test]
    fn errors() {
        let e = harrell_c(&[1.0, 2.0], &[false, false], &[1.0, 2.0]).expect_err("no events");
        assert!(e.to_string().contains("at least one observed event"));
        // A single event with nobody after it: no comparable pair.
        let e = harrell_c(&[1.0, 2.0], &[false, true], &[1.0, 2.0]).expect_err("no pairs");
        assert!(e.to_string().contains("no comparable pairs"));
        let e = harrell_c(&[1.0, 2.0], &[true, false], &[1.0]).expect_err("length");
        assert!(e.to_string().contains("risk has 1"));
        let e = uno_c(
            &[1.0, 2.0],
            &[true, false],
            &[1.0, 2.0],
            Some(f64::NAN),
            CensoringConvention::default(),
        )
        .expect_err("tau");
        assert!(e.to_string().contains("tau"));
        let e = uno_c(
            &[1.0, 2.0],
            &[true, false],
            &[1.0, 2.0],
            Some(0.5),
            CensoringConvention::default(),
        )
        .expect_err("no event before tau");
        assert!(e.to_string().contains("no comparable pairs"));
    }

    #[test]
    fn uno_without_censoring_before_events_is_harrell() {
        // No censoring before the last event: G = 1 at every event, so C_Uno = C_Harrell.
        let time = [1.0, 2.0, 3.0, 4.0, 5.0];
        let event = [true, true, true, true, false];
        let risk = [0.3, 0.9, 0.1, 0.5, 0.2];
        let h = harrell_c(&time, &event, &risk).expect("valid");
        for conv in [CensoringConvention::LeftLimit, CensoringConvention::AtTime] {
            let u = uno_c(&time, &event, &risk, None, conv).expect("valid");
            assert!((u.c - h.c).abs() < 1e-15);
            assert_eq!(u.comparable, h.comparable);
        }
    }
}
