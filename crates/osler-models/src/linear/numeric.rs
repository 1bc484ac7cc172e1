//! Small numerical kernels: dense Cholesky, the complementary error
//! function, and numerically stable logistic helpers.

/// `sqrt(pi)`.
const SQRT_PI: f64 = 1.772_453_850_905_516;

/// Below this the series is used, above it the continued fraction.
const SERIES_MAX: f64 = 0.5;

/// The lower-triangular Cholesky factor `L` of a symmetric positive definite
/// `n x n` matrix `A = L L'`, stored row-major (the upper triangle is zero).
#[derive(Debug, Clone)]
pub(crate) struct Cholesky {
    n: usize,
    l: Vec<f64>,
}

/// Cholesky failed: the leading `index x index` block is positive definite but
/// adding row/column `index` is not (its pivot is `pivot`, relative to the
/// original diagonal entry).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NotPositiveDefinite {
    pub index: usize,
    pub relative_pivot: f64,
}

impl Cholesky {
    /// Factorises the row-major symmetric matrix `a` (only the lower triangle,
    /// `a[i*n + j]` with `j <= i`, is read).
    ///
    /// A pivot `d_j = a_jj - sum_k l_jk^2` with `d_j <= rel_tol * a_jj` (or a
    /// non-positive / non-finite one) means column `j` is, to working
    /// precision, a linear combination of the columns before it.
    pub(crate) fn factor(a: &[f64], n: usize, rel_tol: f64) -> Result<Self, NotPositiveDefinite> {
        debug_assert_eq!(a.len(), n * n);
        let mut l = vec![0.0; n * n];
        for j in 0..n {
            let ajj = a[j * n + j];
            let rj = &l[j * n..j * n + j];
            let d = ajj - rj.iter().map(|v| v * v).sum::<f64>();
            if !(d.is_finite() && ajj > 0.0 && d > rel_tol * ajj) {
                let relative_pivot = if ajj > 0.0 { d / ajj } else { d };
                return Err(NotPositiveDefinite { index: j, relative_pivot });
            }
            let djj = d.sqrt();
            l[j * n + j] = djj;
            for i in j + 1..n {
                let mut s = a[i * n + j];
                for k in 0..j {
                    s -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = s / djj;
            }
        }
        Ok(Cholesky { n, l })
    }

    /// Solves `A x = b` by forward then backward substitution.
    pub(crate) fn solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let l = &self.l;
        let mut x = b.to_vec();
        for i in 0..n {
            let mut s = x[i];
            for k in 0..i {
                s -= l[i * n + k] * x[k];
            }
            x[i] = s / l[i * n + i];
        }
        for i in (0..n).rev() {
            let mut s = x[i];
            for k in i + 1..n {
                s -= l[k * n + i] * x[k];
            }
            x[i] = s / l[i * n + i];
        }
        x
    }

    /// `A^{-1}` (row-major, symmetric), column by column from `solve`.
    pub(crate) fn inverse(&self) -> Vec<f64> {
        let n = self.n;
        let mut inv = vec![0.0; n * n];
        let mut e = vec![0.0; n];
        for j in 0..n {
            e.iter_mut().for_each(|v| *v = 0.0);
            e[j] = 1.0;
            let c = self.solve(&e);
            for i in 0..n {
                inv[i * n + j] = c[i];
            }
        }
        // Symmetrise exactly (the two triangles differ by rounding only).
        for i in 0..n {
            for j in 0..i {
                let m = 0.5 * (inv[i * n + j] + inv[j * n + i]);
                inv[i * n + j] = m;
                inv[j * n + i] = m;
            }
        }
        inv
    }
}

