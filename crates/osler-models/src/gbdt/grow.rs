//! Leaf-wise (best-first) growth of one tree on binned data.
//!
//! Rows of a leaf are a contiguous range of `rows`, kept in ascending order by
//! a stable in-place partition. Each leaf owns a histogram slot; when a leaf is
//! split, the histogram of the smaller child is built from its rows and the
//! larger child's is obtained by subtracting it from the parent's, in place.
//! All buffers are allocated once per fit and reused by every tree.

use super::binning::BinnedData;
use super::histogram::{self, Bin, CountBounds, NodeView, STRIDE, SplitInfo, SplitParams};
use super::tree::{Node, Tree};

/// Settings of tree growth.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GrowParams {
    pub split: SplitParams,
    pub max_leaves: usize,
    pub max_depth: Option<usize>,
    pub learning_rate: f64,
}

/// A leaf of the tree being grown.
#[derive(Debug, Clone, Copy)]
struct Leaf {
    start: usize,
    end: usize,
    depth: usize,
    node: usize,
    slot: usize,
    total: Bin,
    best: Option<SplitInfo>,
}

impl Leaf {
    /// Number of rows in the leaf.
    #[inline]
    fn count(&self) -> u32 {
        (self.end - self.start) as u32
    }
}

/// Reusable buffers for growing trees on one binned data set.
pub(crate) struct Grower {
    rows: Vec<u32>,
    scratch: Vec<u32>,
    ordered: Vec<[f64; 2]>,
    pool: Vec<Bin>,
    slot_len: usize,
    active: Vec<usize>,
    leaves: Vec<Leaf>,
    params: GrowParams,
}

impl Grower {
    pub fn new(data: &BinnedData, params: GrowParams) -> Grower {
        let n = data.rows;
        let active: Vec<usize> =
            (0..data.features.len()).filter(|&j| data.features[j].splittable()).collect();
        let slot_len = data.features.len() * STRIDE;
        Grower {
            rows: Vec::with_capacity(n),
            scratch: vec![0; n],
            ordered: vec![[0.0; 2]; n],
            pool: vec![Bin::default(); slot_len * params.max_leaves],
            slot_len,
            active,
            leaves: Vec::with_capacity(params.max_leaves),
            params,
        }
    }

    fn can_split(&self, count: u32, depth: usize) -> bool {
        count >= 2 * self.params.split.min_leaf && self.params.max_depth.is_none_or(|d| depth < d)
    }

