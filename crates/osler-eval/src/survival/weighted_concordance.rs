//! Harrell's C with pair weights and strata, on unsorted data
//! ([`harrell_c_weighted`]) or on data already in sweep order
//! ([`harrell_c_presorted`], the Cox model's own concordance), and on
//! counting-process `(start, stop]` rows ([`harrell_c_counting`]).

use serde::{Deserialize, Serialize};

use osler_data::sort::{f64_key, radix_sort};

use super::rank_tree::{RankTree, Ranked};
use super::sort::dense_ranks;

/// Weighted pair counts and `C = (concordant + tied_risk / 2) / (concordant
/// + discordant + tied_risk)`; `c_index` is NaN without a comparable pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WeightedConcordance {
    /// Weight of the comparable pairs whose earlier failure has the higher score.
    pub concordant: f64,
    /// Weight of the comparable pairs whose earlier failure has the lower score.
    pub discordant: f64,
    /// Weight of the comparable pairs with equal scores.
    pub tied_risk: f64,
    /// The concordance index.
    pub c_index: f64,
}

impl WeightedConcordance {
    fn from_sums(c: [f64; 3]) -> Self {
        let [conc, tied, disc] = c;
        let all = conc + disc + tied;
        WeightedConcordance {
            concordant: conc,
            discordant: disc,
            tied_risk: tied,
            c_index: (conc + 0.5 * tied) / all,
        }
    }
}

/// Adds event `w`'s weighted pairs to `(concordant, tied, discordant)`.
#[inline]
fn accumulate(acc: &mut [f64; 3], w: f64, r: Ranked<f64>) {
    let v = [w * r.lower, w * r.tied, w * r.higher];
    acc.iter_mut().zip(v).for_each(|(a, v)| *a += v);
}

/// Harrell's C of the risk `score` (higher = earlier expected failure) with
/// pair weights `w_i w_j` (`weights`, default 1) and pairs formed within
/// `strata` only (default one stratum). Comparable pairs, score ties (1/2)
/// and the sweep are those of [`super::harrell_c`] (Harrell et al. 1982; R
/// `concordancefit`, lifelines with `-score`, scikit-survival).
///
/// Unlike [`super::harrell_c`] the inputs are not validated: every slice
/// must have the length of `time` and the values must be finite.
pub fn harrell_c_weighted(
    time: &[f64],
    event: &[bool],
    score: &[f64],
    weights: Option<&[f64]>,
    strata: Option<&[u32]>,
) -> WeightedConcordance {
    let n = time.len();
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let st = |i: usize| strata.map_or(0, |s| s[i]);
    let (rank, nranks) = dense_ranks(score);
    // Stratum ascending, time descending (stable radix sorts).
    let keys = (0..n).map(|i| (!f64_key(time[i]), i as u32)).collect();
    let mut sorted = radix_sort(keys, 64);
    if let Some(s) = strata.filter(|s| s.iter().any(|&v| v != s[0])) {
        let keys = sorted.iter().map(|&(_, i)| (u64::from(s[i as usize]), i)).collect();
        sorted = radix_sort(keys, 32);
    }
    let order: Vec<usize> = sorted.into_iter().map(|(_, i)| i as usize).collect();
    let mut acc = [0.0; 3];
    let mut tree = RankTree::<f64>::new(nranks);
    let mut i = 0;
    while i < n {
        // One stratum.
        let s = st(order[i]);
        let s_end = i + order[i..].iter().take_while(|&&k| st(k) == s).count();
        let s_begin = i;
        while i < s_end {
            let t = time[order[i]];
            let g_end = i + order[i..s_end].iter().take_while(|&&k| time[k] == t).count();
            let group = &order[i..g_end];
            let censored = group.iter().filter(|&&k| !event[k]).map(|&k| (rank[k] as usize, w(k)));
            let events =
                group.iter().filter(|&&k| event[k]).map(|&k| (rank[k] as usize, w(k), w(k)));
            tree.tie_group(censored, events, |wk, r| accumulate(&mut acc, wk, r));
            i = g_end;
        }
        tree.clear(order[s_begin..s_end].iter().map(|&k| rank[k] as usize));
    }
    WeightedConcordance::from_sums(acc)
}

