//! Proper scoring rules on predicted probabilities: Brier score and log loss.

use crate::error::EvalError;
use crate::validate;

/// Clipping bound of [`log_loss`]: `f64::EPSILON` (2.22e-16), scikit-learn's
/// `np.finfo(float64).eps` (its default since 1.5; the old fixed `1e-15` is gone).
pub const LOG_LOSS_CLIP: f64 = f64::EPSILON;

/// Brier score: `mean((p_i - y_i)^2)`, with `y_i` in {0, 1}.
///
/// # Errors
/// Invalid input, or some `p_i` outside `[0, 1]`.
pub fn brier(y: &[bool], p: &[f64]) -> Result<f64, EvalError> {
    let classes = validate::probabilities(y, p)?;
    let sum: f64 = y.iter().zip(p).map(|(&t, &pi)| brier_term(t, pi)).sum();
    Ok(sum / classes.n() as f64)
}

/// One row's term of [`brier`]: `(p - y)^2`.
pub(crate) fn brier_term(t: bool, pi: f64) -> f64 {
    (pi - f64::from(u8::from(t))).powi(2)
}

/// One row's term of [`log_loss`]: `-ln(p)` of the observed class, clipped.
pub(crate) fn log_loss_term(t: bool, pi: f64) -> f64 {
    let observed = if t { pi } else { 1.0 - pi };
    -observed.clamp(LOG_LOSS_CLIP, 1.0 - LOG_LOSS_CLIP).ln()
}

/// Log loss (cross-entropy), natural log, mean over rows:
/// `-mean(y_i ln(p_i) + (1 - y_i) ln(1 - p_i))`.
///
/// Like scikit-learn 1.9, the probability given to the observed class
/// (`p_i` if `y_i`, else `1 - p_i`) is clipped to `[eps, 1 - eps]` with
/// `eps =` [`LOG_LOSS_CLIP`], so `p = 0` or `1` gives a large finite loss
/// (about 36 per confidently wrong row) instead of infinity. Inputs strictly
/// inside `(eps, 1 - eps)` are not changed.
///
/// # Errors
/// Invalid input, or some `p_i` outside `[0, 1]`.
pub fn log_loss(y: &[bool], p: &[f64]) -> Result<f64, EvalError> {
    let classes = validate::probabilities(y, p)?;
    let sum: f64 = y.iter().zip(p).map(|(&t, &pi)| log_loss_term(t, pi)).sum();
    Ok(sum / classes.n() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brier_by_hand() {
        let b = brier(&[true, false], &[0.8, 0.4]).expect("valid");
        assert!((b - (0.04 + 0.16) / 2.0).abs() < 1e-16);
        assert_eq!(brier(&[true], &[1.0]), Ok(0.0));
    }

    #[test]
    fn log_loss_by_hand() {
        let l = log_loss(&[true, false], &[0.8, 0.4]).expect("valid");
        assert!((l - -(0.8f64.ln() + 0.6f64.ln()) / 2.0).abs() < 1e-16);
    }

    #[test]
    fn log_loss_clips_like_sklearn() {
        // Confidently right: -ln(1 - eps); confidently wrong: -ln(eps).
        let right = log_loss(&[true, false], &[1.0, 0.0]).expect("valid");
        assert!((right - -(1.0 - f64::EPSILON).ln()).abs() < 1e-30);
        let wrong = log_loss(&[true], &[0.0]).expect("valid");
        assert!((wrong - 36.04365338911715).abs() < 1e-12);
    }

    #[test]
    fn probabilities_are_validated() {
        assert!(matches!(brier(&[true], &[1.2]), Err(EvalError::NotProbability { index: 0, .. })));
        assert!(log_loss(&[true, false], &[0.5, -0.5]).is_err());
        assert!(log_loss(&[true], &[f64::NAN]).is_err());
        assert!(brier(&[true], &[]).is_err());
    }
}
