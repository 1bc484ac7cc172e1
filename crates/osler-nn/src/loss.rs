//! Loss functions, written with burn tensor ops so autodiff differentiates them.
//!
//! All classification losses take logits and use the stable softplus form
//! `softplus(z) = max(z, 0) + ln(1 + e^{-|z|})`, never `ln(sigmoid(z))`.

use burn::prelude::*;
use burn::tensor::IndexingUpdateOp;
use burn::tensor::activation::{log_softmax, relu};

use crate::device::{int_tensor, tensor};
use crate::error::NnError;

/// `softplus(z) = ln(1 + e^z)`, computed as `max(z, 0) + ln(1 + e^{-|z|})`.
pub fn softplus<const D: usize>(z: Tensor<D>) -> Tensor<D> {
    relu(z.clone()) + z.abs().neg().exp().log1p()
}

/// Per-row binary cross-entropy of logits `z` and 0/1 targets `y`:
/// `l_i = softplus(z_i) - y_i z_i = -[y ln s(z) + (1 - y) ln(1 - s(z))]`.
pub fn bce_terms(z: Tensor<1>, y: Tensor<1>) -> Tensor<1> {
    softplus(z.clone()) - y * z
}

/// Weighted mean of per-row losses: `sum_i w_i l_i / sum_i w_i` (`w = None`: plain mean).
fn weighted_mean(l: Tensor<1>, w: Option<Tensor<1>>) -> Tensor<1> {
    match w {
        Some(w) => (l * w.clone()).sum() / w.sum(),
        None => l.mean(),
    }
}

/// Row weights `w_i = class_weights[y_i]` for 0/1 (or class-index) targets.
pub fn row_weights(
    y: &[usize],
    class_weights: &[f64],
    device: &Device,
) -> Result<Tensor<1>, NnError> {
    let w = y
        .iter()
        .map(|&c| {
            class_weights
                .get(c)
                .copied()
                .ok_or(NnError::MissingClassWeight { class: c, given: class_weights.len() })
        })
        .collect::<Result<Vec<f64>, _>>()?;
    let n = w.len();
    Ok(tensor(w, [n], device))
}

/// Binary cross-entropy with logits, optionally class-weighted (PyTorch's
/// `BCEWithLogitsLoss` with per-row weights normalised like `CrossEntropyLoss`:
/// `sum w_i l_i / sum w_i`).
pub fn binary_cross_entropy(z: Tensor<1>, y: Tensor<1>, w: Option<Tensor<1>>) -> Tensor<1> {
    weighted_mean(bce_terms(z, y), w)
}

/// Multiclass cross-entropy of logits `[n, k]` and class indices, with optional
/// row weights `w_i = weight[class_i]`: `sum_i w_i (-ln softmax(z_i)_{c_i}) / sum_i w_i`
/// (PyTorch `CrossEntropyLoss(weight=...)`).
pub fn cross_entropy(z: Tensor<2>, classes: &[usize], w: Option<Tensor<1>>) -> Tensor<1> {
    let n = classes.len();
    let device = z.device();
    let idx: Vec<i64> = classes.iter().map(|&c| c as i64).collect();
    let idx = int_tensor(idx, &device).reshape([n, 1]);
    let nll = log_softmax(z, 1).gather(1, idx).reshape([n]).neg();
    weighted_mean(nll, w)
}

/// Binary focal loss (Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017):
/// `FL_i = alpha_t (1 - p_t)^gamma (-ln p_t)` with `p_t = s(z)` for `y = 1`, `1 - s(z)`
/// for `y = 0`, and `alpha_t = alpha` for positives, `1 - alpha` for negatives; mean over rows.
/// `gamma = 0, alpha = 0.5` is half the cross-entropy.
pub fn focal_loss(z: Tensor<1>, y: Tensor<1>, gamma: f64, alpha: f64) -> Tensor<1> {
    let ce = bce_terms(z, y.clone());
    let pt = ce.clone().neg().exp();
    let modulating = pt.neg().add_scalar(1.0).clamp_min(0.0).powf_scalar(gamma);
    let alpha_t = y.clone().mul_scalar(alpha) + y.neg().add_scalar(1.0).mul_scalar(1.0 - alpha);
    (alpha_t * modulating * ce).mean()
}

/// Mean squared error `(1/n) sum (f_i - y_i)^2`.
pub fn mse<const D: usize>(pred: Tensor<D>, y: Tensor<D>) -> Tensor<1> {
    (pred - y).square().mean()
}

/// How tied event times enter the Cox partial likelihood.
pub use osler_models::survival::Ties;

/// The risk-set structure of a batch for [`cox_nll`], built once on the host
/// from the follow-up times and event indicators.
///
/// Rows are sorted by time descending; `group[r]` numbers the distinct times in
/// that order, so the risk set of distinct time `k` (all rows with `t >= t_k`)
/// is the prefix `0..=k` of the per-time sums, a cumulative sum.
#[derive(Debug, Clone)]
pub struct CoxRiskSets {
    n: usize,
    order: Vec<i64>,
    group: Vec<i64>,
    groups: usize,
    event_mask: Vec<f64>,
    /// Sorted position, distinct-time group and Efron fraction `l / m_k` of each event.
    event_pos: Vec<i64>,
    event_group: Vec<i64>,
    event_frac: Vec<f64>,
}

