//! One-sweep evaluation of the Cox log partial likelihood, its gradient and
//! its information matrix (Breslow or Efron ties, strata, weights,
//! counting-process data).
//!
//! Pass 1 walks each stratum in descending time, accumulating the risk-set
//! sums `S0 = sum_R w r`, `S1 = sum_R w r x` (`r = exp(eta)`). At an event
//! time with deaths `D` (`d` of them, weight `d_w`), for `j = 0..d` (Efron;
//! Breslow: `f_j = 0`), `f_j = j/d`, `m = d_w/d`:
//!
//! ```text
//! D2_j = S0 - f_j E0,  a_j = (S1 - f_j E1) / D2_j    (E = the same sums over D)
//! l   += sum_D w eta - m sum_j log D2_j
//! U   += sum_D w x   - m sum_j a_j
//! I   += m sum_j [ (S2 - f_j E2) / D2_j - a_j a_j' ]
//! ```
//!
//! `S2` is never formed. Exchanging the sums, `sum_k c_k S2(t_k) =
//! sum_i w_i r_i C_i x_i x_i'` with `C_i = sum_{t_k <= t_i} c_k`,
//! `c_k = m sum_j 1/D2_j` (the Efron-type baseline hazard increment), so
//!
//! ```text
//! I = X' diag(w r (C - delta e)) X - sum_k m sum_j a_j a_j',   e_k = m sum_j f_j / D2_j
//! ```
//!
//! (`C` taken over `(start, stop]` for counting-process rows). Pass 2 forms
//! the weighted Gram matrix over blocks of the row-major copy with `2 x 8`
//! register tiles ([`gram_upper`]); the `a a'` terms are buffered during
//! pass 1 and added a block at a time by the same kernel. Without
//! [`Engine::hessian`] pass 1 skips the `a a'` terms (gradient-only steps).
//!
//! Both passes run through [`pulp::Arch::dispatch`], which compiles them for
//! the CPU's SIMD level (AVX2 or AVX-512 where present) and picks one at run
//! time, without `unsafe` here; `exp` and `ln` are the vectorisable ones of
//! [`super::fast_math`]. The summation order does not depend on the SIMD
//! width, so results are the same on every CPU.

use super::cox_data::CoxData;
use super::cox_options::Ties;
use super::fast_math::{weighted_exp, weighted_ln_sum};

/// Per-group quantities at the final coefficients (baseline hazard, residuals).
#[derive(Debug, Clone, Default)]
pub(crate) struct GroupStats {
    /// Also record the vectors `m`, `m_death`, `abar` (G x p memory).
    pub vectors: bool,
    /// Breslow-type increment `d_w / S0` (centred scale); 0 without deaths.
    pub breslow: Vec<f64>,
    /// Efron-type increment `m sum_j 1/D2_j` (equals `breslow` when `d = 1`).
    pub efron: Vec<f64>,
    /// Fit-consistent hazard `c` (Efron or Breslow per the ties method).
    pub c: Vec<f64>,
    /// Hazard seen by the group's own deaths, `m sum_j (1 - f_j)/D2_j`.
    pub c_death: Vec<f64>,
    /// `m sum_j a_j / D2_j` (G x p).
    pub m: Vec<f64>,
    /// `m sum_j (1 - f_j) a_j / D2_j` (G x p).
    pub m_death: Vec<f64>,
    /// `(1/d) sum_j a_j`, the expected covariate of a death (G x p).
    pub abar: Vec<f64>,
}

/// Scratch and results of one evaluation; buffers are reused across
/// Newton iterations.
pub(crate) struct Engine<'a> {
    pub d: &'a CoxData,
    ties: Ties,
    pub r: Vec<f64>,
    /// Linear predictor `x'beta` (centred) of the last evaluation, sorted order.
    pub eta: Vec<f64>,
    /// Coefficients of the last evaluation.
    pub beta: Vec<f64>,
    /// Per group of the last evaluation: `S0`, `E0` and the deaths' weight.
    s0g: Vec<f64>,
    e0g: Vec<f64>,
    dwg: Vec<f64>,
    /// Whether [`Self::evaluate`] prepares [`Self::information`] (the `a a'` sum).
    pub hessian: bool,
    c: Vec<f64>,
    e: Vec<f64>,
    cum: Vec<f64>,
    haa: Vec<f64>,
    /// Pending `a` vectors (`BLOCK x p`) and their weights.
    pend: Vec<f64>,
    pend_c: Vec<f64>,
    npend: usize,
    s1: Vec<f64>,
    e1: Vec<f64>,
    a: Vec<f64>,
    /// Pending `ln D2` terms of the log-likelihood.
    logs: LogTerms,
    pub loglik: f64,
    pub grad: Vec<f64>,
    /// `sum_D w x` over all deaths (the same at every `beta`), from the
    /// first evaluation on.
    xdeath: Option<Vec<f64>>,
    /// Information matrix (negative Hessian), full symmetric, row-major.
    pub info: Vec<f64>,
}

