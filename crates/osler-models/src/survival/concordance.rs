//! Harrell's concordance index in `O(n log n)`.
//!
//! A pair `(i, j)` is comparable when `t_i < t_j` and `i` had the event, or
//! `t_i = t_j` with `i` an event and `j` censored (the censored subject
//! outlived the event time); two events at the same time are not comparable.
//! It is concordant when the earlier failure has the higher risk score,
//! and a tie in the score counts 1/2 (Harrell et al. 1982; R
//! `concordancefit`, lifelines with `-score`, scikit-survival). Pairs are
//! weighted by `w_i w_j` and formed within strata only.
//!
//! Algorithm: dense score ranks by a radix sort, then a sweep of the time
//! groups in descending order keeping the weights of the subjects with
//! larger time per score rank, with a Fenwick tree over blocks of 64 ranks
//! (small enough to stay in cache); a group's censored rows enter before its
//! events are scored, its events after.

use serde::{Deserialize, Serialize};

use osler_data::sort::{f64_key, radix_sort};

use super::cox::sort::dense_ranks;

/// Weighted pair counts and `C = (concordant + tied/2) / (all comparable)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Concordance {
    pub concordant: f64,
    pub discordant: f64,
    /// Comparable pairs with equal scores.
    pub tied_risk: f64,
    pub c_index: f64,
}

struct Fenwick {
    tree: Vec<f64>,
}

impl Fenwick {
    fn new(n: usize) -> Self {
        Fenwick { tree: vec![0.0; n + 1] }
    }
    fn add(&mut self, i: usize, v: f64) {
        let mut k = i + 1;
        while k < self.tree.len() {
            self.tree[k] += v;
            k += k & k.wrapping_neg();
        }
    }
    /// Sum over positions `< i`.
    fn prefix(&self, i: usize) -> f64 {
        let mut k = i;
        let mut s = 0.0;
        while k > 0 {
            s += self.tree[k];
            k &= k - 1;
        }
        s
    }
}

/// Ranks per block of [`RankWeights`].
const BLOCK: usize = 64;

/// Inserted weight per score rank, plus a Fenwick tree over blocks of
/// [`BLOCK`] ranks: a query adds one (cache-resident) tree prefix and at most
/// 63 contiguous per-rank weights.
struct RankWeights {
    weight: Vec<f64>,
    blocks: Fenwick,
    total: f64,
}

impl RankWeights {
    fn new(m: usize) -> Self {
        RankWeights { weight: vec![0.0; m], blocks: Fenwick::new(m.div_ceil(BLOCK)), total: 0.0 }
    }
    #[inline]
    fn add(&mut self, rank: usize, w: f64) {
        self.weight[rank] += w;
        self.blocks.add(rank / BLOCK, w);
        self.total += w;
    }
    /// Inserted weight at ranks `< rank` and `== rank`.
    #[inline]
    fn below_and_equal(&self, rank: usize) -> (f64, f64) {
        let start = rank - rank % BLOCK;
        let within: f64 = self.weight[start..rank].iter().sum();
        (self.blocks.prefix(rank / BLOCK) + within, self.weight[rank])
    }
    /// Empties the structure (`ranks`: every rank inserted since the last clear).
    fn clear(&mut self, ranks: impl Iterator<Item = usize>) {
        ranks.for_each(|r| self.weight[r] = 0.0);
        self.blocks.tree.iter_mut().for_each(|v| *v = 0.0);
        self.total = 0.0;
    }
}

/// Weighted pair counts of one event: `(concordant, tied, discordant)`.
#[inline]
fn score_event(tree: &RankWeights, rank: usize, w: f64) -> [f64; 3] {
    let (less, eq) = tree.below_and_equal(rank);
    [w * less, w * eq, w * (tree.total - less - eq)]
}

fn result(c: [f64; 3]) -> Concordance {
    let [conc, tied, disc] = c;
    let all = conc + disc + tied;
    Concordance {
        concordant: conc,
        discordant: disc,
        tied_risk: tied,
        c_index: (conc + 0.5 * tied) / all,
    }
}

/// Harrell's C of the risk `score` (higher = earlier expected failure).
/// `event` is 0/1; `weights` and `strata` are optional.
pub fn harrell_c(
    time: &[f64],
    event: &[f64],
    score: &[f64],
    weights: Option<&[f64]>,
    strata: Option<&[u32]>,
) -> Concordance {
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
    let mut tree = RankWeights::new(nranks);
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
            for &k in group.iter().filter(|&&k| event[k] == 0.0) {
                tree.add(rank[k] as usize, w(k));
            }
            for &k in group.iter().filter(|&&k| event[k] == 1.0) {
                let v = score_event(&tree, rank[k] as usize, w(k));
                acc.iter_mut().zip(v).for_each(|(a, v)| *a += v);
            }
            for &k in group.iter().filter(|&&k| event[k] == 1.0) {
                tree.add(rank[k] as usize, w(k));
            }
            i = g_end;
        }
        tree.clear(order[s_begin..s_end].iter().map(|&k| rank[k] as usize));
    }
    result(acc)
}

/// Harrell's C on Cox data already sorted by stratum and descending time
/// (`score` in that sorted order, weights from the data).
pub(crate) fn concordance_sorted(d: &super::cox::data::CoxData, score: &[f64]) -> Concordance {
    let (rank, nranks) = dense_ranks(score);
    let mut tree = RankWeights::new(nranks);
    let mut acc = [0.0; 3];
    for s in &d.strata {
        for g in &d.groups[s.g_begin..s.g_end] {
            let deaths = g.begin..g.begin + g.deaths;
            for (r, w) in rank[deaths.end..g.end].iter().zip(&d.w[deaths.end..g.end]) {
                tree.add(*r as usize, *w);
            }
            for i in deaths.clone() {
                let v = score_event(&tree, rank[i] as usize, d.w[i]);
                acc.iter_mut().zip(v).for_each(|(a, v)| *a += v);
            }
            for (r, w) in rank[deaths.clone()].iter().zip(&d.w[deaths]) {
                tree.add(*r as usize, *w);
            }
        }
        tree.clear(rank[s.begin..s.end].iter().map(|&r| r as usize));
    }
    result(acc)
}