    /// Grows one tree on the per-row `(gradient, hessian)` pairs `gh`, then
    /// calls `apply(leaf_value, rows_of_leaf)` for every leaf.
    pub fn grow(
        &mut self,
        data: &BinnedData,
        gh: &[[f64; 2]],
        mut apply: impl FnMut(f64, &[u32]),
    ) -> Tree {
        let n = data.rows;
        let p = self.params;
        self.rows.clear();
        self.rows.extend(0..n as u32);
        self.leaves.clear();
        let mut total = Bin { g: 0.0, h: 0.0 };
        let (mut h_min, mut h_max) = (f64::INFINITY, 0.0f64);
        for e in gh {
            total.g += e[0];
            total.h += e[1];
            h_min = h_min.min(e[1]);
            h_max = h_max.max(e[1]);
        }
        let cb = CountBounds::new(h_min, h_max, total.h, p.split.min_leaf);
        let mut nodes = vec![Node::leaf(0.0, n as f64)];
        let mut root = Leaf { start: 0, end: n, depth: 0, node: 0, slot: 0, total, best: None };
        if self.can_split(root.count(), 0) && !self.active.is_empty() {
            let slot_len = self.slot_len;
            histogram::build_all(data, &self.active, gh, &mut self.pool[..slot_len]);
            let view = NodeView {
                hist: &self.pool[..slot_len],
                total,
                count: root.count(),
                rows: &self.rows,
            };
            root.best = histogram::best_split(data, &self.active, &view, &cb, &p.split);
        }
        self.leaves.push(root);

        while self.leaves.len() < p.max_leaves {
            // Best-first: the leaf whose best split gains most (first one on ties).
            let mut pick = None;
            for (i, l) in self.leaves.iter().enumerate() {
                if let Some(s) = l.best
                    && pick.is_none_or(|(_, best): (usize, SplitInfo)| s.gain > best.gain)
                {
                    pick = Some((i, s));
                }
            }
            let Some((li, split)) = pick else { break };
            let leaf = self.leaves[li];
            let mid = self.partition(data, &leaf, &split);

            let (ln, rn) = (nodes.len(), nodes.len() + 1);
            {
                let fb = &data.features[split.feature];
                let node = &mut nodes[leaf.node];
                node.feature = split.feature as u32;
                node.threshold = fb.threshold(split.bin);
                node.default_left = split.default_left;
                node.left = ln as u32;
                node.right = rn as u32;
                node.gain = split.gain;
            }
            nodes.push(Node::leaf(0.0, (mid - leaf.start) as f64));
            nodes.push(Node::leaf(0.0, (leaf.end - mid) as f64));

            let depth = leaf.depth + 1;
            let mut left = Leaf {
                start: leaf.start,
                end: mid,
                depth,
                node: ln,
                slot: leaf.slot,
                total: split.left,
                best: None,
            };
            let mut right = Leaf {
                start: mid,
                end: leaf.end,
                depth,
                node: rn,
                slot: leaf.slot,
                total: split.right,
                best: None,
            };
            let new_slot = self.leaves.len();
            let room = self.leaves.len() + 1 < p.max_leaves;
            let (ls, rs) =
                (self.can_split(left.count(), depth), self.can_split(right.count(), depth));
            if room && (ls || rs) {
                // The smaller child gets a fresh slot and its own histogram; the
                // larger keeps the parent's slot and becomes parent - smaller.
                let (small, large) = if left.end - left.start <= right.end - right.start {
                    (&mut left, &mut right)
                } else {
                    (&mut right, &mut left)
                };
                small.slot = new_slot;
                self.build_child(data, gh, small.start, small.end, new_slot);
                let (parent_part, child_part) = self.pool.split_at_mut(new_slot * self.slot_len);
                let parent_hist =
                    &mut parent_part[large.slot * self.slot_len..(large.slot + 1) * self.slot_len];
                let child_hist = &child_part[..self.slot_len];
                histogram::subtract(data, &self.active, parent_hist, child_hist);
                for (c, ok) in [(&mut left, ls), (&mut right, rs)] {
                    if ok {
                        let view = NodeView {
                            hist: &self.pool[c.slot * self.slot_len..(c.slot + 1) * self.slot_len],
                            total: c.total,
                            count: c.count(),
                            rows: &self.rows[c.start..c.end],
                        };
                        c.best = histogram::best_split(data, &self.active, &view, &cb, &p.split);
                    }
                }
            }
            self.leaves[li] = left;
            self.leaves.push(right);
        }

        for l in &self.leaves {
            let v = p.split.leaf_output(l.total) * p.learning_rate;
            nodes[l.node].value = v;
            apply(v, &self.rows[l.start..l.end]);
        }
        Tree::from_nodes(nodes)
    }

    /// Stable in-place partition of the leaf's rows; returns the first right position.
    #[inline(never)]
    fn partition(&mut self, data: &BinnedData, leaf: &Leaf, split: &SplitInfo) -> usize {
        let col = data.col(split.feature);
        // Which bin codes go left, looked up rather than compared: a branch on
        // the comparison would be mispredicted about every other row.
        let mut goes_left = [false; 256];
        goes_left[..=split.bin].fill(true);
        if split.default_left {
            goes_left[data.features[split.feature].missing_bin()] = true;
        }
        let rows = &mut self.rows[leaf.start..leaf.end];
        let scratch = &mut self.scratch[..rows.len()];
        let mut l = 0;
        let mut r = 0;
        for k in 0..rows.len() {
            let row = rows[k];
            let go_left = goes_left[usize::from(col[row as usize])];
            rows[l] = row;
            scratch[r] = row;
            l += usize::from(go_left);
            r += usize::from(!go_left);
        }
        rows[l..].copy_from_slice(&scratch[..r]);
        leaf.start + l
    }

    /// Builds the histogram of rows `start..end` into slot `slot`.
    #[inline(never)]
    fn build_child(
        &mut self,
        data: &BinnedData,
        gh: &[[f64; 2]],
        start: usize,
        end: usize,
        slot: usize,
    ) {
        let rows = &self.rows[start..end];
        let ordered = &mut self.ordered[..rows.len()];
        for (o, &r) in ordered.iter_mut().zip(rows) {
            *o = gh[r as usize];
        }
        let slot_len = self.slot_len;
        let hist = &mut self.pool[slot * slot_len..(slot + 1) * slot_len];
        histogram::build_rows(data, &self.active, rows, &self.ordered[..end - start], hist);
    }
}