/// Rows `begin..end` of a presorted layout sharing one (stop) time; the
/// first `events` of them are events, the rest censored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TieGroup {
    /// First row of the group.
    pub begin: usize,
    /// Number of events, the group's first rows.
    pub events: usize,
    /// One past the last row of the group.
    pub end: usize,
    /// The rows' common (stop) time.
    pub time: f64,
}

/// [`harrell_c_weighted`] on rows already in sweep order, which skips the
/// time sort: `strata` lists each stratum's [`TieGroup`]s by descending time,
/// strata one after another, each covering its rows contiguously; `score`,
/// `weight` and `entry` are per row of that order.
///
/// With `entry` (counting-process rows `(entry, time]`), a row is at risk
/// at `t` only if `entry < t <= time`, and an event at `t` is compared with
/// the rows at risk at `t` (R survival >= 3 `concordance()` on
/// `Surv(start, stop, event)`): the sweep removes a row from the tree once
/// the time falls to its entry.
pub fn harrell_c_presorted<S, G>(
    score: &[f64],
    weight: &[f64],
    entry: Option<&[f64]>,
    strata: S,
) -> WeightedConcordance
where
    S: IntoIterator<Item = G>,
    G: IntoIterator<Item = TieGroup>,
{
    let (rank, nranks) = dense_ranks(score);
    let mut tree = RankTree::<f64>::new(nranks);
    let mut acc = [0.0; 3];
    for groups in strata {
        let groups: Vec<TieGroup> = groups.into_iter().collect();
        let (Some(first), Some(last)) = (groups.first(), groups.last()) else { continue };
        let rows = first.begin..last.end;
        // The stratum's rows by entry time, latest first: they leave in this order.
        let leaving: Vec<usize> = match entry {
            Some(entry) => {
                let keys = rows.clone().map(|k| (!f64_key(entry[k]), k as u32)).collect();
                radix_sort(keys, 64).into_iter().map(|(_, k)| k as usize).collect()
            }
            None => Vec::new(),
        };
        let mut left = 0;
        for g in groups {
            if let Some(entry) = entry {
                while left < leaving.len() && entry[leaving[left]] >= g.time {
                    let k = leaving[left];
                    tree.insert(rank[k] as usize, -weight[k]);
                    left += 1;
                }
            }
            let death_end = g.begin + g.events;
            let censored = rank[death_end..g.end]
                .iter()
                .zip(&weight[death_end..g.end])
                .map(|(&r, &w)| (r as usize, w));
            let events = rank[g.begin..death_end]
                .iter()
                .zip(&weight[g.begin..death_end])
                .map(|(&r, &w)| (r as usize, w, w));
            tree.tie_group(censored, events, |w, r| accumulate(&mut acc, w, r));
        }
        tree.clear(rank[rows].iter().map(|&r| r as usize));
    }
    WeightedConcordance::from_sums(acc)
}

