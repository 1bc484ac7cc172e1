//! The training features as column-major bin codes, for the log-rank sweeps.
//!
//! Bin edges come from the GBDT's quantile binning ([`find_thresholds`]): a
//! value `v` gets the first code `k` with `v <= thresholds[k]`, so the split
//! "code <= k" used while growing is exactly "v <= thresholds[k]" used to
//! predict. Column-major storage suits the per-feature sweeps of a node.

use osler_data::{Matrix, SplitMix64};

use super::binning::{BIN_SAMPLE_ROWS, FeatureBins, find_thresholds};

/// Bin codes of every feature in a given row order: `codes[j * rows + r]` is
/// the code of row `order[r]`. Growing uses the order of increasing time, so
/// that a node's rows, kept in time order, read each column front to back.
#[derive(Debug, Clone)]
pub(crate) struct Codes {
    rows: usize,
    pub features: Vec<FeatureBins>,
    codes: Vec<u8>,
}

impl Codes {
    /// Bins every (finite) column of `x` into at most `max_bins` quantile
    /// bins, placing the edges on a seeded sample of `BIN_SAMPLE_ROWS` rows
    /// when `x` is larger (as the GBDT does), and lists them in `order`.
    pub fn new(x: &Matrix, max_bins: usize, order: &[u32], rng: &mut SplitMix64) -> Codes {
        let n = x.rows();
        let sample: Option<Vec<usize>> = (n > BIN_SAMPLE_ROWS).then(|| {
            let mut idx: Vec<usize> = (0..n).collect();
            for i in 0..BIN_SAMPLE_ROWS {
                let j = i + rng.below(n - i);
                idx.swap(i, j);
            }
            idx.truncate(BIN_SAMPLE_ROWS);
            idx
        });
        let mut features = Vec::with_capacity(x.cols());
        let mut codes = vec![0u8; n * x.cols()];
        let mut buf = Vec::with_capacity(n.min(BIN_SAMPLE_ROWS));
        for (j, out) in codes.chunks_exact_mut(n.max(1)).enumerate().take(x.cols()) {
            let col = x.col(j);
            buf.clear();
            match &sample {
                Some(idx) => buf.extend(idx.iter().map(|&i| col[i])),
                None => buf.extend_from_slice(col),
            }
            buf.sort_unstable_by(f64::total_cmp);
            let fb =
                FeatureBins { thresholds: find_thresholds(&buf, max_bins), has_missing: false };
            for (o, &i) in out.iter_mut().zip(order) {
                *o = fb.bin(col[i as usize]);
            }
            features.push(fb);
        }
        Codes { rows: n, features, codes }
    }

    /// Bin codes of feature `j`, indexed by position in `order`.
    #[inline]
    pub fn col(&self, j: usize) -> &[u8] {
        &self.codes[j * self.rows..(j + 1) * self.rows]
    }
}
