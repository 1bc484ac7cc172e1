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
//! the weighted Gram matrix over blocks of the row-major copy with `4 x 8`
//! register tiles ([`gram_upper`]); the `a a'` terms are buffered during
//! pass 1 and added a block at a time by the same kernel. Without
//! [`Engine::hessian`] (the warm start's gradient-only steps) pass 1 exchanges
//! sums the same way within blocks of whole time groups and never forms
//! `S1` at each death ([`Engine::gradient_sweep`]).
//!
//! Both passes run through [`pulp::Arch::dispatch`], which compiles them for
//! the CPU's SIMD level (AVX2 or AVX-512 where present) and picks one at run
//! time, without `unsafe` here; `exp` and `ln` are the vectorisable ones of
//! [`super::fast_math`]. The summation order does not depend on the SIMD
//! width, so results are the same on every CPU.

use super::data::CoxData;
use super::fast_math::weighted_exp;
use super::groups::{BLOCK, Block, DEATH, GROUP_END, LogTerms, plan_blocks, tie_terms};
use super::kernels::{axpy, dot2, gram_upper, two_products};
use super::options::Ties;

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
    /// Per group of the last evaluation: `S0`.
    s0g: Vec<f64>,
    /// Whether [`Self::evaluate`] prepares [`Self::information`] (the `a a'` sum).
    pub hessian: bool,
    /// Per group: the hazard increment `c` of the last evaluation, replaced
    /// by its cumulative sums `C` (over later groups of the stratum) in
    /// [`Self::information`].
    c: Vec<f64>,
    /// Per group: `e` (Efron); empty when no group has tied deaths under
    /// Efron's method (then every `e` is 0).
    e: Vec<f64>,
    haa: Vec<f64>,
    /// Pending `a` vectors (`BLOCK x p`) and their weights.
    pend: Vec<f64>,
    pend_c: Vec<f64>,
    npend: usize,
    s1: Vec<f64>,
    e1: Vec<f64>,
    /// Row weights, and the groups' `c` and `e`, of a block of
    /// [`Self::gradient_sweep`] (kept there: nothing after the block
    /// needs them).
    v: Vec<f64>,
    cb: Vec<f64>,
    eb: Vec<f64>,
    /// The blocks and row flags of [`Self::gradient_sweep`] (planned on
    /// its first call).
    blocks: Vec<Block>,
    flags: Vec<u8>,
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

