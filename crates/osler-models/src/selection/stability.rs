//! Stability selection (Meinshausen & Bühlmann 2010, "Stability selection",
//! JRSS-B 72(4), 417-473) for the elastic-net paths: binomial, multinomial
//! and Cox.
//!
//! `B` subsamples of `floor(fraction * n)` rows (`n/2` by default) are drawn
//! without replacement, stratified by class (classification) or by the event
//! indicator (survival), each from its own fork of one seeded
//! [`SplitMix64`]. On each, the path is fitted at one **fixed** penalty grid
//! `Lambda` (the given penalties, or those of the automatic path on all
//! rows), and a feature counts as selected at `lambda` when its coefficient
//! (any class's, for the multinomial) is non-zero. Reported:
//!
//! * `frequency[l][j]`: the fraction of subsamples selecting feature `j` at
//!   penalty `lambda_l` (the selection probability at a chosen penalty);
//! * `max_frequency[j] = max_l frequency[l][j]`: M&B's stability score over
//!   the region `Lambda`; features with `max_frequency >= pi_thr` are the
//!   stable set ([`Stability::selected`]);
//! * `mean_selected[l]` and `mean_union`: the average number selected at each
//!   penalty and over the whole grid (`q_Lambda` of M&B's Theorem 1, which
//!   bounds the expected number of false selections by
//!   `q^2 / ((2 pi_thr - 1) p)`, [`Stability::expected_false_selections`]).
//!
//! With a [`Prefilter`] the features are chosen on each subsample first
//! (a feature not kept counts as not selected).

use osler_data::{Matrix, SplitMix64};
use serde::{Deserialize, Serialize};

use super::prefilter::{Outcome, Prefilter};
use crate::ModelError;
use crate::cv::submatrix;
use crate::linear::{ElasticNetOptions, binomial_path, multinomial_path};
use crate::survival::{CoxnetOptions, fit_path};

/// The outcome of a stability selection (one entry per row of `x`).
#[derive(Debug, Clone, Copy)]
pub enum StabilityTarget<'a> {
    /// 0/1 labels: binomial elastic net.
    Binomial(&'a [f64]),
    /// Class labels `0..K`: multinomial elastic net.
    Multinomial(&'a [usize]),
    /// Survival: elastic-net Cox (Breslow ties), optional strata.
    Cox {
        /// Follow-up time per row.
        time: &'a [f64],
        /// Event indicator per row (1 = event, 0 = censored).
        event: &'a [f64],
        /// Stratum code per row (separate baseline hazards), if any.
        strata: Option<&'a [u32]>,
    },
}

/// Options of [`stability_selection`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityOptions {
    /// Number of subsamples `B`.
    pub subsamples: usize,
    /// Subsample size as a fraction of each stratum, in `(0, 1)`.
    pub fraction: f64,
    /// Seed of the SplitMix64 generator; each subsample draws from its own fork of it.
    pub seed: u64,
    /// Penalty path (alpha, penalties or automatic grid, tolerance). For Cox
    /// the features are standardised as [`CoxnetOptions::default`].
    pub path: ElasticNetOptions,
    /// Univariate pre-filter, if any: applied to each subsample's rows (and to all rows
    /// for the automatic penalty grid) before fitting.
    pub prefilter: Option<Prefilter>,
}

impl Default for StabilityOptions {
    /// 100 subsamples of half the rows, seed 1, the default lasso path.
    fn default() -> Self {
        StabilityOptions {
            subsamples: 100,
            fraction: 0.5,
            seed: 1,
            path: ElasticNetOptions::default(),
            prefilter: None,
        }
    }
}

/// Result of [`stability_selection`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stability {
    /// The fixed penalty grid `Lambda`.
    pub lambdas: Vec<f64>,
    /// `frequency[l][j]`: fraction of subsamples selecting `j` at `lambdas[l]`.
    pub frequency: Vec<Vec<f64>>,
    /// `max_l frequency[l][j]`.
    pub max_frequency: Vec<f64>,
    /// Average number of features selected at each penalty.
    pub mean_selected: Vec<f64>,
    /// Average number of features selected at some penalty of the grid (`q_Lambda`).
    pub mean_union: f64,
    /// Number of subsamples `B` drawn.
    pub subsamples: usize,
    /// Rows per subsample.
    pub subsample_size: usize,
}