impl CoxRiskSets {
    /// Builds the structure; `event[i]` is 1 for an event, 0 for a censoring.
    pub fn new(time: &[f64], event: &[f64], ties: Ties) -> Result<Self, NnError> {
        let n = time.len();
        if event.len() != n {
            return Err(NnError::LengthMismatch {
                what: "event indicators",
                found: event.len(),
                rows: n,
            });
        }
        if let Some(i) = time.iter().position(|t| !t.is_finite()) {
            return Err(NnError::NonFiniteTime { row: i });
        }
        if let Some(i) = event.iter().position(|&e| e != 0.0 && e != 1.0) {
            return Err(NnError::BadEvent { row: i });
        }
        // The exact partial likelihood sums over subsets of each risk set:
        // no O(n) form for a network's loss.
        if ties == Ties::Exact {
            return Err(NnError::InvalidOption {
                option: "ties",
                value: "\"exact\"".into(),
                expected: "be efron or breslow for a network",
            });
        }
        let mut order: Vec<usize> = (0..n).collect();
        // Descending time; within a tie, the original order (stable sort).
        order.sort_by(|&a, &b| time[b].total_cmp(&time[a]));
        let mut group = vec![0i64; n];
        let mut g = 0i64;
        for r in 1..n {
            if time[order[r]] != time[order[r - 1]] {
                g += 1;
            }
            group[r] = g;
        }
        let groups = if n == 0 { 0 } else { g as usize + 1 };
        let event_mask: Vec<f64> = order.iter().map(|&i| event[i]).collect();
        let (mut event_pos, mut event_group, mut event_frac) = (Vec::new(), Vec::new(), Vec::new());
        let mut r = 0;
        while r < n {
            let mut end = r;
            while end < n && group[end] == group[r] {
                end += 1;
            }
            let m = event_mask[r..end].iter().filter(|&&e| e == 1.0).count();
            let mut l = 0usize;
            for (pos, &e) in event_mask.iter().enumerate().take(end).skip(r) {
                if e == 1.0 {
                    event_pos.push(pos as i64);
                    event_group.push(group[r]);
                    event_frac.push(match ties {
                        Ties::Efron => l as f64 / m as f64,
                        Ties::Breslow | Ties::Exact => 0.0,
                    });
                    l += 1;
                }
            }
            r = end;
        }
        Ok(CoxRiskSets {
            n,
            order: order.into_iter().map(|i| i as i64).collect(),
            group,
            groups,
            event_mask,
            event_pos,
            event_group,
            event_frac,
        })
    }

    /// Number of events.
    pub fn events(&self) -> usize {
        self.event_pos.len()
    }
}

/// Negative Cox partial log-likelihood per row, `-loglik(eta) / n`, for risk
/// scores `eta` (one per row, in the row order given to [`CoxRiskSets::new`]).
///
/// With `S0_k = sum_{t_j >= t_k} e^{eta_j}` (a reverse cumulative sum over the
/// time-sorted rows), `D_k` the sum of `e^{eta}` over the `m_k` events at `t_k`:
///
/// * Breslow (1974): `loglik = sum_k [sum_{events at t_k} eta - m_k ln S0_k]`;
/// * Efron (1977): `loglik = sum_k [sum_{events at t_k} eta - sum_{l<m_k} ln(S0_k - (l/m_k) D_k)]`,
///
/// the conventions of R `coxph` and of `osler_models::survival::CoxModel`.
/// The cost is O(n) after the O(n log n) sort in `CoxRiskSets::new`; no n x n
/// matrix is formed. `eta` is shifted by its (detached) maximum before `exp`,
/// which cancels exactly. DeepSurv: Katzman et al., BMC Med Res Methodol 2018.
pub fn cox_nll(eta: Tensor<1>, sets: &CoxRiskSets) -> Result<Tensor<1>, NnError> {
    let device = eta.device();
    let [n] = eta.dims();
    if n != sets.n {
        return Err(NnError::LengthMismatch { what: "risk scores", found: n, rows: sets.n });
    }
    if sets.events() == 0 {
        return Ok(eta.sum().mul_scalar(0.0));
    }
    let eta = eta.select(0, int_tensor(sets.order.clone(), &device));
    let shift = crate::device::scalar(eta.clone().detach().max())?;
    let eta = eta.sub_scalar(if shift.is_finite() { shift } else { 0.0 });
    let e = eta.clone().exp();
    let group = int_tensor(sets.group.clone(), &device);
    let per_time = Tensor::<1>::zeros([sets.groups], &device).scatter(
        0,
        group.clone(),
        e.clone(),
        IndexingUpdateOp::Add,
    );
    let s0 = per_time.cumsum(0);
    let ne = sets.events();
    let event_group = int_tensor(sets.event_group.clone(), &device);
    let mut denom = s0.select(0, event_group.clone());
    if sets.event_frac.iter().any(|&f| f > 0.0) {
        let mask = tensor(sets.event_mask.clone(), [n], &device);
        let d = Tensor::<1>::zeros([sets.groups], &device).scatter(
            0,
            group,
            e * mask,
            IndexingUpdateOp::Add,
        );
        let frac = tensor(sets.event_frac.clone(), [ne], &device);
        denom = denom - d.select(0, event_group) * frac;
    }
    let eta_events = eta.select(0, int_tensor(sets.event_pos.clone(), &device)).sum();
    let loglik = eta_events - denom.log().sum();
    Ok(loglik.neg().div_scalar(n as f64))
}
