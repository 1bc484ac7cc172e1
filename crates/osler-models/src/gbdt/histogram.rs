//! Gradient histograms and the search for the best split of a leaf.
//!
//! A histogram holds, for every feature, [`STRIDE`] bins of (gradient sum,
//! hessian sum, row count); only the first `n_bins + 1` bins of a feature are
//! used (the last of them collects missing values). A fixed stride lets a `u8`
//! bin code index a `[Bin; 256]` with no bounds check in the hot loop.

use super::binning::{BinnedData, FeatureBins};

/// Bins reserved per feature in a histogram.
pub(crate) const STRIDE: usize = 256;

/// Sums over the rows of a node that fall in one bin.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Bin {
    pub g: f64,
    pub h: f64,
    pub c: u32,
}

impl Bin {
    #[inline]
    fn add(self, o: Bin) -> Bin {
        Bin {
            g: self.g + o.g,
            h: self.h + o.h,
            c: self.c + o.c,
        }
    }

    #[inline]
    pub fn sub(self, o: Bin) -> Bin {
        Bin {
            g: self.g - o.g,
            h: self.h - o.h,
            c: self.c - o.c,
        }
    }
}

/// The `[Bin; 256]` of feature `j` inside a histogram slot.
#[inline]
fn feature_hist(hist: &mut [Bin], j: usize) -> &mut [Bin; STRIDE] {
    (&mut hist[j * STRIDE..(j + 1) * STRIDE])
        .try_into()
        .expect("histogram stride")
}

/// Fills `hist` for all rows, in row order, from per-row `(g, h)` pairs
/// (four features per pass, as in [`build_rows`]).
#[inline(never)]
pub(crate) fn build_all(data: &BinnedData, active: &[usize], gh: &[[f64; 2]], hist: &mut [Bin]) {
    for &j in active {
        let used = data.features[j].missing_bin() + 1;
        hist[j * STRIDE..j * STRIDE + used].fill(Bin::default());
    }
    let mut quads = active.chunks_exact(4);
    for q in &mut quads {
        let (c0, c1, c2, c3) = (
            data.col(q[0]),
            data.col(q[1]),
            data.col(q[2]),
            data.col(q[3]),
        );
        let [h0, h1, h2, h3] = four_hists(hist, [q[0], q[1], q[2], q[3]]);
        for ((((p, &b0), &b1), &b2), &b3) in gh.iter().zip(c0).zip(c1).zip(c2).zip(c3) {
            for (h, b) in [
                (&mut *h0, b0),
                (&mut *h1, b1),
                (&mut *h2, b2),
                (&mut *h3, b3),
            ] {
                let e = &mut h[b as usize];
                e.g += p[0];
                e.h += p[1];
                e.c += 1;
            }
        }
    }
    for &j in quads.remainder() {
        let h = feature_hist(hist, j);
        for (&b, p) in data.col(j).iter().zip(gh) {
            let e = &mut h[b as usize];
            e.g += p[0];
            e.h += p[1];
            e.c += 1;
        }
    }
}

/// Fills `hist` for the given rows, `ordered[k]` being the `(g, h)` of `rows[k]`.
///
/// Features go four at a time: each row's gradient pair is loaded once for
/// four independent histograms, which keeps several cache misses in flight.
#[inline(never)]
pub(crate) fn build_rows(
    data: &BinnedData,
    active: &[usize],
    rows: &[u32],
    ordered: &[[f64; 2]],
    hist: &mut [Bin],
) {
    for &j in active {
        let used = data.features[j].missing_bin() + 1;
        hist[j * STRIDE..j * STRIDE + used].fill(Bin::default());
    }
    let mut quads = active.chunks_exact(4);
    for q in &mut quads {
        let (c0, c1, c2, c3) = (
            data.col(q[0]),
            data.col(q[1]),
            data.col(q[2]),
            data.col(q[3]),
        );
        let [h0, h1, h2, h3] = four_hists(hist, [q[0], q[1], q[2], q[3]]);
        for (&r, gh) in rows.iter().zip(ordered) {
            let r = r as usize;
            for (h, c) in [
                (&mut *h0, c0),
                (&mut *h1, c1),
                (&mut *h2, c2),
                (&mut *h3, c3),
            ] {
                let e = &mut h[c[r] as usize];
                e.g += gh[0];
                e.h += gh[1];
                e.c += 1;
            }
        }
    }
    for &j in quads.remainder() {
        let h = feature_hist(hist, j);
        let col = data.col(j);
        for (&r, gh) in rows.iter().zip(ordered) {
            let e = &mut h[col[r as usize] as usize];
            e.g += gh[0];
            e.h += gh[1];
            e.c += 1;
        }
    }
}

