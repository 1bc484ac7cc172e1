//! Exact path-dependent TreeSHAP (Lundberg, Erion and Lee 2018, Algorithm 2).
//!
//! The conditional expectation of a tree given a subset of features follows
//! the features in the subset and, at a split on any other feature, averages
//! the children weighted by their training cover: the number of training rows
//! that reached each node (as LightGBM does; XGBoost uses the hessian sum).
//! Values are on the raw (log-odds) scale, so for every row
//! `expected_value + sum(shap) == predict_raw` up to rounding.

use osler_data::Matrix;

use super::booster::GbdtModel;
use super::tree::{Node, Tree, cover_fractions};
use crate::ModelError;

#[derive(Debug, Clone, Copy, Default)]
struct PathElement {
    feature: Option<usize>,
    zero_fraction: f64,
    one_fraction: f64,
    pweight: f64,
}

fn extend_path(
    path: &mut [PathElement],
    depth: usize,
    zero: f64,
    one: f64,
    feature: Option<usize>,
) {
    path[depth] = PathElement {
        feature,
        zero_fraction: zero,
        one_fraction: one,
        pweight: if depth == 0 { 1.0 } else { 0.0 },
    };
    let d1 = (depth + 1) as f64;
    for i in (0..depth).rev() {
        path[i + 1].pweight += one * path[i].pweight * (i + 1) as f64 / d1;
        path[i].pweight = zero * path[i].pweight * (depth - i) as f64 / d1;
    }
}

fn unwind_path(path: &mut [PathElement], depth: usize, index: usize) {
    let one = path[index].one_fraction;
    let zero = path[index].zero_fraction;
    let d1 = (depth + 1) as f64;
    let mut next_one = path[depth].pweight;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = path[i].pweight;
            path[i].pweight = next_one * d1 / ((i + 1) as f64 * one);
            next_one = tmp - path[i].pweight * zero * (depth - i) as f64 / d1;
        } else {
            path[i].pweight = path[i].pweight * d1 / (zero * (depth - i) as f64);
        }
    }
    for i in index..depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero_fraction = path[i + 1].zero_fraction;
        path[i].one_fraction = path[i + 1].one_fraction;
    }
}

fn unwound_path_sum(path: &[PathElement], depth: usize, index: usize) -> f64 {
    let one = path[index].one_fraction;
    let zero = path[index].zero_fraction;
    let d1 = (depth + 1) as f64;
    let mut next_one = path[depth].pweight;
    let mut total = 0.0;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = next_one * d1 / ((i + 1) as f64 * one);
            total += tmp;
            next_one = path[i].pweight - tmp * zero * (depth - i) as f64 / d1;
        } else {
            total += path[i].pweight / zero / ((depth - i) as f64 / d1);
        }
    }
    total
}

/// Recursion state of one row's walk of one tree.
struct Walk<'a> {
    nodes: &'a [Node],
    x: &'a Matrix,
    row: usize,
    phi: &'a mut [f64],
    /// Paths of every level, the path of a level starting right after its parent's.
    buf: Vec<PathElement>,
}

impl Walk<'_> {
    /// Visits `node`, whose path (of `depth` elements, copied from the parent) starts at `off`.
    fn recurse(
        &mut self,
        node: usize,
        off: usize,
        depth: usize,
        zero: f64,
        one: f64,
        feature: Option<usize>,
    ) {
        extend_path(&mut self.buf[off..], depth, zero, one, feature);
        let n = &self.nodes[node];
        if n.is_leaf() {
            let path = &self.buf[off..];
            for i in 1..=depth {
                let w = unwound_path_sum(path, depth, i);
                let el = path[i];
                // Only the root element has no feature, and it is skipped (i >= 1).
                if let Some(f) = el.feature {
                    self.phi[f] += w * (el.one_fraction - el.zero_fraction) * n.value;
                }
            }
            return;
        }
        let f = n.feature as usize;
        let hot = n.child(self.x.get(self.row, f));
        let cold = if hot == n.left as usize { n.right as usize } else { n.left as usize };
        let (fl, fr) =
            cover_fractions(n, &self.nodes[n.left as usize], &self.nodes[n.right as usize]);
        let (hot_zero, cold_zero) = if hot == n.left as usize { (fl, fr) } else { (fr, fl) };
        let (mut in_zero, mut in_one) = (1.0, 1.0);
        let mut d = depth;
        if let Some(pi) = (1..=depth).find(|&i| self.buf[off + i].feature == Some(f)) {
            in_zero = self.buf[off + pi].zero_fraction;
            in_one = self.buf[off + pi].one_fraction;
            unwind_path(&mut self.buf[off..], depth, pi);
            d -= 1;
        }
        let child = off + depth + 1;
        self.buf.copy_within(off..=off + d, child);
        self.recurse(hot, child, d + 1, hot_zero * in_zero, in_one, Some(f));
        self.buf.copy_within(off..=off + d, child);
        self.recurse(cold, child, d + 1, cold_zero * in_zero, 0.0, Some(f));
    }
}

/// Adds the SHAP values of one tree for row `row` of `x` to `phi`.
pub(crate) fn tree_shap(tree: &Tree, x: &Matrix, row: usize, phi: &mut [f64]) {
    let d = tree.depth() + 2;
    let mut walk = Walk {
        nodes: tree.nodes(),
        x,
        row,
        phi,
        buf: vec![PathElement::default(); (d + 1) * (d + 2) / 2 + d],
    };
    walk.recurse(0, 0, 0, 1.0, 1.0, None);
}

impl GbdtModel {
    /// Exact path-dependent TreeSHAP values on the raw (log-odds) scale.
    ///
    /// Returns `(expected_value, phi)` where `phi` is `rows x features` and, for
    /// every row, `expected_value + sum_j phi[i][j] == predict_raw(x)[i]` up to
    /// rounding. `expected_value` is the initial score plus every tree's
    /// cover-weighted mean output (covers are training row counts).
    pub fn shap_values(&self, x: &Matrix) -> Result<(f64, Matrix), ModelError> {
        if x.cols() != self.n_features() {
            return Err(ModelError::FeatureCount { expected: self.n_features(), found: x.cols() });
        }
        let expected =
            self.init_score() + self.trees().iter().map(Tree::expected_value).sum::<f64>();
        let mut out = Matrix::zeros(x.rows(), x.cols());
        let mut phi = vec![0.0; x.cols()];
        for i in 0..x.rows() {
            phi.fill(0.0);
            for t in self.trees() {
                tree_shap(t, x, i, &mut phi);
            }
            for (j, &v) in phi.iter().enumerate() {
                out.set(i, j, v);
            }
        }
        Ok((expected, out))
    }
}
