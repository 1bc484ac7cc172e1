//! [`CoxModel`]: the fitted proportional-hazards model, its summary, tests,
//! baseline hazard and predictions.

use osler_data::Matrix;
use osler_eval::Z_975;
use serde::{Deserialize, Serialize};

use super::data::CoxData;
use super::options::{BaselineType, Ties};
use crate::ModelError;
use crate::linear::two_sided_p;
use crate::survival::concordance::Concordance;
use crate::survival::gamma::chi2_sf;

/// Baseline cumulative hazard of one stratum at covariates `x = 0`, at its
/// event times (ascending), with both increment types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineStratum {
    /// Stratum code (as in `CoxOptions::strata`; 0 without strata).
    pub label: u32,
    /// Distinct event times of the stratum, ascending (where the curves step).
    pub time: Vec<f64>,
    /// `H_0(t) = sum_{t_k <= t} d_w / sum_R w exp(x'b)` (R `ctype = 1`).
    pub breslow: Vec<f64>,
    /// Efron-type increments (R `ctype = 2`).
    pub efron: Vec<f64>,
}

/// The baseline stratum `label` of a fitted proportional-hazards model.
pub(crate) fn stratum_of(
    baseline: &[BaselineStratum],
    label: u32,
) -> Result<&BaselineStratum, ModelError> {
    baseline.iter().find(|b| b.label == label).ok_or(ModelError::UnknownStratum { label })
}

/// `S(t | x) = exp(-H_0s(t) exp(eta))` for every row (outer) and time (inner)
/// from per-stratum baselines; `strata = None` requires an unstratified model.
pub(crate) fn survival_curves(
    baseline: &[BaselineStratum],
    eta: &[f64],
    times: &[f64],
    strata: Option<&[u32]>,
    kind: BaselineType,
) -> Result<Vec<Vec<f64>>, ModelError> {
    if let Some(index) = times.iter().position(|t| !t.is_finite()) {
        return Err(ModelError::BadPredictionTime { index, value: times[index] });
    }
    let single;
    let strata = match strata {
        Some(s) => s,
        None => {
            if baseline.len() != 1 {
                return Err(ModelError::StrataRequired);
            }
            single = vec![baseline[0].label; eta.len()];
            &single
        }
    };
    if strata.len() != eta.len() {
        return Err(ModelError::LengthMismatch {
            what: "strata",
            found: strata.len(),
            expected: eta.len(),
        });
    }
    eta.iter()
        .zip(strata)
        .map(|(e, &s)| {
            let b = stratum_of(baseline, s)?;
            let r = e.exp();
            Ok(times.iter().map(|&t| (-b.at(t, kind) * r).exp()).collect())
        })
        .collect()
}

/// The concordance of a model still being built, until
/// [`super::CoxFit::with_concordance`] sets it.
pub(crate) fn pending_concordance() -> Concordance {
    Concordance { concordant: 0.0, discordant: 0.0, tied_risk: 0.0, c_index: f64::NAN }
}

impl BaselineStratum {
    /// Every stratum's baseline at `x = 0` from per-group increments on the
    /// centred scale of `data` at coefficients `beta` (`exp(eta_centred) =
    /// exp(x'b) exp(-m'b)`, so each increment is divided by `exp(m'b)`).
    pub(crate) fn of_fit(
        data: &CoxData,
        beta: &[f64],
        breslow: &[f64],
        efron: &[f64],
    ) -> Vec<BaselineStratum> {
        let shift: f64 = data.center.iter().zip(beta).map(|(m, b)| m * b).sum::<f64>().exp();
        data.strata
            .iter()
            .map(|s| {
                let events = (s.g_begin..s.g_end)
                    .rev()
                    .filter(|&gi| data.groups[gi].deaths > 0 && breslow[gi] > 0.0)
                    .map(|gi| (data.groups[gi].time, breslow[gi] / shift, efron[gi] / shift));
                BaselineStratum::accumulate(s.label, events)
            })
            .collect()
    }

    /// Cumulative hazards from per-event-time increments `(time, dH_Breslow,
    /// dH_Efron)` given in ascending time.
    pub fn accumulate(label: u32, increments: impl Iterator<Item = (f64, f64, f64)>) -> Self {
        let mut b =
            BaselineStratum { label, time: Vec::new(), breslow: Vec::new(), efron: Vec::new() };
        let (mut hb, mut he) = (0.0, 0.0);
        for (t, db, de) in increments {
            hb += db;
            he += de;
            b.time.push(t);
            b.breslow.push(hb);
            b.efron.push(he);
        }
        b
    }

    /// Step-function value at `t` (0 before the first event time).
    pub fn at(&self, t: f64, kind: BaselineType) -> f64 {
        let k = self.time.partition_point(|&u| u <= t);
        if k == 0 {
            return 0.0;
        }
        match kind {
            BaselineType::Breslow => self.breslow[k - 1],
            BaselineType::Efron => self.efron[k - 1],
        }
    }
}

