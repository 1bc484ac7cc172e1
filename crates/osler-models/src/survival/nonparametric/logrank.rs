//! The log-rank test and its weighted family (R `survdiff`, lifelines
//! `logrank_test` / `multivariate_logrank_test`).
//!
//! At each distinct event time (within a stratum) with `n` at risk, `d`
//! events, `n_g` at risk and `d_g` events in group `g` (all weighted by the
//! case weights; a row is at risk at `t` when `entry < t <= time`), and the
//! weight `w` of the chosen [`Weighting`]:
//!
//! ```text
//! O_g += w d_g,   E_g += w d n_g / n,
//! V_gh += w^2 d (n - d) / (n - 1) * (n_g / n) (1[g = h] - n_h / n)   (n > 1)
//! ```
//!
//! summed over times and strata. `chi2 = (O - E)' V^- (O - E)` using the
//! groups with positive expected count less the first (R), with
//! `df = (#groups with E > 0) - 1` and `p = Q(df/2, chi2/2)`. The variance is
//! the hypergeometric one of R `survdiff` and lifelines alike; with case
//! weights it takes the weighted `n` and `d` as lifelines does (R's
//! `survdiff` takes no weights). R refuses (start, stop] rows ("Right
//! censored data only") and lifelines' tests take no entry times: with entry
//! times the risk sets are those of the counting process, the generalisation
//! whose statistic equals R's `coxph(Surv(start, stop, event) ~ group)`
//! score test when no event times are tied.

use std::collections::BTreeSet;
use std::fmt::Display;

use serde::{Deserialize, Serialize};

use super::check_entry;
use crate::ModelError;
use crate::linear::numeric::Cholesky;
use crate::survival::gamma::chi2_sf;
use crate::survival::validate::{check_event, check_lengths, check_times, check_weights};

/// Result of [`logrank_test`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRankTest {
    /// Test statistic `chi2 = (O - E)' V^- (O - E)`.
    pub chisq: f64,
    /// Degrees of freedom: groups with a positive expected count, minus 1.
    pub df: usize,
    /// Upper-tail chi-square probability `Q(df/2, chi2/2)` (1 when `df = 0`).
    pub p_value: f64,
    /// The weight each event time got.
    pub weighting: Weighting,
    /// Group labels in sorted order; the per-group vectors follow it.
    pub groups: Vec<String>,
    /// Number of rows per group (unweighted, as R's `survdiff$n`).
    pub n: Vec<f64>,
    /// Weighted observed events per group (summed over strata).
    pub observed: Vec<f64>,
    /// Weighted expected events per group (summed over strata).
    pub expected: Vec<f64>,
    /// `k x k` variance of `O - E`, row-major.
    pub variance: Vec<f64>,
    /// Stratum labels in sorted order (one `0` when unstratified).
    pub strata: Vec<u32>,
    /// `observed_by_stratum[s][g]`.
    pub observed_by_stratum: Vec<Vec<f64>>,
    /// `expected_by_stratum[s][g]`.
    pub expected_by_stratum: Vec<Vec<f64>>,
}

/// The weight `w(t)` of an event time in the weighted log-rank family, with
/// `n` the (weighted) number at risk, `S` the pooled Kaplan-Meier of the
/// stratum and `S~(t) = prod_{t_j <= t} (1 - d_j / (n_j + 1))` (lifelines'
/// `weightings=` names; Klein & Moeschberger 2003, section 7.3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "kebab-case")]
pub enum Weighting {
    /// `w = 1` (Mantel 1966; R `survdiff(rho = 0)`).
    LogRank,
    /// Gehan-Breslow generalised Wilcoxon, `w = n`.
    Wilcoxon,
    /// Tarone-Ware, `w = sqrt(n)`.
    TaroneWare,
    /// Peto-Peto, `w = S~(t)`.
    Peto,
    /// Andersen's modified Peto-Peto, `w = S~(t) n / (n + 1)`.
    ModifiedPeto,
    /// Fleming-Harrington `G^(p, q)`, `w = S(t-)^p (1 - S(t-))^q`; `q = 0`
    /// is R's `survdiff(rho = p)`.
    FlemingHarrington {
        /// Exponent of `S(t-)` (finite, >= 0).
        p: f64,
        /// Exponent of `1 - S(t-)` (finite, >= 0).
        q: f64,
    },
}

