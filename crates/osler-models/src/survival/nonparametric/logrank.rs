//! The log-rank test and the Fleming-Harrington `G^rho` family (R `survdiff`).
//!
//! At each distinct event time (within a stratum) with `n` at risk, `d`
//! events, `n_g` at risk and `d_g` events in group `g`, and weight
//! `w = S(t-)^rho` (`S` the pooled Kaplan-Meier of the stratum; `rho = 0`
//! log-rank, `rho = 1` Peto-Peto/Prentice-Wilcoxon):
//!
//! ```text
//! O_g += w d_g,   E_g += w d n_g / n,
//! V_gh += w^2 d (n - d) / (n - 1) * (n_g / n) (1[g = h] - n_h / n)   (n > 1)
//! ```
//!
//! summed over times and strata. `chi2 = (O - E)' V^- (O - E)` using the
//! groups with positive expected count less the first (R), with
//! `df = (#groups with E > 0) - 1` and `p = Q(df/2, chi2/2)`.

use std::collections::BTreeSet;
use std::fmt::Display;

use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::linear::numeric::Cholesky;
use crate::survival::gamma::chi2_sf;
use crate::survival::validate::{check_event, check_lengths, check_times};

/// Result of [`logrank_test`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRankTest {
    /// Test statistic `chi2 = (O - E)' V^- (O - E)`.
    pub chisq: f64,
    /// Degrees of freedom: groups with a positive expected count, minus 1.
    pub df: usize,
    /// Upper-tail chi-square probability `Q(df/2, chi2/2)` (1 when `df = 0`).
    pub p_value: f64,
    /// Fleming-Harrington exponent of the weights `S(t-)^rho` (0 = log-rank, 1 = Peto-Peto).
    pub rho: f64,
    /// Group labels in sorted order; the per-group vectors follow it.
    pub groups: Vec<String>,
    /// Number of subjects per group.
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

/// Compares the survival of `k >= 2` groups; `event` is 0/1, `strata`
/// optional stratum codes, `rho >= 0` the `G^rho` weight exponent.
pub fn logrank_test<G: Ord + Clone + Display>(
    time: &[f64],
    event: &[f64],
    group: &[G],
    strata: Option<&[u32]>,
    rho: f64,
) -> Result<LogRankTest, ModelError> {
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
    if !(rho.is_finite() && rho >= 0.0) {
        return Err(ModelError::invalid("rho", rho, "be finite and >= 0"));
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
    let mut start = 0;
    for (si, &s) in slabels.iter().enumerate() {
        let end = start + order[start..].iter().take_while(|&&i| stratum(i) == s).count();
        let mut risk = vec![0.0; k];
        for &i in &order[start..end] {
            risk[gidx[i]] += 1.0;
        }
        let mut nrisk = (end - start) as f64;
        let mut km: f64 = 1.0;
        let mut deaths = vec![0.0; k];
        let mut leaving = vec![0.0; k];
        let mut i = start;
        while i < end {
            let t = time[order[i]];
            deaths.iter_mut().for_each(|v| *v = 0.0);
            leaving.iter_mut().for_each(|v| *v = 0.0);
            while i < end && time[order[i]] == t {
                let r = order[i];
                deaths[gidx[r]] += event[r];
                leaving[gidx[r]] += 1.0;
                i += 1;
            }
            let d: f64 = deaths.iter().sum();
            if d > 0.0 {
                let wt = if rho == 0.0 { 1.0 } else { km.powf(rho) };
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
        rho,
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
