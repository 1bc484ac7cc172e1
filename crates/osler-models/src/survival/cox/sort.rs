//! Dense ranks of risk scores for the Cox model's concordance, on the shared
//! radix sort ([`osler_data::sort`]).

use osler_data::sort::{f64_key, radix_sort};

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
