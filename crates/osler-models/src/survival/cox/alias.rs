//! Covariates a Cox fit cannot estimate, handled as R `coxph` does under
//! [`super::options::Singular::Report`]: aliased columns (a vanishing pivot
//! of the information at `beta = 0`) are left out, and coefficients that run
//! to infinity (monotone likelihood) are detected after the iterations.

use super::data::CoxData;

/// Which input columns a fit keeps, after leaving out the aliased ones.
pub(super) struct Columns {
    /// Input column of each fitted column, ascending.
    pub kept: Vec<usize>,
    /// Input columns left out, ascending.
    pub aliased: Vec<usize>,
}

impl Columns {
    /// All `p` columns kept.
    pub fn all(p: usize) -> Self {
        Columns { kept: (0..p).collect(), aliased: Vec::new() }
    }

    /// Leaves fitted column `j` out of `data` (its centred values, centre
    /// and SD) and records its input column as aliased.
    pub fn alias(&mut self, data: &mut CoxData, j: usize) {
        let p = data.p;
        let mut w = 0;
        for r in 0..data.n {
            for k in 0..p {
                if k != j {
                    data.x[w] = data.x[r * p + k];
                    w += 1;
                }
            }
        }
        data.x.truncate(w);
        data.center.remove(j);
        data.sd.remove(j);
        data.p -= 1;
        let input = self.kept.remove(j);
        let at = self.aliased.partition_point(|&a| a < input);
        self.aliased.insert(at, input);
    }
}

/// Fitted columns whose coefficient diverges: R's `toler.inf` check, a
/// final Newton step that is not small in covariate SDs (`> 1e-4`) nor
/// relative to the coefficient (`> 1e-3 |b|`). At a finite optimum the
/// converged step is ~1e-6 SDs or less; on a monotone likelihood the step of
/// the diverging coordinate stays ~1/SD while the gain vanishes.
pub(super) fn diverging(beta: &[f64], step: &[f64], sd: &[f64]) -> Vec<usize> {
    (0..beta.len())
        .filter(|&j| step[j].abs() * sd[j] > 1e-4 && step[j].abs() > 1e-3 * beta[j].abs())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survival::{CoxModel, CoxOptions, Singular};
    use osler_data::Matrix;

    #[test]
    fn alias_removes_the_column_everywhere() {
        let x = Matrix::from_columns(&[
            vec![1.0, 2.0, 3.0, 4.0],
            vec![0.5, 0.1, 0.9, 0.3],
            vec![2.0, 1.0, 0.0, 5.0],
        ])
        .expect("matrix");
        let (t, e) = ([1.0, 2.0, 3.0, 4.0], [1.0, 0.0, 1.0, 1.0]);
        let mut d = CoxData::new(&x, &t, &e, &CoxOptions::default()).expect("data");
        let before = d.clone();
        let mut c = Columns::all(3);
        c.alias(&mut d, 1);
        assert_eq!((c.kept.as_slice(), c.aliased.as_slice(), d.p), (&[0, 2][..], &[1][..], 2));
        for r in 0..4 {
            assert_eq!(d.row(r), [before.row(r)[0], before.row(r)[2]]);
        }
        assert_eq!(d.center, [before.center[0], before.center[2]]);
        c.alias(&mut d, 0);
        assert_eq!((c.kept.as_slice(), c.aliased.as_slice()), (&[2][..], &[0, 1][..]));
    }

    // R survival tests/singtest.R: a constant column and an exact linear
    // combination get no coefficient; the others equal the fit without them.
    #[test]
    fn reported_fit_equals_the_fit_without_the_aliased_columns() {
        let n = 60;
        let a: Vec<f64> = (0..n).map(|i| ((i * 7) % 11) as f64).collect();
        let b: Vec<f64> = (0..n).map(|i| ((i * 5) % 3) as f64).collect();
        let ab: Vec<f64> = a.iter().zip(&b).map(|(u, v)| u - 2.0 * v).collect();
        let t: Vec<f64> = (0..n).map(|i| 1.0 + ((i * 13) % 17) as f64).collect();
        let e: Vec<f64> = (0..n).map(|i| f64::from(i % 4 != 0)).collect();
        let full = Matrix::from_columns(&[a.clone(), vec![3.0; n], b.clone(), ab]).expect("x");
        let opts = CoxOptions { singular: Singular::Report, ..CoxOptions::default() };
        let fit = CoxModel::fit_deferred(&full, &t, &e, &opts).expect("reported");
        assert_eq!((fit.aliased(), fit.infinite()), (&[1, 3][..], &[][..]));
        let m = fit.with_concordance();
        let reduced = Matrix::from_columns(&[a, b]).expect("x");
        let want = CoxModel::fit(&reduced, &t, &e, &CoxOptions::default()).expect("plain");
        assert_eq!(m.coefficients(), want.coefficients());
        assert_eq!(m.loglik(), want.loglik());
        assert_eq!(m.concordance().c_index, want.concordance().c_index);
    }
}
