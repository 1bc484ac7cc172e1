//! Sorting of finite `f64` values with their row indices: an LSD radix sort on
//! order-preserving integer keys, O(n) per pass.

/// Maps a finite `f64` to a `u64` whose unsigned order is the numeric order;
/// `-0.0` and `0.0` map to the same key, so equal keys mean `a == b`.
#[inline]
pub(crate) fn key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits(); // -0.0 + 0.0 = +0.0
    if bits >> 63 == 1 { !bits } else { bits | (1 << 63) }
}

/// Below this many rows a comparison sort is faster than the radix passes.
const SMALL: usize = 256;
const BITS: u32 = 8;
const RADIX: usize = 1 << BITS;
const PASSES: usize = 64usize.div_ceil(BITS as usize);

/// Sorted keys of `x` and the row index of each, ascending (stable: equal
/// values keep their row order). `x` must be finite and have fewer than 2^32 rows.
pub(crate) fn argsort(x: &[f64]) -> (Vec<u64>, Vec<u32>) {
    assert!(u32::try_from(x.len()).is_ok(), "at most 2^32 - 1 rows are supported");
    sort_with(x, (0..x.len() as u32).collect())
}

/// Sorted keys of `x`, each with the `payload` value of its row (stable).
pub(crate) fn sort_with(x: &[f64], payload: Vec<u32>) -> (Vec<u64>, Vec<u32>) {
    let n = x.len();
    debug_assert_eq!(payload.len(), n);
    let mut keys: Vec<u64> = x.iter().map(|&v| key(v)).collect();
    let mut idx = payload;
    if n <= SMALL {
        let mut pairs: Vec<(u64, u32)> = keys.into_iter().zip(idx).collect();
        pairs.sort_by_key(|&(k, _)| k);
        return pairs.into_iter().unzip();
    }
    // All digit histograms in one read of the keys.
    let mut count = vec![[0u32; RADIX]; PASSES];
    for &k in &keys {
        for (p, c) in count.iter_mut().enumerate() {
            c[((k >> (p as u32 * BITS)) as usize) & (RADIX - 1)] += 1;
        }
    }
    let mut keys2 = vec![0u64; n];
    let mut idx2 = vec![0u32; n];
    for (p, c) in count.iter_mut().enumerate() {
        // A pass where every key has the same digit changes nothing.
        if c.iter().any(|&m| m as usize == n) {
            continue;
        }
        let mut sum = 0;
        for m in c.iter_mut() {
            let here = *m;
            *m = sum;
            sum += here;
        }
        let shift = p as u32 * BITS;
        for (&k, &i) in keys.iter().zip(&idx) {
            let d = ((k >> shift) as usize) & (RADIX - 1);
            let at = c[d] as usize;
            keys2[at] = k;
            idx2[at] = i;
            c[d] += 1;
        }
        std::mem::swap(&mut keys, &mut keys2);
        std::mem::swap(&mut idx, &mut idx2);
    }
    (keys, idx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_preserve_order() {
        let v = [f64::MIN, -3.5, -1e-300, -0.0, 0.0, 1e-300, 2.0, f64::MAX];
        for w in v.windows(2) {
            assert!(key(w[0]) <= key(w[1]));
            assert_eq!(key(w[0]) == key(w[1]), w[0] == w[1]);
        }
    }

    #[test]
    fn radix_matches_comparison_sort() {
        let mut state = 12345u64;
        let x: Vec<f64> = (0..5000)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((state >> 40) as f64 - 8e6) / 1e3
            })
            .chain([0.0, -0.0, 1.0, 1.0])
            .collect();
        let (keys, idx) = argsort(&x);
        let mut expect: Vec<u32> = (0..x.len() as u32).collect();
        expect.sort_by(|&a, &b| x[a as usize].total_cmp(&x[b as usize]));
        for (k, (&i, &j)) in idx.iter().zip(&expect).enumerate() {
            assert_eq!(x[i as usize], x[j as usize], "position {k}");
            assert_eq!(keys[k], key(x[i as usize]));
        }
        // Stability: tied rows keep their order.
        for w in idx.windows(2) {
            if x[w[0] as usize] == x[w[1] as usize] {
                assert!(w[0] < w[1]);
            }
        }
    }
}
