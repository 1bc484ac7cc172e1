//! The training features as column-major bin codes, for the log-rank sweeps.
//!
//! Bin edges come from the GBDT's quantile binning (`gbdt::binning::feature_bins`): a
//! value `v` gets the first code `k` with `v <= thresholds[k]`, so the split
//! "code <= k" used while growing is exactly "v <= thresholds[k]" used to
//! predict. Column-major storage suits the per-feature sweeps of a node.

use osler_data::{Matrix, SplitMix64};

use crate::gbdt::binning::{FeatureBins, feature_bins};

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
        let features = feature_bins(x, max_bins, rng);
        let mut codes = vec![0u8; n * x.cols()];
        for (j, fb) in features.iter().enumerate() {
            let col = x.col(j);
            for (o, &i) in codes[j * n..(j + 1) * n].iter_mut().zip(order) {
                *o = fb.bin(col[i as usize]);
            }
        }
        Codes { rows: n, features, codes }
    }

    /// Bin codes of feature `j`, indexed by position in `order`.
    #[inline]
    pub fn col(&self, j: usize) -> &[u8] {
        &self.codes[j * self.rows..(j + 1) * self.rows]
    }
}
