//! Univariate pre-filtering of wide data: keep the `keep` features with the
//! largest univariate statistic, computed on the training rows only.
//!
//! Inside cross-validation the filter must be re-run on each training fold
//! (otherwise the held-out rows leak into the choice of features and the
//! error estimate is optimistic; Ambroise & McLachlan 2002, PNAS 99(10));
//! [`crate::linear::cv_binomial`], [`crate::linear::cv_multinomial`] and
//! [`crate::survival::CvCoxnet::fit`] do so.
//!
//! Statistics (larger = kept first; ties keep the lower feature index):
//!
//! * [`PrefilterMethod::Variance`]: the sample variance `sum (x - mean)^2 / (n - 1)`.
//! * [`PrefilterMethod::TTest`]: `|t|` of Student's two-sample t test with
//!   pooled variance (as `genefilter::rowttests`),
//!   `t = (m1 - m0) / sqrt(s_p^2 (1/n1 + 1/n0))`,
//!   `s_p^2 = (SS_1 + SS_0) / (n1 + n0 - 2)`.
//! * [`PrefilterMethod::FTest`]: the one-way ANOVA
//!   `F = (SS_between / (K - 1)) / (SS_within / (n - K))` over the classes
//!   present (`F = t^2` for two classes).
//! * [`PrefilterMethod::CoxScore`]: the score (log-rank) statistic of a
//!   univariate Cox model at `beta = 0`, Breslow ties, `U^2 / I` with
//!   `U = sum_{events} (x_i - xbar(R_i))` and `I = sum_k d_k var(x | R_k)`
//!   over the risk sets `R_k` (R `coxph(..., ties = "breslow")` score test);
//!   one sort of the times, then `O(n)` per feature.
//!
//! A statistic with a zero denominator is `+inf` when its numerator is
//! positive (the feature separates the groups exactly) and 0 otherwise.

use osler_data::Matrix;
use serde::{Deserialize, Serialize};

use crate::ModelError;

/// The univariate statistic ranking the features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrefilterMethod {
    /// Sample variance (unsupervised; any outcome).
    Variance,
    /// `|t|`, pooled two-sample t test (binary outcome).
    TTest,
    /// One-way ANOVA F (class outcome; also binary).
    FTest,
    /// Univariate Cox score statistic (survival outcome).
    CoxScore,
}

/// Keep the `keep` features with the largest statistic `method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefilter {
    /// The per-feature statistic features are ranked by.
    pub method: PrefilterMethod,
    /// Number of features kept (at least 1; all of them when there are fewer).
    pub keep: usize,
}

/// The outcome a supervised pre-filter ranks against (one entry per row of `x`).
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// 0/1 labels.
    Binary(&'a [f64]),
    /// Class labels `0..K`.
    Classes(&'a [usize]),
    /// Follow-up times and 0/1 event indicators.
    Survival {
        /// Follow-up time per row.
        time: &'a [f64],
        /// Event indicator per row (1 = event, 0 = censored).
        event: &'a [f64],
    },
}

impl Outcome<'_> {
    fn len(&self) -> usize {
        match self {
            Outcome::Binary(y) => y.len(),
            Outcome::Classes(y) => y.len(),
            Outcome::Survival { time, .. } => time.len(),
        }
    }
}

/// `num / den`, with the zero-denominator convention of the module docs.
fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else if num > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

impl Prefilter {
    /// The features kept on all rows of `x`, ascending.
    pub fn select(&self, x: &Matrix, outcome: Outcome<'_>) -> Result<Vec<usize>, ModelError> {
        let rows: Vec<usize> = (0..x.rows()).collect();
        self.select_rows(x, &rows, outcome)
    }

    /// The features kept on the rows `rows` of `x` (a training fold; the
    /// outcome is indexed by the rows of `x`), ascending.
    pub fn select_rows(
        &self,
        x: &Matrix,
        rows: &[usize],
        outcome: Outcome<'_>,
    ) -> Result<Vec<usize>, ModelError> {
        if self.keep == 0 {
            return Err(ModelError::invalid("keep", 0, "be at least 1"));
        }
        let stats = self.statistics(x, rows, outcome)?;
        let key = |j: usize| if stats[j].is_nan() { f64::NEG_INFINITY } else { stats[j] };
        let mut order: Vec<usize> = (0..x.cols()).collect();
        order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
        order.truncate(self.keep.min(x.cols()));
        order.sort_unstable();
        Ok(order)
    }

