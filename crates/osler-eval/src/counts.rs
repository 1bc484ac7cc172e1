//! Cumulative confusion counts at every distinct score (scikit-learn's `_binary_clf_curve`).

/// For each distinct score `s_k`, in descending order, the number of positives
/// (`tps[k]`) and negatives (`fps[k]`) with `score >= s_k`.
///
/// Counts are exact integers, so every ratio derived from them is the
/// correctly rounded value of an exact fraction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ThresholdCounts {
    pub thresholds: Vec<f64>,
    pub tps: Vec<usize>,
    pub fps: Vec<usize>,
}

impl ThresholdCounts {
    /// Builds the counts with one O(n log n) sort. Inputs must already be validated
    /// (equal lengths, finite scores). Scores equal under `==` (so `-0.0 == 0.0`)
    /// form one threshold, as in scikit-learn.
    pub fn new(y: &[bool], score: &[f64]) -> Self {
        let mut rows: Vec<(f64, bool)> = score.iter().copied().zip(y.iter().copied()).collect();
        rows.sort_by(|a, b| b.0.total_cmp(&a.0));
        Self::of_sorted(rows.into_iter().map(|(s, is_pos)| (s, is_pos, 1)))
    }

    /// The counts of rows given in descending order of score as `(score,
    /// positive, multiplicity)`: a row counts `multiplicity` times, and rows
    /// of multiplicity 0 are absent (they make no threshold), so the counts
    /// of a bootstrap resample come from one pass over rows sorted once.
    pub fn of_sorted(rows: impl Iterator<Item = (f64, bool, usize)>) -> Self {
        let mut out = ThresholdCounts { thresholds: Vec::new(), tps: Vec::new(), fps: Vec::new() };
        let (mut tp, mut fp) = (0usize, 0usize);
        let mut group: Option<f64> = None;
        for (s, is_pos, times) in rows.filter(|r| r.2 > 0) {
            if let Some(g) = group.filter(|&g| g != s) {
                out.push(g, tp, fp);
            }
            group = Some(s);
            if is_pos {
                tp += times;
            } else {
                fp += times;
            }
        }
        if let Some(g) = group {
            out.push(g, tp, fp);
        }
        out
    }

    /// Closes the group of tied scores `threshold` with cumulative counts `tp`, `fp`.
    fn push(&mut self, threshold: f64, tp: usize, fp: usize) {
        self.thresholds.push(threshold);
        self.tps.push(tp);
        self.fps.push(fp);
    }

    /// Number of distinct thresholds.
    pub fn len(&self) -> usize {
        self.thresholds.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_ties_and_accumulates() {
        let y = [true, false, true, false, false];
        let s = [0.9, 0.5, 0.5, 0.1, -0.0];
        let c = ThresholdCounts::new(&y, &s);
        assert_eq!(c.thresholds, vec![0.9, 0.5, 0.1, -0.0]);
        assert_eq!(c.tps, vec![1, 2, 2, 2]);
        assert_eq!(c.fps, vec![0, 1, 2, 3]);
        assert_eq!(c.len(), 4);
    }

    #[test]
    fn multiplicities_count_rows_again_and_zero_removes_them() {
        let rows =
            [(0.9, true, 2), (0.5, false, 0), (0.5, true, 1), (0.1, false, 0), (0.0, false, 3)];
        let c = ThresholdCounts::of_sorted(rows.into_iter());
        assert_eq!(c.thresholds, vec![0.9, 0.5, 0.0]);
        assert_eq!((c.tps, c.fps), (vec![2, 3, 3], vec![0, 0, 3]));
    }

    #[test]
    fn signed_zeros_are_one_threshold() {
        let c = ThresholdCounts::new(&[true, false], &[0.0, -0.0]);
        assert_eq!(c.len(), 1);
        assert_eq!((c.tps[0], c.fps[0]), (1, 1));
    }
}
