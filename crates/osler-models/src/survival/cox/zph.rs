//! Test of proportional hazards (Grambsch & Therneau 1994), as `cox.zph` of
//! R survival 3.x: the score test, at the fitted `b`, of the added
//! covariates `x g(t)` in the model `b(t) = b + theta g(t)`.
//!
//! With `g` the transformed time centred at its mean over the deaths,
//! `xbar(t)` the risk-weighted covariate mean of the risk set (Efron's mean
//! of means at a tied time) and the sums over deaths `k`:
//!
//! ```text
//! U_theta = sum_k w_k g(t_k) (x_k - xbar(t_k))
//! I = [ I_bb  I_bt ]   I_bb = sum_k w_k V(t_k), I_bt = sum_k w_k g V, I_tt = sum_k w_k g^2 V
//!     [ I_tb  I_tt ]
//! T_j = u_j' I_j^{-1} u_j,  u_j = (0, .., 0, U_theta_j), I_j = I on the rows/columns (b, theta_j)   ~ chi2(1)
//! T   = u' I^{-1} u,        u = (0, U_theta)                                                          ~ chi2(p)
//! ```
//!
//! where `V(t)` is the risk-weighted covariance of the covariates over the
//! risk set (with Efron's fractional removal of the tied deaths after an
//! Efron fit). The transforms of time are R's: `km` (`1 - S(t-)` of the
//! pooled, unweighted Kaplan-Meier, with entry times when the data have
//! them), `rank` (average ranks of every row's time), `identity` and `log`.
//!
//! A term of several columns `J` (a categorical covariate's indicators) is
//! tested on `(b, theta_J)` with `|J|` degrees of freedom (R's `terms =
//! TRUE`).
//!
//! [`PhMethod::Approximate`] is survival 2.x's approximation (the score
//! test with the information of `theta` approximated from `I_bb` and the
//! spread of `g`, the cross term dropped):
//!
//! ```text
//! T_j = (sum_k g_k (d V s_k)_j)^2 / (d V_jj sum_k g_k^2)
//! T   = (sum_k g_k s_k)' V (sum_k g_k s_k) d / sum_k g_k^2
//! ```
//!
//! with `s_k = x_k - xbar(t_k)` the Schoenfeld residuals and `V = I^{-1}`;
//! its chi-squares can differ several-fold from the score test's.

use osler_data::Matrix;
use serde::{Deserialize, Serialize};

use super::data::CoxData;
use super::model::{ChiSquareTest, CoxModel};
use super::options::{CoxOptions, Ties};
use crate::ModelError;
use crate::linear::numeric::{Cholesky, dot};

/// The function of time the coefficients are tested against (R `cox.zph`
/// `transform`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhTransform {
    /// `1 - S(t-)`, the pooled left-continuous Kaplan-Meier (R's default).
    #[default]
    Km,
    /// The average rank of the time among every row's time.
    Rank,
    /// The time itself.
    Identity,
    /// Its natural logarithm.
    Log,
}

/// Which statistic [`CoxModel::proportional_hazards_test_with`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhMethod {
    /// The full score test of R survival >= 3.0.
    #[default]
    Score,
    /// Survival 2.x's approximation from the scaled Schoenfeld residuals.
    Approximate,
}

/// Options of the proportional-hazards test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PhTestOptions {
    /// The transform of time.
    pub transform: PhTransform,
    /// The statistic.
    pub method: PhMethod,
}

/// Per-covariate result of [`CoxModel::proportional_hazards_test`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PhTestRow {
    /// Correlation of the scaled Schoenfeld residuals `d V s_k + b` with
    /// the transformed time of the deaths.
    pub rho: f64,
    /// Its chi-square test `T_j` on 1 degree of freedom.
    pub test: ChiSquareTest,
}

/// [`CoxModel::proportional_hazards_test`] result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhTest {
    /// One row per covariate, in feature order.
    pub covariates: Vec<PhTestRow>,
    /// Global test `T` of all covariates together, on `p` degrees of freedom.
    pub global: ChiSquareTest,
    /// The transform of time used.
    pub transform: PhTransform,
    /// The statistic computed.
    pub method: PhMethod,
}

