//! Sorting of finite `f64` values with their row indices, on the shared
//! stable radix sort ([`osler_data::sort`]).

use osler_data::sort::{f64_key, radix_sort};

/// Sorted keys of `x` and the row index of each, ascending (stable: equal
/// values keep their row order). `x` must be finite and have fewer than 2^32 rows.
pub(crate) fn argsort(x: &[f64]) -> (Vec<u64>, Vec<u32>) {
    assert!(u32::try_from(x.len()).is_ok(), "at most 2^32 - 1 rows are supported");
    sort_with(x, (0..x.len() as u32).collect())
}

/// Sorted keys of `x`, each with the `payload` value of its row (stable).
pub(crate) fn sort_with(x: &[f64], payload: Vec<u32>) -> (Vec<u64>, Vec<u32>) {
    debug_assert_eq!(payload.len(), x.len());
    let items = x.iter().map(|&v| f64_key(v)).zip(payload).collect();
    radix_sort(items, 64).into_iter().unzip()
}

/// Dense ranks of `x` (equal values share a rank, ranks `0..m` ascending)
/// and the number `m` of distinct values. `x` must be finite and have fewer
/// than 2^32 rows.
pub(crate) fn dense_ranks(x: &[f64]) -> (Vec<u32>, usize) {
    let (keys, order) = argsort(x);
    let mut rank = vec![0u32; x.len()];
    let mut r = 0u32;
    for (k, &row) in order.iter().enumerate() {
        if k > 0 && keys[k] != keys[k - 1] {
            r += 1;
        }
        rank[row as usize] = r;
    }
    (rank, if x.is_empty() { 0 } else { r as usize + 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(keys[k], f64_key(x[i as usize]));
        }
        // Stability: tied rows keep their order.
        for w in idx.windows(2) {
            if x[w[0] as usize] == x[w[1] as usize] {
                assert!(w[0] < w[1]);
            }
        }
    }

    #[test]
    fn ranks_are_dense_and_ordered() {
        let mut state = 3u64;
        let x: Vec<f64> = (0..4000)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((state >> 33) % 1000) as f64 / 7.0 - 70.0
            })
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
        assert_eq!(dense_ranks(&[]), (vec![], 0));
    }
}
