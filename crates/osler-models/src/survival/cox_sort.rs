//! LSD radix sorts for the Cox model: the row order of [`super::cox_data`]
//! and the dense ranks of risk scores for the concordance.
//!
//! Keys are `u64` (order-preserving images of `f64`, or small integers) with
//! a `u32` payload; 11-bit digits, every digit histogram from one read of the
//! keys, and a pass is skipped when all keys share its digit. The sort is
//! stable, so ties keep their input (row) order.

const BITS: u32 = 11;
const RADIX: usize = 1 << BITS;
/// Below this many items a comparison sort is faster than the radix passes.
const SMALL: usize = 512;

/// Maps a finite `f64` to a `u64` whose unsigned order is the numeric order;
/// `-0.0` and `0.0` map to the same key, so equal keys mean equal values.
#[inline]
pub(crate) fn f64_key(x: f64) -> u64 {
    let b = (x + 0.0).to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Sorts `items` stably by the low `bits` bits of their keys (higher bits
/// must be zero).
pub(crate) fn radix_sort(mut items: Vec<(u64, u32)>, bits: u32) -> Vec<(u64, u32)> {
    let n = items.len();
    if n <= SMALL {
        items.sort_by_key(|e| e.0);
        return items;
    }
    let passes = bits.div_ceil(BITS) as usize;
    let mut count = vec![[0u32; RADIX]; passes];
    for &(k, _) in &items {
        for (p, c) in count.iter_mut().enumerate() {
            c[((k >> (p as u32 * BITS)) as usize) & (RADIX - 1)] += 1;
        }
    }
    let mut buf = vec![(0u64, 0u32); n];
    for (p, c) in count.iter_mut().enumerate() {
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
        for &e in &items {
            let d = ((e.0 >> shift) as usize) & (RADIX - 1);
            buf[c[d] as usize] = e;
            c[d] += 1;
        }
        std::mem::swap(&mut items, &mut buf);
    }
    items
}

/// Dense ranks of `score` (equal scores share a rank; finite scores) and
/// the number of distinct values.
pub(crate) fn dense_ranks(score: &[f64]) -> (Vec<u32>, usize) {
    let items = score.iter().enumerate().map(|(i, &s)| (f64_key(s), i as u32)).collect();
    let sorted = radix_sort(items, 64);
    let mut rank = vec![0u32; score.len()];
    let mut nr = 0u32;
    for (k, &(key, i)) in sorted.iter().enumerate() {
        if k > 0 && key != sorted[k - 1].0 {
            nr += 1;
        }
        rank[i as usize] = nr;
    }
    (rank, if score.is_empty() { 0 } else { nr as usize + 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(state: &mut u64) -> u64 {
        *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *state >> 33
    }

    #[test]
    fn radix_matches_stable_comparison_sort() {
        let mut s = 7u64;
        for (n, bits) in [(10usize, 64u32), (5000, 64), (5000, 20), (3000, 32)] {
            let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
            let items: Vec<(u64, u32)> =
                (0..n).map(|i| ((lcg(&mut s) << 30 ^ lcg(&mut s)) & mask & !7, i as u32)).collect();
            let mut expect = items.clone();
            expect.sort_by_key(|e| e.0);
            assert_eq!(radix_sort(items, bits), expect);
        }
    }

    #[test]
    fn ranks_are_dense_and_ordered() {
        let mut s = 3u64;
        let x: Vec<f64> = (0..4000)
            .map(|_| (lcg(&mut s) % 1000) as f64 / 7.0 - 70.0)
            .chain([0.0, -0.0, f64::MAX, -f64::MAX])
            .collect();
        let (r, m) = dense_ranks(&x);
        let mut distinct: Vec<f64> = x.clone();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup_by(|a, b| a == b);
        assert_eq!(m, distinct.len());
        for (i, &v) in x.iter().enumerate() {
            assert_eq!(distinct[r[i] as usize], v);
        }
    }
}
