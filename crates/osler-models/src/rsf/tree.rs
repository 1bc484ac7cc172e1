//! One survival tree: its nodes, its leaves' training rows, and how it grows.

use osler_data::SplitMix64;
use serde::{Deserialize, Serialize};

use super::codes::Codes;
use super::split::{FeatureSplit, NodeStats};

/// A node of an [`RsfTree`]; node 0 is the root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RsfNode {
    /// A row goes to `left` when `x[feature] <= threshold`, else to `right`.
    Split {
        /// Feature (column) index tested, from 0.
        feature: u32,
        /// Split point in the feature's units: `x[feature] <= threshold` goes left.
        threshold: f64,
        /// Node index of the left child.
        left: u32,
        /// Node index of the right child.
        right: u32,
        /// The standardized log-rank statistic `|L|` of the split.
        logrank: f64,
    },
    /// A terminal node holding the in-bag training rows `leaf_rows[start..end]`.
    Leaf {
        /// First position of the leaf's rows in the tree's `leaf_rows`.
        start: u32,
        /// One past the last position of the leaf's rows in `leaf_rows`.
        end: u32,
        /// The leaf's ensemble-mortality contribution: the sum over the
        /// forest's event-time grid of the leaf's Nelson-Aalen estimate.
        mortality: f64,
    },
}

/// A grown survival tree.
///
/// Leaves store no curve, only the indices of their in-bag training rows
/// (bootstrap duplicates repeated, in ascending order of time), from which the
/// Nelson-Aalen and Kaplan-Meier estimates are computed when predicting; so a
/// tree costs 4 bytes per in-bag row plus its nodes, whatever the number of
/// distinct event times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RsfTree {
    nodes: Vec<RsfNode>,
    leaf_rows: Vec<u32>,
}

impl RsfTree {
    /// The nodes, root first.
    pub fn nodes(&self) -> &[RsfNode] {
        &self.nodes
    }

    /// The training-row indices of every leaf, leaf after leaf.
    pub fn leaf_rows(&self) -> &[u32] {
        &self.leaf_rows
    }

    /// The training rows of the leaf that `value(feature)` falls into.
    pub fn leaf_of(&self, value: impl Fn(usize) -> f64) -> (&[u32], f64) {
        let mut k = 0;
        loop {
            match &self.nodes[k] {
                RsfNode::Split { feature, threshold, left, right, .. } => {
                    k = if value(*feature as usize) <= *threshold { *left } else { *right }
                        as usize;
                }
                RsfNode::Leaf { start, end, mortality } => {
                    return (&self.leaf_rows[*start as usize..*end as usize], *mortality);
                }
            }
        }
    }

    /// Checks the indices of a deserialized tree: children and leaf ranges in
    /// bounds, children after their parent (so no cycles), rows `< n_rows`.
    pub(crate) fn check(&self, n_rows: usize, n_features: usize) -> Result<(), String> {
        let nn = self.nodes.len();
        if nn == 0 {
            return Err("a tree has no nodes".into());
        }
        for (k, node) in self.nodes.iter().enumerate() {
            match node {
                RsfNode::Split { feature, left, right, .. } => {
                    let ok = (*feature as usize) < n_features
                        && [*left, *right].iter().all(|&c| (c as usize) > k && (c as usize) < nn);
                    if !ok {
                        return Err(format!("split node {k} points outside the tree"));
                    }
                }
                RsfNode::Leaf { start, end, .. } => {
                    if start > end || *end as usize > self.leaf_rows.len() {
                        return Err(format!("leaf {k} has rows outside the tree"));
                    }
                }
            }
        }
        if self.leaf_rows.iter().any(|&r| r as usize >= n_rows) {
            return Err("a leaf names a row beyond the training data".into());
        }
        Ok(())
    }
}

/// Calls `f(t, d, y)` for each distinct event time `t` of a leaf, in
/// ascending order, with `d` events and `y` rows at risk (time `>= t`);
/// `rows` must be in ascending order of time.
pub(crate) fn leaf_events(
    rows: &[u32],
    time: &[f64],
    event: &[bool],
    mut f: impl FnMut(f64, f64, f64),
) {
    let n = rows.len();
    let mut k = 0;
    while k < n {
        let t = time[rows[k] as usize];
        let mut e = k;
        let mut d = 0usize;
        while e < n && time[rows[e] as usize] == t {
            d += usize::from(event[rows[e] as usize]);
            e += 1;
        }
        if d > 0 {
            f(t, d as f64, (n - k) as f64);
        }
        k = e;
    }
}

