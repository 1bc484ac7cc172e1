//! Histogram gradient-boosted trees.
