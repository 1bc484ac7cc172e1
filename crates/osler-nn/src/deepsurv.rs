//! DeepSurv (Katzman et al., "DeepSurv: personalized treatment recommender
//! system using a Cox proportional hazards deep neural network", BMC Medical
//! Research Methodology 18:24, 2018): an MLP risk score `g(x)` trained on the
//! Cox negative partial log-likelihood (mini-batch risk sets), with survival
//! curves `S(t | x) = exp(-H0(t) e^{g(x)})` from the Breslow estimate of the
//! baseline cumulative hazard on the training rows, stored as an
//! `osler_models::survival::BaselineStratum` (the Cox model's conventions:
//! baseline at risk score 0, Breslow-type increments for predictions).

use burn::prelude::*;
use osler_data::{Matrix, SplitMix64};
use osler_models::ModelError;
use osler_models::survival::{BaselineStratum, ProportionalHazards, Ties};
use serde::{Deserialize, Serialize};

use crate::device::{device, fit_lock, scalar, to_vec};
use crate::error::NnError;
use crate::layers::{MlpArch, MlpNet, Norm};
use crate::loaded::NetCache;
use crate::loss::{CoxRiskSets, cox_nll};
use crate::progress::ProgressObserver;
use crate::tabular::{Standardizer, index, load_mlp};
use crate::trainer::{
    EpochLog, Fitted, Objective, StopOn, TrainOptions, TrainSummary, fit, holdout,
};

/// Hyperparameters of [`DeepSurv`].
///
/// The defaults are chosen for small clinical survival data (hundreds to a few
/// thousand patients, tens to hundreds of events, a handful of covariates):
///
/// * **Full-batch training** (`batch_size` 0). The Cox partial likelihood of a
///   mini-batch uses the batch as the risk set, a noisy and biased stand-in for
///   the real one; with a few hundred events the whole training set is one cheap
///   batch, so every step uses the exact risk sets (Katzman et al. and pycox use
///   mini-batches because their data are larger).
/// * **One hidden layer of 32 units, dropout 0.1, L2 weight decay 0.1.** With tens
///   of events per covariate a deep network only adds variance; a single,
///   strongly penalised hidden layer stays close to the Cox model where the
///   hazard is log-linear and can bend where it is not. On whas500, rossi, gbsg2
///   and veterans (5-fold CV, seeds 1-3) it was within 0.004 of the Cox model's
///   Harrell C or above it, where two layers of 32 at batch 256 and lr 1e-3 lost
///   0.013 on whas500 and two layers of 16 collapsed on some rossi seeds.
/// * **Adam, learning rate 0.01** (one step per epoch at full batch, so a larger
///   rate than the usual 1e-3), at most 200 epochs, early stopping on the
///   validation partial likelihood (20% of the training rows, stratified by
///   event) after 20 epochs without improvement, restoring the best epoch.
/// * Efron ties, as the Cox model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeepSurvOptions {
    /// Hidden layer widths.
    pub hidden: Vec<usize>,
    /// Dropout probability after each hidden layer (training only).
    pub dropout: f64,
    /// Normalisation after each hidden layer.
    pub norm: Norm,
    /// Handling of tied event times in the partial likelihood.
    pub ties: Ties,
    /// The training loop's options.
    pub train: TrainOptions,
}

impl Default for DeepSurvOptions {
    fn default() -> Self {
        DeepSurvOptions {
            hidden: vec![32],
            dropout: 0.1,
            norm: Norm::None,
            ties: Ties::Efron,
            train: TrainOptions {
                batch_size: 0,
                lr: 0.01,
                weight_decay: 0.1,
                stop_on: StopOn::Loss,
                patience: 20,
                epochs: 200,
                ..TrainOptions::default()
            },
        }
    }
}