    /// The statistic of every feature on the rows `rows`.
    pub fn statistics(
        &self,
        x: &Matrix,
        rows: &[usize],
        outcome: Outcome<'_>,
    ) -> Result<Vec<f64>, ModelError> {
        if outcome.len() != x.rows() {
            return Err(ModelError::LengthMismatch {
                what: "prefilter outcome",
                found: outcome.len(),
                expected: x.rows(),
            });
        }
        if rows.len() < 3 {
            return Err(ModelError::TooFew {
                what: "rows for the prefilter",
                found: rows.len(),
                needed: 3,
            });
        }
        for feature in 0..x.cols() {
            let c = x.col(feature);
            if let Some(&row) = rows.iter().find(|&&i| !c[i].is_finite()) {
                return Err(ModelError::NonFinite { feature, row, value: c[row] });
            }
        }
        let cols = 0..x.cols();
        match (self.method, outcome) {
            (PrefilterMethod::Variance, _) => Ok(cols.map(|j| variance(x.col(j), rows)).collect()),
            (PrefilterMethod::TTest, Outcome::Binary(y)) => {
                let g = groups_binary(y, rows)?;
                Ok(cols.map(|j| t_abs(x.col(j), &g)).collect())
            }
            (PrefilterMethod::FTest, Outcome::Binary(y)) => {
                let g = groups_binary(y, rows)?;
                Ok(cols.map(|j| anova_f(x.col(j), &g)).collect())
            }
            (PrefilterMethod::FTest, Outcome::Classes(y)) => {
                let g = groups_classes(y, rows)?;
                Ok(cols.map(|j| anova_f(x.col(j), &g)).collect())
            }
            (PrefilterMethod::CoxScore, Outcome::Survival { time, event }) => {
                let rs = RiskSets::new(time, event, rows)?;
                Ok(cols.map(|j| rs.score(x.col(j))).collect())
            }
            (m, _) => Err(ModelError::invalid(
                "prefilter",
                format!("{m:?}"),
                "suit the outcome (t test: binary; F test: binary or classes; Cox score: survival)",
            )),
        }
    }
}

fn variance(c: &[f64], rows: &[usize]) -> f64 {
    let n = rows.len() as f64;
    let m = rows.iter().map(|&i| c[i]).sum::<f64>() / n;
    rows.iter().map(|&i| (c[i] - m) * (c[i] - m)).sum::<f64>() / (n - 1.0)
}

/// Rows of each class present (at least two classes, more rows than classes).
fn check_groups(groups: Vec<Vec<usize>>) -> Result<Vec<Vec<usize>>, ModelError> {
    let groups: Vec<Vec<usize>> = groups.into_iter().filter(|g| !g.is_empty()).collect();
    let n: usize = groups.iter().map(Vec::len).sum();
    if groups.len() < 2 {
        return Err(ModelError::TooFew {
            what: "classes among the prefilter's rows",
            found: groups.len(),
            needed: 2,
        });
    }
    if n <= groups.len() {
        return Err(ModelError::TooFew {
            what: "rows for the prefilter (more than its classes)",
            found: n,
            needed: groups.len() + 1,
        });
    }
    Ok(groups)
}

fn groups_binary(y: &[f64], rows: &[usize]) -> Result<Vec<Vec<usize>>, ModelError> {
    if let Some(&row) = rows.iter().find(|&&i| !(y[i] == 0.0 || y[i] == 1.0)) {
        return Err(ModelError::BadLabel { row, value: y[row] });
    }
    let (ones, zeros): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&i| y[i] == 1.0);
    check_groups(vec![zeros, ones])
}

fn groups_classes(y: &[usize], rows: &[usize]) -> Result<Vec<Vec<usize>>, ModelError> {
    let k = rows.iter().map(|&i| y[i] + 1).max().unwrap_or(0);
    let mut groups = vec![Vec::new(); k];
    for &i in rows {
        groups[y[i]].push(i);
    }
    check_groups(groups)
}