/// Transformed times of every row (original order). `rank` ranks every
/// row's time (R >= 3.0), or with `deaths_only` the deaths' times among
/// themselves (survival 2.x, lifelines; other rows get NaN).
fn transformed_times(
    kind: PhTransform,
    time: &[f64],
    event: &[f64],
    start: Option<&[f64]>,
    deaths_only: bool,
) -> Vec<f64> {
    match kind {
        PhTransform::Identity => time.to_vec(),
        PhTransform::Log => time.iter().map(|t| t.ln()).collect(),
        PhTransform::Rank => {
            let mut idx: Vec<usize> =
                (0..time.len()).filter(|&i| !deaths_only || event[i] == 1.0).collect();
            idx.sort_by(|&a, &b| time[a].total_cmp(&time[b]));
            let mut rank = vec![f64::NAN; time.len()];
            let mut i = 0;
            while i < idx.len() {
                let j = i + idx[i..].iter().take_while(|&&k| time[k] == time[idx[i]]).count();
                // Ranks i+1..=j share their mean.
                let mean = (i + 1 + j) as f64 / 2.0;
                idx[i..j].iter().for_each(|&k| rank[k] = mean);
                i = j;
            }
            rank
        }
        PhTransform::Km => {
            let left = km_left_limits(time, event, start);
            time.iter().map(|t| 1.0 - left(*t)).collect()
        }
    }
}

/// `t -> S(t-)` of the unweighted Kaplan-Meier of all rows, at risk on
/// `(start, time]` (`start = 0` without entry times).
fn km_left_limits<'a>(
    time: &'a [f64],
    event: &'a [f64],
    start: Option<&'a [f64]>,
) -> impl Fn(f64) -> f64 + 'a {
    let mut events: Vec<f64> =
        time.iter().zip(event).filter(|(_, e)| **e == 1.0).map(|(t, _)| *t).collect();
    events.sort_by(f64::total_cmp);
    events.dedup();
    let mut stops: Vec<f64> = time.to_vec();
    stops.sort_by(f64::total_cmp);
    let mut starts: Vec<f64> = start.map_or_else(Vec::new, <[f64]>::to_vec);
    starts.sort_by(f64::total_cmp);
    // Survival just after each distinct event time.
    let mut surv = Vec::with_capacity(events.len());
    let mut s = 1.0;
    for &t in &events {
        let stopped_before = stops.partition_point(|&u| u < t);
        let not_entered = starts.len() - starts.partition_point(|&u| u < t);
        let at_risk = (time.len() - stopped_before - not_entered) as f64;
        let deaths = time.iter().zip(event).filter(|(u, e)| **u == t && **e == 1.0).count() as f64;
        s *= 1.0 - deaths / at_risk;
        surv.push(s);
    }
    move |t| {
        let k = events.partition_point(|&u| u < t);
        if k == 0 { 1.0 } else { surv[k - 1] }
    }
}

/// Risk-set sums `S0`, `S1` (`p`) and `S2` (`p x p`) of the rows added.
struct RiskSums {
    s0: f64,
    s1: Vec<f64>,
    s2: Vec<f64>,
}

impl RiskSums {
    fn new(p: usize) -> Self {
        RiskSums { s0: 0.0, s1: vec![0.0; p], s2: vec![0.0; p * p] }
    }
    fn clear(&mut self) {
        self.s0 = 0.0;
        self.s1.iter_mut().for_each(|v| *v = 0.0);
        self.s2.iter_mut().for_each(|v| *v = 0.0);
    }
    /// Adds the row `x` with weight `r` (a negative `r` removes it).
    fn add(&mut self, r: f64, x: &[f64]) {
        let p = x.len();
        self.s0 += r;
        for a in 0..p {
            self.s1[a] += r * x[a];
            for b in 0..p {
                self.s2[a * p + b] += r * x[a] * x[b];
            }
        }
    }
    /// `self + f other`: the risk set with a fraction `f` of the deaths.
    fn plus(&self, f: f64, other: &RiskSums) -> RiskSums {
        RiskSums {
            s0: self.s0 + f * other.s0,
            s1: self.s1.iter().zip(&other.s1).map(|(a, b)| a + f * b).collect(),
            s2: self.s2.iter().zip(&other.s2).map(|(a, b)| a + f * b).collect(),
        }
    }
}

