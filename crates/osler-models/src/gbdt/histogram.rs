//! Gradient histograms and the search for the best split of a leaf.
//!
//! A histogram holds, for every feature, [`STRIDE`] bins of (gradient sum,
//! hessian sum); only the first `n_bins + 1` bins of a feature are used (the
//! last of them collects missing values). A fixed stride lets a `u8` bin code
//! index a `[Bin; 256]` with no bounds check in the hot loop.
//!
//! Bins hold no row count: one read-modify-write fewer per row and feature
//! matters in the hot loop. The `min_leaf` rule still counts rows exactly:
//! every per-row hessian of a tree lies in `[h_min, h_max]` ([`CountBounds`]),
//! so a side whose hessian sum is at least `min_leaf * h_max` surely holds
//! `min_leaf` rows, and one below `min_leaf * h_min` surely does not. Only for
//! a feature with an undecided candidate that could beat the best split found
//! so far are the node's rows counted bin by bin, and the feature searched
//! again with exact counts: the result is the split the counts would give.

use super::binning::BinnedData;

/// Bins reserved per feature in a histogram.
pub(crate) const STRIDE: usize = 256;

/// Sums over the rows of a node that fall in one bin.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Bin {
    pub g: f64,
    pub h: f64,
}

impl Bin {
    #[inline]
    pub fn add(self, o: Bin) -> Bin {
        Bin { g: self.g + o.g, h: self.h + o.h }
    }

    #[inline]
    pub fn sub(self, o: Bin) -> Bin {
        Bin { g: self.g - o.g, h: self.h - o.h }
    }
}

/// Features whose histograms one pass over the rows fills together.
const GROUP: usize = 4;

/// Disjoint histograms of `W` distinct, increasing features.
fn hists_mut<'a, const W: usize>(hist: &'a mut [Bin], js: &[usize]) -> [&'a mut [Bin; STRIDE]; W] {
    let mut rest = hist.as_chunks_mut::<STRIDE>().0;
    let mut at = 0;
    std::array::from_fn(|k| {
        let tail = std::mem::take(&mut rest).split_at_mut(js[k] - at).1;
        let (h, tail) = tail.split_at_mut(1);
        rest = tail;
        at = js[k] + 1;
        &mut h[0]
    })
}

/// Adds every row, in row order, to the histograms of `W` features.
#[inline(always)]
fn group_all<const W: usize>(data: &BinnedData, js: &[usize], gh: &[[f64; 2]], hist: &mut [Bin]) {
    let n = gh.len();
    let cols: [&[u8]; W] = std::array::from_fn(|k| &data.col(js[k])[..n]);
    let mut hs = hists_mut::<W>(hist, js);
    for (i, p) in gh.iter().enumerate() {
        for (h, c) in hs.iter_mut().zip(&cols) {
            let e = &mut h[usize::from(c[i])];
            e.g += p[0];
            e.h += p[1];
        }
    }
}

/// Adds the given rows (`ordered[k]` being the `(g, h)` of `rows[k]`) to the
/// histograms of `W` features.
#[inline(always)]
fn group_rows<const W: usize>(
    data: &BinnedData,
    js: &[usize],
    rows: &[u32],
    ordered: &[[f64; 2]],
    hist: &mut [Bin],
) {
    let cols: [&[u8]; W] = std::array::from_fn(|k| data.col(js[k]));
    let mut hs = hists_mut::<W>(hist, js);
    for (&r, p) in rows.iter().zip(ordered) {
        let r = r as usize;
        for (h, c) in hs.iter_mut().zip(&cols) {
            let e = &mut h[usize::from(c[r])];
            e.g += p[0];
            e.h += p[1];
        }
    }
}

/// Calls `$f::<W>(..)` for the run-time width `$w` (at most [`GROUP`]).
macro_rules! by_width {
    ($w:expr, $f:ident ( $($arg:expr),* )) => {
        match $w {
            1 => $f::<1>($($arg),*),
            2 => $f::<2>($($arg),*),
            3 => $f::<3>($($arg),*),
            4 => $f::<4>($($arg),*),
            5 => $f::<5>($($arg),*),
            6 => $f::<6>($($arg),*),
            7 => $f::<7>($($arg),*),
            8 => $f::<8>($($arg),*),
            w => unreachable!("feature group of width {w}"),
        }
    };
}

/// Splits the active features into groups of nearly equal width, at most [`GROUP`].
fn groups(active: &[usize]) -> impl Iterator<Item = &[usize]> {
    let n_groups = active.len().div_ceil(GROUP);
    let mut rest = active;
    (0..n_groups).map(move |g| {
        let w = rest.len().div_ceil(n_groups - g);
        let (head, tail) = rest.split_at(w);
        rest = tail;
        head
    })
}

