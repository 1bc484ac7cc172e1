//! Validation and the sorted, centred layout the Cox sweeps run on.
//!
//! Rows are sorted once by (stratum ascending, stop time descending, event
//! first) and the covariates copied row-major, centred at their weighted
//! means `m` (the likelihood is invariant to centring; it keeps `exp(eta)`
//! in range, as R's `coxph.fit`). Rows with equal stop time within a
//! stratum form a *time group*; its deaths are its first rows.

use osler_data::Matrix;

use super::options::{CoxOptions, Singular};
use crate::ModelError;
use crate::linear::numeric::sum_of_terms;
use crate::survival::validate::{check_event, check_lengths, check_times, check_weights};
use osler_data::sort::{radix_sort, radix_sort_bits};

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
    /// Sorted position -> original row (emptied by a fit without clusters).
    pub order: Vec<usize>,
    pub strata: Vec<Stratum>,
    pub groups: Vec<Group>,
    pub entry: Option<Entry>,
}

/// Checks the inputs of [`CoxData::new`] (the covariates: [`centers`]).
fn validate(x: &Matrix, time: &[f64], event: &[f64], opts: &CoxOptions) -> Result<(), ModelError> {
    let n = x.rows();
    if n == 0 {
        return Err(ModelError::Empty);
    }
    check_lengths("time", time.len(), n)?;
    check_lengths("event", event.len(), n)?;
    check_times(time)?;
    check_event(event)?;
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
    if n >= 1 << 31 {
        return Err(ModelError::TooManyRows { rows: n, max: (1 << 31) - 1 });
    }
    Ok(())
}

/// Rows in sorted order with their stop times and event status.
struct SortedRows {
    order: Vec<usize>,
    stop: Vec<f64>,
    status: Vec<bool>,
}

/// Sort: stratum ascending, stop descending, deaths first, then row
/// (stable LSD radix sorts: by time and status, then by stratum).
/// Times are positive, so `!bits` (sign bit dropped) orders them
/// descending, with the status below it; both are read back from the keys.
fn sorted_rows(time: &[f64], event: &[f64], opts: &CoxOptions) -> SortedRows {
    let n = time.len();
    let keys = (0..n)
        .map(|i| (((!time[i].to_bits()) << 1) | u64::from(event[i] == 0.0), i as u32))
        .collect();
    // Radix passes over the top 33 key bits (exponent and 22 mantissa bits)
    // only; the runs they leave tied, rare for continuous times, are sorted
    // by the whole key and then row.
    let mut by_time = radix_sort_bits(keys, 31, 64);
    by_time.chunk_by_mut(|a, b| a.0 >> 31 == b.0 >> 31).for_each(|run| run.sort_unstable());
    let mut rows = SortedRows {
        order: Vec::with_capacity(n),
        stop: Vec::with_capacity(n),
        status: Vec::with_capacity(n),
    };
    let mut push = |&(key, i): &(u64, u32)| {
        rows.order.push(i as usize);
        rows.stop.push(f64::from_bits(!(key >> 1) & (u64::MAX >> 1)));
        rows.status.push(key & 1 == 0);
    };
    match opts.strata.as_ref().filter(|s| s.iter().any(|&v| v != s[0])) {
        Some(s) => {
            // Positions in `by_time`, by stratum.
            let keys =
                by_time.iter().enumerate().map(|(k, &(_, i))| (u64::from(s[i as usize]), k as u32));
            radix_sort(keys.collect(), 32).iter().for_each(|&(_, k)| push(&by_time[k as usize]));
        }
        None => by_time.iter().for_each(push),
    }
    rows
}

/// Weighted column means; also the check that the covariates are finite
/// (a non-finite value makes its column's sum non-finite, and only then is
/// the column searched for the row to name).
fn centers(x: &Matrix, w: Option<&[f64]>, wsum: f64) -> Result<Vec<f64>, ModelError> {
    (0..x.cols())
        .map(|j| {
            let sum = lane_sum(x.col(j), w, |v| v);
            let bad = || x.col(j).iter().position(|v| !v.is_finite());
            if let Some(row) = (!sum.is_finite()).then(bad).flatten() {
                return Err(ModelError::NonFinite { feature: j, row, value: x.get(row, j) });
            }
            Ok(sum / wsum)
        })
        .collect()
}

