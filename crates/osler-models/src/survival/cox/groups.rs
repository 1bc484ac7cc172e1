//! Per-time-group bookkeeping of the Cox sweeps: the Efron/Breslow terms
//! of a group's deaths, the buffered `ln D2` terms of the log-likelihood and
//! the blocks of whole groups a gradient-only sweep walks.

use super::data::CoxData;
use super::fast_math::weighted_ln_sum;
use super::options::Ties;

/// Rows per block of the Gram kernel and of a gradient-only sweep (20 KiB at
/// `p = 20`: stays in L1).
pub(crate) const BLOCK: usize = 128;
/// Buffered `ln D2` terms per vectorised logarithm.
const LOG_BUFFER: usize = 256;

/// Row flags of `Engine::gradient_sweep`: the row is a death; it is the
/// last of its time group.
pub(crate) const DEATH: u8 = 1;
pub(crate) const GROUP_END: u8 = 2;

/// Consecutive whole time groups of one stratum, at most [`BLOCK`] rows
/// unless one group alone is larger.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub rows: std::ops::Range<usize>,
    /// Index of the first group.
    pub g0: usize,
    /// The first block of its stratum (the risk-set sums restart).
    pub opens_stratum: bool,
}

/// The blocks and row flags of `Engine::gradient_sweep`; they depend on
/// the data's structure only, not on the coefficients.
pub(crate) fn plan_blocks(d: &CoxData) -> (Vec<Block>, Vec<u8>) {
    let mut flags = vec![0u8; d.n];
    for g in &d.groups {
        flags[g.begin..g.begin + g.deaths].iter_mut().for_each(|f| *f |= DEATH);
        flags[g.end - 1] |= GROUP_END;
    }
    let mut blocks = Vec::new();
    for s in &d.strata {
        let mut g0 = s.g_begin;
        while g0 < s.g_end {
            let b0 = d.groups[g0].begin;
            let mut g1 = g0 + 1;
            while g1 < s.g_end && d.groups[g1].end - b0 <= BLOCK {
                g1 += 1;
            }
            let rows = b0..d.groups[g1 - 1].end;
            blocks.push(Block { rows, g0, opens_stratum: g0 == s.g_begin });
            g0 = g1;
        }
    }
    (blocks, flags)
}

/// The terms of a time group's deaths in the likelihood: the weight `m` of
/// each and the pairs `(f_j, D2_j)`, `D2_j = S0 - f_j E0`, `f_j = j/d` for
/// `j = 0..d` (Efron) or the single `(0, S0)` (Breslow, or one death). No
/// terms without deaths or when their weight `dw` is zero.
#[inline(always)]
pub(crate) fn tie_terms(
    ties: Ties,
    deaths: usize,
    s0: f64,
    e0: f64,
    dw: f64,
) -> (f64, impl ExactSizeIterator<Item = (f64, f64)>) {
    let efron = ties == Ties::Efron && deaths > 1;
    let nd = if deaths == 0 || dw == 0.0 {
        0
    } else if efron {
        deaths
    } else {
        1
    };
    let mw = if nd <= 1 { dw } else { dw / nd as f64 };
    let terms = (0..nd).map(move |j| {
        let f = j as f64 / deaths as f64;
        (f, if efron { s0 - f * e0 } else { s0 })
    });
    (mw, terms)
}

/// Buffered `w ln D2` terms, summed a block at a time with the vectorised
/// logarithm.
pub(crate) struct LogTerms {
    d2: [f64; LOG_BUFFER],
    w: [f64; LOG_BUFFER],
    len: usize,
}

impl LogTerms {
    pub(crate) fn new() -> Self {
        LogTerms { d2: [0.0; LOG_BUFFER], w: [0.0; LOG_BUFFER], len: 0 }
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, d2: f64, w: f64, loglik: &mut f64) {
        self.d2[self.len] = d2;
        self.w[self.len] = w;
        self.len += 1;
        if self.len == LOG_BUFFER {
            self.flush(loglik);
        }
    }

    #[inline(always)]
    pub(crate) fn flush(&mut self, loglik: &mut f64) {
        *loglik -= weighted_ln_sum(&self.d2[..self.len], &self.w[..self.len]);
        self.len = 0;
    }
}
