//! Options of [`crate::survival::CoxModel::fit`].

use serde::{Deserialize, Serialize};

/// How tied event times enter the partial likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ties {
    /// Efron (1977): the `d` tied deaths leave the risk set gradually,
    /// `prod_{j<d} (S0 - j/d E0)` in the denominator (R's default).
    Efron,
    /// Breslow (1974): every tied death sees the full risk set, `S0^d`.
    Breslow,
    /// The exact partial likelihood of the discrete-time (conditional
    /// logistic) model (Kalbfleisch & Prentice 1973; R `ties = "exact"`):
    /// the probability that the `d` tied deaths are the ones that die among
    /// every `d`-subset of the risk set, computed by the recursion of Gail,
    /// Lubin & Rubinstein (1981) at a cost of `O(d n p^2)` per tied time, so
    /// meant for small data sets with heavy ties. No case weights (as R).
    Exact,
}

impl Ties {
    /// The baseline hazard that matches the ties method, as R
    /// `survfit.coxph`'s default `ctype`: Efron-type after an Efron fit,
    /// Breslow-type after a Breslow or exact fit.
    pub fn baseline(self) -> BaselineType {
        match self {
            Ties::Efron => BaselineType::Efron,
            Ties::Breslow | Ties::Exact => BaselineType::Breslow,
        }
    }
}

/// Increments of the baseline cumulative hazard (R `survfit.coxph` `ctype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BaselineType {
    /// `dH = d_w / sum_R w exp(eta)` (R `ctype = 1`, lifelines, sksurv, statsmodels).
    Breslow,
    /// `dH = sum_{j<d} (d_w/d) / (S0 - j/d E0)` (R `ctype = 2`, R's default after an Efron fit).
    Efron,
}

impl BaselineType {
    /// The baseline of models saved before the choice was recorded: they
    /// predicted with Breslow-type increments whatever their ties method.
    pub fn legacy() -> Self {
        BaselineType::Breslow
    }

    /// `"breslow"` or `"efron"`, as printed in the output.
    pub fn name(self) -> &'static str {
        match self {
            BaselineType::Breslow => "breslow",
            BaselineType::Efron => "efron",
        }
    }
}

/// What a fit does with covariates the data cannot estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Singular {
    /// Refuse them: an aliased covariate is `ModelError::Degenerate`, a
    /// diverging coefficient `ModelError::Diverges`.
    #[default]
    Refuse,
    /// As R `coxph`: aliased covariates (a zero pivot of the information at
    /// `beta = 0`, in column order, as R's `cholesky2`; constant ones too)
    /// are left out of the fit, and a coefficient that runs to infinity
    /// (monotone likelihood) is returned at its last iterate; both are listed
    /// in the fit ([`crate::survival::CoxFit::aliased`],
    /// [`crate::survival::CoxFit::infinite`]).
    Report,
}

/// Everything [`crate::survival::CoxModel::fit`] accepts besides the data.
///
/// `strata`, `weights`, `start` and `cluster` are per-row and are not kept
/// in the fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct CoxOptions {
    /// How tied event times enter the partial likelihood (Efron by default, as R).
    pub ties: Ties,
    /// Stratum code per row: separate baseline hazards, common coefficients.
    pub strata: Option<Vec<u32>>,
    /// Case weights (finite, `>= 0`).
    pub weights: Option<Vec<f64>>,
    /// Counting-process entry times: row `i` is at risk on `(start_i, time_i]`.
    pub start: Option<Vec<f64>>,
    /// Cluster id per row: adds the robust (sandwich) variance of Lin & Wei (1989).
    pub cluster: Option<Vec<u32>>,
    /// Newton-Raphson iterations at most.
    pub max_iter: usize,
    /// Convergence: stop when the predicted log-likelihood gain of the next
    /// Newton step, `U'I^{-1}U / 2`, is below `tol * |loglik|`.
    pub tol: f64,
    /// Aliased covariates and infinite coefficients: refused, or fitted around as R.
    pub singular: Singular,
}

impl Default for CoxOptions {
    fn default() -> Self {
        CoxOptions {
            ties: Ties::Efron,
            strata: None,
            weights: None,
            start: None,
            cluster: None,
            max_iter: 30,
            tol: 1e-12,
            singular: Singular::Refuse,
        }
    }
}