impl Stability {
    /// Features with `max_frequency >= threshold`, ascending.
    pub fn selected(&self, threshold: f64) -> Vec<usize> {
        (0..self.max_frequency.len()).filter(|&j| self.max_frequency[j] >= threshold).collect()
    }

    /// Selection frequencies at penalty index `l` (empty when out of range).
    pub fn frequency_at(&self, l: usize) -> &[f64] {
        self.frequency.get(l).map_or(&[], Vec::as_slice)
    }

    /// M&B's Theorem 1 bound `q_Lambda^2 / ((2 threshold - 1) p)` on the
    /// expected number of falsely selected features, for `threshold` in
    /// `(0.5, 1]` (`None` otherwise). It assumes exchangeable noise features
    /// and a procedure better than random guessing.
    pub fn expected_false_selections(&self, threshold: f64) -> Option<f64> {
        let p = self.max_frequency.len() as f64;
        (threshold > 0.5 && threshold <= 1.0 && p > 0.0)
            .then(|| self.mean_union * self.mean_union / ((2.0 * threshold - 1.0) * p))
    }
}

/// The label each row is stratified by.
fn strata_of(target: &StabilityTarget<'_>) -> Vec<f64> {
    match target {
        StabilityTarget::Binomial(y) => y.to_vec(),
        StabilityTarget::Multinomial(y) => y.iter().map(|&c| c as f64).collect(),
        StabilityTarget::Cox { event, .. } => event.to_vec(),
    }
}

/// A stratified subsample of `floor(fraction * n)` rows, shared among the
/// strata in proportion to their sizes (largest remainders get the
/// leftover rows; ties to the smaller label), drawn without replacement
/// within each stratum; ascending.
fn subsample(strata: &[f64], fraction: f64, rng: &mut SplitMix64) -> Vec<usize> {
    let mut labels = strata.to_vec();
    labels.sort_by(f64::total_cmp);
    labels.dedup();
    let members: Vec<Vec<usize>> =
        labels.iter().map(|&c| (0..strata.len()).filter(|&i| strata[i] == c).collect()).collect();
    let total = (strata.len() as f64 * fraction).floor() as usize;
    let share: Vec<f64> = members.iter().map(|m| m.len() as f64 * fraction).collect();
    let mut take: Vec<usize> = share.iter().map(|s| s.floor() as usize).collect();
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by(|&a, &b| (share[b] - share[b].floor()).total_cmp(&(share[a] - share[a].floor())));
    let missing = total.saturating_sub(take.iter().sum());
    for &s in order.iter().take(missing) {
        take[s] = (take[s] + 1).min(members[s].len());
    }
    let mut rows = Vec::with_capacity(total);
    for (mut idx, t) in members.into_iter().zip(take) {
        rng.shuffle(&mut idx);
        rows.extend_from_slice(&idx[..t]);
    }
    rows.sort_unstable();
    rows
}

fn outcome<'a>(target: &StabilityTarget<'a>) -> Outcome<'a> {
    match *target {
        StabilityTarget::Binomial(y) => Outcome::Binary(y),
        StabilityTarget::Multinomial(y) => Outcome::Classes(y),
        StabilityTarget::Cox { time, event, .. } => Outcome::Survival { time, event },
    }
}