/// A fitted DeepSurv model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeepSurv {
    /// The hyperparameters the model was fitted with.
    pub options: DeepSurvOptions,
    /// The network's shape (inputs = covariates, one output: the log-risk score `g(x)`, no output bias).
    pub arch: MlpArch,
    /// Covariate standardisation fitted on the training rows, applied before the network.
    pub standardizer: Standardizer,
    /// Breslow baseline cumulative hazard at risk score 0 (label 0).
    pub baseline: BaselineStratum,
    /// How the training run went (epochs, best epoch, row counts).
    pub summary: TrainSummary,
    /// The fitted network's weights as safetensors bytes (saved as their own file in an artifact).
    #[serde(skip)]
    pub weights: Vec<u8>,
    /// Per-epoch training log (loss, validation partial likelihood and Harrell's C, learning rate).
    #[serde(skip)]
    pub log: Vec<EpochLog>,
    /// The network built from `weights`, reused by every prediction while they stay the same.
    #[serde(skip)]
    net: NetCache<MlpNet>,
}

struct CoxObjective {
    x: Tensor<2>,
    time: Vec<f64>,
    event: Vec<f64>,
    ties: Ties,
    /// Risk sets of all training rows in their stored order: a full batch
    /// (any order of all rows gives the same loss) reuses them instead of
    /// sorting the times again every epoch.
    full: CoxRiskSets,
    x_val: Tensor<2>,
    val_time: Vec<f64>,
    val_event: Vec<f64>,
    val_sets: Option<CoxRiskSets>,
}

impl Objective<MlpNet> for CoxObjective {
    fn rows(&self) -> usize {
        self.time.len()
    }
    fn batch_loss(&self, net: &MlpNet, rows: &[usize]) -> Result<Tensor<1>, NnError> {
        if rows.len() == self.time.len() {
            return cox_nll(net.forward(self.x.clone()).reshape([rows.len()]), &self.full);
        }
        let device = self.x.device();
        let x = self.x.clone().select(0, index(rows, &device));
        let t: Vec<f64> = rows.iter().map(|&i| self.time[i]).collect();
        let e: Vec<f64> = rows.iter().map(|&i| self.event[i]).collect();
        let sets = CoxRiskSets::new(&t, &e, self.ties)?;
        cox_nll(net.forward(x).reshape([rows.len()]), &sets)
    }
    fn validate(&self, net: &MlpNet) -> Result<(f64, f64), NnError> {
        let n = self.val_time.len();
        let eta = net.forward(self.x_val.clone()).reshape([n]);
        let sets = self
            .val_sets
            .as_ref()
            .ok_or(NnError::Internal { what: "validation without validation rows" })?;
        let loss = scalar(cox_nll(eta.clone(), sets)?)?;
        let risk = to_vec(eta)?;
        let ev: Vec<bool> = self.val_event.iter().map(|&e| e == 1.0).collect();
        let c =
            osler_eval::survival::harrell_c(&self.val_time, &ev, &risk).map_or(f64::NAN, |c| c.c);
        Ok((loss, c))
    }
    fn min_batch(&self) -> usize {
        2
    }
}

/// Breslow (and Efron) baseline cumulative hazard at risk score 0 from risk
/// scores `eta`: `dH(t_k) = d_k / sum_{t_j >= t_k} e^{eta_j}` (R `basehaz`,
/// `ctype = 1`), Efron-type `sum_{l<d_k} (1/d_k) / (S0_k - (l/d_k) D_k)`.
pub fn breslow_baseline(time: &[f64], event: &[f64], eta: &[f64]) -> BaselineStratum {
    let mut order: Vec<usize> = (0..time.len()).collect();
    order.sort_by(|&a, &b| time[a].total_cmp(&time[b]));
    let shift = eta.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let shift = if shift.is_finite() { shift } else { 0.0 };
    let w: Vec<f64> = eta.iter().map(|e| (e - shift).exp()).collect();
    let mut at_risk: f64 = w.iter().sum();
    let scale = (-shift).exp();
    let mut incs = Vec::new();
    let mut r = 0;
    while r < order.len() {
        let t = time[order[r]];
        let mut end = r;
        let (mut d, mut dw, mut leaving) = (0usize, 0.0, 0.0);
        while end < order.len() && time[order[end]] == t {
            let i = order[end];
            leaving += w[i];
            if event[i] == 1.0 {
                d += 1;
                dw += w[i];
            }
            end += 1;
        }
        if d > 0 {
            let db = d as f64 / at_risk * scale;
            let de: f64 =
                (0..d).map(|l| 1.0 / (at_risk - l as f64 / d as f64 * dw)).sum::<f64>() * scale;
            incs.push((t, db, de));
        }
        at_risk -= leaving;
        r = end;
    }
    BaselineStratum::accumulate(0, incs.into_iter())
}

