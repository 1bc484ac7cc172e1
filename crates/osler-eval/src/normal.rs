//! Standard normal quantile function (Wichura 1988, AS 241), as R's `qnorm`,
//! and the two-sided 95% multiplier [`Z_975`] every Wald interval uses.

// The coefficients keep every published digit of AS 241 so they can be checked
// against the paper; the compiler rounds them to the nearest f64.
#![allow(clippy::excessive_precision)]

/// `Phi^-1(0.975)`, the multiplier of a two-sided 95% Wald interval
/// (`estimate -+ Z_975 se`), as R's `qnorm(0.975)` and scipy's
/// `norm.ppf(0.975)` print it to 17 digits. [`normal_quantile`]`(0.975)` is
/// two ulps below it in `f64`, so the intervals use this constant.
pub const Z_975: f64 = 1.959_963_984_540_054;

/// Standard normal quantile `Phi^-1(p)` for `0 < p < 1`, by Wichura's algorithm
/// AS 241 (PPND16, relative accuracy about 1e-16), the algorithm behind R's
/// `qnorm`. Returns `-inf`/`+inf` at 0/1 and NaN outside `[0, 1]`.
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let z = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 { -z } else { z }
}

/// Horner evaluation of `c[0] + c[1] x + ... + c[7] x^7`.
fn poly(c: &[f64; 8], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &ci| acc * x + ci)
}

// AS 241 coefficients; denominators carry their leading 1.
const A: [f64; 8] = [
    3.387_132_872_796_366_608,
    1.331_416_678_917_843_774_5e2,
    1.971_590_950_306_551_442_7e3,
    1.373_169_376_550_946_112_5e4,
    4.592_195_393_154_987_145_7e4,
    6.726_577_092_700_870_085_3e4,
    3.343_057_558_358_812_810_5e4,
    2.509_080_928_730_122_672_7e3,
];
const B: [f64; 8] = [
    1.0,
    4.231_333_070_160_091_125_2e1,
    6.871_870_074_920_579_083e2,
    5.394_196_021_424_751_107_7e3,
    2.121_379_430_158_659_586_7e4,
    3.930_789_580_009_271_061e4,
    2.872_908_573_572_194_267_4e4,
    5.226_495_278_852_854_561e3,
];
const C: [f64; 8] = [
    1.423_437_110_749_683_577_34,
    4.630_337_846_156_545_295_9,
    5.769_497_221_460_691_405_5,
    3.647_848_324_763_204_605_04,
    1.270_458_252_452_368_382_58,
    2.417_807_251_774_506_117_7e-1,
    2.272_384_498_926_918_458_33e-2,
    7.745_450_142_783_414_076_4e-4,
];
const D: [f64; 8] = [
    1.0,
    2.053_191_626_637_758_821_87,
    1.676_384_830_183_803_849_4,
    6.897_673_349_851_000_045_5e-1,
    1.481_039_764_274_800_745_9e-1,
    1.519_866_656_361_645_719_66e-2,
    5.475_938_084_995_344_946e-4,
    1.050_750_071_644_416_843_24e-9,
];
const E: [f64; 8] = [
    6.657_904_643_501_103_777_2,
    5.463_784_911_164_114_369_9,
    1.784_826_539_917_291_335_8,
    2.965_605_718_285_048_912_3e-1,
    2.653_218_952_657_612_309_3e-2,
    1.242_660_947_388_078_438_6e-3,
    2.711_555_568_743_487_578_15e-5,
    2.010_334_399_292_288_132_65e-7,
];
const F: [f64; 8] = [
    1.0,
    5.998_322_065_558_879_376_9e-1,
    1.369_298_809_227_358_053_1e-1,
    1.487_536_129_085_061_485_25e-2,
    7.868_691_311_456_132_591e-4,
    1.846_318_317_510_054_681_8e-5,
    1.421_511_758_316_445_888_7e-7,
    2.044_263_103_389_939_785_64e-15,
];

#[cfg(test)]
mod tests {
    use super::{Z_975, normal_quantile};

    #[test]
    fn matches_r_qnorm() {
        // R: sprintf("%.17g", qnorm(c(0.975, 0.995, 0.9, 0.5)))
        let cases = [
            (0.975, 1.959963984540054),
            (0.995, 2.5758293035489004),
            (0.9, 1.2815515655446004),
            (0.5, 0.0),
        ];
        for (p, z) in cases {
            let got = normal_quantile(p);
            assert!((got - z).abs() <= 4e-16 * z.abs().max(1.0), "{p}: {got} vs {z}");
            assert!((normal_quantile(1.0 - p) + got).abs() <= 1e-14, "symmetry at {p}");
        }
        // Far tail (third branch, sqrt(-ln p) > 5): qnorm(1e-20) = -9.26234008979...
        assert!((normal_quantile(1e-20) + 9.262340089798408).abs() < 1e-9);
    }

    #[test]
    fn z_975_is_the_quantile() {
        let z = normal_quantile(0.975);
        assert!(z < Z_975 && Z_975 - z <= 2.0 * f64::EPSILON, "{z} vs {Z_975}");
    }

    #[test]
    fn edges() {
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
        assert!(normal_quantile(1.5).is_nan());
        assert!(normal_quantile(f64::NAN).is_nan());
    }
}
