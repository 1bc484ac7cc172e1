//! The forest: fitting, ensemble predictions, out-of-bag risk.

use osler_data::{Matrix, SplitMix64};
use osler_eval::resample;
use osler_eval::survival::harrell_c_weighted;
use serde::{Deserialize, Serialize};

use super::codes::Codes;
use super::options::RsfOptions;
use super::tree::{GrowData, RsfTree, grow, leaf_events};
use crate::ModelError;

/// A fitted random survival forest (Ishwaran, Kogalur, Blackstone and Lauer 2008).
///
/// Predictions for a row `x`, with `T` trees and `l_b(x)` the leaf of tree `b`
/// that `x` falls into (its in-bag rows, duplicates counted):
///
/// * cumulative hazard `H(t|x) = (1/T) sum_b H_b(t|x)`, `H_b` the Nelson-Aalen
///   estimate `sum_{s <= t} d_s / Y_s` of `l_b(x)` (randomForestSRC `chf`,
///   scikit-survival `predict_cumulative_hazard_function`);
/// * survival `S(t|x) = (1/T) sum_b S_b(t|x)`, `S_b` the Kaplan-Meier
///   estimate `prod_{s <= t} (1 - d_s / Y_s)` of `l_b(x)`: the mean of the
///   leaves' Kaplan-Meier curves, as randomForestSRC's `survival` and
///   scikit-survival's `predict_survival_function` compute it -- not
///   `exp(-H(t|x))`, which is a different (and always larger) estimate;
/// * risk score ("ensemble mortality", Ishwaran 2008 section 4.1)
///   `M(x) = sum_{t in grid} H(t|x)` over the forest's grid of the distinct
///   event times of the whole training set, as scikit-survival's `predict`:
///   a higher score means earlier expected failure, so Harrell's C applies.
///
/// **The model holds its training outcomes**: the leaves store training-row
/// indices and the curves are computed from `time` and `event` at prediction
/// time (as scikit-survival and randomForestSRC keep them), so an exported
/// model discloses the training times and events (not the features).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawForest")]
pub struct RandomSurvivalForest {
    options: RsfOptions,
    n_features: usize,
    time: Vec<f64>,
    event: Vec<bool>,
    event_times: Vec<f64>,
    trees: Vec<RsfTree>,
    oob_risk: Option<Vec<f64>>,
    oob_concordance: Option<f64>,
}

/// The serialized form, checked before it becomes a model.
#[derive(Deserialize)]
struct RawForest {
    options: RsfOptions,
    n_features: usize,
    time: Vec<f64>,
    event: Vec<bool>,
    event_times: Vec<f64>,
    trees: Vec<RsfTree>,
    /// JSON writes the NaN risk of a row that no tree left out of its bootstrap sample as `null`.
    oob_risk: Option<Vec<Option<f64>>>,
    oob_concordance: Option<f64>,
}

impl TryFrom<RawForest> for RandomSurvivalForest {
    type Error = String;
    fn try_from(r: RawForest) -> Result<Self, String> {
        if r.time.len() != r.event.len() || r.trees.is_empty() {
            return Err("random survival forest: inconsistent training outcomes or no trees".into());
        }
        for t in &r.trees {
            t.check(r.time.len(), r.n_features)?;
        }
        Ok(RandomSurvivalForest {
            options: r.options,
            n_features: r.n_features,
            time: r.time,
            event: r.event,
            event_times: r.event_times,
            trees: r.trees,
            oob_risk: r
                .oob_risk
                .map(|risk| risk.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect()),
            oob_concordance: r.oob_concordance,
        })
    }
}

/// Checks the training inputs; returns the number of rows.
fn check_inputs(x: &Matrix, time: &[f64], event: &[bool]) -> Result<usize, ModelError> {
    let n = x.rows();
    if n == 0 {
        return Err(ModelError::Empty);
    }
    for (what, found) in [("time", time.len()), ("event", event.len())] {
        if found != n {
            return Err(ModelError::LengthMismatch { what, found, expected: n });
        }
    }
    if n > u32::MAX as usize {
        return Err(ModelError::TooManyRows { rows: n, max: u32::MAX as usize });
    }
    check_finite(x)?;
    if let Some(row) = time.iter().position(|t| !(t.is_finite() && *t > 0.0)) {
        return Err(ModelError::BadTime { row, value: time[row] });
    }
    if !event.iter().any(|&e| e) {
        return Err(ModelError::NoEvents);
    }
    Ok(n)
}