/// Rows whose linear predictor is computed ahead of the sweep (vectorised
/// `exp`; the block stays in cache for the sweep).
const ROWS_AHEAD: usize = 256;

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
            hessian: true,
            c: vec![0.0; g],
            e: if ties == Ties::Efron && d.groups.iter().any(|g| g.deaths > 1) {
                vec![0.0; g]
            } else {
                Vec::new()
            },
            haa: vec![0.0; p * p],
            pend: vec![0.0; BLOCK * p],
            pend_c: vec![0.0; BLOCK],
            npend: 0,
            s1: vec![0.0; p],
            e1: vec![0.0; p],
            v: vec![0.0; BLOCK],
            cb: vec![0.0; BLOCK],
            eb: vec![0.0; BLOCK],
            blocks: Vec::new(),
            flags: Vec::new(),
            a: vec![0.0; p],
            logs: LogTerms::new(),
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
    /// With `stats`, also records the per-group quantities. Without
    /// [`Self::hessian`] and `stats` (the warm start's steps), the gradient
    /// alone: the log-likelihood is NaN.
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
        let x = &d.x[rows.start * d.p..rows.end * d.p];
        let mut pairs = eta.chunks_exact_mut(2);
        for (e, two) in (&mut pairs).zip(x.chunks_exact(2 * d.p)) {
            let (r0, r1) = two.split_at(d.p);
            (e[0], e[1]) = dot2(r0, r1, beta);
        }
        if let Some(e) = pairs.into_remainder().first_mut() {
            let last = &x[x.len() - d.p..];
            *e = dot2(last, last, beta).0;
        }
        weighted_exp(eta, &d.w[rows.clone()], &mut self.r[rows]);
    }

    /// The hazard increments `(c, e)` of a time group once its rows are in
    /// the risk set (`S0`; `E0` and `dw` are its deaths' `sum r` and
    /// `sum w`) and, with `loglik`, its `ln D2` terms of the log-likelihood.
    #[inline(always)]
    fn group_hazard(
        &mut self,
        deaths: usize,
        s0: f64,
        e0: f64,
        dw: f64,
        mut loglik: Option<&mut f64>,
    ) -> (f64, f64) {
        let (mut c, mut e) = (0.0, 0.0);
        let (mw, terms) = tie_terms(self.ties, deaths, s0, e0, dw);
        for (f, d2) in terms {
            if let Some(l) = loglik.as_deref_mut() {
                self.logs.push(d2, mw, l);
            }
            c += mw / d2;
            if f != 0.0 {
                e += mw * f / d2;
            }
        }
        (c, e)
    }

    /// [`Self::evaluate`], inlined into code built for the CPU's SIMD level.
    #[inline(always)]
    fn sweep(&mut self, beta: &[f64], stats: Option<&mut GroupStats>) -> f64 {
        self.beta.clear();
        self.beta.extend_from_slice(beta);
        self.grad.iter_mut().for_each(|v| *v = 0.0);
        let mut loglik = if !self.hessian
            && stats.is_none()
            && self.d.entry.is_none()
            && self.xdeath.is_some()
        {
            self.gradient_sweep(beta);
            f64::NAN
        } else {
            self.full_sweep(beta, stats)
        };
        self.logs.flush(&mut loglik);
        if let Some(xd) = &self.xdeath {
            for (g, x) in self.grad.iter_mut().zip(xd) {
                *g += x;
            }
        }
        self.loglik = loglik;
        loglik
    }

    /// Gradient-only evaluation (no counting-process rows) by blocks of
    /// whole time groups: the block's scalars first, then its rows in two
    /// streaming products. Exchanging sums as for the information, the
    /// risk-set terms of the block's deaths are
    /// `sum_k (c_k S1(t_k) - e_k E1_k) = C S1_prev + sum_i v_i x_i` with
    /// `v_i = r_i (C_i - delta_i e_i)`, `C_i` the sum of `c_k` over the
    /// block's groups from row `i`'s on, `C` over all of them and `S1_prev`
    /// the risk-set sum before the block; so each row costs two
    /// multiply-adds per covariate instead of an update of `S1` and one more
    /// per death.
    #[inline(always)]
    fn gradient_sweep(&mut self, beta: &[f64]) {
        let d = self.d;
        let p = d.p;
        if self.blocks.is_empty() {
            (self.blocks, self.flags) = plan_blocks(d);
        }
        let mut s0 = 0.0;
        for k in 0..self.blocks.len() {
            let Block { rows, g0, opens_stratum } = self.blocks[k].clone();
            let (b0, b1) = (rows.start, rows.end);
            if opens_stratum {
                s0 = 0.0;
                self.s1.iter_mut().for_each(|v| *v = 0.0);
            }
            self.linear_predictor(beta, rows);
            let (mut gi, mut e0, mut dw, mut deaths) = (g0, 0.0, 0.0, 0);
            for i in b0..b1 {
                let (f, ri) = (self.flags[i], self.r[i]);
                s0 += ri;
                if f & DEATH != 0 {
                    e0 += ri;
                    dw += d.w[i];
                    deaths += 1;
                }
                if f & GROUP_END != 0 {
                    (self.cb[gi - g0], self.eb[gi - g0]) =
                        self.group_hazard(deaths, s0, e0, dw, None);
                    (gi, e0, dw, deaths) = (gi + 1, 0.0, 0.0, 0);
                }
            }
            if self.v.len() < b1 - b0 {
                self.v.resize(b1 - b0, 0.0);
            }
            // `v` negated, so that the product adds straight into `grad`.
            let mut csuf = 0.0;
            for i in (b0..b1).rev() {
                let f = self.flags[i];
                if f & GROUP_END != 0 {
                    gi -= 1;
                    csuf += self.cb[gi - g0];
                }
                let h = if f & DEATH != 0 { csuf - self.eb[gi - g0] } else { csuf };
                self.v[i - b0] = -(self.r[i] * h);
            }
            axpy(&mut self.grad, -csuf, &self.s1);
            let (v, r) = (&self.v[..b1 - b0], &self.r[b0..b1]);
            two_products(&d.x[b0 * p..b1 * p], v, r, p, &mut self.grad, &mut self.s1);
        }
    }

    /// The general evaluation, row by row in descending time with the
    /// risk-set sum `S1` itself: counting-process rows leave it at their
    /// start time, and the information and `stats` need every `a_j`.
    #[inline(always)]
    fn full_sweep(&mut self, beta: &[f64], mut stats: Option<&mut GroupStats>) -> f64 {
        let d = self.d;
        let p = d.p;
        self.haa.iter_mut().for_each(|v| *v = 0.0);
        self.npend = 0;
        if let Some(st) = stats.as_deref_mut() {
            let gp = if st.vectors { d.groups.len() * p } else { 0 };
            *st = GroupStats {
                vectors: st.vectors,
                m: vec![0.0; gp],
                m_death: vec![0.0; gp],
                abar: vec![0.0; gp],
                ..GroupStats::default()
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
                let (c, e) = self.group_hazard(g.deaths, s0, e0, dw, Some(&mut loglik));
                (self.s0g[gi], self.c[gi]) = (s0, c);
                if let Some(v) = self.e.get_mut(gi) {
                    *v = e;
                }
                let (mw, terms) = tie_terms(self.ties, g.deaths, s0, e0, dw);
                let nd = terms.len();
                for (f, d2) in terms {
                    let inv = 1.0 / d2;
                    if nd == 1 && !need_a {
                        axpy(&mut self.grad, -(mw * inv), &self.s1);
                        continue;
                    }
                    if nd > 1 {
                        for ((a, s), e) in self.a.iter_mut().zip(&self.s1).zip(&self.e1) {
                            *a = (s - f * e) * inv;
                        }
                    } else {
                        for (a, s) in self.a.iter_mut().zip(&self.s1) {
                            *a = s * inv;
                        }
                    }
                    axpy(&mut self.grad, -mw, &self.a);
                    if let Some(st) = stats.as_deref_mut().filter(|st| st.vectors) {
                        let (h, hd) = (mw / d2, mw * (1.0 - f) / d2);
                        let r = gi * p..(gi + 1) * p;
                        axpy(&mut st.m[r.clone()], h, &self.a);
                        axpy(&mut st.m_death[r.clone()], hd, &self.a);
                        axpy(&mut st.abar[r], 1.0 / nd as f64, &self.a);
                    }
                    if self.hessian {
                        self.push_aa(mw);
                    }
                }
            }
        }
        if self.npend > 0 {
            self.flush_aa();
        }
        if let Some(xd) = xdeath {
            self.xdeath = Some(xd);
        }
        if let Some(st) = stats {
            let vectors = std::mem::take(st);
            *st = GroupStats {
                vectors: vectors.vectors,
                m: vectors.m,
                m_death: vectors.m_death,
                abar: vectors.abar,
                ..self.scalar_stats()
            };
        }
        loglik
    }

    /// The deaths' `E0 = sum_D r` and weight `sum_D w` of group `gi` at the
    /// last evaluation, summed in the sweeps' order (so the same bits).
    fn death_sums(&self, gi: usize) -> (f64, f64) {
        let g = self.d.groups[gi];
        (g.begin..g.begin + g.deaths)
            .fold((0.0, 0.0), |(e0, dw), i| (e0 + self.r[i], dw + self.d.w[i]))
    }

    /// Group `gi`'s Breslow-type `d_w / S0` and Efron-type increments of the
    /// baseline hazard at the last evaluation (zero without deaths).
    fn increments(&self, gi: usize) -> (f64, f64) {
        let (s0, deaths) = (self.s0g[gi], self.d.groups[gi].deaths);
        let (e0, dw) = self.death_sums(gi);
        if deaths == 0 || dw == 0.0 {
            return (0.0, 0.0);
        }
        let (m, efron) = tie_terms(Ties::Efron, deaths, s0, e0, dw);
        (dw / s0, efron.map(|(_, d2)| m / d2).sum())
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
            c: self.c.clone(),
            c_death: vec![0.0; g],
            ..GroupStats::default()
        };
        for (gi, grp) in self.d.groups.iter().enumerate() {
            let (e0, dw) = self.death_sums(gi);
            let (mw, terms) = tie_terms(self.ties, grp.deaths, self.s0g[gi], e0, dw);
            st.c_death[gi] = terms.map(|(f, d2)| mw * (1.0 - f) / d2).sum();
            (st.breslow[gi], st.efron[gi]) = self.increments(gi);
        }
        st
    }

    /// The per-group Breslow and Efron increments of the baseline hazard
    /// ([`GroupStats::breslow`], [`GroupStats::efron`]) and the linear
    /// predictor of the last evaluation, written over the engine's own
    /// buffers (no new memory at the end of a fit).
    pub(crate) fn into_increments(mut self) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        for v in [&mut self.e, &mut self.pend] {
            *v = Vec::new();
        }
        for gi in 0..self.d.groups.len() {
            (self.s0g[gi], self.c[gi]) = self.increments(gi);
        }
        (self.s0g, self.c, self.eta)
    }

    /// Pass 2: the information matrix at the coefficients of the last
    /// [`Self::evaluate`] (which must have had [`Self::hessian`]), into `info`.
    /// The increments `c` become their cumulative sums (a new evaluation
    /// sets them again).
    pub(crate) fn information(&mut self) {
        let d = self.d;
        let p = d.p;
        self.info.iter_mut().for_each(|v| *v = 0.0);
        for s in &d.strata {
            let mut cum = 0.0;
            for gi in (s.g_begin..s.g_end).rev() {
                cum += self.c[gi];
                self.c[gi] = cum;
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
                let mut ci = self.c[gi];
                if let Some(sg) = d.entry.as_ref().and_then(|en| en.start_group[i]) {
                    ci -= self.c[sg];
                }
                if let Some(e) = self.e.get(gi).filter(|_| i < g.begin + g.deaths) {
                    ci -= e;
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