#[inline(always)]
fn dot(x: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let mut cx = x.chunks_exact(4);
    let mut cb = b.chunks_exact(4);
    for (u, v) in (&mut cx).zip(&mut cb) {
        acc[0] += u[0] * v[0];
        acc[1] += u[1] * v[1];
        acc[2] += u[2] * v[2];
        acc[3] += u[3] * v[3];
    }
    let tail: f64 = cx.remainder().iter().zip(cb.remainder()).map(|(u, v)| u * v).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

#[inline(always)]
fn axpy(y: &mut [f64], a: f64, x: &[f64]) {
    for (yv, xv) in y.iter_mut().zip(x) {
        *yv += a * xv;
    }
}

/// Rows per block of the Gram kernel (20 KiB at `p = 20`: stays in L1).
const BLOCK: usize = 128;
/// Rows whose linear predictor is computed ahead of the sweep (vectorised
/// `exp`; the block stays in cache for the sweep).
const ROWS_AHEAD: usize = 256;

/// Buffered `w ln D2` terms, summed a block at a time with the vectorised
/// logarithm.
#[derive(Default)]
struct LogTerms {
    d2: Vec<f64>,
    w: Vec<f64>,
}

impl LogTerms {
    #[inline(always)]
    fn push(&mut self, d2: f64, w: f64, loglik: &mut f64) {
        self.d2.push(d2);
        self.w.push(w);
        if self.d2.len() == ROWS_AHEAD {
            self.flush(loglik);
        }
    }

    #[inline(always)]
    fn flush(&mut self, loglik: &mut f64) {
        *loglik -= weighted_ln_sum(&self.d2, &self.w);
        self.d2.clear();
        self.w.clear();
    }
}

/// `acc[j][k] += sum_i h_i x_i[j] x_i[k]` for `j <= k < p` (upper triangle,
/// row-major `p x p`; tiles on the diagonal also write the entry below it),
/// over the rows of `x` (row-major, width `p`). Two rows of `acc` and up to
/// eight columns are accumulated in registers over all the rows, which
/// compiles to packed SIMD code; the summation order is fixed.
#[inline(always)]
pub(crate) fn gram_upper(acc: &mut [f64], x: &[f64], h: &[f64], p: usize) {
    let mut a = 0;
    while a < p {
        let rows = if a + 1 < p { 2 } else { 1 };
        let mut b = a;
        while b < p {
            let width = match p - b {
                8.. => 8,
                4..=7 => 4,
                2 | 3 => 2,
                _ => 1,
            };
            match (rows, width) {
                (2, 8) => add_tile(acc, p, a, b, &tile::<2, 8>(x, h, p, a, b)),
                (2, 4) => add_tile(acc, p, a, b, &tile::<2, 4>(x, h, p, a, b)),
                (2, 2) => add_tile(acc, p, a, b, &tile::<2, 2>(x, h, p, a, b)),
                (2, _) => add_tile(acc, p, a, b, &tile::<2, 1>(x, h, p, a, b)),
                (_, 8) => add_tile(acc, p, a, b, &tile::<1, 8>(x, h, p, a, b)),
                (_, 4) => add_tile(acc, p, a, b, &tile::<1, 4>(x, h, p, a, b)),
                (_, 2) => add_tile(acc, p, a, b, &tile::<1, 2>(x, h, p, a, b)),
                _ => add_tile(acc, p, a, b, &tile::<1, 1>(x, h, p, a, b)),
            }
            b += width;
        }
        a += rows;
    }
}

#[inline(always)]
fn add_tile<const R: usize, const C: usize>(
    acc: &mut [f64],
    p: usize,
    a: usize,
    b: usize,
    t: &[[f64; C]; R],
) {
    for (r, row) in t.iter().enumerate() {
        // Below-diagonal cells of a diagonal tile (b = a, r = 1, c = 0) are
        // harmless: the caller mirrors the upper triangle.
        for (c, v) in row.iter().enumerate() {
            acc[(a + r) * p + b + c] += v;
        }
    }
}

/// `out[r][c] = sum_i h_i x_i[a + r] x_i[b + c]`.
#[inline(always)]
fn tile<const R: usize, const C: usize>(
    x: &[f64],
    h: &[f64],
    p: usize,
    a: usize,
    b: usize,
) -> [[f64; C]; R] {
    let mut out = [[0.0f64; C]; R];
    for (row, &hi) in x.chunks_exact(p).zip(h) {
        let y = &row[b..b + C];
        for r in 0..R {
            let s = hi * row[a + r];
            for c in 0..C {
                out[r][c] += s * y[c];
            }
        }
    }
    out
}

/// [`Engine::evaluate`] as a [`pulp::WithSimd`]: its body is inlined into
/// code built for the CPU's SIMD level (chosen at run time).
struct Sweep<'e, 'a> {
    eng: &'e mut Engine<'a>,
    beta: &'e [f64],
    stats: Option<&'e mut GroupStats>,
}

impl pulp::WithSimd for Sweep<'_, '_> {
    type Output = f64;
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> f64 {
        self.eng.sweep(self.beta, self.stats)
    }
}

/// [`Engine::gram_pass`] at the CPU's SIMD level.
struct GramPass<'e, 'a>(&'e mut Engine<'a>);

impl pulp::WithSimd for GramPass<'_, '_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        self.0.gram_pass()
    }
}