/// What one sweep over the risk sets at `b` gives both methods.
struct Sweep {
    /// The score of `(b, theta)` (`2p`).
    u: Vec<f64>,
    /// The `2p x 2p` information, row-major.
    info: Vec<f64>,
    /// Per death: transformed time and Schoenfeld residual (`p`).
    deaths: Vec<(f64, Vec<f64>)>,
}

/// One backward pass per stratum: the score and information of `(b, theta)`
/// with `g` the transformed times (`gt[i]` per sorted row) centred at
/// `gmean`, and the Schoenfeld residuals.
fn sweep(data: &CoxData, beta: &[f64], gt: &[f64], gmean: f64, efron: bool) -> Sweep {
    let p = data.p;
    let q = 2 * p;
    let eta: Vec<f64> = (0..data.n).map(|i| dot(data.row(i), beta)).collect();
    let reference = eta.iter().sum::<f64>() / data.n as f64;
    let risk: Vec<f64> = eta.iter().zip(&data.w).map(|(e, w)| w * (e - reference).exp()).collect();
    let mut out = Sweep { u: vec![0.0; q], info: vec![0.0; q * q], deaths: Vec::new() };
    let mut sums = RiskSums::new(p);
    let mut dead = RiskSums::new(p);
    for s in &data.strata {
        sums.clear();
        let mut n_risk = 0usize;
        let mut leave = 0usize;
        let by_start = data.entry.as_ref().map(|e| &e.by_start[s.begin..s.end]);
        let mut next = s.begin;
        for g in &data.groups[s.g_begin..s.g_end] {
            // Rows of this time that are not deaths join the risk set.
            let rows = g.begin + g.deaths..g.end;
            for (i, &r) in rows.clone().zip(&risk[rows]) {
                sums.add(r, data.row(i));
            }
            n_risk += g.end - next;
            next = g.end;
            if g.deaths == 0 {
                continue;
            }
            if let (Some(order), Some(entry)) = (by_start, &data.entry) {
                // Rows that entered at or after this time are not at risk.
                while leave < order.len() && entry.start[order[leave]] >= g.time {
                    let i = order[leave];
                    sums.add(-risk[i], data.row(i));
                    n_risk -= 1;
                    leave += 1;
                }
                if n_risk == g.deaths {
                    // Only the deaths remain: drop the rounding residue.
                    sums.clear();
                }
            }
            dead.clear();
            let mut wdead = 0.0;
            let deaths = g.begin..g.begin + g.deaths;
            for i in deaths.clone() {
                dead.add(risk[i], data.row(i));
                wdead += data.w[i];
            }
            let tw = gt[g.begin] - gmean;
            // The risk sets of the tie's terms: every death in (Breslow),
            // or fractions 1/d, .., d/d of them (Efron).
            let d = g.deaths as f64;
            let terms: Vec<(f64, f64)> = if efron {
                (1..=g.deaths).map(|k| (k as f64 / d, wdead / d)).collect()
            } else {
                vec![(1.0, wdead)]
            };
            let mut xbar_mean = vec![0.0; p];
            for (frac, wt) in terms {
                let r = sums.plus(frac, &dead);
                let mean: Vec<f64> = r.s1.iter().map(|v| v / r.s0).collect();
                for a in 0..p {
                    xbar_mean[a] += mean[a] * wt / wdead;
                    out.u[a] -= wt * mean[a];
                    out.u[p + a] -= tw * wt * mean[a];
                    for b in 0..p {
                        let v = wt * (r.s2[a * p + b] / r.s0 - mean[a] * mean[b]);
                        out.info[a * q + b] += v;
                        out.info[a * q + p + b] += tw * v;
                        out.info[(p + a) * q + b] += tw * v;
                        out.info[(p + a) * q + p + b] += tw * tw * v;
                    }
                }
            }
            for i in deaths {
                let x = data.row(i);
                for (a, xa) in x.iter().enumerate() {
                    out.u[a] += data.w[i] * xa;
                    out.u[p + a] += tw * data.w[i] * xa;
                }
                // Schoenfeld residual: against Efron's mean of means (the
                // plain mean under Breslow; the weights cancel when equal).
                let res = x.iter().zip(&xbar_mean).map(|(v, m)| v - m).collect();
                out.deaths.push((tw, res));
            }
            let rows = g.begin..g.begin + g.deaths;
            for (i, &r) in rows.clone().zip(&risk[rows]) {
                sums.add(r, data.row(i));
            }
        }
    }
    out
}