/// A chi-square test statistic.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChiSquareTest {
    /// The chi-square statistic.
    pub statistic: f64,
    /// Degrees of freedom.
    pub df: usize,
    /// Upper-tail probability `P(chi2_df >= statistic)`.
    pub p_value: f64,
}

impl ChiSquareTest {
    pub(crate) fn new(statistic: f64, df: usize) -> Self {
        ChiSquareTest { statistic, df, p_value: chi2_sf(statistic, df as f64) }
    }
}

/// One row of [`CoxModel::summary`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoxCoefficient {
    /// Feature (column) index, from 0.
    pub index: usize,
    /// Coefficient `b_j`: log hazard ratio per unit of the feature.
    pub coef: f64,
    /// Model-based `sqrt(diag I^{-1})`.
    pub se: f64,
    /// Robust (sandwich) SE when the fit had clusters.
    pub robust_se: Option<f64>,
    /// `coef / se` (the robust SE when present, as R).
    pub z: f64,
    /// Two-sided normal p-value `P(|Z| >= |z|)`.
    pub p_value: f64,
    /// `exp(coef)`.
    pub hazard_ratio: f64,
    /// `exp(coef -+ 1.959964 se)`.
    pub hr_ci95: [f64; 2],
}

/// A fitted Cox proportional-hazards model `h(t | x) = h_0s(t) exp(x'b)`.
///
/// Serialises everything prediction needs; with serde_json's
/// `float_roundtrip` predictions after a JSON round trip are bit-identical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoxModel {
    pub(crate) coef: Vec<f64>,
    /// `p x p` row-major inverse information at the optimum.
    pub(crate) covariance: Vec<f64>,
    pub(crate) robust_covariance: Option<Vec<f64>>,
    /// Weighted covariate means (the internal centring; not used in predictions).
    pub(crate) center: Vec<f64>,
    pub(crate) ties: Ties,
    pub(crate) loglik: f64,
    pub(crate) loglik_null: f64,
    pub(crate) score_test: f64,
    pub(crate) iterations: usize,
    pub(crate) n: usize,
    pub(crate) n_events: f64,
    pub(crate) concordance: Concordance,
    pub(crate) baseline: Vec<BaselineStratum>,
    /// Which increments [`ProportionalHazards::predict_survival`] uses:
    /// those matching the ties method for new fits; Breslow-type for models
    /// saved before the choice was recorded, so they predict as they did.
    #[serde(default = "BaselineType::legacy")]
    pub(crate) baseline_type: BaselineType,
}

impl CoxModel {
    /// Coefficients `b`: log hazard ratios per unit of each feature.
    pub fn coefficients(&self) -> &[f64] {
        &self.coef
    }
    /// Model-based covariance `I^{-1}`, row-major.
    pub fn covariance(&self) -> &[f64] {
        &self.covariance
    }
    /// Robust (sandwich, Lin & Wei 1989) covariance, row-major; present when the fit had clusters.
    pub fn robust_covariance(&self) -> Option<&[f64]> {
        self.robust_covariance.as_deref()
    }
    /// Model-based standard errors `sqrt(diag I^{-1})`.
    pub fn std_errors(&self) -> Vec<f64> {
        let p = self.coef.len();
        (0..p).map(|j| self.covariance[j * p + j].sqrt()).collect()
    }
    /// Robust standard errors (square roots of the robust covariance's diagonal); present when the fit had clusters.
    pub fn robust_std_errors(&self) -> Option<Vec<f64>> {
        let p = self.coef.len();
        self.robust_covariance.as_ref().map(|v| (0..p).map(|j| v[j * p + j].sqrt()).collect())
    }
    /// Weighted training means of the covariates.
    pub fn means(&self) -> &[f64] {
        &self.center
    }
    /// How tied event times were handled in the fit.
    pub fn ties(&self) -> Ties {
        self.ties
    }
    /// Log partial likelihood at the optimum.
    pub fn loglik(&self) -> f64 {
        self.loglik
    }
    /// Log partial likelihood at `b = 0`.
    pub fn loglik_null(&self) -> f64 {
        self.loglik_null
    }
    /// Newton-Raphson iterations performed.
    pub fn iterations(&self) -> usize {
        self.iterations
    }
    /// Number of training rows.
    pub fn n_obs(&self) -> usize {
        self.n
    }
    /// Weighted number of events.
    pub fn n_events(&self) -> f64 {
        self.n_events
    }
    /// Harrell's C of the linear predictor on the training data (within strata).
    pub fn concordance(&self) -> Concordance {
        self.concordance
    }
    /// Per-stratum baseline cumulative hazards at `x = 0`.
    pub fn baseline(&self) -> &[BaselineStratum] {
        &self.baseline
    }
    /// The baseline hazard its survival predictions use (R `survfit.coxph`'s
    /// default: Efron-type after an Efron fit, else Breslow-type).
    pub fn baseline_type(&self) -> BaselineType {
        self.baseline_type
    }