/// Weighted sum of squares of one column about `c`.
fn column_ss(col: &[f64], c: f64, w: Option<&[f64]>) -> f64 {
    lane_sum(col, w, |v| (v - c) * (v - c))
}

/// `sum_i w_i f(v_i)` (`w_i = 1` without weights) in the fixed-order
/// interleaved sums of [`sum_of_terms`].
#[inline]
fn lane_sum(col: &[f64], w: Option<&[f64]>, f: impl Fn(f64) -> f64) -> f64 {
    match w {
        None => sum_of_terms(col, col, |v, _| f(v)),
        Some(w) => sum_of_terms(col, w, |v, wi| wi * f(v)),
    }
}

/// Turns the column-major `n x p` buffer `a` into row-major, in place.
///
/// With `B` a divisor of `n` in `256..=1024` (else `B = 1024` and the last
/// `n mod B` rows are set aside in a small buffer, the columns compacted,
/// and those rows written back at the end), `n = nb * B`: the `B`-row
/// chunks of the columns are first moved (cycle following over the `p * nb`
/// chunks) so that the `p` chunks of each block of `B` rows lie together,
/// then each block (column-major `B x p`) is transposed through a small
/// buffer. Memory: `O(p * B)` values and a bitmap of `p * nb` bits.
pub(crate) fn transpose_in_place(a: &mut [f64], n: usize, p: usize) {
    assert_eq!(a.len(), n * p);
    if n <= 1 || p <= 1 {
        return;
    }
    if n < 1024 {
        let t = a.to_vec();
        for (i, row) in a.chunks_exact_mut(p).enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = t[j * n + i];
            }
        }
        return;
    }
    let bsz = (256..=1024).rev().find(|&b| n.is_multiple_of(b)).unwrap_or(1024);
    let n0 = n - n % bsz;
    // The rows past `n0`, row-major; then the columns' first `n0` rows packed.
    let mut tail = vec![0.0; (n - n0) * p];
    if n0 < n {
        for j in 0..p {
            for (i, v) in a[j * n + n0..(j + 1) * n].iter().enumerate() {
                tail[i * p + j] = *v;
            }
        }
        for j in 1..p {
            a.copy_within(j * n..j * n + n0, j * n0);
        }
    }
    let nb = n0 / bsz;
    let m = p * nb;
    let body = &mut a[..n0 * p];
    if nb > 1 {
        // Chunk `j * nb + b` (column j, row block b) goes to `b * p + j`; the
        // chunk that lands at `t` comes from `src(t)`.
        let src = |t: usize| (t % p) * nb + t / p;
        let mut done = vec![0u64; m.div_ceil(64)];
        let mut tmp = vec![0.0; bsz];
        for start in 0..m {
            if done[start / 64] >> (start % 64) & 1 == 1 {
                continue;
            }
            tmp.copy_from_slice(&body[start * bsz..(start + 1) * bsz]);
            let mut cur = start;
            loop {
                done[cur / 64] |= 1 << (cur % 64);
                let s = src(cur);
                if s == start {
                    body[cur * bsz..(cur + 1) * bsz].copy_from_slice(&tmp);
                    break;
                }
                body.copy_within(s * bsz..(s + 1) * bsz, cur * bsz);
                cur = s;
            }
        }
    }
    let mut blk = vec![0.0; bsz * p];
    for chunk in body.chunks_exact_mut(bsz * p) {
        for j in 0..p {
            for (i, v) in chunk[j * bsz..(j + 1) * bsz].iter().enumerate() {
                blk[i * p + j] = *v;
            }
        }
        chunk.copy_from_slice(&blk);
    }
    a[n0 * p..].copy_from_slice(&tail);
}

