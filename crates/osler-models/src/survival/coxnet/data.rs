//! Sorted, standardised layout of the elastic-net Cox model and its
//! one-pass Breslow risk-set sweep.
//!
//! Validation, the sort (stratum, time descending, deaths first) and the
//! time groups come from [`CoxData`] (built on a zero-column matrix, so no
//! row-major copy of the covariates is made); the covariates are copied
//! column-major in sorted order, centred and, with `standardize`, divided by
//! their population SD `s_j = sqrt(sum_i (x_ij - m_j)^2 / n)`.
//!
//! With sorted rows the risk set of an event time `t_k` is a prefix of its
//! stratum, `R_k = {begin_s, .., end_k - 1}`. For `eta` (sorted order),
//! `r_i = exp(eta_i)`, `S0_k = sum_{R_k} r_i`, `d_k` deaths at `t_k`,
//! the Breslow log partial likelihood and the derivatives of
//! `f(eta) = -l(eta) / n` are
//!
//! ```text
//! l        = sum_i delta_i eta_i - sum_k d_k log S0_k
//! df/deta_i = r_i C_i - delta_i / n,            C_i = sum_{k: i in R_k} d_k / (n S0_k)
//! d2f       = diag(r C) - sum_k c2_k r_{R_k} r_{R_k}',   c2_k = d_k / (n S0_k^2)
//! ```
//!
//! `C` is a suffix sum over the event groups of each stratum, so one forward
//! and one backward pass give everything in `O(n)`.

use osler_data::Matrix;

use crate::ModelError;
use crate::survival::cox::data::CoxData;
use crate::survival::cox::kernels::axpy;
use crate::survival::cox::model::BaselineStratum;
use crate::survival::cox::options::{CoxOptions, Ties};

/// An event time: risk set `stratum begin..end` (sorted positions), `deaths` events.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EventGroup {
    pub end: usize,
    /// First death row (deaths are `dstart..dstart + deaths`).
    pub dstart: usize,
    pub deaths: usize,
    pub time: f64,
}

/// One stratum: rows `begin..end`, event groups `ev_begin..ev_end`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StratumRange {
    pub label: u32,
    pub begin: usize,
    pub end: usize,
    pub ev_begin: usize,
    pub ev_end: usize,
}

/// Validated, sorted and standardised training data.
#[derive(Debug, Clone)]
pub(crate) struct Prep {
    pub n: usize,
    pub p: usize,
    /// Centred (and scaled) covariates, column-major in sorted order.
    pub z: Vec<f64>,
    /// Divisor of each column (`s_j`, or 1 without standardisation); 0 marks
    /// a constant column, which is left out of the fit (coefficient 0).
    pub scale: Vec<f64>,
    pub status: Vec<bool>,
    /// Sorted position -> original row.
    pub order: Vec<usize>,
    pub events: Vec<EventGroup>,
    pub strata: Vec<StratumRange>,
    pub n_events: usize,
    /// Saturated log partial likelihood `-sum_k d_k log d_k` (glmnet).
    pub loglik_sat: f64,
}

impl Prep {
    pub(crate) fn new(
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        strata: Option<&[u32]>,
        standardize: bool,
    ) -> Result<Self, ModelError> {
        let (n, p) = (x.rows(), x.cols());
        let opts = CoxOptions {
            ties: Ties::Breslow,
            strata: strata.map(<[u32]>::to_vec),
            ..CoxOptions::default()
        };
        let cd = CoxData::new(&Matrix::zeros(n, 0), time, event, &opts)?;
        let mut z = vec![0.0; n * p];
        let mut scale = vec![0.0; p];
        for j in 0..p {
            let col = x.col(j);
            if let Some(row) = col.iter().position(|v| !v.is_finite()) {
                return Err(ModelError::NonFinite { feature: j, row, value: col[row] });
            }
            let m = col.iter().sum::<f64>() / n as f64;
            let constant = col.iter().all(|&v| v == col[0]);
            let sd = (col.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n as f64).sqrt();
            let s = match (constant, standardize) {
                (true, _) => 0.0,
                (false, true) => sd,
                (false, false) => 1.0,
            };
            scale[j] = s;
            if s > 0.0 {
                let inv = 1.0 / s;
                for (dst, &i) in z[j * n..(j + 1) * n].iter_mut().zip(&cd.order) {
                    *dst = (col[i] - m) * inv;
                }
            }
        }
        let mut events = Vec::new();
        let mut ranges = Vec::with_capacity(cd.strata.len());
        for s in &cd.strata {
            let ev_begin = events.len();
            // Groups are in descending time; the risk set ends with the group.
            for g in &cd.groups[s.g_begin..s.g_end] {
                if g.deaths > 0 {
                    events.push(EventGroup {
                        end: g.end,
                        dstart: g.begin,
                        deaths: g.deaths,
                        time: g.time,
                    });
                }
            }
            ranges.push(StratumRange {
                label: s.label,
                begin: s.begin,
                end: s.end,
                ev_begin,
                ev_end: events.len(),
            });
        }
        let n_events = events.iter().map(|e| e.deaths).sum();
        let loglik_sat =
            -events.iter().map(|e| e.deaths as f64 * (e.deaths as f64).ln()).sum::<f64>();
        Ok(Prep {
            n,
            p,
            z,
            scale,
            status: cd.status,
            order: cd.order,
            events,
            strata: ranges,
            n_events,
            loglik_sat,
        })
    }

    /// Column `j` of the standardised design (sorted order).
    #[inline]
    pub(crate) fn col(&self, j: usize) -> &[f64] {
        &self.z[j * self.n..(j + 1) * self.n]
    }