impl Weighting {
    /// The name lifelines gives the weighting (`logrank` for the unweighted test).
    pub fn name(&self) -> &'static str {
        match self {
            Weighting::LogRank => "logrank",
            Weighting::Wilcoxon => "wilcoxon",
            Weighting::TaroneWare => "tarone-ware",
            Weighting::Peto => "peto",
            Weighting::ModifiedPeto => "modified-peto",
            Weighting::FlemingHarrington { .. } => "fleming-harrington",
        }
    }

    /// The weight at an event time with `n` at risk, `s_minus = S(t-)` and
    /// `s_tilde = S~(t)`.
    fn at(&self, n: f64, s_minus: f64, s_tilde: f64) -> f64 {
        match *self {
            Weighting::LogRank => 1.0,
            Weighting::Wilcoxon => n,
            Weighting::TaroneWare => n.sqrt(),
            Weighting::Peto => s_tilde,
            Weighting::ModifiedPeto => s_tilde * n / (n + 1.0),
            // powf(x, 0) is exactly 1, so FH(rho, 0) is R's S(t-)^rho to the bit.
            Weighting::FlemingHarrington { p, q } => s_minus.powf(p) * (1.0 - s_minus).powf(q),
        }
    }
}

/// What [`logrank_test_with`] takes besides the outcome and the groups.
#[derive(Debug, Clone, Copy)]
pub struct LogRankOptions<'a> {
    /// Stratum code of each row; `None`: one stratum.
    pub strata: Option<&'a [u32]>,
    /// Entry (left-truncation) time of each row; `None`: every row at risk from 0.
    pub entry: Option<&'a [f64]>,
    /// Case weight of each row (finite, >= 0); `None`: 1.
    pub weights: Option<&'a [f64]>,
    /// The weight of each event time.
    pub weighting: Weighting,
}

impl Default for LogRankOptions<'_> {
    fn default() -> Self {
        LogRankOptions { strata: None, entry: None, weights: None, weighting: Weighting::LogRank }
    }
}

/// Compares the survival of `k >= 2` groups with R `survdiff`'s `G^rho`
/// test: `event` is 0/1, `strata` optional stratum codes, `rho >= 0` the
/// exponent of the weights `S(t-)^rho` (0 = log-rank). Equal to
/// [`logrank_test_with`] with `Weighting::FlemingHarrington { p: rho, q: 0 }`.
///
/// # Errors
/// As [`logrank_test_with`], and `rho` not finite or negative.
pub fn logrank_test<G: Ord + Clone + Display>(
    time: &[f64],
    event: &[f64],
    group: &[G],
    strata: Option<&[u32]>,
    rho: f64,
) -> Result<LogRankTest, ModelError> {
    if !(rho.is_finite() && rho >= 0.0) {
        return Err(ModelError::invalid("rho", rho, "be finite and >= 0"));
    }
    let weighting = Weighting::FlemingHarrington { p: rho, q: 0.0 };
    logrank_test_with(
        time,
        event,
        group,
        &LogRankOptions { strata, weighting, ..Default::default() },
    )
}

