//! A fitted regression tree stored as a flat array of nodes.

use osler_data::Matrix;
use serde::{Deserialize, Serialize};

/// One node of a [`Tree`]. Node 0 is the root; a node is a leaf when `left == 0`
/// (the root is never a child, so 0 is free to mean "none").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Split feature (column index); unused for leaves.
    pub feature: u32,
    /// A row goes left when `x[feature] <= threshold` (original feature scale).
    pub threshold: f64,
    /// Where a missing (NaN) value goes.
    pub default_left: bool,
    /// Index of the left child, 0 for a leaf.
    pub left: u32,
    /// Index of the right child, 0 for a leaf.
    pub right: u32,
    /// Leaf output on the log-odds scale, learning rate included; 0 for internal nodes.
    pub value: f64,
    /// Loss reduction of the split; 0 for leaves.
    pub gain: f64,
    /// Number of training rows that reached the node (the cover used by TreeSHAP).
    pub cover: f64,
}

impl Node {
    /// A leaf with the given output and cover.
    pub(crate) fn leaf(value: f64, cover: f64) -> Node {
        Node {
            feature: 0,
            threshold: 0.0,
            default_left: false,
            left: 0,
            right: 0,
            value,
            gain: 0.0,
            cover,
        }
    }

    /// True for a leaf.
    #[inline]
    pub fn is_leaf(&self) -> bool {
        self.left == 0
    }

    /// Whether a value of the split feature goes to the left child.
    #[inline]
    pub fn goes_left(&self, v: f64) -> bool {
        if v.is_nan() { self.default_left } else { v <= self.threshold }
    }

    /// The child a value of the split feature goes to.
    #[inline]
    pub fn child(&self, v: f64) -> usize {
        if self.goes_left(v) { self.left as usize } else { self.right as usize }
    }
}

/// A binary regression tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    pub(crate) fn from_nodes(nodes: Vec<Node>) -> Tree {
        debug_assert!(!nodes.is_empty());
        Tree { nodes }
    }

    /// The nodes, root first.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf()).count()
    }

    /// Depth of the deepest leaf (a lone root has depth 0).
    pub fn depth(&self) -> usize {
        fn walk(nodes: &[Node], i: usize) -> usize {
            let n = &nodes[i];
            if n.is_leaf() {
                0
            } else {
                1 + walk(nodes, n.left as usize).max(walk(nodes, n.right as usize))
            }
        }
        walk(&self.nodes, 0)
    }

    /// Output for row `i` of `x`.
    #[inline]
    pub fn predict_row(&self, x: &Matrix, i: usize) -> f64 {
        let mut k = 0;
        loop {
            let n = &self.nodes[k];
            if n.is_leaf() {
                return n.value;
            }
            k = n.child(x.get(i, n.feature as usize));
        }
    }

    /// Output for one row given as a slice of its feature values.
    #[inline]
    pub fn predict_slice(&self, row: &[f64]) -> f64 {
        let mut k = 0;
        loop {
            let n = &self.nodes[k];
            if n.is_leaf() {
                return n.value;
            }
            k = n.child(row[n.feature as usize]);
        }
    }

    /// Cover-weighted mean output: the tree's expected value under the training distribution.
    pub fn expected_value(&self) -> f64 {
        fn walk(nodes: &[Node], i: usize) -> f64 {
            let n = &nodes[i];
            if n.is_leaf() {
                return n.value;
            }
            let (l, r) = (&nodes[n.left as usize], &nodes[n.right as usize]);
            let (fl, fr) = cover_fractions(n, l, r);
            fl * walk(nodes, n.left as usize) + fr * walk(nodes, n.right as usize)
        }
        walk(&self.nodes, 0)
    }
}

/// Fractions of a node's cover that go left and right (half each if the cover is 0).
#[inline]
pub(crate) fn cover_fractions(parent: &Node, left: &Node, right: &Node) -> (f64, f64) {
    if parent.cover > 0.0 {
        (left.cover / parent.cover, right.cover / parent.cover)
    } else {
        (0.5, 0.5)
    }
}