/// Zeroes the used bins of the active features.
fn clear(data: &BinnedData, active: &[usize], hist: &mut [Bin]) {
    for &j in active {
        let used = data.features[j].missing_bin() + 1;
        hist[j * STRIDE..j * STRIDE + used].fill(Bin::default());
    }
}

/// Fills `hist` for all rows, in row order, from per-row `(g, h)` pairs.
#[inline(never)]
pub(crate) fn build_all(data: &BinnedData, active: &[usize], gh: &[[f64; 2]], hist: &mut [Bin]) {
    clear(data, active, hist);
    for js in groups(active) {
        by_width!(js.len(), group_all(data, js, gh, hist));
    }
}

/// Fills `hist` for the given rows, `ordered[k]` being the `(g, h)` of `rows[k]`.
///
/// Features go a group at a time: each row's gradient pair is loaded once for
/// several independent histograms, which keeps several cache misses in flight.
#[inline(never)]
pub(crate) fn build_rows(
    data: &BinnedData,
    active: &[usize],
    rows: &[u32],
    ordered: &[[f64; 2]],
    hist: &mut [Bin],
) {
    clear(data, active, hist);
    for js in groups(active) {
        by_width!(js.len(), group_rows(data, js, rows, ordered, hist));
    }
}

/// `parent -= child` over the used bins: turns the parent's histogram into the sibling's.
pub(crate) fn subtract(data: &BinnedData, active: &[usize], parent: &mut [Bin], child: &[Bin]) {
    for &j in active {
        let used = data.features[j].missing_bin() + 1;
        let (p, c) =
            (&mut parent[j * STRIDE..j * STRIDE + used], &child[j * STRIDE..j * STRIDE + used]);
        for (a, &b) in p.iter_mut().zip(c) {
            *a = a.sub(b);
        }
    }
}

/// Constraints a split must satisfy and the L2 penalty of the gain.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitParams {
    pub min_leaf: u32,
    pub min_child_weight: f64,
    pub lambda: f64,
}

impl SplitParams {
    #[inline]
    fn score(&self, s: Bin) -> f64 {
        s.g * s.g / (s.h + self.lambda)
    }

    /// Output of a leaf with these sums (before the learning rate).
    #[inline]
    pub fn leaf_output(&self, s: Bin) -> f64 {
        let d = s.h + self.lambda;
        if d > 0.0 { -s.g / d } else { 0.0 }
    }
}

/// Bounds on the per-row hessians of one tree, which turn a hessian sum into
/// bounds on the number of rows behind it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CountBounds {
    /// A side with a hessian sum at least this surely holds `min_leaf` rows.
    enough: f64,
    /// A side with a hessian sum below this surely holds fewer than `min_leaf` rows.
    too_few: f64,
    /// A bin with a hessian sum above this surely holds a row.
    some: f64,
    /// A bin with a hessian sum below this surely holds no row.
    none: f64,
}

impl CountBounds {
    /// Bounds from the smallest and largest per-row hessian of the tree and the
    /// hessian sum of all its rows. A margin far above the rounding error of
    /// any (subtracted) histogram sum keeps every decision safe.
    pub fn new(h_min: f64, h_max: f64, h_total: f64, min_leaf: u32) -> CountBounds {
        let margin = 1e-11 * h_total.abs() + f64::MIN_POSITIVE;
        let m = f64::from(min_leaf);
        CountBounds {
            enough: m * h_max + margin,
            too_few: m * h_min - margin,
            some: margin,
            none: h_min - margin,
        }
    }
}

/// What a hessian sum tells of a row count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    Yes,
    No,
    Unsure,
}

/// A leaf whose best split is wanted: its histogram, sums and rows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NodeView<'a> {
    pub hist: &'a [Bin],
    pub total: Bin,
    pub count: u32,
    pub rows: &'a [u32],
}

/// The best split found for a leaf.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitInfo {
    pub feature: usize,
    /// Rows with a value bin `<= bin` go left.
    pub bin: usize,
    pub default_left: bool,
    pub gain: f64,
    pub left: Bin,
    pub right: Bin,
}

/// The best candidate so far and its place in the search order
/// (feature position, bin, missing values right = 0 / left = 1): among equal
/// gains the first in that order wins, as in a single ordered scan.
struct Best {
    split: Option<SplitInfo>,
    gain: f64,
    order: (usize, usize, u8),
}

impl Best {
    #[inline]
    fn beaten_by(&self, gain: f64, order: (usize, usize, u8)) -> bool {
        gain > self.gain || (gain == self.gain && self.split.is_some() && order < self.order)
    }
}

