//! Validation and the sorted, centred layout the Cox sweeps run on.
//!
//! Rows are sorted once by (stratum ascending, stop time descending, event
//! first) and the covariates copied row-major, centred at their weighted
//! means `m` (the likelihood is invariant to centring; it keeps `exp(eta)`
//! in range, as R's `coxph.fit`). Rows with equal stop time within a
//! stratum form a *time group*; its deaths are its first rows.

use osler_data::Matrix;

use super::cox_options::CoxOptions;
use super::cox_sort::radix_sort;
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
    /// Weighted SD of each column.
    pub sd: Vec<f64>,
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

        // Sort: stratum ascending, stop descending, deaths first, then row
        // (stable LSD radix sorts: by time and status, then by stratum).
        // Times are positive, so `!bits` (sign bit dropped) orders them
        // descending, with the status below it.
        if n >= 1 << 31 {
            return Err(ModelError::InvalidOption("at most 2^31 - 1 rows".into()));
        }
        let keys = (0..n)
            .map(|i| (((!time[i].to_bits()) << 1) | u64::from(event[i] == 0.0), i as u32))
            .collect();
        let mut sorted = radix_sort(keys, 64);
        if let Some(s) = opts.strata.as_ref().filter(|s| s.iter().any(|&v| v != s[0])) {
            let keys = sorted.iter().map(|&(_, i)| (u64::from(s[i as usize]), i)).collect();
            sorted = radix_sort(keys, 32);
        }
        let order: Vec<usize> = sorted.iter().map(|&(_, i)| i as usize).collect();
        // Sorted position of each row.
        let mut pos = vec![0u32; n];
        for (k, &(_, i)) in sorted.iter().enumerate() {
            pos[i as usize] = k as u32;
        }
        drop(sorted);

        let w: Vec<f64> = order.iter().map(|&i| wt(i)).collect();
        let wsum: f64 = w.iter().sum();
        let center: Vec<f64> = (0..p)
            .map(|j| x.col(j).iter().enumerate().map(|(i, v)| wt(i) * v).sum::<f64>() / wsum)
            .collect();
        // Transpose blocks of rows (sequential reads of the columns) into a
        // cache-resident row-major buffer, centred, then copy each row whole
        // to its sorted position. The weighted sums of squares give the SDs.
        let mut xs = vec![0.0; n * p];
        let mut ss = vec![0.0; p];
        let mut buf = vec![0.0; BLOCK * p];
        let ones = vec![1.0; BLOCK.min(n)];
        for b in (0..n).step_by(BLOCK) {
            let e = (b + BLOCK).min(n);
            let wbl = opts.weights.as_ref().map_or(&ones[..e - b], |wv| &wv[b..e]);
            for j in 0..p {
                let (col, c) = (&x.col(j)[b..e], center[j]);
                let mut acc = 0.0;
                for (k, (v, wi)) in col.iter().zip(wbl).enumerate() {
                    let d = v - c;
                    buf[k * p + j] = d;
                    acc += wi * d * d;
                }
                ss[j] += acc;
            }
            for (src, &k) in buf.chunks_exact(p.max(1)).zip(&pos[b..e]) {
                let k = k as usize;
                xs[k * p..(k + 1) * p].copy_from_slice(&src[..p]);
            }
        }
        drop(pos);
        let sd = ss.iter().map(|s| (s / wsum).sqrt()).collect();
        let status: Vec<bool> = order.iter().map(|&i| event[i] == 1.0).collect();
        let stop: Vec<f64> = order.iter().map(|&i| time[i]).collect();
        let labels: Vec<u32> = order.iter().map(|&i| slab(i)).collect();
        let (strata, groups) = time_groups(&labels, &stop, &status);
        let entry = opts.start.as_ref().map(|st| entry_info(st, &order, &strata, &groups));
        let data = CoxData { n, p, x: xs, center, sd, w, status, order, strata, groups, entry };
        data.check_constant(opts.strata.is_some())?;
        Ok(data)
    }

    /// Centred covariate row at sorted position `i`.
    #[inline]
    pub(crate) fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.p..(i + 1) * self.p]
    }

    /// A subsample for warm starts: runs of `run` consecutive sorted rows,
    /// one run in every `every` (so still sorted), with this data's centring
    /// and SDs; `None` for counting-process data.
    pub(crate) fn subsample(&self, run: usize, every: usize) -> Option<CoxData> {
        if self.entry.is_some() {
            return None;
        }
        let (n, p) = (self.n, self.p);
        let rows: Vec<usize> =
            (0..n).step_by(run * every).flat_map(|s| s..(s + run).min(n)).collect();
        let mut stop = vec![0.0; n];
        let mut labels = vec![0u32; n];
        for s in &self.strata {
            labels[s.begin..s.end].iter_mut().for_each(|l| *l = s.label);
            for g in &self.groups[s.g_begin..s.g_end] {
                stop[g.begin..g.end].iter_mut().for_each(|t| *t = g.time);
            }
        }
        let mut x = Vec::with_capacity(rows.len() * p);
        for &i in &rows {
            x.extend_from_slice(self.row(i));
        }
        let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let status: Vec<bool> = rows.iter().map(|&i| self.status[i]).collect();
        let labels: Vec<u32> = rows.iter().map(|&i| labels[i]).collect();
        let stop = pick(&stop);
        let (strata, groups) = time_groups(&labels, &stop, &status);
        Some(CoxData {
            n: rows.len(),
            p,
            x,
            center: self.center.clone(),
            sd: self.sd.clone(),
            w: pick(&self.w),
            status,
            order: rows.iter().map(|&i| self.order[i]).collect(),
            strata,
            groups,
            entry: None,
        })
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

/// Rows per block of the scatter into sorted row-major order.
const BLOCK: usize = 256;

/// Strata and time groups of rows sorted by stratum and descending time.
fn time_groups(labels: &[u32], stop: &[f64], status: &[bool]) -> (Vec<Stratum>, Vec<Group>) {
    let n = labels.len();
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
    (strata, groups)
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