    /// Likelihood-ratio test `2 (l(b) - l(0))`, `df = p`.
    pub fn likelihood_ratio_test(&self) -> ChiSquareTest {
        ChiSquareTest::new(2.0 * (self.loglik - self.loglik_null), self.coef.len())
    }
    /// Wald test `b' I b` (model-based information).
    pub fn wald_test(&self) -> ChiSquareTest {
        let p = self.coef.len();
        // I = V^{-1}: solve V x = b.
        let ch = crate::linear::numeric::Cholesky::factor(&self.covariance, p, 0.0);
        let stat = ch.map_or(f64::NAN, |c| {
            c.solve(&self.coef).iter().zip(&self.coef).map(|(a, b)| a * b).sum()
        });
        ChiSquareTest::new(stat, p)
    }
    /// Score (log-rank type) test `U(0)' I(0)^{-1} U(0)`.
    pub fn score_test(&self) -> ChiSquareTest {
        ChiSquareTest::new(self.score_test, self.coef.len())
    }

    /// Coefficient table: SE, z, p, hazard ratio and its 95% interval.
    pub fn summary(&self) -> Vec<CoxCoefficient> {
        let se = self.std_errors();
        let rse = self.robust_std_errors();
        (0..self.coef.len())
            .map(|j| {
                let b = self.coef[j];
                let s = rse.as_ref().map_or(se[j], |r| r[j]);
                let z = b / s;
                CoxCoefficient {
                    index: j,
                    coef: b,
                    se: se[j],
                    robust_se: rse.as_ref().map(|r| r[j]),
                    z,
                    p_value: two_sided_p(z),
                    hazard_ratio: b.exp(),
                    hr_ci95: [(b - Z_975 * s).exp(), (b + Z_975 * s).exp()],
                }
            })
            .collect()
    }

    fn check_cols(&self, x: &Matrix) -> Result<(), ModelError> {
        if x.cols() != self.coef.len() {
            return Err(ModelError::FeatureCount { expected: self.coef.len(), found: x.cols() });
        }
        Ok(())
    }

    /// `eta = x'b` (reference point `x = 0`, unlike R's centred `predict`).
    pub fn linear_predictor(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.check_cols(x)?;
        let mut eta = vec![0.0; x.rows()];
        for (j, b) in self.coef.iter().enumerate() {
            for (e, v) in eta.iter_mut().zip(x.col(j)) {
                *e += v * b;
            }
        }
        Ok(eta)
    }
}

/// The predictions shared by proportional-hazards models ([`CoxModel`],
/// [`crate::survival::CoxnetModel`]): `S(t | x) = exp(-H_0s(t) exp(x'b))` from the
/// per-stratum baseline cumulative hazards at `x = 0`.
pub trait ProportionalHazards {
    /// Per-stratum baseline cumulative hazards at `x = 0`.
    fn baselines(&self) -> &[BaselineStratum];

    /// `x'b` for every row (reference point `x = 0`).
    fn risk_score(&self, x: &Matrix) -> Result<Vec<f64>, ModelError>;

    /// Baseline cumulative hazard of stratum `label` at `times`, `x = 0`.
    fn baseline_cumhaz(
        &self,
        label: u32,
        times: &[f64],
        kind: BaselineType,
    ) -> Result<Vec<f64>, ModelError> {
        let b = stratum_of(self.baselines(), label)?;
        Ok(times.iter().map(|&t| b.at(t, kind)).collect())
    }

    /// The baseline hazard [`Self::predict_survival`] uses: Breslow-type
    /// unless the model says otherwise (a Cox model fitted with Efron ties
    /// uses the Efron-type, as R `survfit.coxph`).
    fn default_baseline(&self) -> BaselineType {
        BaselineType::Breslow
    }

    /// `S(t | x)` for every row (outer) and time (inner) with the model's
    /// [`Self::default_baseline`]; the model must be unstratified.
    fn predict_survival(&self, x: &Matrix, times: &[f64]) -> Result<Vec<Vec<f64>>, ModelError> {
        let kind = self.default_baseline();
        survival_curves(self.baselines(), &self.risk_score(x)?, times, None, kind)
    }

    /// [`Self::predict_survival`] with per-row strata and a choice of baseline.
    fn predict_survival_in(
        &self,
        x: &Matrix,
        times: &[f64],
        strata: &[u32],
        kind: BaselineType,
    ) -> Result<Vec<Vec<f64>>, ModelError> {
        survival_curves(self.baselines(), &self.risk_score(x)?, times, Some(strata), kind)
    }
}

impl ProportionalHazards for CoxModel {
    fn baselines(&self) -> &[BaselineStratum] {
        &self.baseline
    }

    fn risk_score(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.linear_predictor(x)
    }

    fn default_baseline(&self) -> BaselineType {
        self.baseline_type
    }
}
