//! The sweep behind every Harrell-type concordance in the workspace.
//!
//! Subjects are visited from the latest time down. A [`RankTree`] holds the
//! (weighted) count of the subjects already passed per dense score rank, so
//! an event's pairs with everyone who outlived it split into lower, tied and
//! higher scores with one prefix query. Within a group of tied times the
//! censored subjects enter before the group's events are scored (they
//! outlived those events) and the events after (two events at the same time
//! are not comparable): [`RankTree::tie_group`].
//!
//! The prefix sums use a Fenwick tree over blocks of [`BLOCK`] ranks plus the
//! per-rank values: the tree is `m / 64` long, so it stays in cache where a
//! per-rank tree (4 MB at a million ranks) would miss on every level; a query
//! adds one tree prefix and a contiguous run of at most 63 per-rank values.

use std::ops::{Add, AddAssign, Sub};

/// What a [`RankTree`] stores per rank: a count (`u32`, summed as `u64`) or
/// a weight (`f64`, summed as `f64`).
pub(crate) trait Cell: Copy + Default + AddAssign {
    /// The type of sums over ranks.
    type Sum: Copy
        + Default
        + AddAssign
        + Add<Output = Self::Sum>
        + Sub<Output = Self::Sum>
        + std::iter::Sum<Self::Sum>;
    /// The value as a term of a sum.
    fn widen(self) -> Self::Sum;
}

impl Cell for u32 {
    type Sum = u64;
    #[inline]
    fn widen(self) -> u64 {
        u64::from(self)
    }
}

impl Cell for f64 {
    type Sum = f64;
    #[inline]
    fn widen(self) -> f64 {
        self
    }
}

/// Fenwick (binary indexed) tree of sums.
struct Fenwick<S> {
    tree: Vec<S>,
}

impl<S: Copy + Default + AddAssign> Fenwick<S> {
    fn new(m: usize) -> Self {
        Fenwick { tree: vec![S::default(); m + 1] }
    }

    #[inline]
    fn add(&mut self, at: usize, v: S) {
        let mut k = at + 1;
        while k < self.tree.len() {
            self.tree[k] += v;
            k += k & k.wrapping_neg();
        }
    }

    /// Sum over positions `< at`.
    #[inline]
    fn prefix(&self, at: usize) -> S {
        let (mut k, mut s) = (at, S::default());
        while k > 0 {
            s += self.tree[k];
            k &= k - 1;
        }
        s
    }
}

/// Ranks per block of the two-level structure.
const BLOCK: usize = 64;

/// An event's pairs with the subjects inserted so far, by their score rank
/// relative to the event's: (weighted) counts below, equal and above.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ranked<S> {
    pub lower: S,
    pub tied: S,
    pub higher: S,
}

/// Inserted value per score rank `0..m`, with block prefix sums (module docs).
pub(crate) struct RankTree<C: Cell> {
    cell: Vec<C>,
    blocks: Fenwick<C::Sum>,
    total: C::Sum,
}

impl<C: Cell> RankTree<C> {
    /// An empty structure over ranks `0..m`.
    pub(crate) fn new(m: usize) -> Self {
        RankTree {
            cell: vec![C::default(); m],
            blocks: Fenwick::new(m.div_ceil(BLOCK)),
            total: C::Sum::default(),
        }
    }

    /// Adds `v` at `rank` (a negative weight removes a row again).
    #[inline]
    pub(crate) fn insert(&mut self, rank: usize, v: C) {
        self.cell[rank] += v;
        self.blocks.add(rank / BLOCK, v.widen());
        self.total += v.widen();
    }

    /// Inserted values at ranks below, equal to and above `rank`.
    #[inline]
    fn ranked(&self, rank: usize) -> Ranked<C::Sum> {
        let start = rank - rank % BLOCK;
        let within: C::Sum = self.cell[start..rank].iter().map(|&c| c.widen()).sum();
        let lower = self.blocks.prefix(rank / BLOCK) + within;
        let tied = self.cell[rank].widen();
        Ranked { lower, tied, higher: self.total - lower - tied }
    }

    /// One group of tied times of the descending sweep: `censored` as
    /// `(rank, value)` enter, then every event of `events` (`(rank, value,
    /// tag)`) is passed to `on_event` with its [`Ranked`] pairs, then the
    /// events enter. Returns the numbers of censored subjects and events.
    #[inline]
    pub(crate) fn tie_group<T>(
        &mut self,
        censored: impl Iterator<Item = (usize, C)>,
        events: impl Iterator<Item = (usize, C, T)> + Clone,
        mut on_event: impl FnMut(T, Ranked<C::Sum>),
    ) -> (u64, u64) {
        let mut n_censored = 0u64;
        for (rank, v) in censored {
            self.insert(rank, v);
            n_censored += 1;
        }
        let mut n_events = 0u64;
        for (rank, _, tag) in events.clone() {
            on_event(tag, self.ranked(rank));
            n_events += 1;
        }
        for (rank, v, _) in events {
            self.insert(rank, v);
        }
        (n_censored, n_events)
    }

    /// Empties the structure; `ranks` must list every rank inserted since
    /// the last clear (so only they are touched, not all `m`).
    pub(crate) fn clear(&mut self, ranks: impl Iterator<Item = usize>) {
        ranks.for_each(|r| self.cell[r] = C::default());
        self.blocks.tree.iter_mut().for_each(|v| *v = C::Sum::default());
        self.total = C::Sum::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranked_counts_match_a_scan() {
        let ranks = [5usize, 0, 130, 64, 63, 5, 200, 129];
        let mut tree = RankTree::<u32>::new(201);
        for &r in &ranks {
            tree.insert(r, 1);
        }
        for probe in [0usize, 5, 63, 64, 100, 129, 130, 200] {
            let got = tree.ranked(probe);
            let lower = ranks.iter().filter(|&&r| r < probe).count() as u64;
            let tied = ranks.iter().filter(|&&r| r == probe).count() as u64;
            assert_eq!((got.lower, got.tied, got.higher), (lower, tied, 8 - lower - tied));
        }
        tree.clear(ranks.iter().copied());
        let empty = tree.ranked(130);
        assert_eq!((empty.lower, empty.tied, empty.higher), (0, 0, 0));
    }
}