/// Complementary error function `erfc(x) = 2/sqrt(pi) * int_x^inf exp(-t^2) dt`,
/// accurate to a few 1e-16 relative over its whole range (down to the
/// underflow of `f64`, `erfc(26.5) ~ 1e-307`).
///
/// * `|x| < 2`: `erf(x) = 2x/sqrt(pi) exp(-x^2) sum_n (2x^2)^n / (1*3*...*(2n+1))`
///   (Abramowitz & Stegun 7.1.6; all terms positive, no cancellation), then
///   `erfc = 1 - erf` (at most a factor ~200 of cancellation at x = 2).
/// * `x >= 2`: the Laplace continued fraction (A&S 7.1.14)
///   `erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))`
///   evaluated with the modified Lentz algorithm.
///
/// `exp(-x^2)` is computed as `exp(-h^2) exp(-(x-h)(x+h))` with `h` = `x`
/// rounded to 1/16 so that `h^2` is exact (as in Cody's ERFC), which keeps the
/// relative error of tiny tails near 1e-16 instead of `x^2 * 1e-16`.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < SERIES_MAX {
        return 1.0 - erf_series(x);
    }
    if x > 27.3 {
        return 0.0;
    }
    // Modified Lentz for b0 + a1/(b1 + a2/(b2 + ...)), b_k = x, a_k = k/2.
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..100_000 {
        let a = 0.5 * k as f64;
        d = x + a * d;
        if d == 0.0 {
            d = tiny;
        }
        c = x + a / c;
        if c == 0.0 {
            c = tiny;
        }
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-17 {
            break;
        }
    }
    exp_neg_sq(x) / (SQRT_PI * f)
}

/// `erf(x)` for `0 <= x < 2` by the positive series A&S 7.1.6.
fn erf_series(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    let mut n = 0.0;
    loop {
        n += 1.0;
        term *= 2.0 * x2 / (2.0 * n + 1.0);
        sum += term;
        if term <= 1e-17 * sum {
            break;
        }
    }
    2.0 / SQRT_PI * exp_neg_sq(x) * sum
}

/// `exp(-x^2)` without the rounding error of forming `x^2`.
fn exp_neg_sq(x: f64) -> f64 {
    let h = (x * 16.0).trunc() / 16.0;
    (-h * h).exp() * (-(x - h) * (x + h)).exp()
}

/// Two-sided normal p-value `P(|Z| >= |z|) = erfc(|z|/sqrt(2))`.
pub fn two_sided_p(z: f64) -> f64 {
    erfc(z.abs() * std::f64::consts::FRAC_1_SQRT_2)
}

/// `log(1 + exp(t))` without overflow or loss of precision.
#[inline]
pub(crate) fn log1pexp(t: f64) -> f64 {
    if t > 0.0 { t + (-t).exp().ln_1p() } else { t.exp().ln_1p() }
}

/// `log(1 + x)` for `0 <= x <= 1`, within about one ulp (the row loop of
/// Newton needs it once per row; libm's `ln_1p` costs several times more).
///
/// `t = 1 + x` is rounded, its error `c = x - (t - 1)` is exact, and
/// `log(1 + x) = log(t) + c / t` to first order (`|c / t| <= 2^-53`). With
/// `t = 2^k m`, `m` in `[1/sqrt 2, sqrt 2]` (`m - 1` exact),
/// `log m = 2 atanh(s)`, `s = (m - 1)/(m + 1)`, `|s| <= 0.1716`, whose series
/// `2 s sum_n s^(2n) / (2n + 1)` is truncated after ten terms (the rest is
/// below `2.4e-17` relative).
#[inline]
pub(crate) fn ln_1p_unit(x: f64) -> f64 {
    const C: [f64; 9] = [
        1.0 / 19.0,
        1.0 / 17.0,
        1.0 / 15.0,
        1.0 / 13.0,
        1.0 / 11.0,
        1.0 / 9.0,
        1.0 / 7.0,
        1.0 / 5.0,
        1.0 / 3.0,
    ];
    let t = 1.0 + x;
    let c = x - (t - 1.0);
    let (m, k) =
        if t > std::f64::consts::SQRT_2 { (0.5 * t, std::f64::consts::LN_2) } else { (t, 0.0) };
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let p = C.iter().fold(0.0, |acc, &cn| acc * s2 + cn);
    let two_s = 2.0 * s;
    k + (two_s + (two_s * s2 * p + c / t))
}

/// `sum_i a_i b_i` with four interleaved accumulators (fixed summation order).
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    sum_of_terms(a, b, |x, y| x * y)
}

/// `sum_i (a_i - m) b_i` with four interleaved accumulators: the inner product
/// of a centred column with `b` without forming the centred copy.
#[inline]
pub(crate) fn centred_dot(a: &[f64], m: f64, b: &[f64]) -> f64 {
    sum_of_terms(a, b, |x, y| (x - m) * y)
}

