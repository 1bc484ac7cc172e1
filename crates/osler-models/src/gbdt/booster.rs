//! The boosting loop and the fitted [`GbdtModel`].

use osler_data::{Matrix, SplitMix64};
use serde::{Deserialize, Serialize};

use super::binning::BinnedData;
use super::data::{check_inputs, log_loss, stratified_split};
use super::grow::{GrowParams, Grower};
use super::histogram::SplitParams;
use super::options::{GbdtOptions, ImportanceKind};
use super::tree::Tree;
use crate::ModelError;
use crate::linear::sigmoid;

/// Per-iteration log loss recorded while fitting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingHistory {
    /// Weighted mean log loss on the training rows after each tree.
    pub train_loss: Vec<f64>,
    /// Weighted mean log loss on the validation rows after each tree (empty without early stopping).
    pub valid_loss: Vec<f64>,
}

/// Gradient-boosted trees for a binary outcome (logistic loss).
///
/// The raw score of a row is `init_score + sum of tree outputs`, on the
/// log-odds scale. Trees split on original feature values, so predicting
/// needs no bins, and the model survives a JSON round trip bit for bit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbdtModel {
    n_features: usize,
    init_score: f64,
    trees: Vec<Tree>,
    best_iteration: usize,
    history: TrainingHistory,
    options: GbdtOptions,
}

/// Per-row gradient and hessian of the (weighted) logistic loss; returns the weighted mean loss.
#[inline(never)]
fn gradients(scores: &[f64], y: &[f64], w: Option<&[f64]>, gh: &mut [[f64; 2]]) -> f64 {
    let mut loss = 0.0;
    match w {
        None => {
            // The loss of a row is ln(1 + e) plus a linear term. The logarithms of
            // a block are summed as the logarithm of their product (each factor
            // lies in [1, 2], so 64 of them cannot overflow): one `ln` per block.
            for ((o, s), y) in gh.chunks_mut(64).zip(scores.chunks(64)).zip(y.chunks(64)) {
                let mut prod = 1.0;
                for ((o, &s), &yi) in o.iter_mut().zip(s).zip(y) {
                    let e = (-s.abs()).exp();
                    let d = 1.0 + e;
                    let p = if s >= 0.0 { 1.0 / d } else { e / d };
                    *o = [p - yi, p * (1.0 - p)];
                    prod *= d;
                    loss += if s >= 0.0 { (1.0 - yi) * s } else { -yi * s };
                }
                loss += prod.ln();
            }
            loss / scores.len() as f64
        }
        Some(w) => {
            let mut den = 0.0;
            for (((o, &s), &yi), &wi) in gh.iter_mut().zip(scores).zip(y).zip(w) {
                let (p, l) = prob_and_loss(s, yi);
                *o = [wi * (p - yi), wi * p * (1.0 - p)];
                loss += wi * l;
                den += wi;
            }
            loss / den
        }
    }
}

/// Probability and log loss of one raw score, sharing one `exp` and one `ln`.
#[inline]
fn prob_and_loss(s: f64, y: f64) -> (f64, f64) {
    let e = (-s.abs()).exp();
    let d = 1.0 + e;
    // ln(1 + e) loses nothing that matters to a mean loss when e is tiny.
    let base = d.ln();
    if s >= 0.0 { (1.0 / d, base + (1.0 - y) * s) } else { (e / d, base - y * s) }
}