impl<'a> Engine<'a> {
    pub(crate) fn new(d: &'a CoxData, ties: Ties) -> Self {
        let (p, g) = (d.p, d.groups.len());
        Engine {
            d,
            ties,
            r: vec![0.0; d.n],
            eta: vec![0.0; d.n],
            beta: Vec::new(),
            s0g: vec![0.0; g],
            e0g: vec![0.0; g],
            dwg: vec![0.0; g],
            hessian: true,
            c: vec![0.0; g],
            e: vec![0.0; g],
            cum: vec![0.0; g],
            haa: vec![0.0; p * p],
            pend: vec![0.0; BLOCK * p],
            pend_c: vec![0.0; BLOCK],
            npend: 0,
            s1: vec![0.0; p],
            e1: vec![0.0; p],
            a: vec![0.0; p],
            logs: LogTerms::default(),
            loglik: 0.0,
            grad: vec![0.0; p],
            xdeath: None,
            info: vec![0.0; p * p],
        }
    }

    #[inline(always)]
    fn push_aa(&mut self, m: f64) {
        let p = self.d.p;
        let k = self.npend;
        self.pend[k * p..(k + 1) * p].copy_from_slice(&self.a);
        self.pend_c[k] = m;
        self.npend += 1;
        if self.npend == BLOCK {
            self.flush_aa();
        }
    }

    #[inline(always)]
    fn flush_aa(&mut self) {
        let (p, k) = (self.d.p, self.npend);
        gram_upper(&mut self.haa, &self.pend[..k * p], &self.pend_c[..k], p);
        self.npend = 0;
    }

    /// Pass 1 at `beta`: log partial likelihood and score into `loglik`,
    /// `grad`; hazard increments and the `a a'` sum for [`Self::information`].
    /// With `stats`, also records the per-group quantities.
    pub(crate) fn evaluate(&mut self, beta: &[f64], stats: Option<&mut GroupStats>) -> f64 {
        pulp::Arch::new().dispatch(Sweep { eng: self, beta, stats })
    }

    /// `eta = x'beta` and `r = w exp(eta)` of the sorted rows `rows`.
    #[inline(always)]
    fn linear_predictor(&mut self, beta: &[f64], rows: std::ops::Range<usize>) {
        let d = self.d;
        let eta = &mut self.eta[rows.clone()];
        if beta.iter().all(|&b| b == 0.0) {
            eta.iter_mut().for_each(|e| *e = 0.0);
            self.r[rows.clone()].copy_from_slice(&d.w[rows]);
            return;
        }
        for (e, i) in eta.iter_mut().zip(rows.clone()) {
            *e = dot(d.row(i), beta);
        }
        weighted_exp(eta, &d.w[rows.clone()], &mut self.r[rows]);
    }