/// Missing values are refused rather than routed: the log-rank search has no
/// missing-value rule (randomForestSRC imputes, scikit-survival refuses).
fn check_finite(x: &Matrix) -> Result<(), ModelError> {
    for j in 0..x.cols() {
        if let Some(row) = x.col(j).iter().position(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite { feature: j, row, value: x.get(row, j) });
        }
    }
    Ok(())
}

impl RandomSurvivalForest {
    /// Grows `opts.n_trees` log-rank survival trees on right-censored data:
    /// `time` finite and positive, `event` true for an observed failure and
    /// false for censoring, `x` finite (no missing values).
    ///
    /// Every random draw comes from `SplitMix64::new(opts.seed)` (one forked
    /// generator per tree), so a seed fixes the forest on every platform.
    pub fn fit(
        x: &Matrix,
        time: &[f64],
        event: &[bool],
        opts: &RsfOptions,
    ) -> Result<Self, ModelError> {
        opts.validate()?;
        let n = check_inputs(x, time, event)?;
        let mut rng = SplitMix64::new(opts.seed);
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| time[a as usize].total_cmp(&time[b as usize]));
        let sorted_time: Vec<f64> = order.iter().map(|&i| time[i as usize]).collect();
        let sorted_event: Vec<bool> = order.iter().map(|&i| event[i as usize]).collect();
        let bins = Codes::new(x, opts.split_candidates, &order, &mut rng.fork());
        let mut event_times: Vec<f64> =
            (0..n).filter(|&r| sorted_event[r]).map(|r| sorted_time[r]).collect();
        event_times.dedup();
        let later: Vec<u32> = sorted_time
            .iter()
            .map(|&t| (event_times.len() - event_times.partition_point(|&g| g < t)) as u32)
            .collect();
        let data = GrowData {
            bins: &bins,
            order: &order,
            time: &sorted_time,
            event: &sorted_event,
            later: &later,
            mtry: opts.max_features.resolve(x.cols()),
            min_leaf: opts.min_leaf as f64,
            max_depth: opts.max_depth,
        };
        let mut trees = Vec::with_capacity(opts.n_trees);
        let mut counts = vec![0u32; n];
        let (mut oob_sum, mut oob_n) = (vec![0.0; n], vec![0u32; n]);
        let mut row = vec![0.0; x.cols()];
        for _ in 0..opts.n_trees {
            let mut trng = rng.fork();
            let (rows, wt): (Vec<u32>, Vec<u32>) = if opts.bootstrap {
                counts.fill(0);
                for i in resample(&mut trng, n) {
                    counts[i] += 1;
                }
                (0..n as u32)
                    .filter_map(|r| {
                        let c = counts[order[r as usize] as usize];
                        (c > 0).then_some((r, c))
                    })
                    .unzip()
            } else {
                ((0..n as u32).collect(), vec![1; n])
            };
            let tree = grow(&data, rows, wt, &mut trng);
            if opts.bootstrap {
                for i in (0..n).filter(|&i| counts[i] == 0) {
                    fill_row(x, i, &mut row);
                    oob_sum[i] += tree.leaf_of(|j| row[j]).1;
                    oob_n[i] += 1;
                }
            }
            trees.push(tree);
        }
        let (oob_risk, oob_concordance) = if opts.bootstrap {
            let risk: Vec<f64> = oob_sum
                .iter()
                .zip(&oob_n)
                .map(|(&s, &k)| if k > 0 { s / f64::from(k) } else { f64::NAN })
                .collect();
            let seen: Vec<usize> = (0..n).filter(|&i| oob_n[i] > 0).collect();
            let pick = |f: &dyn Fn(usize) -> f64| seen.iter().map(|&i| f(i)).collect::<Vec<f64>>();
            let c = (seen.iter().any(|&i| event[i])).then(|| {
                let ev: Vec<bool> = seen.iter().map(|&i| event[i]).collect();
                harrell_c_weighted(&pick(&|i| time[i]), &ev, &pick(&|i| risk[i]), None, None)
                    .c_index
            });
            (Some(risk), c)
        } else {
            (None, None)
        };
        Ok(RandomSurvivalForest {
            options: opts.clone(),
            n_features: x.cols(),
            time: time.to_vec(),
            event: event.to_vec(),
            event_times,
            trees,
            oob_risk,
            oob_concordance,
        })
    }

    /// Ensemble mortality `M(x) = sum_{t in grid} H(t|x)` per row of `x`
    /// (higher = worse prognosis); see the type's documentation.
    pub fn predict_risk(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.check_x(x)?;
        let mut row = vec![0.0; self.n_features];
        let nt = self.trees.len() as f64;
        Ok((0..x.rows())
            .map(|i| {
                fill_row(x, i, &mut row);
                self.trees.iter().map(|t| t.leaf_of(|j| row[j]).1).sum::<f64>() / nt
            })
            .collect())
    }

    /// Ensemble cumulative hazard `H(t|x)`: a `rows x times.len()` matrix
    /// (times in any order; 0 before the first event time).
    pub fn predict_cumulative_hazard(
        &self,
        x: &Matrix,
        times: &[f64],
    ) -> Result<Matrix, ModelError> {
        self.curves(x, times, false)
    }

    /// Ensemble survival `S(t|x)`, the mean of the leaves' Kaplan-Meier
    /// curves: a `rows x times.len()` matrix, non-increasing in `t`, in `[0, 1]`.
    pub fn predict_survival(&self, x: &Matrix, times: &[f64]) -> Result<Matrix, ModelError> {
        self.curves(x, times, true)
    }

    /// Both curves share one merge: every tree's leaf contributes its jumps
    /// (`d/Y` for the hazard, the Kaplan-Meier drop `S(s-) d/Y` for survival),
    /// which are sorted once and accumulated along the sorted query times.
    fn curves(&self, x: &Matrix, times: &[f64], survival: bool) -> Result<Matrix, ModelError> {
        self.check_x(x)?;
        if let Some(index) = times.iter().position(|t| !t.is_finite()) {
            return Err(ModelError::BadPredictionTime { index, value: times[index] });
        }
        let mut q: Vec<usize> = (0..times.len()).collect();
        q.sort_by(|&a, &b| times[a].total_cmp(&times[b]));
        let mut out = Matrix::zeros(x.rows(), times.len());
        let mut row = vec![0.0; self.n_features];
        let mut jumps: Vec<(f64, f64)> = Vec::new();
        let nt = self.trees.len() as f64;
        for i in 0..x.rows() {
            fill_row(x, i, &mut row);
            jumps.clear();
            for tree in &self.trees {
                let (leaf, _) = tree.leaf_of(|j| row[j]);
                let mut s = 1.0;
                leaf_events(leaf, &self.time, &self.event, |t, d, y| {
                    if survival {
                        let next = s * (1.0 - d / y);
                        jumps.push((t, s - next));
                        s = next;
                    } else {
                        jumps.push((t, d / y));
                    }
                });
            }
            jumps.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (mut cum, mut k) = (0.0, 0);
            for &c in &q {
                while k < jumps.len() && jumps[k].0 <= times[c] {
                    cum += jumps[k].1;
                    k += 1;
                }
                let v = cum / nt;
                out.set(i, c, if survival { (1.0 - v).clamp(0.0, 1.0) } else { v });
            }
        }
        Ok(out)
    }

    fn check_x(&self, x: &Matrix) -> Result<(), ModelError> {
        if x.cols() != self.n_features {
            return Err(ModelError::FeatureCount { expected: self.n_features, found: x.cols() });
        }
        check_finite(x)
    }

    /// The distinct event times of the training data, ascending: the grid of the risk score.
    pub fn unique_event_times(&self) -> &[f64] {
        &self.event_times
    }

    /// Out-of-bag ensemble mortality of each training row: the mean of
    /// `sum_{t in grid} H_b(t|x_i)` over the trees whose bootstrap sample left
    /// row `i` out (NaN for a row in every sample). `None` without bootstrap.
    pub fn oob_risk(&self) -> Option<&[f64]> {
        self.oob_risk.as_deref()
    }

    /// Harrell's C of [`oob_risk`](Self::oob_risk) over the rows it covers;
    /// Ishwaran's out-of-bag prediction error is `1 - C`.
    pub fn oob_concordance(&self) -> Option<f64> {
        self.oob_concordance
    }

    /// The trees.
    pub fn trees(&self) -> &[RsfTree] {
        &self.trees
    }

    /// The options the forest was fitted with.
    pub fn options(&self) -> &RsfOptions {
        &self.options
    }

    /// Number of features expected by the predictors.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The training times and events kept for the leaf estimates.
    pub fn training_outcomes(&self) -> (&[f64], &[bool]) {
        (&self.time, &self.event)
    }

    /// Number of splits on each feature over the forest (a crude importance).
    pub fn split_counts(&self) -> Vec<usize> {
        let mut c = vec![0; self.n_features];
        for t in &self.trees {
            for node in t.nodes() {
                if let super::RsfNode::Split { feature, .. } = node {
                    c[*feature as usize] += 1;
                }
            }
        }
        c
    }
}

#[inline]
fn fill_row(x: &Matrix, i: usize, row: &mut [f64]) {
    for (j, v) in row.iter_mut().enumerate() {
        *v = x.get(i, j);
    }
}
