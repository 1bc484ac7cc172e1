//! Test of proportional hazards from scaled Schoenfeld residuals
//! (Grambsch & Therneau 1994; R `cox.zph`, survival 2.x form, `transform = "km"`).
//!
//! With Schoenfeld residuals `s_k = x_(k) - abar(t_k)` of the `d` deaths,
//! `V = I^{-1}`, times transformed to `g_k = 1 - S(t_k-)` (pooled
//! Kaplan-Meier, left-continuous) and `u = g - mean(g)`:
//!
//! ```text
//! T_j = (sum_k u_k (d V s_k)_j)^2 / (d V_jj sum_k u_k^2)        ~ chi2(1)
//! T   = (sum_k u_k s_k)' V (sum_k u_k s_k) d / sum_k u_k^2      ~ chi2(p)
//! ```
//!
//! The scaled residuals `d V s_k + b` estimate `b(t_k)`; `rho_j` is their
//! correlation with `g`. (survival >= 3.0 replaced this approximation by an
//! exact score test; the two agree closely but not to many digits.)

use osler_data::Matrix;
use serde::{Deserialize, Serialize};

use super::data::CoxData;
use super::engine::{Engine, GroupStats};
use super::model::{ChiSquareTest, CoxModel};
use super::options::CoxOptions;
use crate::ModelError;

/// Per-covariate result of [`CoxModel::proportional_hazards_test`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PhTestRow {
    /// Correlation of the scaled Schoenfeld residuals with `g(t)`.
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
}

impl CoxModel {
    /// Grambsch-Therneau test on the training data (the same `x`, `time`,
    /// `event` and options the model was fitted with).
    pub fn proportional_hazards_test(
        &self,
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
    ) -> Result<PhTest, ModelError> {
        let data = CoxData::new(x, time, event, opts)?;
        let p = data.p;
        if p != self.coef.len() {
            return Err(ModelError::FeatureCount { expected: self.coef.len(), found: p });
        }
        // Coefficients in the centring of this data set are the same b.
        let mut eng = Engine::new(&data, opts.ties);
        let mut st = GroupStats { vectors: true, ..GroupStats::default() };
        eng.evaluate(&self.coef, Some(&mut st));
        // Deaths in ascending time with their Schoenfeld residuals.
        let mut deaths: Vec<(f64, Vec<f64>)> = Vec::new();
        for (gi, g) in data.groups.iter().enumerate() {
            for i in g.begin..g.begin + g.deaths {
                let s: Vec<f64> = (0..p).map(|j| data.x[i * p + j] - st.abar[gi * p + j]).collect();
                deaths.push((g.time, s));
            }
        }
        deaths.sort_by(|a, b| a.0.total_cmp(&b.0));
        let nd = deaths.len();
        // g = 1 - S(t-) of the pooled, unweighted Kaplan-Meier.
        let mut sorted: Vec<(f64, bool)> =
            time.iter().zip(event).map(|(&t, &e)| (t, e == 1.0)).collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut gval = Vec::with_capacity(nd);
        let (mut s, mut at_risk, mut i) = (1.0, sorted.len() as f64, 0);
        while i < sorted.len() {
            let t = sorted[i].0;
            let j = i + sorted[i..].iter().take_while(|v| v.0 == t).count();
            let dd = sorted[i..j].iter().filter(|v| v.1).count();
            gval.extend(std::iter::repeat_n(1.0 - s, dd));
            s *= 1.0 - dd as f64 / at_risk;
            at_risk -= (j - i) as f64;
            i = j;
        }
        let mean_g = gval.iter().sum::<f64>() / nd as f64;
        let u: Vec<f64> = gval.iter().map(|g| g - mean_g).collect();
        let uu: f64 = u.iter().map(|v| v * v).sum();
        let v = &self.covariance;
        let dn = nd as f64;
        let mut us = vec![0.0; p];
        for (uk, (_, sk)) in u.iter().zip(&deaths) {
            for j in 0..p {
                us[j] += uk * sk[j];
            }
        }
        let vus: Vec<f64> = (0..p).map(|j| (0..p).map(|l| v[j * p + l] * us[l]).sum()).collect();
        let covariates = (0..p)
            .map(|j| {
                let test = dn * vus[j];
                let stat = test * test / (v[j * p + j] * dn * uu);
                // Correlation of u with the scaled residuals d (V s)_j + b_j.
                let r2: Vec<f64> = deaths
                    .iter()
                    .map(|(_, sk)| {
                        dn * (0..p).map(|l| v[j * p + l] * sk[l]).sum::<f64>() + self.coef[j]
                    })
                    .collect();
                let mr = r2.iter().sum::<f64>() / dn;
                let sxy: f64 = u.iter().zip(&r2).map(|(a, b)| a * (b - mr)).sum();
                let syy: f64 = r2.iter().map(|b| (b - mr) * (b - mr)).sum();
                PhTestRow { rho: sxy / (uu * syy).sqrt(), test: ChiSquareTest::new(stat, 1) }
            })
            .collect();
        let global = us.iter().zip(&vus).map(|(a, b)| a * b).sum::<f64>() * dn / uu;
        Ok(PhTest { covariates, global: ChiSquareTest::new(global, p) })
    }
}