    /// [`Self::evaluate`], inlined into code built for the CPU's SIMD level.
    #[inline(always)]
    fn sweep(&mut self, beta: &[f64], mut stats: Option<&mut GroupStats>) -> f64 {
        let d = self.d;
        let p = d.p;
        self.beta.clear();
        self.beta.extend_from_slice(beta);
        self.loglik = 0.0;
        self.grad.iter_mut().for_each(|v| *v = 0.0);
        self.haa.iter_mut().for_each(|v| *v = 0.0);
        self.npend = 0;
        if let Some(st) = stats.as_deref_mut() {
            let g = d.groups.len();
            let gp = if st.vectors { g * p } else { 0 };
            *st = GroupStats {
                vectors: st.vectors,
                breslow: vec![0.0; g],
                efron: vec![0.0; g],
                c: vec![0.0; g],
                c_death: vec![0.0; g],
                m: vec![0.0; gp],
                m_death: vec![0.0; gp],
                abar: vec![0.0; gp],
            };
        }
        let mut loglik = 0.0;
        // Rows whose `eta` and `r` are computed.
        let mut ready = 0;
        // The deaths' `sum w x` is summed on the first evaluation only; the
        // risk-set terms go into `grad` and the sum is added at the end.
        let mut xdeath = if self.xdeath.is_none() { Some(vec![0.0; p]) } else { None };
        // Breslow steps need `a` itself only for the information or `stats`.
        let need_a = self.hessian || stats.is_some();
        for s in &d.strata {
            let mut s0 = 0.0;
            self.s1.iter_mut().for_each(|v| *v = 0.0);
            let mut ptr = s.begin;
            let mut count = 0usize;
            for gi in s.g_begin..s.g_end {
                let g = d.groups[gi];
                if let Some(en) = &d.entry {
                    while ptr < s.end && en.start[en.by_start[ptr]] >= g.time {
                        let k = en.by_start[ptr];
                        s0 -= self.r[k];
                        axpy(&mut self.s1, -self.r[k], d.row(k));
                        count -= 1;
                        ptr += 1;
                    }
                    if count == 0 {
                        s0 = 0.0;
                        self.s1.iter_mut().for_each(|v| *v = 0.0);
                    }
                }
                let (mut e0, mut dw) = (0.0, 0.0);
                if g.deaths > 1 {
                    self.e1.iter_mut().for_each(|v| *v = 0.0);
                }
                if g.end > ready {
                    let to = g.end.max(ready + ROWS_AHEAD).min(d.n);
                    self.linear_predictor(beta, ready..to);
                    ready = to;
                }
                for i in g.begin..g.end {
                    let x = d.row(i);
                    let ri = self.r[i];
                    s0 += ri;
                    axpy(&mut self.s1, ri, x);
                    if i < g.begin + g.deaths {
                        let wi = d.w[i];
                        e0 += ri;
                        dw += wi;
                        loglik += wi * self.eta[i];
                        if let Some(xd) = xdeath.as_mut() {
                            axpy(xd, wi, x);
                        }
                        if g.deaths > 1 {
                            axpy(&mut self.e1, ri, x);
                        }
                    }
                }
                count += g.end - g.begin;
                (self.s0g[gi], self.e0g[gi], self.dwg[gi]) = (s0, e0, dw);
                self.c[gi] = 0.0;
                self.e[gi] = 0.0;
                if g.deaths == 0 || dw == 0.0 {
                    continue;
                }
                let efron = self.ties == Ties::Efron && g.deaths > 1;
                let nd = if efron { g.deaths } else { 1 };
                let mw = dw / nd as f64;
                for j in 0..nd {
                    let f = j as f64 / g.deaths as f64;
                    let d2 = if efron { s0 - f * e0 } else { s0 };
                    let inv = 1.0 / d2;
                    self.logs.push(d2, mw, &mut loglik);
                    self.c[gi] += mw / d2;
                    if !efron && !need_a {
                        axpy(&mut self.grad, -(mw * inv), &self.s1);
                        continue;
                    }
                    if efron {
                        for ((a, s), e) in self.a.iter_mut().zip(&self.s1).zip(&self.e1) {
                            *a = (s - f * e) * inv;
                        }
                    } else {
                        for (a, s) in self.a.iter_mut().zip(&self.s1) {
                            *a = s * inv;
                        }
                    }
                    axpy(&mut self.grad, -mw, &self.a);
                    self.e[gi] += mw * f / d2;
                    if let Some(st) = stats.as_deref_mut() {
                        let (h, hd) = (mw / d2, mw * (1.0 - f) / d2);
                        st.c_death[gi] += hd;
                        if st.vectors {
                            let r = gi * p..(gi + 1) * p;
                            axpy(&mut st.m[r.clone()], h, &self.a);
                            axpy(&mut st.m_death[r.clone()], hd, &self.a);
                            axpy(&mut st.abar[r], 1.0 / nd as f64, &self.a);
                        }
                    }
                    if self.hessian {
                        self.push_aa(mw);
                    }
                }
                if let Some(st) = stats.as_deref_mut() {
                    st.c[gi] = self.c[gi];
                    st.breslow[gi] = dw / s0;
                    st.efron[gi] = if self.ties == Ties::Efron {
                        self.c[gi]
                    } else {
                        let m = dw / g.deaths as f64;
                        (0..g.deaths).map(|j| m / (s0 - j as f64 / g.deaths as f64 * e0)).sum()
                    };
                }
            }
        }
        if self.npend > 0 {
            self.flush_aa();
        }
        self.logs.flush(&mut loglik);
        if let Some(xd) = xdeath {
            self.xdeath = Some(xd);
        }
        if let Some(xd) = &self.xdeath {
            for (g, x) in self.grad.iter_mut().zip(xd) {
                *g += x;
            }
        }
        self.loglik = loglik;
        loglik
    }

