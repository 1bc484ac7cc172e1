//! Dense kernels of the Cox sweeps over the sorted row-major covariates:
//! dot products, the weighted Gram matrix of the information and the two
//! streaming products of a gradient-only pass. Each output cell sums its
//! terms in a fixed order, so results do not depend on the SIMD width the
//! callers are compiled for.

/// `x0'b` and `x1'b`, each with eight partial sums (`j mod 8`) added in a
/// fixed tree: one vector multiply-add per eight covariates at any SIMD
/// width, two rows interleaved to keep the FMA units busy.
#[inline(always)]
pub(crate) fn dot2(x0: &[f64], x1: &[f64], b: &[f64]) -> (f64, f64) {
    let (mut a0, mut a1) = ([0.0; 8], [0.0; 8]);
    let mut c0 = x0.chunks_exact(8);
    let mut c1 = x1.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for ((u0, u1), v) in (&mut c0).zip(&mut c1).zip(&mut cb) {
        for k in 0..8 {
            a0[k] += u0[k] * v[k];
            a1[k] += u1[k] * v[k];
        }
    }
    for (k, ((u0, u1), v)) in
        c0.remainder().iter().zip(c1.remainder()).zip(cb.remainder()).enumerate()
    {
        a0[k] += u0 * v;
        a1[k] += u1 * v;
    }
    let tree = |a: [f64; 8]| {
        let h = [a[0] + a[4], a[1] + a[5], a[2] + a[6], a[3] + a[7]];
        (h[0] + h[2]) + (h[1] + h[3])
    };
    (tree(a0), tree(a1))
}

/// `y += a x`.
#[inline(always)]
pub(crate) fn axpy(y: &mut [f64], a: f64, x: &[f64]) {
    for (yv, xv) in y.iter_mut().zip(x) {
        *yv += a * xv;
    }
}

/// `acc[j][k] += sum_i h_i x_i[j] x_i[k]` for `j <= k < p` (upper triangle,
/// row-major `p x p`; tiles on the diagonal also write entries below it),
/// over the rows of `x` (row-major, width `p`). Up to four rows of `acc` by
/// eight columns are accumulated in registers over all the rows, which
/// compiles to packed SIMD code; the summation order is fixed.
#[inline(always)]
pub(crate) fn gram_upper(acc: &mut [f64], x: &[f64], h: &[f64], p: usize) {
    let mut a = 0;
    while a < p {
        let rows = match p - a {
            4.. => 4,
            2 | 3 => 2,
            _ => 1,
        };
        let mut b = a;
        while b < p {
            let width = match p - b {
                8.. => 8,
                4..=7 => 4,
                2 | 3 => 2,
                _ => 1,
            };
            match (rows, width) {
                (4, 8) => add_tile(acc, p, a, b, &tile::<4, 8>(x, h, p, a, b)),
                (4, 4) => add_tile(acc, p, a, b, &tile::<4, 4>(x, h, p, a, b)),
                (4, 2) => add_tile(acc, p, a, b, &tile::<4, 2>(x, h, p, a, b)),
                (4, _) => add_tile(acc, p, a, b, &tile::<4, 1>(x, h, p, a, b)),
                (2, 8) => add_tile(acc, p, a, b, &tile::<2, 8>(x, h, p, a, b)),
                (2, 4) => add_tile(acc, p, a, b, &tile::<2, 4>(x, h, p, a, b)),
                (2, 2) => add_tile(acc, p, a, b, &tile::<2, 2>(x, h, p, a, b)),
                (2, _) => add_tile(acc, p, a, b, &tile::<2, 1>(x, h, p, a, b)),
                (_, 8) => add_tile(acc, p, a, b, &tile::<1, 8>(x, h, p, a, b)),
                (_, 4) => add_tile(acc, p, a, b, &tile::<1, 4>(x, h, p, a, b)),
                (_, 2) => add_tile(acc, p, a, b, &tile::<1, 2>(x, h, p, a, b)),
                _ => add_tile(acc, p, a, b, &tile::<1, 1>(x, h, p, a, b)),
            }
            b += width;
        }
        a += rows;
    }
}