/// Exact row counts of a node per bin of feature `j`.
fn exact_counts(data: &BinnedData, j: usize, rows: &[u32]) -> [u32; STRIDE] {
    let col = data.col(j);
    let mut counts = [0u32; STRIDE];
    for &r in rows {
        counts[usize::from(col[r as usize])] += 1;
    }
    counts
}

/// How [`scan_feature`] treats row counts.
#[derive(Clone, Copy)]
enum Mode<'a> {
    /// Hessian bounds only; candidates with undecided counts are left out.
    Sure,
    /// Hessian bounds only; looks for an undecided candidate that beats the best.
    Probe,
    /// Exact per-bin row counts of the node.
    Exact(&'a [u32; STRIDE]),
}

/// Searches the candidates of one feature (at position `pos` among the active
/// ones), updating `best`. In [`Mode::Probe`] updates nothing and returns
/// whether a candidate with undecided row counts could beat `best` (the
/// feature must then be searched with exact counts); otherwise returns `false`.
#[allow(clippy::too_many_arguments)]
fn scan_feature(
    h: &[Bin],
    nb: usize,
    (pos, j, has_missing): (usize, usize, bool),
    node: &NodeView<'_>,
    mode: Mode<'_>,
    cb: &CountBounds,
    p: &SplitParams,
    best: &mut Best,
) -> bool {
    let counts = match mode {
        Mode::Exact(c) => Some(c),
        Mode::Sure | Mode::Probe => None,
    };
    let probe = matches!(mode, Mode::Probe);
    let total = node.total;
    let parent_score = p.score(total);
    let miss = h[nb];
    // Whether the node has missing values of this feature.
    let has_miss = match counts {
        _ if !has_missing => false,
        Some(c) => c[nb] > 0,
        None if miss.h > cb.some => true,
        None if miss.h < cb.none => false,
        None => return probe,
    };
    let miss_c = counts.map_or(0, |c| c[nb]);
    // What is known of "at least min_leaf rows" on a side with hessian sum `hs` and count `c`.
    let side = |hs: f64, c: u32| -> Known {
        match counts {
            Some(_) if c >= p.min_leaf => Known::Yes,
            Some(_) => Known::No,
            None if hs >= cb.enough => Known::Yes,
            None if hs < cb.too_few => Known::No,
            None => Known::Unsure,
        }
    };
    // Splits "bin <= k": k = nb - 1 (all values one side) only separates missing values.
    let last = if has_miss { nb } else { nb - 1 };
    let mut cum = Bin::default();
    let mut cum_c = 0u32;
    for (k, &b) in h[..last].iter().enumerate() {
        cum = cum.add(b);
        cum_c += counts.map_or(0, |c| c[k]);
        // Missing values go right (variant 0), then left (variant 1).
        for variant in 0..2u8 {
            let (l, lc) = if variant == 0 {
                (cum, cum_c)
            } else if has_miss && k + 1 < nb {
                (cum.add(miss), cum_c + miss_c)
            } else {
                break;
            };
            let r = total.sub(l);
            if l.h < p.min_child_weight || r.h < p.min_child_weight {
                continue;
            }
            let (kl, kr) = (side(l.h, lc), side(r.h, node.count - lc));
            if kl == Known::No || kr == Known::No {
                continue;
            }
            let sure = kl == Known::Yes && kr == Known::Yes;
            if sure == probe {
                continue;
            }
            let gain = p.score(l) + p.score(r) - parent_score;
            let order = (pos, k, variant);
            if !best.beaten_by(gain, order) {
                continue;
            }
            if probe {
                return true;
            }
            // With no missing value here, NaN follows the heavier side at prediction time.
            let default_left = variant == 1 || (!has_miss && l.h >= r.h);
            best.gain = gain;
            best.order = order;
            best.split =
                Some(SplitInfo { feature: j, bin: k, default_left, gain, left: l, right: r });
        }
    }
    false
}

