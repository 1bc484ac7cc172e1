//! Deterministic synthetic data for timing benchmarks, bit-exact with the reference
//! recipe in `tests/reference/synth_manifest.json`.
//!
//! # Generator
//!
//! A counter-based SplitMix64: draw `k` (k = 0, 1, 2, ...) of a data set with seed `seed` is
//!
//! ```text
//! z     = seed + (k + 1) * GOLDEN                 (wrapping u64, GOLDEN = 0x9E3779B97F4A7C15)
//! z     = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9    (wrapping)
//! z     = (z ^ (z >> 27)) * 0x94D049BB133111EB    (wrapping)
//! out_k = z ^ (z >> 31)
//! u_k   = (out_k >> 11) as f64 * 2^-53           (in [0, 1), exact)
//! ```
//!
//! which is the `k+1`-th output of the sequential [`SplitMix64`](crate::SplitMix64) started
//! at `seed`. Because every draw is addressed by its counter, any row can be generated
//! without the rows before it (the first `m` rows of an `n`-row set are the `m`-row set).
//!
//! # Features
//!
//! `x_ij = (2 * u - 1) * SQRT3` with `SQRT3 = 1.7320508075688772`: uniform on
//! `(-sqrt 3, sqrt 3)`, mean 0, variance 1.
//!
//! `BETA[j] = (-1)^j * 2^-(1 + j / 2)` for `j < 10` (0.5, -0.5, 0.25, -0.25, ..., 0.03125,
//! -0.03125) and `0.0` for `j >= 10`.
//!
//! # Binary outcome, [`binary`]: row `i` uses draws `k = i * (p + 1) + j`
//!
//! ```text
//! j < p : x_ij as above
//! eta_i = B0;  for j in 0..p: eta_i = eta_i + x_ij * BETA[j]        (B0 = -0.5)
//! eta_i = eta_i + 0.5 * (x_i0 * x_i1)
//! eta_i = eta_i + (0.5 if x_i2 > 0 else -0.5)
//! prob_i = 1 / (1 + exp(-eta_i))
//! j = p : y_i = 1 if u < prob_i else 0
//! ```
//!
//! # Survival outcome, [`survival`]: row `i` uses draws `k = i * (p + 2) + j`
//!
//! ```text
//! j < p   : x_ij as above
//! lp_i    = 0.0;  for j in 0..p: lp_i = lp_i + x_ij * BETA[j]
//! j = p   : T_i = (-ln(1 - u)) / (LAMBDA0 * exp(lp_i))             (LAMBDA0 = 0.1)
//! j = p+1 : C_i = (-ln(1 - u)) / MU                                 (MU = 0.04)
//! time_i  = min(T_i, C_i);  event_i = 1 if T_i <= C_i else 0
//! ```
//!
//! # Bit-exactness
//!
//! Every multiply and add is a separate, correctly rounded IEEE-754 operation (Rust never
//! contracts `a * b + c` into a fused multiply-add), and the sums run over `j` in order.
//! Only `ln` and `exp` come from the platform libm (glibc on Linux), as in the reference,
//! so on glibc the output is bit-identical to the reference fingerprints; with another
//! libm expect differences of a few ulp in `time` and, rarely, a flipped `y`/`event`.

use std::io::{self, Write};

use crate::Matrix;
use crate::rng::{GOLDEN_GAMMA, splitmix64_mix, unit_f64};

/// `sqrt(3)` rounded to the nearest `f64`: scales `2u - 1` to unit variance.
pub const SQRT3: f64 = 1.732_050_807_568_877_2;
/// Baseline hazard of the survival recipe.
pub const LAMBDA0: f64 = 0.1;
/// Censoring rate of the survival recipe.
pub const MU: f64 = 0.04;
/// Intercept of the binary recipe.
pub const B0: f64 = -0.5;
/// The non-zero coefficients: `BETA[j] = (-1)^j * 2^-(1 + j / 2)`; see [`beta`] for `j >= 10`.
pub const BETA: [f64; 10] =
    [0.5, -0.5, 0.25, -0.25, 0.125, -0.125, 0.0625, -0.0625, 0.03125, -0.03125];

/// Coefficient of feature `j`: [`BETA`]`[j]` for `j < 10`, `0.0` after.
#[inline]
pub fn beta(j: usize) -> f64 {
    BETA.get(j).copied().unwrap_or(0.0)
}