#[inline(always)]
fn add_tile<const R: usize, const C: usize>(
    acc: &mut [f64],
    p: usize,
    a: usize,
    b: usize,
    t: &[[f64; C]; R],
) {
    for (r, row) in t.iter().enumerate() {
        // Below-diagonal cells of a diagonal tile (b = a, c < r) are
        // harmless: the caller mirrors the upper triangle.
        for (c, v) in row.iter().enumerate() {
            acc[(a + r) * p + b + c] += v;
        }
    }
}

/// `out[r][c] = sum_i h_i x_i[a + r] x_i[b + c]`.
#[inline(always)]
fn tile<const R: usize, const C: usize>(
    x: &[f64],
    h: &[f64],
    p: usize,
    a: usize,
    b: usize,
) -> [[f64; C]; R] {
    let mut out = [[0.0f64; C]; R];
    for (row, &hi) in x.chunks_exact(p).zip(h) {
        // Scaling the tile's columns once (`h_i x_i[b + c]`) leaves each of
        // its rows a broadcast straight from memory.
        let mut hy = [0.0; C];
        for (v, y) in hy.iter_mut().zip(&row[b..b + C]) {
            *v = hi * y;
        }
        for r in 0..R {
            let s = row[a + r];
            for c in 0..C {
                out[r][c] += s * hy[c];
            }
        }
    }
    out
}

/// `u += sum_i v_i x_i` and `s += sum_i r_i x_i` over the rows of `x`
/// (row-major, width `p`): up to eight columns at a time, with the even and
/// odd rows in separate register accumulators (two independent chains per
/// output), added at the end.
#[inline(always)]
pub(crate) fn two_products(
    x: &[f64],
    v: &[f64],
    r: &[f64],
    p: usize,
    u: &mut [f64],
    s: &mut [f64],
) {
    let mut c = 0;
    while c < p {
        let width = match p - c {
            8.. => 8,
            4..=7 => 4,
            2 | 3 => 2,
            _ => 1,
        };
        match width {
            8 => product_columns::<8>(x, v, r, p, c, u, s),
            4 => product_columns::<4>(x, v, r, p, c, u, s),
            2 => product_columns::<2>(x, v, r, p, c, u, s),
            _ => product_columns::<1>(x, v, r, p, c, u, s),
        }
        c += width;
    }
}

/// [`two_products`] for columns `c..c + C`.
#[inline(always)]
fn product_columns<const C: usize>(
    x: &[f64],
    v: &[f64],
    r: &[f64],
    p: usize,
    c: usize,
    u: &mut [f64],
    s: &mut [f64],
) {
    let (mut u0, mut u1, mut s0, mut s1) = ([0.0; C], [0.0; C], [0.0; C], [0.0; C]);
    let mut rows = x.chunks_exact(2 * p);
    let mut vs = v.chunks_exact(2);
    let mut rs = r.chunks_exact(2);
    for ((pair, vv), rr) in (&mut rows).zip(&mut vs).zip(&mut rs) {
        let (y0, y1) = (&pair[c..c + C], &pair[p + c..p + c + C]);
        for k in 0..C {
            u0[k] += vv[0] * y0[k];
            s0[k] += rr[0] * y0[k];
            u1[k] += vv[1] * y1[k];
            s1[k] += rr[1] * y1[k];
        }
    }
    if let (Some(&vi), Some(&ri)) = (vs.remainder().first(), rs.remainder().first()) {
        let y = &rows.remainder()[c..c + C];
        for k in 0..C {
            u0[k] += vi * y[k];
            s0[k] += ri * y[k];
        }
    }
    for k in 0..C {
        u[c + k] += u0[k] + u1[k];
        s[c + k] += s0[k] + s1[k];
    }
}