/// Compares the survival of `k >= 2` groups with the weighted log-rank test
/// of `options` (strata, entry times, case weights, weighting; see the
/// module documentation).
///
/// # Errors
/// Lengths that differ, times not finite and positive, events not 0/1, an
/// entry not below its time, bad weights, an exponent `p` or `q` not finite
/// and non-negative, fewer than two groups, or a singular variance.
pub fn logrank_test_with<G: Ord + Clone + Display>(
    time: &[f64],
    event: &[f64],
    group: &[G],
    options: &LogRankOptions<'_>,
) -> Result<LogRankTest, ModelError> {
    let LogRankOptions { strata, entry, weights, weighting } = *options;
    let n = time.len();
    if n == 0 {
        return Err(ModelError::Empty);
    }
    check_lengths("event", event.len(), n)?;
    check_lengths("group", group.len(), n)?;
    if let Some(s) = strata {
        check_lengths("strata", s.len(), n)?;
    }
    check_times(time)?;
    check_event(event)?;
    if let Some(e) = entry {
        check_entry(e, time)?;
    }
    if let Some(w) = weights {
        check_lengths("weights", w.len(), n)?;
        check_weights(w)?;
    }
    if let Weighting::FlemingHarrington { p, q } = weighting {
        for (name, v) in [("p", p), ("q", q)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(ModelError::invalid(name, v, "be finite and >= 0"));
            }
        }
    }
    let levels: Vec<G> = group.iter().cloned().collect::<BTreeSet<_>>().into_iter().collect();
    let k = levels.len();
    if k < 2 {
        return Err(ModelError::TooFew {
            what: "groups for the log-rank test",
            found: k,
            needed: 2,
        });
    }
    let gidx: Vec<usize> = group.iter().map(|g| levels.binary_search(g).unwrap_or(0)).collect();
    let stratum = |i: usize| strata.map_or(0, |s| s[i]);
    let slabels: Vec<u32> = (0..n).map(stratum).collect::<BTreeSet<_>>().into_iter().collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| stratum(a).cmp(&stratum(b)).then(time[a].total_cmp(&time[b])));

    let mut n_group = vec![0.0; k];
    for &g in &gidx {
        n_group[g] += 1.0;
    }
    let mut obs_s = vec![vec![0.0; k]; slabels.len()];
    let mut exp_s = vec![vec![0.0; k]; slabels.len()];
    let mut var = vec![0.0; k * k];
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    // Rows in order of entry within each stratum (all at 0 without entry
    // times, so every row is at risk from the first time on).
    let mut by_entry = order.clone();
    if let Some(e) = entry {
        by_entry.sort_by(|&a, &b| stratum(a).cmp(&stratum(b)).then(e[a].total_cmp(&e[b])));
    }
    let entered = |i: usize, t: f64| entry.is_none_or(|e| e[i] < t);
    let mut start = 0;
    for (si, &s) in slabels.iter().enumerate() {
        let end = start + order[start..].iter().take_while(|&&i| stratum(i) == s).count();
        let mut risk = vec![0.0; k];
        let mut nrisk = 0.0;
        let mut next_in = start;
        let (mut km, mut s_tilde): (f64, f64) = (1.0, 1.0);
        let mut deaths = vec![0.0; k];
        let mut leaving = vec![0.0; k];
        let mut i = start;
        while i < end {
            let t = time[order[i]];
            while next_in < end && entered(by_entry[next_in], t) {
                let r = by_entry[next_in];
                risk[gidx[r]] += weight(r);
                nrisk += weight(r);
                next_in += 1;
            }
            deaths.iter_mut().for_each(|v| *v = 0.0);
            leaving.iter_mut().for_each(|v| *v = 0.0);
            while i < end && time[order[i]] == t {
                let r = order[i];
                deaths[gidx[r]] += event[r] * weight(r);
                leaving[gidx[r]] += weight(r);
                i += 1;
            }
            let d: f64 = deaths.iter().sum();
            if d > 0.0 {
                s_tilde *= 1.0 - d / (nrisk + 1.0);
                let wt = weighting.at(nrisk, km, s_tilde);
                for g in 0..k {
                    obs_s[si][g] += wt * deaths[g];
                    exp_s[si][g] += wt * d * risk[g] / nrisk;
                }
                if nrisk > 1.0 {
                    let kt = wt * wt * d * (nrisk - d) / (nrisk * (nrisk - 1.0));
                    for g in 0..k {
                        let tmp = kt * risk[g];
                        var[g * k + g] += tmp;
                        for h in 0..k {
                            var[g * k + h] -= tmp * risk[h] / nrisk;
                        }
                    }
                }
                km *= (nrisk - d) / nrisk;
            }
            for g in 0..k {
                risk[g] -= leaving[g];
            }
            nrisk -= leaving.iter().sum::<f64>();
        }
        start = end;
    }
    let observed: Vec<f64> = (0..k).map(|g| obs_s.iter().map(|o| o[g]).sum()).collect();
    let expected: Vec<f64> = (0..k).map(|g| exp_s.iter().map(|e| e[g]).sum()).collect();
    let keep: Vec<usize> = (0..k).filter(|&g| expected[g] > 0.0).collect();
    let df = keep.len().saturating_sub(1);
    let chisq = if df == 0 {
        0.0
    } else {
        let sub = &keep[1..];
        let m = sub.len();
        let diff: Vec<f64> = sub.iter().map(|&g| observed[g] - expected[g]).collect();
        let mut v = vec![0.0; m * m];
        for (a, &ga) in sub.iter().enumerate() {
            for (b, &gb) in sub.iter().enumerate() {
                v[a * m + b] = var[ga * k + gb];
            }
        }
        let ch = Cholesky::factor(&v, m, 1e-12)
            .map_err(|_| ModelError::Singular { what: "log-rank variance" })?;
        let sol = ch.solve(&diff);
        sol.iter().zip(&diff).map(|(a, b)| a * b).sum()
    };
    Ok(LogRankTest {
        chisq,
        df,
        p_value: if df == 0 { 1.0 } else { chi2_sf(chisq, df as f64) },
        weighting,
        groups: levels.iter().map(ToString::to_string).collect(),
        n: n_group,
        observed,
        expected,
        variance: var,
        strata: slabels,
        observed_by_stratum: obs_s,
        expected_by_stratum: exp_s,
    })
}