/// Raw 64-bit output `out_k` of the counter-based SplitMix64 for `seed`.
#[inline]
pub fn raw(seed: u64, k: u64) -> u64 {
    splitmix64_mix(seed.wrapping_add(k.wrapping_add(1).wrapping_mul(GOLDEN_GAMMA)))
}

/// Uniform draw `u_k = (out_k >> 11) * 2^-53` in `[0, 1)`.
#[inline]
pub fn uniform(seed: u64, k: u64) -> f64 {
    unit_f64(raw(seed, k))
}

/// Feature value `(2u - 1) * SQRT3` for the draw `u`.
#[inline]
fn feature(u: f64) -> f64 {
    (2.0 * u - 1.0) * SQRT3
}

/// A synthetic binary-outcome data set (see the [module docs](self) for the recipe).
#[derive(Debug, Clone, PartialEq)]
pub struct SynthBinary {
    /// `n x p` features.
    pub x: Matrix,
    /// Outcome, 0 or 1.
    pub y: Vec<u8>,
}

/// A synthetic right-censored survival data set (see the [module docs](self) for the recipe).
#[derive(Debug, Clone, PartialEq)]
pub struct SynthSurvival {
    /// `n x p` features.
    pub x: Matrix,
    /// Observed time `min(T, C)`, positive.
    pub time: Vec<f64>,
    /// 1 when the event was observed (`T <= C`), 0 when censored.
    pub event: Vec<u8>,
}

/// Fills `x` (column-major, `n x p`) with the features of a recipe whose rows are `stride`
/// draws apart, and returns the in-order sums `init + sum_j x_ij * beta(j)` per row.
fn features(x: &mut Matrix, seed: u64, stride: u64, init: f64) -> Vec<f64> {
    let n = x.rows();
    let mut acc = vec![init; n];
    for j in 0..x.cols() {
        let b = beta(j);
        let col = x.col_mut(j);
        // Counter of row i, column j: i * stride + j (wrapping, as u64).
        let mut k = j as u64;
        for (v, a) in col.iter_mut().zip(acc.iter_mut()) {
            let xv = feature(uniform(seed, k));
            *v = xv;
            *a += xv * b; // a separate multiply and add: Rust never fuses them
            k = k.wrapping_add(stride);
        }
    }
    acc
}

/// Generates the `n x p` binary data set for `seed`.
///
/// # Panics
/// If `p < 3` (the recipe uses `x_0`, `x_1` and `x_2`).
pub fn binary(n: usize, p: usize, seed: u64) -> SynthBinary {
    assert!(p >= 3, "synth::binary needs p >= 3, got {p}");
    let stride = p as u64 + 1;
    let mut x = Matrix::zeros(n, p);
    let eta = features(&mut x, seed, stride, B0);
    let (x0, x1, x2) = (x.col(0), x.col(1), x.col(2));
    let mut k = p as u64;
    let y = (0..n)
        .map(|i| {
            let mut e = eta[i];
            e += 0.5 * (x0[i] * x1[i]);
            e += if x2[i] > 0.0 { 0.5 } else { -0.5 };
            let prob = 1.0 / (1.0 + (-e).exp());
            let u = uniform(seed, k);
            k = k.wrapping_add(stride);
            u8::from(u < prob)
        })
        .collect();
    SynthBinary { x, y }
}

/// Generates the `n x p` survival data set for `seed`.
///
/// # Panics
/// If `p == 0`.
pub fn survival(n: usize, p: usize, seed: u64) -> SynthSurvival {
    assert!(p >= 1, "synth::survival needs p >= 1, got {p}");
    let stride = p as u64 + 2;
    let mut x = Matrix::zeros(n, p);
    let lp = features(&mut x, seed, stride, 0.0);
    let mut time = Vec::with_capacity(n);
    let mut event = Vec::with_capacity(n);
    let mut k = p as u64;
    for &l in &lp {
        let t = -(1.0 - uniform(seed, k)).ln() / (LAMBDA0 * l.exp());
        let c = -(1.0 - uniform(seed, k.wrapping_add(1))).ln() / MU;
        k = k.wrapping_add(stride);
        time.push(if t <= c { t } else { c });
        event.push(u8::from(t <= c));
    }
    SynthSurvival { x, time, event }
}

/// Buffer size of the CSV writers.
const CSV_BUFFER: usize = 1 << 20;