/// Fits the path on rows `rows`, columns `cols`; returns the penalties and,
/// per penalty, the selected columns (indices into `cols`).
fn fit_selected(
    x: &Matrix,
    target: &StabilityTarget<'_>,
    rows: &[usize],
    cols: &[usize],
    opts: &ElasticNetOptions,
) -> Result<(Vec<f64>, Vec<Vec<usize>>), ModelError> {
    let xs = submatrix(x, rows, cols);
    let nz = |c: &[f64]| (0..c.len()).filter(|&j| c[j] != 0.0).collect::<Vec<usize>>();
    match target {
        StabilityTarget::Binomial(y) => {
            let ys: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
            let p = binomial_path(&xs, &ys, None, opts)?;
            Ok((p.lambdas.clone(), p.coefs.iter().map(|c| nz(c)).collect()))
        }
        StabilityTarget::Multinomial(y) => {
            let ys: Vec<usize> = rows.iter().map(|&i| y[i]).collect();
            let p = multinomial_path(&xs, &ys, None, opts)?;
            Ok((p.lambdas.clone(), (0..p.len()).map(|l| p.selected(l)).collect()))
        }
        StabilityTarget::Cox { time, event, strata } => {
            let ts: Vec<f64> = rows.iter().map(|&i| time[i]).collect();
            let es: Vec<f64> = rows.iter().map(|&i| event[i]).collect();
            let ss: Option<Vec<u32>> = strata.map(|s| rows.iter().map(|&i| s[i]).collect());
            let co = CoxnetOptions {
                alpha: opts.alpha,
                lambdas: opts.lambdas.clone(),
                n_lambda: opts.n_lambda,
                lambda_min_ratio: opts.lambda_min_ratio,
                max_iter: opts.max_iter,
                tol: opts.tol,
                ..CoxnetOptions::default()
            };
            let p = fit_path(&xs, &ts, &es, ss.as_deref(), &co)?;
            Ok((p.lambdas.clone(), p.coefs.iter().map(|c| nz(c)).collect()))
        }
    }
}

/// Stability selection of the features of `x` for `target`; see the module
/// docs. Deterministic given `opts.seed`.
pub fn stability_selection(
    x: &Matrix,
    target: StabilityTarget<'_>,
    opts: &StabilityOptions,
) -> Result<Stability, ModelError> {
    opts.path.validate()?;
    if opts.subsamples == 0 {
        return Err(ModelError::invalid("subsamples", 0, "be at least 1"));
    }
    if !(opts.fraction > 0.0 && opts.fraction < 1.0) {
        return Err(ModelError::invalid("fraction", opts.fraction, "lie in (0, 1)"));
    }
    let (n, p) = (x.rows(), x.cols());
    let strata = strata_of(&target);
    if strata.len() != n {
        return Err(ModelError::LengthMismatch {
            what: "outcome",
            found: strata.len(),
            expected: n,
        });
    }
    let all: Vec<usize> = (0..n).collect();
    let cols_on = |rows: &[usize]| match &opts.prefilter {
        Some(f) => f.select_rows(x, rows, outcome(&target)),
        None => Ok((0..p).collect()),
    };
    let lambdas = match &opts.path.lambdas {
        Some(l) => l.clone(),
        None => fit_selected(x, &target, &all, &cols_on(&all)?, &opts.path)?.0,
    };
    let fixed = ElasticNetOptions { lambdas: Some(lambdas.clone()), ..opts.path.clone() };
    let nl = lambdas.len();
    let mut counts = vec![vec![0u32; p]; nl];
    let (mut union_total, mut size) = (0usize, 0usize);
    let mut rng = SplitMix64::new(opts.seed);
    for _ in 0..opts.subsamples {
        let mut r = rng.fork();
        let rows = subsample(&strata, opts.fraction, &mut r);
        size = rows.len();
        let cols = cols_on(&rows)?;
        let (_, sel) = fit_selected(x, &target, &rows, &cols, &fixed)?;
        let mut ever = vec![false; p];
        for (l, s) in sel.iter().enumerate() {
            for &k in s {
                counts[l][cols[k]] += 1;
                ever[cols[k]] = true;
            }
        }
        union_total += ever.iter().filter(|e| **e).count();
    }
    let b = opts.subsamples as f64;
    let frequency: Vec<Vec<f64>> =
        counts.iter().map(|c| c.iter().map(|&v| f64::from(v) / b).collect()).collect();
    let max_frequency =
        (0..p).map(|j| frequency.iter().map(|f| f[j]).fold(0.0, f64::max)).collect();
    let mean_selected =
        counts.iter().map(|c| c.iter().map(|&v| f64::from(v)).sum::<f64>() / b).collect();
    Ok(Stability {
        lambdas,
        frequency,
        max_frequency,
        mean_selected,
        mean_union: union_total as f64 / b,
        subsamples: opts.subsamples,
        subsample_size: size,
    })
}
