//! Stable LSD radix sort of `(u64 key, u32 payload)` pairs, with an
//! order-preserving `u64` image of `f64`: O(n) per pass, used by the survival
//! estimators and metrics to sort by time and to rank risk scores.
//!
//! 11-bit digits; every digit histogram comes from one read of the keys, and a
//! pass is skipped when all keys share its digit. Ties keep their input order.

const BITS: u32 = 11;
const RADIX: usize = 1 << BITS;
/// Below this many items a comparison sort is faster than the radix passes.
const SMALL: usize = 512;

/// Maps a finite `f64` to a `u64` whose unsigned order is the numeric order;
/// `-0.0` and `0.0` map to the same key, so equal keys mean equal values.
#[inline]
pub fn f64_key(x: f64) -> u64 {
    let b = (x + 0.0).to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Sorts `items` stably by the low `bits` bits of their keys (higher bits
/// must be zero).
pub fn radix_sort(items: Vec<(u64, u32)>, bits: u32) -> Vec<(u64, u32)> {
    radix_sort_bits(items, 0, bits)
}

/// Sorts `items` stably by bits `lo..hi` of their keys (bits at and above
/// `hi` must be zero; bits below `lo` are ignored, so items equal on
/// `lo..hi` keep their input order).
pub fn radix_sort_bits(mut items: Vec<(u64, u32)>, lo: u32, hi: u32) -> Vec<(u64, u32)> {
    let n = items.len();
    if n <= SMALL {
        items.sort_by_key(|e| e.0 >> lo);
        return items;
    }
    let passes = (hi - lo).div_ceil(BITS) as usize;
    let mut count = vec![[0u32; RADIX]; passes];
    for &(k, _) in &items {
        for (p, c) in count.iter_mut().enumerate() {
            c[((k >> (lo + p as u32 * BITS)) as usize) & (RADIX - 1)] += 1;
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
        let shift = lo + p as u32 * BITS;
        for &e in &items {
            let d = ((e.0 >> shift) as usize) & (RADIX - 1);
            buf[c[d] as usize] = e;
            c[d] += 1;
        }
        std::mem::swap(&mut items, &mut buf);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_bits_sort_keeps_input_order_below() {
        let mut s = 11u64;
        for n in [100usize, 5000] {
            let items: Vec<(u64, u32)> =
                (0..n).map(|i| (lcg(&mut s) << 20 ^ lcg(&mut s), i as u32)).collect();
            let mut expect = items.clone();
            expect.sort_by_key(|e| e.0 >> 40);
            assert_eq!(radix_sort_bits(items, 40, 64), expect);
        }
    }

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
    fn keys_preserve_order() {
        let v = [f64::MIN, -3.5, -1e-300, -0.0, 0.0, 1e-300, 2.0, f64::MAX];
        for w in v.windows(2) {
            assert!(f64_key(w[0]) <= f64_key(w[1]));
            assert_eq!(f64_key(w[0]) == f64_key(w[1]), w[0] == w[1]);
        }
    }
}
