//! The infinitesimal-jackknife (robust) standard errors of the Kaplan-Meier
//! curve and the Nelson-Aalen hazard, as R `survfit(robust = TRUE)` computes
//! them (R's default when case weights are not integers; survival's methods
//! document, "survfitkm: robust variance").
//!
//! Each row `k` (its own cluster) has an influence on `S` and on `H` that is
//! updated at each event time `t` with `n` at risk, `d` events, `h = d / n`
//! and `S(t-)`:
//!
//! ```text
//! U_k <- U_k (1 - h) + w_k Y_k(t) S(t-) h / n - w_k dN_k(t) S(t-) / n
//! V_k <- V_k - w_k Y_k(t) h / n + w_k dN_k(t) / n
//! ```
//!
//! (`Y_k(t) = 1` when `entry_k < t <= time_k`, `dN_k(t) = 1` when the row's
//! event is at `t`), and `se(S(t)) = sqrt(sum_k U_k^2)`, `se(H(t)) =
//! sqrt(sum_k V_k^2)`.

use super::km::KaplanMeier;
use crate::ModelError;

impl KaplanMeier {
    /// [`KaplanMeier::fit_entry`] with the infinitesimal-jackknife standard
    /// errors of R `survfit(robust = TRUE)` in place of Greenwood's:
    /// `se_log_surv` is `se(S) / S` (`None` once `S = 0`) and `se_cumhaz`
    /// the robust SE of the Nelson-Aalen hazard. The estimates themselves
    /// are unchanged. Costs one pass over the rows per event time.
    ///
    /// # Errors
    /// As [`KaplanMeier::fit_entry`].
    pub fn fit_robust(
        entry: Option<&[f64]>,
        time: &[f64],
        event: &[f64],
        weights: Option<&[f64]>,
    ) -> Result<Self, ModelError> {
        let mut km = Self::fit_entry(entry, time, event, weights)?;
        let w = |i: usize| weights.map_or(1.0, |w| w[i]);
        let at_risk = |i: usize, t: f64| entry.is_none_or(|e| e[i] < t) && t <= time[i];
        let n = time.len();
        let (mut u, mut v) = (vec![0.0; n], vec![0.0; n]);
        let mut s_minus = 1.0;
        for j in 0..km.time.len() {
            let (t, nr, d) = (km.time[j], km.n_risk[j], km.n_event[j]);
            let haz = d / nr;
            for k in 0..n {
                let y = if at_risk(k, t) { w(k) } else { 0.0 };
                u[k] = u[k] * (1.0 - haz) + y * s_minus * haz / nr;
                v[k] -= y * haz / nr;
                if event[k] == 1.0 && time[k] == t {
                    u[k] -= s_minus * w(k) / nr;
                    v[k] += w(k) / nr;
                }
            }
            s_minus *= 1.0 - haz;
            let se_s = u.iter().map(|x| x * x).sum::<f64>().sqrt();
            let s = km.surv[j];
            km.se_log_surv[j] = (s > 0.0).then(|| se_s / s);
            km.se_cumhaz[j] = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        }
        Ok(km)
    }
}