/// Mutable histograms of four distinct, increasing features.
fn four_hists(hist: &mut [Bin], js: [usize; 4]) -> [&mut [Bin; STRIDE]; 4] {
    let (a, rest) = hist.split_at_mut(js[1] * STRIDE);
    let (b, rest) = rest.split_at_mut((js[2] - js[1]) * STRIDE);
    let (c, d) = rest.split_at_mut((js[3] - js[2]) * STRIDE);
    [
        feature_hist(a, js[0]),
        feature_hist(b, 0),
        feature_hist(c, 0),
        feature_hist(d, 0),
    ]
}

/// `parent -= child` over the used bins: turns the parent's histogram into the sibling's.
pub(crate) fn subtract(data: &BinnedData, active: &[usize], parent: &mut [Bin], child: &[Bin]) {
    for &j in active {
        let used = data.features[j].missing_bin() + 1;
        let (p, c) = (
            &mut parent[j * STRIDE..j * STRIDE + used],
            &child[j * STRIDE..j * STRIDE + used],
        );
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

    #[inline]
    fn admissible(&self, s: Bin) -> bool {
        s.c >= self.min_leaf && s.h >= self.min_child_weight
    }

    /// Output of a leaf with these sums (before the learning rate).
    #[inline]
    pub fn leaf_output(&self, s: Bin) -> f64 {
        let d = s.h + self.lambda;
        if d > 0.0 { -s.g / d } else { 0.0 }
    }
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

/// Best split over the active features of a node whose sums are `total`.
/// Returns `None` when no admissible split has a positive gain.
pub(crate) fn best_split(
    features: &[FeatureBins],
    active: &[usize],
    hist: &[Bin],
    total: Bin,
    p: &SplitParams,
) -> Option<SplitInfo> {
    let parent_score = p.score(total);
    let mut best: Option<SplitInfo> = None;
    let mut best_gain = 0.0;
    for &j in active {
        let fb = &features[j];
        let nb = fb.n_bins();
        let h = &hist[j * STRIDE..j * STRIDE + nb + 1];
        let miss = h[nb];
        // Splits "bin <= k": k = nb - 1 (all values one side) only separates missing values.
        let last = if miss.c > 0 { nb } else { nb - 1 };
        let mut cum = Bin::default();
        for (k, &b) in h[..last].iter().enumerate() {
            cum = cum.add(b);
            // Missing values go right.
            let (l, r) = (cum, total.sub(cum));
            if p.admissible(l) && p.admissible(r) {
                let gain = p.score(l) + p.score(r) - parent_score;
                if gain > best_gain {
                    // With no missing value here, NaN follows the heavier side at prediction time.
                    let default_left = miss.c == 0 && l.h >= r.h;
                    best_gain = gain;
                    best = Some(SplitInfo {
                        feature: j,
                        bin: k,
                        default_left,
                        gain,
                        left: l,
                        right: r,
                    });
                }
            }
            // Missing values go left.
            if miss.c > 0 && k + 1 < nb {
                let l = cum.add(miss);
                let r = total.sub(l);
                if p.admissible(l) && p.admissible(r) {
                    let gain = p.score(l) + p.score(r) - parent_score;
                    if gain > best_gain {
                        best_gain = gain;
                        best = Some(SplitInfo {
                            feature: j,
                            bin: k,
                            default_left: true,
                            gain,
                            left: l,
                            right: r,
                        });
                    }
                }
            }
        }
    }
    best
}