/// `sum_i term(a_i, b_i)` over the common length, in four interleaved
/// accumulators (fixed summation order), the tail added last.
#[inline(always)]
pub(crate) fn sum_of_terms(a: &[f64], b: &[f64], term: impl Fn(f64, f64) -> f64) -> f64 {
    let n = a.len().min(b.len());
    let (ac, at) = a[..n].as_chunks::<4>();
    let (bc, bt) = b[..n].as_chunks::<4>();
    let mut acc = [0.0; 4];
    for (x, y) in ac.iter().zip(bc) {
        for l in 0..4 {
            acc[l] += term(x[l], y[l]);
        }
    }
    at.iter().zip(bt).fold((acc[0] + acc[1]) + (acc[2] + acc[3]), |s, (x, y)| s + term(*x, *y))
}

/// The logistic function `1 / (1 + exp(-t))`, stable for any `t`.
#[inline]
pub fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn erfc_matches_high_precision_values() {
        // mpmath.erfc at 50 digits.
        let cases = [
            (0.0, 1.0),
            (0.1, 0.887_537_083_981_715),
            (0.5, 0.479_500_122_186_953_5),
            (1.0, 0.157_299_207_050_285_13),
            (1.9, 0.007_209_570_764_742_532_5),
            (2.0, 0.004_677_734_981_047_266),
            (3.0, 2.209_049_699_858_544e-5),
            (5.0, 1.537_459_794_428_035e-12),
            (10.0, 2.088_487_583_762_545e-45),
            (20.0, 5.395_865_611_607_901e-176),
            (26.0, 5.663_192_408_856_143e-296),
            (-1.0, 1.842_700_792_949_714_8),
        ];
        for (x, want) in cases {
            let got = erfc(x);
            assert!(rel(got, want) < 1e-14, "erfc({x}) = {got:e}, want {want:e}");
        }
    }

    #[test]
    fn cholesky_solves_and_inverts() {
        let a = [4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        let ch = Cholesky::factor(&a, 3, 1e-14).expect("spd");
        let x = ch.solve(&[1.0, 2.0, 3.0]);
        for i in 0..3 {
            let r: f64 = (0..3).map(|k| a[i * 3 + k] * x[k]).sum();
            assert!((r - [1.0, 2.0, 3.0][i]).abs() < 1e-14);
        }
        let inv = ch.inverse();
        for i in 0..3 {
            for j in 0..3 {
                let r: f64 = (0..3).map(|k| a[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((r - f64::from(u8::from(i == j))).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn cholesky_reports_the_dependent_column() {
        // Column 2 = column 0 + column 1.
        let a = [1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 2.0];
        let e = Cholesky::factor(&a, 3, 1e-12).expect_err("singular");
        assert_eq!(e.index, 2);
    }

    #[test]
    fn ln_1p_unit_is_within_two_ulps_of_libm() {
        let mut worst = 0.0f64;
        let mut x = 1.0f64;
        // Every binade from 1 down to 1e-300, 2000 points in each.
        while x > 1e-300 {
            for k in 0..2000 {
                let v = x * (0.5 + 0.5 * f64::from(k) / 2000.0);
                let (got, want) = (ln_1p_unit(v), v.ln_1p());
                let ulp = f64::EPSILON * want.abs();
                worst = worst.max((got - want).abs() / ulp);
            }
            x *= 0.5;
        }
        assert_eq!(ln_1p_unit(0.0), 0.0);
        assert_eq!(ln_1p_unit(1.0), std::f64::consts::LN_2);
        assert!(worst <= 2.0, "worst error {worst} ulp");
    }

    #[test]
    fn stable_logistic_helpers() {
        assert_eq!(sigmoid(-800.0), 0.0);
        assert_eq!(sigmoid(800.0), 1.0);
        assert!(rel(sigmoid(-40.0), (-40.0f64).exp() / (1.0 + (-40.0f64).exp())) < 1e-15);
        assert!(rel(log1pexp(-40.0), (-40.0f64).exp()) < 1e-15);
        assert_eq!(log1pexp(800.0), 800.0);
        assert!(rel(two_sided_p(8.441_062_637_328_832), 3.144_655_659_160_328e-17) < 1e-12);
    }
}