impl CoxData {
    pub(crate) fn new(
        x: &Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
    ) -> Result<Self, ModelError> {
        validate(x, time, event, opts)?;
        let (n, p) = (x.rows(), x.cols());
        let sorted = sorted_rows(time, event, opts);
        // Sorted position of each row.
        let mut pos = vec![0u32; n];
        for (k, &i) in sorted.order.iter().enumerate() {
            pos[i] = k as u32;
        }

        let wt = |i: usize| opts.weights.as_ref().map_or(1.0, |w| w[i]);
        let w: Vec<f64> = sorted.order.iter().map(|&i| wt(i)).collect();
        let wsum: f64 = w.iter().sum();
        let center = centers(x, opts.weights.as_deref(), wsum)?;
        // Transpose blocks of rows (sequential reads of the columns) into a
        // cache-resident row-major buffer, centred, then copy each row whole
        // to its sorted position.
        let ss: Vec<f64> =
            (0..p).map(|j| column_ss(x.col(j), center[j], opts.weights.as_deref())).collect();
        let mut xs = vec![0.0; n * p];
        let mut buf = vec![0.0; BLOCK * p];
        for b in (0..n).step_by(BLOCK) {
            let e = (b + BLOCK).min(n);
            for j in 0..p {
                let (col, c) = (&x.col(j)[b..e], center[j]);
                for (k, v) in col.iter().enumerate() {
                    buf[k * p + j] = v - c;
                }
            }
            for (src, &k) in buf.chunks_exact(p.max(1)).zip(&pos[b..e]) {
                let k = k as usize;
                xs[k * p..(k + 1) * p].copy_from_slice(&src[..p]);
            }
        }
        drop(pos);
        Self::finish(n, p, xs, center, &ss, w, sorted, opts)
    }

    /// [`Self::new`] taking the covariates by value: the sorted, centred
    /// row-major layout is built in the matrix's own buffer, so the peak
    /// memory is one copy of the covariates (plus `O(n)` bookkeeping).
    /// The result is identical to [`Self::new`].
    pub(crate) fn new_owned(
        x: Matrix,
        time: &[f64],
        event: &[f64],
        opts: &CoxOptions,
    ) -> Result<Self, ModelError> {
        validate(&x, time, event, opts)?;
        let (n, p) = (x.rows(), x.cols());
        let sorted = sorted_rows(time, event, opts);
        let wt = |i: usize| opts.weights.as_ref().map_or(1.0, |w| w[i]);
        let w: Vec<f64> = sorted.order.iter().map(|&i| wt(i)).collect();
        let wsum: f64 = w.iter().sum();
        let center = centers(&x, opts.weights.as_deref(), wsum)?;
        let mut xs = x.into_column_major();
        let mut ss = vec![0.0; p];
        // Each column: SS in the original order, then centred and permuted
        // to sorted order in place (through one column of scratch).
        let mut tmp = vec![0.0; n];
        for j in 0..p {
            let col = &mut xs[j * n..(j + 1) * n];
            let c = center[j];
            ss[j] = column_ss(col, c, opts.weights.as_deref());
            for (t, &i) in tmp.iter_mut().zip(&sorted.order) {
                *t = col[i] - c;
            }
            col.copy_from_slice(&tmp);
        }
        drop(tmp);
        transpose_in_place(&mut xs, n, p);
        Self::finish(n, p, xs, center, &ss, w, sorted, opts)
    }