    /// The scalar [`GroupStats`] (no vectors) of the last [`Self::evaluate`],
    /// as `evaluate(beta, Some(..))` would record them, without a pass over
    /// the rows.
    pub(crate) fn scalar_stats(&self) -> GroupStats {
        let g = self.d.groups.len();
        let mut st = GroupStats {
            vectors: false,
            breslow: vec![0.0; g],
            efron: vec![0.0; g],
            c: vec![0.0; g],
            c_death: vec![0.0; g],
            ..GroupStats::default()
        };
        for (gi, grp) in self.d.groups.iter().enumerate() {
            let (s0, e0, dw) = (self.s0g[gi], self.e0g[gi], self.dwg[gi]);
            if grp.deaths == 0 || dw == 0.0 {
                continue;
            }
            let efron = self.ties == Ties::Efron && grp.deaths > 1;
            let nd = if efron { grp.deaths } else { 1 };
            let mw = dw / nd as f64;
            for j in 0..nd {
                let f = j as f64 / grp.deaths as f64;
                let d2 = if efron { s0 - f * e0 } else { s0 };
                st.c_death[gi] += mw * (1.0 - f) / d2;
            }
            st.c[gi] = self.c[gi];
            st.breslow[gi] = dw / s0;
            st.efron[gi] = if self.ties == Ties::Efron {
                self.c[gi]
            } else {
                let m = dw / grp.deaths as f64;
                (0..grp.deaths).map(|j| m / (s0 - j as f64 / grp.deaths as f64 * e0)).sum()
            };
        }
        st
    }

    /// [`Self::scalar_stats`] and the linear predictor, freeing the rest of
    /// the engine first (lower peak memory at the end of a fit).
    pub(crate) fn into_scalar_stats(mut self) -> (GroupStats, Vec<f64>) {
        for v in [&mut self.r, &mut self.cum, &mut self.e, &mut self.pend] {
            *v = Vec::new();
        }
        let stats = self.scalar_stats();
        (stats, self.eta)
    }

    /// Pass 2: the information matrix at the coefficients of the last
    /// [`Self::evaluate`] (which must have had [`Self::hessian`]), into `info`.
    pub(crate) fn information(&mut self) {
        let d = self.d;
        let p = d.p;
        self.info.iter_mut().for_each(|v| *v = 0.0);
        for s in &d.strata {
            let mut cum = 0.0;
            for gi in (s.g_begin..s.g_end).rev() {
                cum += self.c[gi];
                self.cum[gi] = cum;
            }
        }
        pulp::Arch::new().dispatch(GramPass(self));
        let h = &mut self.info;
        for j in 0..p {
            for l in j..p {
                let v = h[j * p + l] - self.haa[j * p + l];
                h[j * p + l] = v;
                h[l * p + j] = v;
            }
        }
    }

    /// `info += X' diag(w r (C - delta e)) X` (upper triangle).
    #[inline(always)]
    fn gram_pass(&mut self) {
        let d = self.d;
        let p = d.p;
        let h = &mut self.info;
        // Weights `w r (C - delta e)` of a block of consecutive sorted rows.
        let mut hw = [0.0; BLOCK];
        let mut b0 = 0;
        for g in d.groups.iter().enumerate() {
            let (gi, g) = (g.0, *g.1);
            for i in g.begin..g.end {
                let mut ci = self.cum[gi];
                if let Some(sg) = d.entry.as_ref().and_then(|en| en.start_group[i]) {
                    ci -= self.cum[sg];
                }
                if i < g.begin + g.deaths {
                    ci -= self.e[gi];
                }
                hw[i - b0] = self.r[i] * ci;
                if i + 1 - b0 == BLOCK {
                    gram_upper(h, &d.x[b0 * p..(i + 1) * p], &hw, p);
                    b0 = i + 1;
                }
            }
        }
        if b0 < d.n {
            gram_upper(h, &d.x[b0 * p..d.n * p], &hw[..d.n - b0], p);
        }
    }
}
