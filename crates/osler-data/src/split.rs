//! Cross-validation splits: stratified k-fold, optionally keeping each
//! patient's rows (a group) in one fold.

use std::collections::HashMap;

use crate::error::DataError;
use crate::rng::SplitMix64;

/// Assigns each row to one of `k` folds so that each fold holds about `1/k` of
/// each class (labels compared exactly; use 0/1 for binary outcomes).
///
/// Within each class the rows are shuffled with `rng`, then dealt round-robin,
/// continuing the deal from one class to the next so fold sizes differ by at most one.
pub fn stratified_kfold(
    y: &[f64],
    k: usize,
    rng: &mut SplitMix64,
) -> Result<Vec<usize>, DataError> {
    check_k(y.len(), k)?;
    let mut classes: Vec<f64> = y.to_vec();
    classes.sort_by(f64::total_cmp);
    classes.dedup();
    let mut fold = vec![0usize; y.len()];
    let mut next = 0usize;
    for c in classes {
        let mut idx: Vec<usize> = (0..y.len()).filter(|&i| y[i] == c).collect();
        rng.shuffle(&mut idx);
        for i in idx {
            fold[i] = next % k;
            next += 1;
        }
    }
    Ok(fold)
}

/// Stratified k-fold where all rows of a group (`groups[i]`, e.g. a patient id)
/// land in the same fold. Groups are shuffled, then placed largest first into
/// the fold that keeps per-class counts closest to their targets.
pub fn grouped_stratified_kfold(
    y: &[f64],
    groups: &[String],
    k: usize,
    rng: &mut SplitMix64,
) -> Result<Vec<usize>, DataError> {
    if groups.len() != y.len() {
        return Err(DataError::GroupLength { groups: groups.len(), rows: y.len() });
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let gi = *index.entry(g.as_str()).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        members[gi].push(i);
    }
    if members.len() < k {
        return Err(DataError::TooFewGroups { groups: members.len(), folds: k });
    }
    let total_pos: f64 = y.iter().sum();
    let total_neg = y.len() as f64 - total_pos;
    let mut order: Vec<usize> = (0..members.len()).collect();
    rng.shuffle(&mut order);
    order.sort_by_key(|&g| std::cmp::Reverse(members[g].len()));
    let mut pos = vec![0.0f64; k];
    let mut neg = vec![0.0f64; k];
    let mut fold = vec![0usize; y.len()];
    for g in order {
        let gp: f64 = members[g].iter().map(|&i| y[i]).sum();
        let gn = members[g].len() as f64 - gp;
        let cost = |f: usize| {
            let dp = (pos[f] + gp) / total_pos.max(1.0) - 1.0 / k as f64;
            let dn = (neg[f] + gn) / total_neg.max(1.0) - 1.0 / k as f64;
            dp.max(0.0).powi(2) + dn.max(0.0).powi(2) + 1e-9 * (pos[f] + neg[f])
        };
        let best = (0..k).min_by(|&a, &b| cost(a).total_cmp(&cost(b))).unwrap_or(0);
        pos[best] += gp;
        neg[best] += gn;
        for &i in &members[g] {
            fold[i] = best;
        }
    }
    Ok(fold)
}

fn check_k(n: usize, k: usize) -> Result<(), DataError> {
    if k < 2 {
        return Err(DataError::TooFewFolds { folds: k });
    }
    if k > n {
        return Err(DataError::TooFewRows { folds: k, rows: n });
    }
    Ok(())
}

/// Row indices of each fold: `(train, test)` for fold `f`.
pub fn fold_rows(fold: &[usize], f: usize) -> (Vec<usize>, Vec<usize>) {
    (0..fold.len()).partition(|&i| fold[i] != f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strata_are_balanced_and_deterministic() {
        let y: Vec<f64> = (0..100).map(|i| f64::from(u8::from(i % 4 == 0))).collect();
        let f1 = stratified_kfold(&y, 5, &mut SplitMix64::new(3)).expect("folds");
        let f2 = stratified_kfold(&y, 5, &mut SplitMix64::new(3)).expect("folds");
        assert_eq!(f1, f2);
        for f in 0..5 {
            let (_, test) = fold_rows(&f1, f);
            assert_eq!(test.len(), 20);
            assert_eq!(test.iter().filter(|&&i| y[i] == 1.0).count(), 5);
        }
    }

    #[test]
    fn groups_never_straddle_folds() {
        let y: Vec<f64> = (0..60).map(|i| f64::from(u8::from(i % 3 == 0))).collect();
        let g: Vec<String> = (0..60).map(|i| format!("p{}", i / 3)).collect();
        let f = grouped_stratified_kfold(&y, &g, 4, &mut SplitMix64::new(1)).expect("folds");
        for i in 0..60 {
            assert_eq!(f[i], f[(i / 3) * 3]);
        }
        for k in 0..4 {
            assert!(f.iter().filter(|&&x| x == k).count() >= 12);
        }
    }

    #[test]
    fn bad_k_is_an_error() {
        assert!(stratified_kfold(&[0.0, 1.0], 1, &mut SplitMix64::new(0)).is_err());
        assert!(stratified_kfold(&[0.0, 1.0], 3, &mut SplitMix64::new(0)).is_err());
    }
}