impl DeepSurv {
    /// Fits on `x`, follow-up times and 0/1 event indicators, reporting
    /// progress to `options.train.progress`.
    pub fn fit(
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        options: &DeepSurvOptions,
    ) -> Result<Self, NnError> {
        let n = x.rows();
        for (what, found) in [("times", time.len()), ("event indicators", event.len())] {
            if found != n {
                return Err(NnError::LengthMismatch { what, found, rows: n });
            }
        }
        CoxRiskSets::new(time, event, options.ties)?;
        if !event.contains(&1.0) {
            return Err(NnError::NoEvents);
        }
        crate::mlp::check_layers(options.dropout, &options.hidden)?;
        let standardizer = Standardizer::fit(x)?;
        let arch = MlpArch {
            inputs: x.cols(),
            hidden: options.hidden.clone(),
            outputs: 1,
            dropout: options.dropout,
            norm: options.norm,
            output_bias: false,
            residual_blocks: 0,
        };
        let t = &options.train;
        let _guard = fit_lock();
        let plain = device(t.device)?;
        let ad = plain.clone().autodiff();
        ad.seed(t.seed);
        let mut rng = SplitMix64::new(t.seed);
        let strata: Vec<usize> = event.iter().map(|&e| e as usize).collect();
        let (tr, va) = holdout(&strata, t.validation_fraction, &mut rng);
        let pick = |v: &[f64], rows: &[usize]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let (time_tr, event_tr) = (pick(time, &tr), pick(event, &tr));
        let (val_time, val_event) = (pick(time, &va), pick(event, &va));
        let val_sets = if va.is_empty() {
            None
        } else {
            Some(CoxRiskSets::new(&val_time, &val_event, options.ties)?)
        };
        let objective = CoxObjective {
            x: standardizer.tensor(x, Some(&tr), &ad)?,
            full: CoxRiskSets::new(&time_tr, &event_tr, options.ties)?,
            time: time_tr,
            event: event_tr,
            ties: options.ties,
            x_val: standardizer.tensor(x, Some(&va), &plain)?,
            val_time,
            val_event,
            val_sets,
        };
        let net = MlpNet::new(&arch, &ad);
        let Fitted { model, log, summary } = fit(net, &objective, t, va.len())?;
        let weights = crate::checkpoint::to_bytes(&model)?;
        drop(_guard);
        // The fitted model does not keep the front end's observer alive.
        let mut options = options.clone();
        options.train.progress = ProgressObserver::default();
        let mut m = DeepSurv {
            options,
            arch,
            standardizer,
            baseline: BaselineStratum { label: 0, time: vec![], breslow: vec![], efron: vec![] },
            summary,
            weights,
            log,
            net: NetCache::default(),
        };
        let eta = m.risk(x)?;
        m.baseline = breslow_baseline(time, event, &eta);
        Ok(m)
    }

    /// Risk scores `g(x)` (log relative hazard; higher = earlier event).
    pub fn risk(&self, x: &Matrix) -> Result<Vec<f64>, NnError> {
        if x.rows() == 0 {
            return Ok(Vec::new());
        }
        let dev = device(self.options.train.device)?;
        let net = self.net.get(&self.weights, || load_mlp(&self.arch, &self.weights, &dev))?;
        to_vec(net.forward(self.standardizer.tensor(x, None, &dev)?).reshape([x.rows()]))
    }
}

/// Survival curves as for every proportional-hazards model:
/// `S(t | x) = exp(-H0(t) exp(g(x)))` from the training baseline.
impl ProportionalHazards for DeepSurv {
    fn baselines(&self) -> &[BaselineStratum] {
        std::slice::from_ref(&self.baseline)
    }

    fn risk_score(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.risk(x).map_err(ModelError::from)
    }
}
