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
//! Algorithm: sweep time groups in descending order keeping a Fenwick tree
//! of weights over score ranks for the subjects with larger time; a group's
//! censored rows enter before its events are scored, its events after.

use serde::{Deserialize, Serialize};

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
    /// Sum over ranks `< i`.
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
    let (rank32, nranks) = ranks(score);
    let rank: Vec<usize> = rank32.iter().map(|&r| r as usize).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| st(a).cmp(&st(b)).then(time[b].total_cmp(&time[a])));
    let (mut conc, mut disc, mut tied) = (0.0, 0.0, 0.0);
    let mut tree = Fenwick::new(nranks);
    let mut i = 0;
    while i < n {
        // One stratum.
        let s = st(order[i]);
        let s_end = i + order[i..].iter().take_while(|&&k| st(k) == s).count();
        let mut total = 0.0;
        let mut touched = Vec::new();
        while i < s_end {
            let t = time[order[i]];
            let g_end = i + order[i..s_end].iter().take_while(|&&k| time[k] == t).count();
            for &k in &order[i..g_end] {
                if event[k] == 0.0 {
                    tree.add(rank[k], w(k));
                    total += w(k);
                    touched.push(k);
                }
            }
            for &k in &order[i..g_end] {
                if event[k] == 1.0 {
                    let less = tree.prefix(rank[k]);
                    let upto = tree.prefix(rank[k] + 1);
                    let wk = w(k);
                    conc += wk * less;
                    tied += wk * (upto - less);
                    disc += wk * (total - upto);
                }
            }
            for &k in &order[i..g_end] {
                if event[k] == 1.0 {
                    tree.add(rank[k], w(k));
                    total += w(k);
                    touched.push(k);
                }
            }
            i = g_end;
        }
        for k in touched {
            tree.add(rank[k], -w(k));
        }
    }
    let all = conc + disc + tied;
    Concordance {
        concordant: conc,
        discordant: disc,
        tied_risk: tied,
        c_index: (conc + 0.5 * tied) / all,
    }
}

/// Dense ranks of `score` (equal scores share a rank) and the number of ranks.
fn ranks(score: &[f64]) -> (Vec<u32>, usize) {
    let mut by: Vec<(f64, u32)> = score.iter().enumerate().map(|(i, &s)| (s, i as u32)).collect();
    by.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank = vec![0u32; score.len()];
    let mut nr = 0u32;
    for k in 0..by.len() {
        if k > 0 && by[k].0 != by[k - 1].0 {
            nr += 1;
        }
        rank[by[k].1 as usize] = nr;
    }
    (rank, nr as usize + 1)
}

/// Harrell's C on Cox data already sorted by stratum and descending time
/// (`score` in that sorted order, weights from the data).
pub(crate) fn concordance_sorted(d: &super::cox_data::CoxData, score: &[f64]) -> Concordance {
    let (rank, nranks) = ranks(score);
    let mut tree = Fenwick::new(nranks);
    let (mut conc, mut disc, mut tied) = (0.0, 0.0, 0.0);
    for s in &d.strata {
        let mut total = 0.0;
        for g in &d.groups[s.g_begin..s.g_end] {
            let deaths = g.begin..g.begin + g.deaths;
            for (r, w) in rank[deaths.end..g.end].iter().zip(&d.w[deaths.end..g.end]) {
                tree.add(*r as usize, *w);
                total += w;
            }
            for i in deaths.clone() {
                let r = rank[i] as usize;
                let less = tree.prefix(r);
                let upto = tree.prefix(r + 1);
                conc += d.w[i] * less;
                tied += d.w[i] * (upto - less);
                disc += d.w[i] * (total - upto);
            }
            for (r, w) in rank[deaths.clone()].iter().zip(&d.w[deaths]) {
                tree.add(*r as usize, *w);
                total += w;
            }
        }
        for (r, w) in rank[s.begin..s.end].iter().zip(&d.w[s.begin..s.end]) {
            tree.add(*r as usize, -w);
        }
    }
    let all = conc + disc + tied;
    Concordance {
        concordant: conc,
        discordant: disc,
        tied_risk: tied,
        c_index: (conc + 0.5 * tied) / all,
    }
}