/// `u' A^{-1} u` for the rows and columns `keep` of the `q x q` matrix `a`.
fn quadratic(a: &[f64], q: usize, u: &[f64], keep: &[usize]) -> Result<f64, ModelError> {
    let k = keep.len();
    let sub: Vec<f64> =
        keep.iter().flat_map(|&i| keep.iter().map(move |&j| a[i * q + j])).collect();
    let us: Vec<f64> = keep.iter().map(|&i| u[i]).collect();
    let ch = Cholesky::factor(&sub, k, 0.0)
        .map_err(|_| ModelError::Singular { what: "proportional-hazards test information" })?;
    Ok(dot(&ch.solve(&us), &us))
}

impl CoxModel {
    /// [`Self::proportional_hazards_test_with`] with R's defaults: the
    /// score test against Kaplan-Meier-transformed time.
    pub fn proportional_hazards_test(
        &self,
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
    ) -> Result<PhTest, ModelError> {
        self.proportional_hazards_test_with(x, time, event, opts, &PhTestOptions::default())
    }

    /// The Grambsch-Therneau test on the training data (the same `x`,
    /// `time`, `event` and options the model was fitted with), per
    /// covariate and global, as R `cox.zph` (see the module documentation).
    /// An exact-ties fit is tested with Breslow's risk sets, as R.
    pub fn proportional_hazards_test_with(
        &self,
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
        test: &PhTestOptions,
    ) -> Result<PhTest, ModelError> {
        let terms: Vec<Vec<usize>> = (0..self.coef.len()).map(|j| vec![j]).collect();
        self.proportional_hazards_test_by_term(x, time, event, opts, test, &terms)
    }

    /// [`Self::proportional_hazards_test_with`] with one row per term, a
    /// term being the feature columns in `terms[k]` (the indicator columns
    /// of one categorical covariate, say), tested together on as many
    /// degrees of freedom, as R `cox.zph(terms = TRUE)`. Every feature must
    /// belong to exactly one term. `rho` is defined for one-column terms
    /// only (NaN otherwise).
    pub fn proportional_hazards_test_by_term(
        &self,
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
        test: &PhTestOptions,
        terms: &[Vec<usize>],
    ) -> Result<PhTest, ModelError> {
        let data = CoxData::new(x, time, event, opts)?;
        let p = data.p;
        if p != self.coef.len() {
            return Err(ModelError::FeatureCount { expected: self.coef.len(), found: p });
        }
        let mut seen = vec![0usize; p];
        for &j in terms.iter().flatten() {
            if j >= p {
                return Err(ModelError::FeatureCount { expected: p, found: j + 1 });
            }
            seen[j] += 1;
        }
        if let Some(j) = seen.iter().position(|&c| c != 1) {
            return Err(ModelError::invalid(
                "terms",
                format!("feature {j} in {} terms", seen[j]),
                "place every feature in exactly one term",
            ));
        }
        let approximate = test.method == PhMethod::Approximate;
        let tt = transformed_times(test.transform, time, event, opts.start.as_deref(), approximate);
        // Times are positive (checked by `CoxData`), so every transform is finite.
        let deaths: Vec<f64> =
            tt.iter().zip(event).filter(|(_, e)| **e == 1.0).map(|(v, _)| *v).collect();
        let gmean = deaths.iter().sum::<f64>() / deaths.len() as f64;
        let gt: Vec<f64> = data.order.iter().map(|&i| tt[i]).collect();
        let sw = sweep(&data, &self.coef, &gt, gmean, self.ties == Ties::Efron);
        let (stats, global) = match test.method {
            PhMethod::Score => score_tests(&sw, p, terms)?,
            PhMethod::Approximate => self.approximate_tests(&sw, terms)?,
        };
        let covariates = stats
            .into_iter()
            .zip(terms)
            .map(|(stat, term)| PhTestRow {
                rho: if term.len() == 1 { self.rho(&sw, term[0]) } else { f64::NAN },
                test: ChiSquareTest::new(stat, term.len()),
            })
            .collect();
        Ok(PhTest {
            covariates,
            global: ChiSquareTest::new(global, p),
            transform: test.transform,
            method: test.method,
        })
    }

