//! `exp` and `ln` over blocks of values, written so that the compiler
//! vectorises them (no calls, no branches, no integer-float conversions
//! that lack packed instructions): the Cox sweeps take an `exp` per row and
//! a `ln` per death time, and libm's scalar calls were a fifth of a fit.
//!
//! Both use only `+ - * /` and bit manipulation in a fixed order, so the
//! result is the same whatever SIMD width the code runs at. Accuracy: within
//! 2 ulp of the correctly rounded value (tested against `std` below).
//! Arguments outside the fast range (|x| > 700 for `exp`; zero, negative,
//! subnormal, infinite or NaN for `ln`) are recomputed with `std`.

/// `1.5 * 2^52`: adding it rounds to the nearest integer, kept in the low
/// mantissa bits.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// `ln 2` split (fdlibm): `LN2_HI` has its low 32 bits zero, so `k LN2_HI` is exact.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// Fast-path bound of [`exp_block`].
const EXP_LIMIT: f64 = 700.0;

/// `e^x` for `|x| <= 700`: `x = k ln2 + r`, `|r| <= ln2/2`, and `e^r` by its
/// Taylor polynomial of degree 13 (truncation below 5e-18).
#[inline(always)]
fn exp_fast(x: f64) -> f64 {
    let x = x.clamp(-EXP_LIMIT, EXP_LIMIT);
    let t = x * INV_LN2 + ROUND;
    let k = t - ROUND;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut p = 1.0 / 6_227_020_800.0;
    for c in [
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p * r + c;
    }
    // 2^k from the integer in t's low bits (|k| <= 1010).
    let scale = f64::from_bits(t.to_bits().wrapping_sub(ROUND.to_bits()).wrapping_add(1023) << 52);
    p * scale
}

/// `out[i] = w[i] * e^{x[i]}`.
#[inline(always)]
pub(crate) fn weighted_exp(x: &[f64], w: &[f64], out: &mut [f64]) {
    let mut big = false;
    for ((o, &xi), &wi) in out.iter_mut().zip(x).zip(w) {
        big |= xi.abs() > EXP_LIMIT || xi.is_nan();
        *o = wi * exp_fast(xi);
    }
    if big {
        for ((o, &xi), &wi) in out.iter_mut().zip(x).zip(w) {
            if xi.abs() > EXP_LIMIT || xi.is_nan() {
                *o = wi * xi.exp();
            }
        }
    }
}

/// `ln x` for positive normal finite `x`: `x = 2^e m`, `m` in
/// `[sqrt(1/2), sqrt(2))`, `ln m = 2 atanh(s)`, `s = (m-1)/(m+1)`, `|s| < 0.172`,
/// by its odd series to `s^21` (truncation below 1e-18).
#[inline(always)]
fn ln_fast(x: f64) -> f64 {
    const MANT: u64 = (1 << 52) - 1;
    const ONE: u64 = 1023 << 52;
    let bits = x.to_bits();
    let m = f64::from_bits((bits & MANT) | ONE);
    // The exponent field as a float without an int->float conversion.
    let ef = f64::from_bits((bits >> 52) | ROUND.to_bits()) - ROUND;
    let hi = m > std::f64::consts::SQRT_2;
    let m = if hi { m * 0.5 } else { m };
    let e = ef - 1023.0 + if hi { 1.0 } else { 0.0 };
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut p = 1.0 / 21.0;
    for c in [1.0 / 19.0, 1.0 / 17.0, 1.0 / 15.0, 1.0 / 13.0, 1.0 / 11.0, 1.0 / 9.0, 1.0 / 7.0] {
        p = p * s2 + c;
    }
    p = (p * s2 + 1.0 / 5.0) * s2 + 1.0 / 3.0;
    let lm = 2.0 * s + 2.0 * s * s2 * p;
    e * LN2_HI + (lm + e * LN2_LO)
}

/// `sum_i w[i] ln x[i]`.
#[inline(always)]
pub(crate) fn weighted_ln_sum(x: &[f64], w: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let mut odd = false;
    let mut cx = x.chunks_exact(4);
    let mut cw = w.chunks_exact(4);
    for (xs, ws) in (&mut cx).zip(&mut cw) {
        for k in 0..4 {
            odd |= xs[k] < f64::MIN_POSITIVE || xs[k] > f64::MAX || xs[k].is_nan();
            acc[k] += ws[k] * ln_fast(xs[k]);
        }
    }
    if odd {
        acc = [0.0; 4];
        for (xs, ws) in x.chunks_exact(4).zip(w.chunks_exact(4)) {
            for k in 0..4 {
                acc[k] += ws[k] * xs[k].ln();
            }
        }
    }
    let tail: f64 = cx.remainder().iter().zip(cw.remainder()).map(|(x, w)| w * x.ln()).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn exp_is_within_two_ulp_of_std() {
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        let mut worst = 0;
        for i in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            // Dense near 0 (centred linear predictors), then the full range.
            let x = if i % 2 == 0 { (u - 0.5) * 20.0 } else { (u - 0.5) * 1400.0 };
            let mut out = [0.0];
            weighted_exp(&[x], &[1.0], &mut out);
            worst = worst.max(ulps(out[0], x.exp()));
        }
        assert!(worst <= 2, "worst {worst} ulp");
        let xs = [0.0, -0.0, 1e-300, 700.0, -700.0, 709.0, -745.0, 800.0, -800.0, f64::NAN];
        let mut out = [0.0; 10];
        weighted_exp(&xs, &[2.0; 10], &mut out);
        for (x, o) in xs.iter().zip(out) {
            let e = 2.0 * x.exp();
            assert!(ulps(o, e) <= 2 || (o.is_nan() && e.is_nan()), "{x}: {o} vs {e}");
        }
    }

    #[test]
    fn ln_sum_is_within_two_ulp_of_std() {
        let mut s = 12345u64;
        let mut worst = 0;
        for _ in 0..200_000 {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            let x = (u * 200.0 - 100.0).exp2();
            let got = weighted_ln_sum(&[x, x, x, x], &[1.0, 0.0, 0.0, 0.0]);
            worst = worst.max(ulps(got, x.ln()));
        }
        assert!(worst <= 2, "worst {worst} ulp");
        for x in [1.0, 2.0, std::f64::consts::SQRT_2, 0.5, 1e-310, f64::MAX] {
            let got = weighted_ln_sum(&[x, 1.0, 1.0, 1.0, x], &[1.0, 1.0, 1.0, 1.0, 1.0]);
            assert!(ulps(got, 2.0 * x.ln()) <= 2 || (got - 2.0 * x.ln()).abs() < 1e-15, "{x}");
        }
        assert!(weighted_ln_sum(&[0.0, 1.0, 1.0, 1.0], &[1.0; 4]).is_infinite());
    }
}
