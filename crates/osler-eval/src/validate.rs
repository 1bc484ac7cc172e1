//! Input validation shared by every metric: the only place user data is checked.

use crate::error::EvalError;

/// Number of positive (`true`) and negative (`false`) rows of a validated input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClassCounts {
    pub positives: usize,
    pub negatives: usize,
}

impl ClassCounts {
    /// Total number of rows.
    pub fn n(self) -> usize {
        self.positives + self.negatives
    }

    /// Errors unless there are at least `pos` positives and `neg` negatives.
    pub fn require(self, metric: &'static str, pos: usize, neg: usize) -> Result<Self, EvalError> {
        if self.positives >= pos && self.negatives >= neg {
            Ok(self)
        } else {
            Err(EvalError::ClassTooSmall {
                metric,
                needed_positives: pos,
                needed_negatives: neg,
                positives: self.positives,
                negatives: self.negatives,
            })
        }
    }
}

/// Checks equal, non-zero lengths and finite scores; counts the classes.
pub(crate) fn scores(y: &[bool], score: &[f64]) -> Result<ClassCounts, EvalError> {
    check(y, score, "score")
}

/// As [`scores`], and additionally every `p[i]` must lie in `[0, 1]`.
pub(crate) fn probabilities(y: &[bool], p: &[f64]) -> Result<ClassCounts, EvalError> {
    let counts = check(y, p, "p")?;
    match p.iter().position(|v| !(0.0..=1.0).contains(v)) {
        Some(index) => Err(EvalError::NotProbability { index, value: p[index] }),
        None => Ok(counts),
    }
}

fn check(y: &[bool], x: &[f64], what: &'static str) -> Result<ClassCounts, EvalError> {
    if y.len() != x.len() {
        return Err(EvalError::LengthMismatch { what, y: y.len(), other: x.len() });
    }
    if y.is_empty() {
        return Err(EvalError::Empty { what });
    }
    if let Some(index) = x.iter().position(|v| !v.is_finite()) {
        return Err(EvalError::NonFinite { what, index, value: x[index] });
    }
    let positives = y.iter().filter(|&&t| t).count();
    Ok(ClassCounts { positives, negatives: y.len() - positives })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_mismatch_names_both_lengths() {
        let e = scores(&[true, false], &[0.5]).expect_err("mismatch");
        assert_eq!(e, EvalError::LengthMismatch { what: "score", y: 2, other: 1 });
        assert_eq!(e.to_string(), "y has 2 rows but score has 1; they must have the same length");
    }

    #[test]
    fn empty_is_rejected() {
        assert_eq!(scores(&[], &[]), Err(EvalError::Empty { what: "score" }));
        assert_eq!(probabilities(&[], &[]), Err(EvalError::Empty { what: "p" }));
    }

    #[test]
    fn non_finite_reports_first_bad_row() {
        let e = scores(&[true, false, true], &[0.1, f64::NAN, f64::INFINITY]).expect_err("nan");
        assert!(matches!(e, EvalError::NonFinite { what: "score", index: 1, .. }));
        assert_eq!(e.to_string(), "score[1] = NaN is not finite");
        let e = probabilities(&[true], &[f64::NEG_INFINITY]).expect_err("inf");
        assert_eq!(e.to_string(), "p[0] = -inf is not finite");
    }

    #[test]
    fn probability_range_is_closed_unit_interval() {
        assert!(probabilities(&[true, false], &[0.0, 1.0]).is_ok());
        let e = probabilities(&[true, false], &[0.5, 1.5]).expect_err("1.5");
        assert_eq!(e, EvalError::NotProbability { index: 1, value: 1.5 });
        assert!(probabilities(&[true], &[-0.1]).is_err());
        // Scores need not be probabilities.
        assert!(scores(&[true], &[-3.0]).is_ok());
    }

    #[test]
    fn class_requirements() {
        let c = scores(&[true, true, false], &[1.0, 2.0, 3.0]).expect("valid");
        assert_eq!(c.n(), 3);
        assert!(c.require("m", 2, 1).is_ok());
        let e = c.require("m", 1, 2).expect_err("one negative");
        assert_eq!(
            e.to_string(),
            "m needs at least 1 positive and 2 negative rows, but y has 2 positive and 1 \
             negative rows"
        );
    }
}