/// Sum over the event-time grid of the leaf's Nelson-Aalen estimate,
/// `sum_s (d_s / Y_s) * #{grid times >= s}`, for `ranks` (ascending) into the
/// sorted training data, with `later[r]` the number of grid times `>= time[r]`.
pub(crate) fn leaf_mortality(ranks: &[u32], time: &[f64], event: &[bool], later: &[u32]) -> f64 {
    let n = ranks.len();
    let mut m = 0.0;
    let mut k = 0;
    while k < n {
        let r = ranks[k] as usize;
        let mut e = k;
        let mut d = 0usize;
        while e < n && time[ranks[e] as usize] == time[r] {
            d += usize::from(event[ranks[e] as usize]);
            e += 1;
        }
        if d > 0 {
            m += d as f64 / (n - k) as f64 * f64::from(later[r]);
        }
        k = e;
    }
    m
}

/// What growing needs to know about the training data. Rows are identified
/// by their rank in time order (`order[rank]` is the training row), so that
/// `time` and `event` (sorted) and the codes are read front to back.
pub(crate) struct GrowData<'a> {
    pub bins: &'a Codes,
    pub order: &'a [u32],
    pub time: &'a [f64],
    pub event: &'a [bool],
    /// Number of distinct training event times `>= time[rank]`.
    pub later: &'a [u32],
    pub mtry: usize,
    pub min_leaf: f64,
    pub max_depth: Option<usize>,
}

/// Grows one tree on the distinct in-bag row ranks `rows` (ascending) with
/// multiplicities `wt`, depth first, drawing features from `rng`.
pub(crate) fn grow(
    data: &GrowData,
    mut rows: Vec<u32>,
    mut wt: Vec<u32>,
    rng: &mut SplitMix64,
) -> RsfTree {
    let p = data.bins.features.len();
    let mut feats: Vec<usize> = (0..p).collect();
    let mut stats = NodeStats::default();
    let mut nodes = vec![RsfNode::Leaf { start: 0, end: 0, mortality: 0.0 }];
    let mut leaf_rows: Vec<u32> = Vec::with_capacity(wt.iter().map(|&w| w as usize).sum());
    let mut tmp: Vec<(u32, u32)> = Vec::new();
    // (node id, rows lo..hi, depth)
    let mut stack = vec![(0usize, 0usize, rows.len(), 0usize)];
    while let Some((id, lo, hi, depth)) = stack.pop() {
        let (r, w) = (&rows[lo..hi], &wt[lo..hi]);
        let mut best: Option<(usize, u8, f64)> = None;
        let depth_ok = data.max_depth.is_none_or(|d| depth < d);
        if depth_ok
            && stats.prepare(r, w, data.time, data.event)
            && stats.total_w >= 2.0 * data.min_leaf
        {
            let mut tried = 0;
            for i in 0..p {
                let j = i + rng.below(p - i);
                feats.swap(i, j);
                let f = feats[i];
                match stats.best_split(r, w, data.bins.col(f), data.min_leaf) {
                    FeatureSplit::Constant => continue,
                    FeatureSplit::NoneAdmissible => {}
                    FeatureSplit::Best(c) => {
                        if best.is_none_or(|b| c.stat > b.2) {
                            best = Some((f, c.code, c.stat));
                        }
                    }
                }
                tried += 1;
                if tried == data.mtry {
                    break;
                }
            }
        }
        let Some((f, code, stat)) = best else {
            let start = leaf_rows.len();
            for (&rank, &m) in r.iter().zip(w) {
                leaf_rows.extend(std::iter::repeat_n(rank, m as usize));
            }
            let mortality = leaf_mortality(&leaf_rows[start..], data.time, data.event, data.later);
            for v in &mut leaf_rows[start..] {
                *v = data.order[*v as usize];
            }
            let (start, end) = (start as u32, leaf_rows.len() as u32);
            nodes[id] = RsfNode::Leaf { start, end, mortality };
            continue;
        };
        // Stable partition: both children stay in ascending time order.
        let col = data.bins.col(f);
        tmp.clear();
        let mut nl = lo;
        for k in lo..hi {
            let (row, m) = (rows[k], wt[k]);
            if col[row as usize] <= code {
                rows[nl] = row;
                wt[nl] = m;
                nl += 1;
            } else {
                tmp.push((row, m));
            }
        }
        for (k, &(row, m)) in tmp.iter().enumerate() {
            rows[nl + k] = row;
            wt[nl + k] = m;
        }
        let left = nodes.len();
        nodes.push(RsfNode::Leaf { start: 0, end: 0, mortality: 0.0 });
        nodes.push(RsfNode::Leaf { start: 0, end: 0, mortality: 0.0 });
        nodes[id] = RsfNode::Split {
            feature: f as u32,
            threshold: data.bins.features[f].threshold(code as usize),
            left: left as u32,
            right: left as u32 + 1,
            logrank: stat.sqrt(),
        };
        stack.push((left + 1, nl, hi, depth + 1));
        stack.push((left, lo, nl, depth + 1));
    }
    RsfTree { nodes, leaf_rows }
}