/// Writes the header `x0,...,x{p-1}` followed by `tail` names.
fn write_header<W: Write>(w: &mut W, p: usize, tail: &[&str]) -> io::Result<()> {
    let mut line = String::new();
    for j in 0..p {
        if j > 0 {
            line.push(',');
        }
        line.push('x');
        line.push_str(&j.to_string());
    }
    for t in tail {
        line.push(',');
        line.push_str(t);
    }
    line.push('\n');
    w.write_all(line.as_bytes())
}

/// Appends `v` to `buf` exactly as Python's `repr(float)` prints it: the shortest decimal
/// that parses back to the same bits, in fixed notation when `1e-4 <= |v| < 1e16` (with a
/// trailing `.0` when integral), else as `d.ddde-XX` (sign and at least two exponent digits).
///
/// So the CSV written here is byte-for-byte the reference generator's CSV (whose size the
/// manifest records). The shortest digits come from serde_json's float formatter (Schubfach,
/// several times faster than `{}`), re-laid out here; non-finite values print as `nan`,
/// `inf`, `-inf` (the recipes never produce them).
fn push_f64(buf: &mut Vec<u8>, v: f64) -> io::Result<()> {
    if !v.is_finite() {
        let text = if v.is_nan() {
            "nan"
        } else if v > 0.0 {
            "inf"
        } else {
            "-inf"
        };
        buf.extend_from_slice(text.as_bytes());
        return Ok(());
    }
    let start = buf.len();
    serde_json::to_writer(&mut *buf, &v).map_err(io::Error::other)?;
    // serde_json prints fixed notation for 1e-5 <= |v| < 1e16 and `d.ddde-X` otherwise, so
    // its text already is Python's unless it has an exponent or is below 1e-4.
    let printed = &buf[start..];
    let body = printed.strip_prefix(b"-").unwrap_or(printed);
    if !body.starts_with(b"0.0000") && !body.contains(&b'e') {
        return Ok(());
    }
    let mut scratch = [0u8; 40];
    let len = body.len().min(40);
    scratch[..len].copy_from_slice(&body[..len]);
    buf.truncate(start);
    let text = &scratch[..len];
    // Split serde_json's text into significant digits and the decimal exponent of the first.
    let (mantissa, exp_part) = match text.iter().position(|&b| b == b'e' || b == b'E') {
        Some(e) => (&text[..e], Some(&text[e + 1..])),
        None => (text, None),
    };
    let point = mantissa.iter().position(|&b| b == b'.').unwrap_or(mantissa.len());
    let mut digits = [0u8; 40];
    let mut nd = 0;
    let mut exp10 = point as i32 - 1;
    for &b in mantissa.iter().filter(|&&b| b != b'.') {
        if nd == 0 && b == b'0' {
            exp10 -= 1; // leading zero: the first significant digit sits one place lower
        } else {
            digits[nd] = b;
            nd += 1;
        }
    }
    if let Some(e) = exp_part {
        let e = std::str::from_utf8(e).ok().and_then(|t| t.parse::<i32>().ok());
        exp10 += e.ok_or_else(|| io::Error::other("unexpected float text"))?;
    }
    while nd > 0 && digits[nd - 1] == b'0' {
        nd -= 1;
    }
    if v.is_sign_negative() {
        buf.push(b'-');
    }
    let digits = &digits[..nd];
    if digits.is_empty() {
        buf.extend_from_slice(b"0.0");
    } else if (-4..16).contains(&exp10) {
        if exp10 < 0 {
            buf.extend_from_slice(b"0.");
            buf.extend(std::iter::repeat_n(b'0', (-exp10 - 1) as usize));
            buf.extend_from_slice(digits);
        } else {
            let int_len = exp10 as usize + 1;
            if digits.len() <= int_len {
                buf.extend_from_slice(digits);
                buf.extend(std::iter::repeat_n(b'0', int_len - digits.len()));
                buf.extend_from_slice(b".0");
            } else {
                buf.extend_from_slice(&digits[..int_len]);
                buf.push(b'.');
                buf.extend_from_slice(&digits[int_len..]);
            }
        }
    } else {
        buf.push(digits[0]);
        if digits.len() > 1 {
            buf.push(b'.');
            buf.extend_from_slice(&digits[1..]);
        }
        write!(buf, "e{}{:02}", if exp10 < 0 { '-' } else { '+' }, exp10.unsigned_abs())?;
    }
    Ok(())
}

/// Appends an integer label (0 or 1 from the recipes; any `u8` is printed correctly).
#[inline]
fn push_u8(buf: &mut Vec<u8>, v: u8) {
    if v < 10 {
        buf.push(b'0' + v);
    } else {
        buf.extend_from_slice(v.to_string().as_bytes());
    }
}