impl GbdtModel {
    /// Fits `opts.n_trees` trees (fewer with early stopping) to outcome `y`
    /// (0/1) with optional non-negative row weights `w`. NaN features are
    /// missing values and are routed natively; infinite values are refused.
    pub fn fit(
        x: &Matrix,
        y: &[f64],
        w: Option<&[f64]>,
        opts: &GbdtOptions,
    ) -> Result<GbdtModel, ModelError> {
        opts.validate()?;
        check_inputs(x, y, w)?;
        let mut rng = SplitMix64::new(opts.seed);
        let mut split_rng = rng.fork();
        let mut bin_rng = rng.fork();

        // Validation split (only with early stopping).
        let split = match opts.early_stopping_rounds {
            Some(_) => Some(stratified_split(y, opts.validation_fraction, &mut split_rng)?),
            None => None,
        };
        let owned;
        let (xt, yt, wt, valid) = match &split {
            Some((tr, va)) => {
                let pick =
                    |v: &[f64], idx: &[usize]| idx.iter().map(|&i| v[i]).collect::<Vec<f64>>();
                owned = (
                    x.select_rows(tr),
                    pick(y, tr),
                    w.map(|w| pick(w, tr)),
                    x.select_rows(va),
                    pick(y, va),
                    w.map(|w| pick(w, va)),
                );
                check_inputs(&owned.0, &owned.1, owned.2.as_deref())?;
                (
                    &owned.0,
                    &owned.1[..],
                    owned.2.as_deref(),
                    Some((&owned.3, &owned.4[..], owned.5.as_deref())),
                )
            }
            None => (x, y, w, None),
        };

        let n = xt.rows();
        let data = BinnedData::new(xt, opts.max_bins, &mut bin_rng);
        let (mut pos, mut all) = (0.0, 0.0);
        for (i, &yi) in yt.iter().enumerate() {
            let wi = wt.map_or(1.0, |w| w[i]);
            pos += wi * yi;
            all += wi;
        }
        let rate = pos / all;
        let init_score = (rate / (1.0 - rate)).ln();

        let params = GrowParams {
            split: SplitParams {
                min_leaf: u32::try_from(opts.min_leaf).unwrap_or(u32::MAX),
                min_child_weight: opts.min_child_weight,
                lambda: opts.lambda_l2,
            },
            max_leaves: opts.max_leaves,
            max_depth: opts.max_depth,
            learning_rate: opts.learning_rate,
        };
        let mut grower = Grower::new(&data, params);
        let mut scores = vec![init_score; n];
        let mut gh = vec![[0.0f64; 2]; n];
        let mut valid_scores = valid.map(|(xv, _, _)| vec![init_score; xv.rows()]);
        let mut trees: Vec<Tree> = Vec::with_capacity(opts.n_trees);
        let mut history = TrainingHistory::default();
        let mut best = (0usize, f64::INFINITY);

        for t in 0..opts.n_trees {
            let loss = gradients(&scores, yt, wt, &mut gh);
            if t > 0 {
                history.train_loss.push(loss);
            }
            let tree = grower.grow(&data, &gh, |v, rows| {
                for &r in rows {
                    scores[r as usize] += v;
                }
            });
            if let (Some((xv, yv, wv)), Some(vs)) = (valid, valid_scores.as_mut()) {
                for (i, s) in vs.iter_mut().enumerate() {
                    *s += tree.predict_row(xv, i);
                }
                let vl = log_loss(vs, yv, wv);
                history.valid_loss.push(vl);
                if vl < best.1 {
                    best = (t + 1, vl);
                }
            }
            trees.push(tree);
            if let Some(rounds) = opts.early_stopping_rounds
                && trees.len() - best.0 >= rounds
            {
                break;
            }
        }
        history.train_loss.push(log_loss(&scores, yt, wt));
        let best_iteration = if valid.is_some() { best.0.max(1) } else { trees.len() };
        trees.truncate(best_iteration);
        Ok(GbdtModel {
            n_features: x.cols(),
            init_score,
            trees,
            best_iteration,
            history,
            options: opts.clone(),
        })
    }

    fn check_features(&self, x: &Matrix) -> Result<(), ModelError> {
        if x.cols() == self.n_features {
            Ok(())
        } else {
            Err(ModelError::FeatureCount { expected: self.n_features, found: x.cols() })
        }
    }

    /// Raw scores (log-odds) of every row of `x`.
    pub fn predict_raw(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.check_features(x)?;
        // Rows are copied block by block into a row-major buffer, so that a
        // row's walk down every tree touches one small, cache-resident slice.
        const BLOCK: usize = 256;
        let p = x.cols();
        let mut out = vec![self.init_score; x.rows()];
        let mut buf = vec![0.0; BLOCK * p];
        for start in (0..x.rows()).step_by(BLOCK) {
            let len = BLOCK.min(x.rows() - start);
            for j in 0..p {
                for (k, &v) in x.col(j)[start..start + len].iter().enumerate() {
                    buf[k * p + j] = v;
                }
            }
            for t in &self.trees {
                for (k, o) in out[start..start + len].iter_mut().enumerate() {
                    *o += t.predict_slice(&buf[k * p..(k + 1) * p]);
                }
            }
        }
        Ok(out)
    }

    /// Predicted probabilities of the outcome 1 for every row of `x`.
    pub fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        Ok(self.predict_raw(x)?.into_iter().map(sigmoid).collect())
    }

    /// Importance of every feature, summed over the trees.
    pub fn feature_importance(&self, kind: ImportanceKind) -> Vec<f64> {
        let mut imp = vec![0.0; self.n_features];
        for n in self.trees.iter().flat_map(|t| t.nodes()).filter(|n| !n.is_leaf()) {
            imp[n.feature as usize] += match kind {
                ImportanceKind::Gain => n.gain,
                ImportanceKind::Split => 1.0,
            };
        }
        imp
    }

    /// Number of trees kept (after early-stopping truncation).
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// Number of trees at the best validation loss (all trees without early stopping).
    pub fn best_iteration(&self) -> usize {
        self.best_iteration
    }

    /// The fitted trees.
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// The initial raw score: log-odds of the weighted training base rate.
    pub fn init_score(&self) -> f64 {
        self.init_score
    }

    /// Number of features the model expects.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Loss history recorded while fitting (covers every tree grown, even those truncated).
    pub fn history(&self) -> &TrainingHistory {
        &self.history
    }

    /// The options the model was fitted with.
    pub fn options(&self) -> &GbdtOptions {
        &self.options
    }
}
