//! Score (dfbeta-type) and Schoenfeld residuals of a fitted Cox model, and
//! the Grambsch-Therneau test of proportional hazards.
//!
//! Score residual of row `i` (Therneau & Grambsch 2000, ch. 4; R
//! `residuals(type = "score")`), with `h_k`, `a_k` the hazard increments
//! and risk-set means of the fit and `(start, stop]` the row's risk interval:
//!
//! ```text
//! L_i = delta_i (x_i - abar(t_i)) - exp(eta_i) sum_{start < t_k <= stop} h_k (x_i - a_k)
//! ```
//!
//! (Efron: the row's own tied deaths enter with the fractions `1 - j/d`).
//! `sum_i w_i L_i = U(beta) = 0` at the optimum. Summed per cluster they give
//! the robust (sandwich) variance ([`sandwich`]).

use super::data::CoxData;
use super::engine::{Engine, GroupStats};

/// Score residuals `L_i`, row-major `n x p`, in the engine's sorted order.
pub(crate) fn score_residuals(eng: &Engine<'_>, st: &GroupStats) -> Vec<f64> {
    let d = eng.d;
    let p = d.p;
    let mut out = vec![0.0; d.n * p];
    let g_all = d.groups.len();
    // Cumulative (over groups with time <= t_g) hazard and hazard-weighted means.
    let mut cum_h = vec![0.0; g_all];
    let mut cum_m = vec![0.0; g_all * p];
    for s in &d.strata {
        let mut h = 0.0;
        let mut m = vec![0.0; p];
        for gi in (s.g_begin..s.g_end).rev() {
            let g = d.groups[gi];
            let mg = &st.m[gi * p..(gi + 1) * p];
            for i in g.begin..g.end {
                let death = i < g.begin + g.deaths;
                let (own_h, own_m) = if death {
                    (st.c_death[gi], &st.m_death[gi * p..(gi + 1) * p])
                } else {
                    (st.c[gi], mg)
                };
                let (mut ch, mut cmv): (f64, Vec<f64>) =
                    (h + own_h, m.iter().zip(own_m).map(|(a, b)| a + b).collect());
                if let Some(sg) = d.entry.as_ref().and_then(|en| en.start_group[i]) {
                    ch -= cum_h[sg];
                    for (v, c) in cmv.iter_mut().zip(&cum_m[sg * p..(sg + 1) * p]) {
                        *v -= c;
                    }
                }
                let x = d.row(i);
                let er = if d.w[i] > 0.0 { eng.r[i] / d.w[i] } else { 0.0 };
                let li = &mut out[i * p..(i + 1) * p];
                for j in 0..p {
                    let mut v = -er * (x[j] * ch - cmv[j]);
                    if death {
                        v += x[j] - st.abar[gi * p + j];
                    }
                    li[j] = v;
                }
            }
            h += st.c[gi];
            for (a, b) in m.iter_mut().zip(mg) {
                *a += b;
            }
            cum_h[gi] = h;
            cum_m[gi * p..(gi + 1) * p].copy_from_slice(&m);
        }
    }
    out
}

/// Lin & Wei (1989) robust variance `V (sum_c D_c D_c') V` with
/// `D_c = sum_{i in c} w_i L_i` (weighted score residuals summed per cluster).
pub(crate) fn sandwich(
    d: &CoxData,
    resid: &[f64],
    var: &[f64],
    cluster: Option<&[u32]>,
) -> Vec<f64> {
    let p = d.p;
    let mut by_cluster: std::collections::BTreeMap<u32, Vec<f64>> = Default::default();
    for i in 0..d.n {
        let c = cluster.map_or(d.order[i] as u32, |c| c[d.order[i]]);
        let acc = by_cluster.entry(c).or_insert_with(|| vec![0.0; p]);
        for j in 0..p {
            acc[j] += d.w[i] * resid[i * p + j];
        }
    }
    let mut meat = vec![0.0; p * p];
    for u in by_cluster.values() {
        for j in 0..p {
            for k in 0..p {
                meat[j * p + k] += u[j] * u[k];
            }
        }
    }
    let mut tmp = vec![0.0; p * p];
    for j in 0..p {
        for k in 0..p {
            tmp[j * p + k] = (0..p).map(|l| var[j * p + l] * meat[l * p + k]).sum();
        }
    }
    let mut out = vec![0.0; p * p];
    for j in 0..p {
        for k in 0..p {
            out[j * p + k] = (0..p).map(|l| tmp[j * p + l] * var[l * p + k]).sum();
        }
    }
    out
}
