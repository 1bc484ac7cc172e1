//! Validation and the sorted, centred layout the Cox sweeps run on.
//!
//! Rows are sorted once by (stratum ascending, stop time descending, event
//! first) and the covariates copied row-major, centred at their weighted
//! means `m` (the likelihood is invariant to centring; it keeps `exp(eta)`
//! in range, as R's `coxph.fit`). Rows with equal stop time within a
//! stratum form a *time group*; its deaths are its first rows.

use osler_data::Matrix;

use super::cox_options::CoxOptions;
use super::validate::{check_event, check_lengths, check_times, check_weights};
use crate::ModelError;

/// Rows `begin..end` (sorted positions) sharing one stop time; the first
/// `deaths` of them are events.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Group {
    pub begin: usize,
    pub end: usize,
    pub deaths: usize,
    pub time: f64,
}

/// Rows `begin..end` and time groups `g_begin..g_end` (descending time) of one stratum.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stratum {
    pub label: u32,
    pub begin: usize,
    pub end: usize,
    pub g_begin: usize,
    pub g_end: usize,
}

/// Counting-process bookkeeping: rows leave the risk set at their start time.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Sorted positions, by stratum then start time descending.
    pub by_start: Vec<usize>,
    /// Start time per sorted position.
    pub start: Vec<f64>,
    /// Per sorted position: the group (index into `groups`) of the largest
    /// stop time `<= start` in the same stratum, if any.
    pub start_group: Vec<Option<usize>>,
}

#[derive(Debug, Clone)]
pub(crate) struct CoxData {
    pub n: usize,
    pub p: usize,
    /// Centred covariates, row-major in sorted order.
    pub x: Vec<f64>,
    pub center: Vec<f64>,
    pub w: Vec<f64>,
    pub status: Vec<bool>,
    /// Sorted position -> original row.
    pub order: Vec<usize>,
    pub strata: Vec<Stratum>,
    pub groups: Vec<Group>,
    pub entry: Option<Entry>,
}