/// Harrell's C on counting-process rows `(start, stop]`, as R survival >= 3
/// `concordance(Surv(start, stop, event) ~ x, reverse = TRUE, weights, strata)`:
/// a pair is comparable when `i` has its event at `t = stop_i` and row `j`
/// is at risk then (`start_j < t <= stop_j`) and is not itself an event at
/// `t` (two events at one time are tied in time, not comparable); pair
/// weight `w_i w_j`, tied scores count 1/2 (exact equality). Rows are
/// compared as rows, as R does: a subject split into several intervals
/// contributes the row at risk at each event time.
///
/// Not validated, as [`harrell_c_weighted`]: every slice must have the
/// length of `stop`, values finite, `start < stop`.
pub fn harrell_c_counting(
    start: &[f64],
    stop: &[f64],
    event: &[bool],
    score: &[f64],
    weights: Option<&[f64]>,
    strata: Option<&[u32]>,
) -> WeightedConcordance {
    let n = stop.len();
    let st = |i: usize| strata.map_or(0, |s| s[i]);
    // Sweep order: stratum ascending, stop descending, events first (stable radix sorts).
    let keys = (0..n).map(|i| (u64::from(!event[i]), i as u32)).collect();
    let mut sorted = radix_sort(keys, 1);
    let keys = sorted.iter().map(|&(_, i)| (!f64_key(stop[i as usize]), i)).collect();
    sorted = radix_sort(keys, 64);
    if strata.is_some() {
        let keys = sorted.iter().map(|&(_, i)| (u64::from(st(i as usize)), i)).collect();
        sorted = radix_sort(keys, 32);
    }
    let order: Vec<usize> = sorted.into_iter().map(|(_, i)| i as usize).collect();
    let mut strata_groups: Vec<Vec<TieGroup>> = Vec::new();
    let mut i = 0;
    while i < n {
        let (s, t) = (st(order[i]), stop[order[i]]);
        let end = i + order[i..].iter().take_while(|&&k| st(k) == s && stop[k] == t).count();
        let events = order[i..end].iter().filter(|&&k| event[k]).count();
        let group = TieGroup { begin: i, events, end, time: t };
        match strata_groups.last_mut() {
            Some(groups) if i > 0 && st(order[i - 1]) == s => groups.push(group),
            _ => strata_groups.push(vec![group]),
        }
        i = end;
    }
    let pick = |x: &[f64]| order.iter().map(|&k| x[k]).collect::<Vec<f64>>();
    let weight = weights.map_or_else(|| vec![1.0; n], pick);
    harrell_c_presorted(&pick(score), &weight, Some(&pick(start)), strata_groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presorted_equals_unsorted_with_strata_and_weights() {
        // Two strata; rows listed in sweep order (stratum, time descending,
        // events first within a time).
        let stratum = [0u32, 0, 0, 0, 1, 1, 1];
        let time = [5.0, 3.0, 3.0, 1.0, 4.0, 2.0, 2.0];
        let event = [false, true, false, true, true, true, false];
        let score = [0.1, 0.7, 0.7, 0.9, 0.2, 0.5, 0.4];
        let weight = [1.0, 2.0, 1.0, 0.5, 1.0, 3.0, 1.0];
        let unsorted = harrell_c_weighted(&time, &event, &score, Some(&weight), Some(&stratum));
        let g = |begin, events, end| TieGroup { begin, events, end, time: time[begin] };
        let strata = [vec![g(0, 0, 1), g(1, 1, 3), g(3, 1, 4)], vec![g(4, 1, 5), g(5, 1, 7)]];
        let sorted = harrell_c_presorted(&score, &weight, None, strata);
        assert_eq!(unsorted, sorted);
        // Stratum 0: event 1 (w 2) vs rows 0 (lower score) and 2 (tied score,
        // censored at the same time): 2 concordant, 2 tied; event 3 (w 0.5)
        // vs rows 0, 1, 2 (weights 1, 2, 1), all lower: 2. Stratum 1: event 4
        // has nobody after it; event 5 (w 3) vs rows 4 and 6, both lower: 6.
        assert_eq!(sorted.concordant, 2.0 + 2.0 + 6.0);
        assert_eq!(sorted.tied_risk, 2.0);
        assert_eq!(sorted.discordant, 0.0);
        assert_eq!(sorted.c_index, 11.0 / 12.0);
    }

    #[test]
    fn no_comparable_pair_is_nan() {
        let c = harrell_c_weighted(&[1.0, 2.0], &[false, true], &[0.0, 1.0], None, None);
        assert!(c.c_index.is_nan());
    }
}