    /// Features that enter the fit (non-constant columns).
    pub(crate) fn features(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.p).filter(|&j| self.scale[j] > 0.0)
    }

    /// Breslow log partial likelihood at `eta` (sorted order).
    pub(crate) fn loglik(&self, eta: &[f64]) -> f64 {
        let mut st = Sweep::new(self);
        st.forward(self, eta)
    }
}

/// Per-evaluation quantities of the sweep (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct Sweep {
    /// `r_i = exp(eta_i - shift)`.
    pub r: Vec<f64>,
    /// `r_i C_i` (the diagonal of the Hessian in `eta`, 1/n scale).
    pub a: Vec<f64>,
    /// `df/deta_i = a_i - delta_i / n`.
    pub g: Vec<f64>,
    /// `S0_k` (shifted) per event group.
    pub s0: Vec<f64>,
    /// `c2_k = d_k / (n S0_k^2)` per event group.
    pub c2: Vec<f64>,
    pub loglik: f64,
}

impl Sweep {
    pub(crate) fn new(d: &Prep) -> Self {
        let e = d.events.len();
        Sweep {
            r: vec![0.0; d.n],
            a: vec![0.0; d.n],
            g: vec![0.0; d.n],
            s0: vec![0.0; e],
            c2: vec![0.0; e],
            loglik: 0.0,
        }
    }

    /// `r`, `S0` and the log partial likelihood. `r` and `S0` are taken at
    /// `eta - max(eta)` (no overflow); the shift is added back in `l`.
    pub(crate) fn forward(&mut self, d: &Prep, eta: &[f64]) -> f64 {
        let shift = eta.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let shift = if shift.is_finite() { shift } else { 0.0 };
        for (r, e) in self.r.iter_mut().zip(eta) {
            *r = (e - shift).exp();
        }
        let mut ll = 0.0;
        for (i, &e) in eta.iter().enumerate() {
            if d.status[i] {
                ll += e;
            }
        }
        for s in &d.strata {
            let (mut acc, mut pos) = (0.0, s.begin);
            for k in s.ev_begin..s.ev_end {
                let ev = d.events[k];
                acc += self.r[pos..ev.end].iter().sum::<f64>();
                pos = ev.end;
                self.s0[k] = acc;
                ll -= ev.deaths as f64 * (acc.ln() + shift);
            }
        }
        self.loglik = ll;
        ll
    }

    /// [`Self::forward`] plus the derivatives `a`, `g`, `c2`.
    pub(crate) fn full(&mut self, d: &Prep, eta: &[f64]) {
        self.forward(d, eta);
        let nf = d.n as f64;
        for s in &d.strata {
            let (mut cum, mut k) = (0.0, s.ev_end);
            for i in (s.begin..s.end).rev() {
                while k > s.ev_begin && d.events[k - 1].end > i {
                    k -= 1;
                    let (dk, s0) = (d.events[k].deaths as f64, self.s0[k]);
                    cum += dk / (nf * s0);
                    self.c2[k] = dk / (nf * s0 * s0);
                }
                self.a[i] = self.r[i] * cum;
            }
        }
        for ((g, a), &st) in self.g.iter_mut().zip(&self.a).zip(&d.status) {
            *g = if st { a - 1.0 / nf } else { *a };
        }
    }
}

/// Linear predictors `x'beta` of the rows of `x` (original order).
pub(crate) fn linear_predictor(x: &Matrix, beta: &[f64]) -> Vec<f64> {
    let mut eta = vec![0.0; x.rows()];
    for (j, &b) in beta.iter().enumerate() {
        if b != 0.0 {
            axpy(&mut eta, b, x.col(j));
        }
    }
    eta
}

/// Training data for evaluating original-scale coefficients: sorted layout
/// without covariate copies.
pub(crate) fn unscaled(
    x: &Matrix,
    time: &[f64],
    event: &[f64],
    strata: Option<&[u32]>,
) -> Result<Prep, ModelError> {
    let d = Prep::new(&Matrix::zeros(x.rows(), 0), time, event, strata, false)?;
    check_finite(x)?;
    Ok(d)
}

fn check_finite(x: &Matrix) -> Result<(), ModelError> {
    for j in 0..x.cols() {
        if let Some(row) = x.col(j).iter().position(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite { feature: j, row, value: x.get(row, j) });
        }
    }
    Ok(())
}

/// `eta` of original-scale `beta` in the sorted order of `d`.
pub(crate) fn sorted_eta(d: &Prep, x: &Matrix, beta: &[f64]) -> Vec<f64> {
    let eta = linear_predictor(x, beta);
    d.order.iter().map(|&i| eta[i]).collect()
}

/// Breslow (and Efron-type) baseline cumulative hazards at `x = 0` for the
/// original-scale `beta`, per stratum, ascending event times:
/// `H_0(t) = sum_{t_k <= t} d_k / sum_{R_k} exp(x_i'beta)`.
pub(crate) fn baseline(d: &Prep, x: &Matrix, beta: &[f64]) -> Vec<BaselineStratum> {
    let eta = sorted_eta(d, x, beta);
    let mut sw = Sweep::new(d);
    sw.forward(d, &eta);
    let shift = eta.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let scale = if shift.is_finite() { (-shift).exp() } else { 1.0 };
    d.strata
        .iter()
        .map(|s| {
            let events = (s.ev_begin..s.ev_end).rev().map(|k| {
                let ev = d.events[k];
                let (s0, dk) = (sw.s0[k], ev.deaths as f64);
                let e0: f64 = sw.r[ev.dstart..ev.dstart + ev.deaths].iter().sum();
                let efron = (0..ev.deaths).map(|j| 1.0 / (s0 - j as f64 / dk * e0)).sum::<f64>();
                (ev.time, dk / s0 * scale, efron * scale)
            });
            BaselineStratum::accumulate(s.label, events)
        })
        .collect()
}