impl CoxData {
    pub(crate) fn new(
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
    ) -> Result<Self, ModelError> {
        let n = x.rows();
        let p = x.cols();
        if n == 0 {
            return Err(ModelError::Empty);
        }
        check_lengths("time", time.len(), n)?;
        check_lengths("event", event.len(), n)?;
        check_times(time)?;
        check_event(event)?;
        for j in 0..p {
            if let Some(row) = x.col(j).iter().position(|v| !v.is_finite()) {
                return Err(ModelError::NonFinite { feature: j, row, value: x.get(row, j) });
            }
        }
        if let Some(w) = &opts.weights {
            check_lengths("weights", w.len(), n)?;
            check_weights(w)?;
        }
        if let Some(s) = &opts.strata {
            check_lengths("strata", s.len(), n)?;
        }
        if let Some(c) = &opts.cluster {
            check_lengths("cluster", c.len(), n)?;
        }
        if let Some(st) = &opts.start {
            check_lengths("start", st.len(), n)?;
            for (row, (&a, &b)) in st.iter().zip(time).enumerate() {
                if !(a.is_finite() && a < b) {
                    return Err(ModelError::BadInterval { row, start: a, stop: b });
                }
            }
        }
        if (0..n).all(|i| event[i] == 0.0 || opts.weights.as_ref().is_some_and(|w| w[i] == 0.0)) {
            return Err(ModelError::NoEvents);
        }
        let wt = |i: usize| opts.weights.as_ref().map_or(1.0, |w| w[i]);
        let slab = |i: usize| opts.strata.as_ref().map_or(0, |s| s[i]);

        // Sort key: stratum, stop descending, deaths first, then row.
        // Packed as one u128: stratum (32 bits) | !time bits (64) | censored (1) | row (31).
        if n >= 1 << 31 {
            return Err(ModelError::InvalidOption("at most 2^31 - 1 rows".into()));
        }
        let mut keys: Vec<u128> = (0..n)
            .map(|i| {
                (u128::from(slab(i)) << 96)
                    | (u128::from(!ordered_bits(time[i])) << 32)
                    | (u128::from(event[i] == 0.0) << 31)
                    | i as u128
            })
            .collect();
        keys.sort_unstable();
        let order: Vec<usize> = keys.iter().map(|k| (k & 0x7fff_ffff) as usize).collect();
        drop(keys);

        let w: Vec<f64> = order.iter().map(|&i| wt(i)).collect();
        let wsum: f64 = w.iter().sum();
        let center: Vec<f64> = (0..p)
            .map(|j| x.col(j).iter().enumerate().map(|(i, v)| wt(i) * v).sum::<f64>() / wsum)
            .collect();
        // Transpose in blocks of rows (sequential reads, cache-resident
        // writes), then gather rows in sorted order.
        let mut tmp = vec![0.0; n * p];
        const BLOCK: usize = 512;
        for b in (0..n).step_by(BLOCK) {
            let e = (b + BLOCK).min(n);
            for j in 0..p {
                let (col, c) = (&x.col(j)[b..e], center[j]);
                for (k, v) in col.iter().enumerate() {
                    tmp[(b + k) * p + j] = v - c;
                }
            }
        }
        let mut xs = vec![0.0; n * p];
        for (dst, &i) in xs.chunks_exact_mut(p.max(1)).zip(&order) {
            dst.copy_from_slice(&tmp[i * p..i * p + p]);
        }
        drop(tmp);
        let status: Vec<bool> = order.iter().map(|&i| event[i] == 1.0).collect();
        let stop: Vec<f64> = order.iter().map(|&i| time[i]).collect();
        let labels: Vec<u32> = order.iter().map(|&i| slab(i)).collect();

        let mut strata = Vec::new();
        let mut groups = Vec::new();
        let mut i = 0;
        while i < n {
            let label = labels[i];
            let (begin, g_begin) = (i, groups.len());
            while i < n && labels[i] == label {
                let t = stop[i];
                let gb = i;
                let mut deaths = 0;
                while i < n && labels[i] == label && stop[i] == t {
                    deaths += usize::from(status[i]);
                    i += 1;
                }
                groups.push(Group { begin: gb, end: i, deaths, time: t });
            }
            strata.push(Stratum { label, begin, end: i, g_begin, g_end: groups.len() });
        }
        let entry = opts.start.as_ref().map(|st| entry_info(st, &order, &strata, &groups));
        let data = CoxData { n, p, x: xs, center, w, status, order, strata, groups, entry };
        data.check_constant(opts.strata.is_some())?;
        Ok(data)
    }

    /// Centred covariate row at sorted position `i`.
    #[inline]
    pub(crate) fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.p..(i + 1) * self.p]
    }

    /// A covariate constant (among rows with weight) in every stratum is not
    /// identifiable.
    fn check_constant(&self, stratified: bool) -> Result<(), ModelError> {
        for j in 0..self.p {
            let varies = self.strata.iter().any(|s| {
                let mut first = None;
                (s.begin..s.end).filter(|&i| self.w[i] > 0.0).any(|i| {
                    let v = self.x[i * self.p + j];
                    *first.get_or_insert(v) != v
                })
            });
            if !varies {
                let reason = if stratified && self.strata.len() > 1 {
                    "is constant within every stratum (absorbed by the stratum baselines)"
                } else {
                    "is constant"
                };
                return Err(ModelError::Degenerate { feature: j, reason: reason.into() });
            }
        }
        Ok(())
    }
}

/// Maps `f64` to `u64` preserving order (for finite values).
fn ordered_bits(t: f64) -> u64 {
    let b = t.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

fn entry_info(st: &[f64], order: &[usize], strata: &[Stratum], groups: &[Group]) -> Entry {
    let start: Vec<f64> = order.iter().map(|&i| st[i]).collect();
    let mut by_start = Vec::with_capacity(order.len());
    let mut start_group = vec![None; order.len()];
    for s in strata {
        let mut pos: Vec<usize> = (s.begin..s.end).collect();
        pos.sort_by(|&a, &b| start[b].total_cmp(&start[a]));
        by_start.extend_from_slice(&pos);
        let gs = &groups[s.g_begin..s.g_end];
        for i in s.begin..s.end {
            // Groups are in descending time: first with time <= start.
            let k = gs.partition_point(|g| g.time > start[i]);
            if k < gs.len() {
                start_group[i] = Some(s.g_begin + k);
            }
        }
    }
    Entry { by_start, start, start_group }
}
