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
        let mut out = ThresholdCounts { thresholds: Vec::new(), tps: Vec::new(), fps: Vec::new() };
        let (mut tp, mut fp) = (0usize, 0usize);
        for (i, &(s, is_pos)) in rows.iter().enumerate() {
            if is_pos {
                tp += 1;
            } else {
                fp += 1;
            }
            let last_of_group = rows.get(i + 1).is_none_or(|next| next.0 != s);
            if last_of_group {
                out.thresholds.push(s);
                out.tps.push(tp);
                out.fps.push(fp);
            }
        }
        out
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
    fn signed_zeros_are_one_threshold() {
        let c = ThresholdCounts::new(&[true, false], &[0.0, -0.0]);
        assert_eq!(c.len(), 1);
        assert_eq!((c.tps[0], c.fps[0]), (1, 1));
    }
}