/// `(mean, sum of squared deviations)` of `c` over `rows`.
fn moments(c: &[f64], rows: &[usize]) -> (f64, f64) {
    let m = rows.iter().map(|&i| c[i]).sum::<f64>() / rows.len() as f64;
    (m, rows.iter().map(|&i| (c[i] - m) * (c[i] - m)).sum())
}

fn t_abs(c: &[f64], g: &[Vec<usize>]) -> f64 {
    let ((m0, ss0), (m1, ss1)) = (moments(c, &g[0]), moments(c, &g[1]));
    let (n0, n1) = (g[0].len() as f64, g[1].len() as f64);
    let sp2 = (ss0 + ss1) / (n0 + n1 - 2.0);
    let d = (m1 - m0).abs();
    if sp2 > 0.0 { d / (sp2 * (1.0 / n1 + 1.0 / n0)).sqrt() } else { ratio(d, 0.0) }
}

fn anova_f(c: &[f64], g: &[Vec<usize>]) -> f64 {
    let n: usize = g.iter().map(Vec::len).sum();
    let grand = g.iter().flatten().map(|&i| c[i]).sum::<f64>() / n as f64;
    let (mut between, mut within) = (0.0, 0.0);
    for rows in g {
        let (m, ss) = moments(c, rows);
        between += rows.len() as f64 * (m - grand) * (m - grand);
        within += ss;
    }
    let k = g.len() as f64;
    ratio(between / (k - 1.0), within / (n as f64 - k))
}

/// Rows sorted by time (descending), with event groups, for the Cox score.
struct RiskSets {
    /// Rows in descending time order.
    order: Vec<usize>,
    /// `(end, deaths)` per distinct event time, descending: the risk set is
    /// `order[..end]`, the deaths are the event rows among those at that time.
    groups: Vec<(usize, Vec<usize>)>,
}

impl RiskSets {
    fn new(time: &[f64], event: &[f64], rows: &[usize]) -> Result<Self, ModelError> {
        if event.len() != time.len() {
            return Err(ModelError::LengthMismatch {
                what: "event indicators",
                found: event.len(),
                expected: time.len(),
            });
        }
        for &i in rows {
            if !(time[i].is_finite() && time[i] > 0.0) {
                return Err(ModelError::BadTime { row: i, value: time[i] });
            }
            if !(event[i] == 0.0 || event[i] == 1.0) {
                return Err(ModelError::BadLabel { row: i, value: event[i] });
            }
        }
        let mut order = rows.to_vec();
        order.sort_by(|&a, &b| time[b].total_cmp(&time[a]).then(a.cmp(&b)));
        let mut groups = Vec::new();
        let mut start = 0;
        while start < order.len() {
            let t = time[order[start]];
            let mut end = start;
            while end < order.len() && time[order[end]] == t {
                end += 1;
            }
            let deaths: Vec<usize> =
                order[start..end].iter().copied().filter(|&i| event[i] == 1.0).collect();
            if !deaths.is_empty() {
                groups.push((end, deaths));
            }
            start = end;
        }
        if groups.is_empty() {
            return Err(ModelError::NoEvents);
        }
        Ok(RiskSets { order, groups })
    }

    /// `U^2 / I` of column `c` (centred first, which leaves `U` and `I` unchanged).
    fn score(&self, c: &[f64]) -> f64 {
        let m = self.order.iter().map(|&i| c[i]).sum::<f64>() / self.order.len() as f64;
        let (mut s0, mut s1, mut s2, mut pos) = (0.0, 0.0, 0.0, 0);
        let (mut u, mut info) = (0.0, 0.0);
        for (end, deaths) in &self.groups {
            for &i in &self.order[pos..*end] {
                let v = c[i] - m;
                s0 += 1.0;
                s1 += v;
                s2 += v * v;
            }
            pos = *end;
            let d = deaths.len() as f64;
            let xbar = s1 / s0;
            u += deaths.iter().map(|&i| c[i] - m).sum::<f64>() - d * xbar;
            info += d * (s2 / s0 - xbar * xbar).max(0.0);
        }
        ratio(u * u, info)
    }
}