    /// Survival 2.x's statistics from the Schoenfeld residuals; a term of
    /// several columns `J` gets `d w_J' V_JJ^{-1} w_J / sum g^2` with
    /// `w = V sum_k g_k s_k` (the one-column formula on `|J|` df).
    fn approximate_tests(
        &self,
        sw: &Sweep,
        terms: &[Vec<usize>],
    ) -> Result<(Vec<f64>, f64), ModelError> {
        let p = self.coef.len();
        let v = &self.covariance;
        let dn = sw.deaths.len() as f64;
        let uu: f64 = sw.deaths.iter().map(|(g, _)| g * g).sum();
        let mut us = vec![0.0; p];
        for (g, s) in &sw.deaths {
            us.iter_mut().zip(s).for_each(|(a, b)| *a += g * b);
        }
        let vus: Vec<f64> = (0..p).map(|j| dot(&v[j * p..(j + 1) * p], &us)).collect();
        let stats = terms
            .iter()
            .map(|term| Ok(quadratic(v, p, &vus, term)? * dn / uu))
            .collect::<Result<Vec<f64>, ModelError>>()?;
        Ok((stats, dot(&us, &vus) * dn / uu))
    }

    /// Correlation of the scaled Schoenfeld residuals `d (V s_k)_j + b_j`
    /// with the (centred) transformed times of the deaths.
    fn rho(&self, sw: &Sweep, j: usize) -> f64 {
        let p = self.coef.len();
        let v = &self.covariance[j * p..(j + 1) * p];
        let dn = sw.deaths.len() as f64;
        let r: Vec<f64> = sw.deaths.iter().map(|(_, s)| dn * dot(v, s) + self.coef[j]).collect();
        let g: Vec<f64> = sw.deaths.iter().map(|(g, _)| *g).collect();
        let (mr, mg) = (r.iter().sum::<f64>() / dn, g.iter().sum::<f64>() / dn);
        let sxy: f64 = g.iter().zip(&r).map(|(a, b)| (a - mg) * (b - mr)).sum();
        let sxx: f64 = g.iter().map(|a| (a - mg) * (a - mg)).sum();
        let syy: f64 = r.iter().map(|b| (b - mr) * (b - mr)).sum();
        sxy / (sxx * syy).sqrt()
    }
}

/// R >= 3.0's score tests: per term `J` on `(b, theta_J)`, and global.
fn score_tests(sw: &Sweep, p: usize, terms: &[Vec<usize>]) -> Result<(Vec<f64>, f64), ModelError> {
    let q = 2 * p;
    // The score of b is zero at the estimate (R sets it so).
    let mut u = vec![0.0; q];
    u[p..].copy_from_slice(&sw.u[p..]);
    let stats = terms
        .iter()
        .map(|term| {
            let keep: Vec<usize> = (0..p).chain(term.iter().map(|j| p + j)).collect();
            quadratic(&sw.info, q, &u, &keep)
        })
        .collect::<Result<Vec<f64>, ModelError>>()?;
    let all: Vec<usize> = (0..q).collect();
    Ok((stats, quadratic(&sw.info, q, &u, &all)?))
}