/// Appends row `i` of `x` to `buf`, each value followed by a comma.
fn push_row(buf: &mut Vec<u8>, x: &Matrix, i: usize) -> io::Result<()> {
    for j in 0..x.cols() {
        push_f64(buf, x.get(i, j))?;
        buf.push(b',');
    }
    Ok(())
}

/// Writes `d` as CSV: header `x0,...,x{p-1},y`, one row per line, `\n` endings.
///
/// Floats are written as the shortest decimal that round-trips (`str::parse::<f64>` and
/// pandas' `float_precision="round_trip"` give back the same bits), laid out as Python's
/// `repr` does, so the file is byte-identical to the reference generator's; `y` as `0`/`1`.
/// Output is buffered internally (1 MiB chunks): pass a plain `File`.
pub fn write_binary_csv<W: Write>(d: &SynthBinary, w: W) -> io::Result<()> {
    let mut w = w;
    write_header(&mut w, d.x.cols(), &["y"])?;
    let mut buf = Vec::with_capacity(CSV_BUFFER + 4096);
    for i in 0..d.x.rows() {
        push_row(&mut buf, &d.x, i)?;
        push_u8(&mut buf, d.y[i]);
        buf.push(b'\n');
        if buf.len() >= CSV_BUFFER {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)?;
    w.flush()
}

/// Writes `d` as CSV: header `x0,...,x{p-1},time,event`, one row per line, `\n` endings.
///
/// Floats (features and `time`) are written as in [`write_binary_csv`], `event` as `0`/`1`.
/// Output is buffered internally (1 MiB chunks): pass a plain `File`.
pub fn write_survival_csv<W: Write>(d: &SynthSurvival, w: W) -> io::Result<()> {
    let mut w = w;
    write_header(&mut w, d.x.cols(), &["time", "event"])?;
    let mut buf = Vec::with_capacity(CSV_BUFFER + 4096);
    for i in 0..d.x.rows() {
        push_row(&mut buf, &d.x, i)?;
        push_f64(&mut buf, d.time[i])?;
        buf.push(b',');
        push_u8(&mut buf, d.event[i]);
        buf.push(b'\n');
        if buf.len() >= CSV_BUFFER {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SplitMix64;

    #[test]
    fn counter_stream_equals_sequential_splitmix64() {
        let mut r = SplitMix64::new(987_654_321);
        for k in 0..100 {
            assert_eq!(raw(987_654_321, k), r.next_u64());
        }
    }

    #[test]
    fn beta_table_follows_the_formula() {
        for j in 0..40 {
            let want =
                if j < 10 { (-1f64).powi(j as i32) * 2f64.powi(-(1 + j as i32 / 2)) } else { 0.0 };
            assert_eq!(beta(j).to_bits(), want.to_bits(), "j = {j}");
        }
    }

    #[test]
    fn floats_print_like_python_repr() {
        // Expected strings are CPython 3.11 `repr(v)`.
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-3.0, "-3.0"),
            (123.0, "123.0"),
            (0.1, "0.1"),
            (-1.64370414683079, "-1.64370414683079"),
            (26.80595206834261, "26.80595206834261"),
            (0.0001, "0.0001"),
            (0.00012345, "0.00012345"),
            (1e-05, "1e-05"),
            (-7.802805309099827e-06, "-7.802805309099827e-06"),
            (2.5e-07, "2.5e-07"),
            (1e-100, "1e-100"),
            (5e-324, "5e-324"),
            (1e15, "1000000000000000.0"),
            (1234567890123456.8, "1234567890123456.8"),
            (1e16, "1e+16"),
            (1.5e300, "1.5e+300"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for &(v, want) in cases {
            let mut buf = Vec::new();
            push_f64(&mut buf, v).expect("formats");
            assert_eq!(std::str::from_utf8(&buf).expect("ascii"), want, "{v:e}");
        }
    }

    #[test]
    fn prefix_rows_do_not_depend_on_n() {
        let a = binary(50, 4, 3);
        let b = binary(20, 4, 3);
        assert_eq!(a.x.select_rows(&(0..20).collect::<Vec<_>>()), b.x);
        assert_eq!(a.y[..20], b.y[..]);
        let s = survival(50, 1, 3);
        let t = survival(20, 1, 3);
        assert_eq!(s.time[..20], t.time[..]);
        assert_eq!(s.event[..20], t.event[..]);
    }
}