    /// The time groups and the rest, from the sorted covariates `xs`.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        n: usize,
        p: usize,
        xs: Vec<f64>,
        center: Vec<f64>,
        ss: &[f64],
        w: Vec<f64>,
        sorted: SortedRows,
        opts: &CoxOptions,
    ) -> Result<Self, ModelError> {
        let SortedRows { order, stop, status } = sorted;
        let wsum: f64 = w.iter().sum();
        let slab = |i: usize| opts.strata.as_ref().map_or(0, |s| s[i]);
        let sd = ss.iter().map(|s| (s / wsum).sqrt()).collect();
        let (strata, groups) = time_groups(|k| slab(order[k]), &stop, &status);
        drop(stop);
        let entry = opts.start.as_ref().map(|st| entry_info(st, &order, &strata, &groups));
        let data = CoxData { n, p, x: xs, center, sd, w, status, order, strata, groups, entry };
        // Reported fits leave constant columns to the aliasing check.
        if opts.singular == Singular::Refuse {
            data.check_constant(opts.strata.is_some())?;
        }
        Ok(data)
    }

    /// Centred covariate row at sorted position `i`.
    #[inline(always)]
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
        // Stop time and stratum label of each chosen row, from the groups
        // holding them (both sorted by position).
        let mut stop = Vec::with_capacity(rows.len());
        let mut labels = Vec::with_capacity(rows.len());
        let mut next = rows.iter().peekable();
        for s in &self.strata {
            for g in &self.groups[s.g_begin..s.g_end] {
                while next.next_if(|&&i| i < g.end).is_some() {
                    stop.push(g.time);
                    labels.push(s.label);
                }
            }
        }
        let mut x = Vec::with_capacity(rows.len() * p);
        for &i in &rows {
            x.extend_from_slice(self.row(i));
        }
        let status: Vec<bool> = rows.iter().map(|&i| self.status[i]).collect();
        let (strata, groups) = time_groups(|k| labels[k], &stop, &status);
        Some(CoxData {
            n: rows.len(),
            p,
            x,
            center: self.center.clone(),
            sd: self.sd.clone(),
            w: rows.iter().map(|&i| self.w[i]).collect(),
            status,
            order: if self.order.is_empty() {
                Vec::new()
            } else {
                rows.iter().map(|&i| self.order[i]).collect()
            },
            strata,
            groups,
            entry: None,
        })
    }

    /// A covariate constant (among rows with weight) in every stratum is not
    /// identifiable.
    pub(super) fn check_constant(&self, stratified: bool) -> Result<(), ModelError> {
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
                return Err(ModelError::Degenerate {
                    feature: j,
                    reason: reason.into(),
                    with: Vec::new(),
                });
            }
        }
        Ok(())
    }
}

/// Rows per block of the scatter into sorted row-major order.
const BLOCK: usize = 256;

/// Strata and time groups of rows sorted by stratum and descending time.
fn time_groups(
    label: impl Fn(usize) -> u32,
    stop: &[f64],
    status: &[bool],
) -> (Vec<Stratum>, Vec<Group>) {
    let n = stop.len();
    let mut strata = Vec::new();
    let mut groups = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let lab = label(i);
        let (begin, g_begin) = (i, groups.len());
        while i < n && label(i) == lab {
            let t = stop[i];
            let gb = i;
            let mut deaths = 0;
            while i < n && label(i) == lab && stop[i] == t {
                deaths += usize::from(status[i]);
                i += 1;
            }
            groups.push(Group { begin: gb, end: i, deaths, time: t });
        }
        strata.push(Stratum { label: lab, begin, end: i, g_begin, g_end: groups.len() });
    }
    groups.shrink_to_fit();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_in_place_matches_a_copy() {
        for (n, p) in [
            (1, 3),
            (5, 1),
            (7, 3),
            (1000, 20),
            (1024, 3),
            (2048, 5),
            (3001, 4),
            (2 * 1031, 3),
            (999_983, 2),
            (1_000_000, 3),
        ] {
            let a: Vec<f64> = (0..n * p).map(|v| v as f64).collect();
            let mut b = a.clone();
            transpose_in_place(&mut b, n, p);
            for i in 0..n {
                for j in 0..p {
                    assert_eq!(b[i * p + j], a[j * n + i], "n {n} p {p} ({i}, {j})");
                }
            }
        }
    }

    #[test]
    fn owned_layout_is_identical() {
        let n = 3001;
        let s = osler_data::synth::survival(n, 4, 3);
        let time: Vec<f64> = s.time.iter().map(|t| (t * 20.0).ceil() / 20.0).collect();
        let event: Vec<f64> = s.event.iter().map(|&e| f64::from(e)).collect();
        for weighted in [false, true] {
            let opts = CoxOptions {
                strata: Some((0..n).map(|i| (i % 3) as u32).collect()),
                weights: weighted.then(|| (0..n).map(|i| 0.5 + (i % 4) as f64).collect()),
                ..CoxOptions::default()
            };
            let a = CoxData::new(&s.x, &time, &event, &opts).expect("borrowed");
            let b = CoxData::new_owned(s.x.clone(), &time, &event, &opts).expect("owned");
            assert_eq!(a.x, b.x);
            assert_eq!(a.center, b.center);
            assert_eq!(a.sd, b.sd);
            assert_eq!(a.w, b.w);
            assert_eq!(a.order, b.order);
            assert_eq!(a.status, b.status);
            assert_eq!(a.groups.len(), b.groups.len());
        }
    }
}