/// Best split over the active features of a node. Returns `None` when no
/// admissible split has a positive gain.
pub(crate) fn best_split(
    data: &BinnedData,
    active: &[usize],
    node: &NodeView<'_>,
    cb: &CountBounds,
    p: &SplitParams,
) -> Option<SplitInfo> {
    let mut best = Best { split: None, gain: 0.0, order: (0, 0, 0) };
    let hist = |j: usize| {
        let fb = &data.features[j];
        let nb = fb.n_bins();
        (&node.hist[j * STRIDE..=j * STRIDE + nb], nb, fb.has_missing)
    };
    // The best split whose row counts the hessian sums settle, then every
    // feature with an undecided candidate that could beat it, counted exactly.
    for (pos, &j) in active.iter().enumerate() {
        let (h, nb, m) = hist(j);
        scan_feature(h, nb, (pos, j, m), node, Mode::Sure, cb, p, &mut best);
    }
    let mut undecided = Vec::new();
    for (pos, &j) in active.iter().enumerate() {
        let (h, nb, m) = hist(j);
        if scan_feature(h, nb, (pos, j, m), node, Mode::Probe, cb, p, &mut best) {
            undecided.push(pos);
        }
    }
    for pos in undecided {
        let j = active[pos];
        let (h, nb, m) = hist(j);
        let counts = exact_counts(data, j, node.rows);
        scan_feature(h, nb, (pos, j, m), node, Mode::Exact(&counts), cb, p, &mut best);
    }
    best.split
}

#[cfg(test)]
mod tests {
    use osler_data::{Matrix, SplitMix64};

    use super::*;

    /// The reference: every feature searched with exact row counts.
    fn best_split_exact(
        data: &BinnedData,
        active: &[usize],
        node: &NodeView<'_>,
        p: &SplitParams,
    ) -> Option<SplitInfo> {
        let mut best = Best { split: None, gain: 0.0, order: (0, 0, 0) };
        let cb = CountBounds::new(0.0, 0.0, 0.0, p.min_leaf);
        for (pos, &j) in active.iter().enumerate() {
            let fb = &data.features[j];
            let nb = fb.n_bins();
            let h = &node.hist[j * STRIDE..=j * STRIDE + nb];
            let counts = exact_counts(data, j, node.rows);
            let mode = Mode::Exact(&counts);
            scan_feature(h, nb, (pos, j, fb.has_missing), node, mode, &cb, p, &mut best);
        }
        best.split
    }

    #[test]
    fn hessian_bounds_give_the_exact_count_split() {
        let mut r = SplitMix64::new(11);
        let (n, p) = (3000, 5);
        let mut checked = 0;
        for case in 0..300 {
            // Few distinct values (so bins hold many rows), some missing values,
            // hessians spread over orders of magnitude, some zero.
            let distinct = 2 + case % 40;
            let cols: Vec<Vec<f64>> = (0..p)
                .map(|j| {
                    (0..n)
                        .map(|_| {
                            if j % 2 == 1 && r.next_f64() < 0.05 {
                                f64::NAN
                            } else {
                                r.below(distinct) as f64
                            }
                        })
                        .collect()
                })
                .collect();
            let x = Matrix::from_columns(&cols).expect("cols");
            let data = BinnedData::new(&x, 255, &mut r);
            let active: Vec<usize> = (0..p).filter(|&j| data.features[j].splittable()).collect();
            let gh: Vec<[f64; 2]> = (0..n)
                .map(|_| {
                    let q = r.next_f64().powi(8);
                    let g = if r.next_f64() < 0.5 { q - 1.0 } else { q };
                    let h = if r.next_f64() < 0.02 { 0.0 } else { q * (1.0 - q) };
                    [g, h]
                })
                .collect();
            let keep = 0.02 + 0.98 * r.next_f64();
            let rows: Vec<u32> = (0..n as u32).filter(|_| r.next_f64() < keep).collect();
            let ordered: Vec<[f64; 2]> = rows.iter().map(|&i| gh[i as usize]).collect();
            let mut hist = vec![Bin::default(); p * STRIDE];
            build_rows(&data, &active, &rows, &ordered, &mut hist);
            let total = ordered.iter().fold(Bin::default(), |a, e| a.add(Bin { g: e[0], h: e[1] }));
            let (h_min, h_max) =
                gh.iter().fold((f64::INFINITY, 0.0f64), |(a, b), e| (a.min(e[1]), b.max(e[1])));
            let h_all: f64 = gh.iter().map(|e| e[1]).sum();
            let params = SplitParams {
                min_leaf: [1, 5, 20, 60][case % 4],
                min_child_weight: [0.0, 1e-3][case % 2],
                lambda: [0.0, 1.0][(case / 2) % 2],
            };
            let cb = CountBounds::new(h_min, h_max, h_all, params.min_leaf);
            let node = NodeView { hist: &hist, total, count: rows.len() as u32, rows: &rows };
            let fast = best_split(&data, &active, &node, &cb, &params);
            let exact = best_split_exact(&data, &active, &node, &params);
            let key = |s: Option<SplitInfo>| {
                s.map(|s| (s.feature, s.bin, s.default_left, s.gain.to_bits()))
            };
            assert_eq!(key(fast), key(exact), "case {case}");
            checked += usize::from(exact.is_some());
        }
        assert!(checked > 100, "{checked}");
    }
}
