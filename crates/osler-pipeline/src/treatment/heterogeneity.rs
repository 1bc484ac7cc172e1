//! Heterogeneity of the treatment effect: arm x covariate interactions
//! (one Wald test per covariate and a global likelihood-ratio test) and
//! subgroup hazard or odds ratios for a forest plot.
//!
//! Per covariate `c` with design columns `x_c` (one, or one per non-reference
//! level), the outcome model `arm + x_c + arm * x_c` is fitted (Cox with
//! Efron ties, or logistic) and the interaction coefficients `b_I` are tested
//! with `b_I' V_II^{-1} b_I ~ chi2(dim b_I)` (as R's Wald test on
//! `coxph(S ~ arm * c)`). The global test compares `arm + x + arm * x` with
//! `arm + x` for all covariates together, `2 (l_full - l_reduced) ~
//! chi2(dim x)`. All interaction models use the complete cases of every
//! covariate. Subgroups use the arm alone, within each level of a categorical
//! covariate or on either side of a numeric covariate's median.

use osler_models::survival::chi2_sf;
use serde::Serialize;

use super::data::{Covariates, Subgroup, TrialData};
use super::effects::arm_rows;
use super::fit::{Fitted, Ratio, build, quadratic_form};
use crate::model::name_features;

/// One interaction coefficient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InteractionTerm {
    /// `arm:column`.
    pub name: String,
    /// Interaction coefficient: change in the arm's log hazard (or log odds) ratio per unit of the column.
    pub coef: f64,
    /// Its standard error.
    pub se: f64,
    /// Two-sided Wald p-value of `coef / se`.
    pub p_value: f64,
}

/// The Wald test of one covariate's interaction(s) with the arm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InteractionTest {
    /// The covariate interacted with the arm.
    pub covariate: String,
    /// One interaction coefficient per design column of the covariate.
    pub terms: Vec<InteractionTerm>,
    /// `b_I' V_II^{-1} b_I`; `None` when the model could not be fitted (see `note`).
    pub chisq: Option<f64>,
    /// Degrees of freedom: the number of interaction coefficients.
    pub df: usize,
    /// `P(chi2(df) >= chisq)`.
    pub p_value: Option<f64>,
    /// Why the test is missing (fit failure, singular covariance), when it is.
    pub note: Option<String>,
}

/// A likelihood-ratio test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LrTest {
    /// `2 (l_full - l_reduced)`.
    pub chisq: f64,
    /// Degrees of freedom: the number of parameters added.
    pub df: usize,
    /// `P(chi2(df) >= chisq)`.
    pub p_value: f64,
}

/// The effect of the arm within one subgroup.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubgroupEffect {
    /// The covariate defining the subgroup.
    pub covariate: String,
    /// The subgroup's label (`name=level`, or a side of the median).
    pub label: String,
    /// Patients in the reference and treated arms.
    pub n: [usize; 2],
    /// Events in the reference and treated arms.
    pub events: [usize; 2],
    /// Hazard (survival) or odds (binary) ratio; `None` when not estimable.
    pub ratio: Option<Ratio>,
    /// Why the ratio is missing (one arm only, fit failure), when it is.
    pub note: Option<String>,
}

/// All heterogeneity analyses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heterogeneity {
    /// Complete cases used by the interaction models.
    pub n: usize,
    /// One Wald interaction test per covariate.
    pub interactions: Vec<InteractionTest>,
    /// Likelihood-ratio test of all interactions together; `None` when it failed.
    pub global: Option<LrTest>,
    /// Why the global test failed, when it did.
    pub global_note: Option<String>,
    /// The arm's ratio within every subgroup, for a forest plot.
    pub subgroups: Vec<SubgroupEffect>,
}

/// `[arm, x_cols, arm * x_cols]` on the complete cases.
fn interaction_design(
    d: &TrialData,
    c: &Covariates,
    cols: &[usize],
    with: bool,
) -> osler_data::Matrix {
    let rows: Vec<usize> = (0..c.rows.len()).collect();
    let arm: Vec<f64> = c.rows.iter().map(|&i| d.treated[i]).collect();
    let mut extra = vec![arm.clone()];
    if with {
        extra.extend(
            cols.iter().map(|&j| c.x.col(j).iter().zip(&arm).map(|(v, a)| v * a).collect()),
        );
    }
    // Column order [arm, arm * x..., x...]: the interactions follow the arm.
    build(&c.x, &rows, cols, &extra)
}

fn names_of(d: &TrialData, c: &Covariates, cols: &[usize], with: bool) -> Vec<String> {
    let mut names = vec![d.arms.column.clone()];
    if with {
        names.extend(cols.iter().map(|&j| format!("{}:{}", d.arms.column, c.design_names[j])));
    }
    names.extend(cols.iter().map(|&j| c.design_names[j].clone()));
    names
}

fn interaction_test(d: &TrialData, c: &Covariates, k: usize) -> InteractionTest {
    let cols = &c.columns[k];
    let w = cols.len();
    let x = interaction_design(d, c, cols, true);
    let names = names_of(d, c, cols, true);
    let mut test = InteractionTest {
        covariate: c.names[k].clone(),
        terms: Vec::new(),
        chisq: None,
        df: w,
        p_value: None,
        note: None,
    };
    match Fitted::fit(&x, &d.outcome.select(&c.rows)) {
        Err(e) => test.note = Some(name_features(&e, &names)),
        Ok(fit) => {
            let idx: Vec<usize> = (1..=w).collect();
            let b: Vec<f64> = idx.iter().map(|&j| fit.coef()[j]).collect();
            let v: Vec<f64> = idx
                .iter()
                .flat_map(|&i| idx.iter().map(move |&j| (i, j)))
                .map(|(i, j)| fit.cov(i, j))
                .collect();
            test.terms = idx
                .iter()
                .map(|&j| {
                    let r = fit.ratio(j);
                    InteractionTerm {
                        name: names[j].clone(),
                        coef: r.coef,
                        se: r.se,
                        p_value: r.p_value,
                    }
                })
                .collect();
            match quadratic_form(&b, &v) {
                Some(q) => {
                    test.chisq = Some(q);
                    test.p_value = Some(chi2_sf(q, w as f64));
                }
                None => test.note = Some("the interaction covariance is singular".into()),
            }
        }
    }
    test
}

fn global_test(d: &TrialData, c: &Covariates) -> Result<LrTest, String> {
    let cols: Vec<usize> = (0..c.x.cols()).collect();
    let outcome = d.outcome.select(&c.rows);
    let fit = |with: bool| {
        let x = interaction_design(d, c, &cols, with);
        Fitted::fit(&x, &outcome).map_err(|e| name_features(&e, &names_of(d, c, &cols, with)))
    };
    let (reduced, full) = (fit(false)?, fit(true)?);
    let chisq = 2.0 * (full.loglik() - reduced.loglik());
    Ok(LrTest { chisq, df: cols.len(), p_value: chi2_sf(chisq.max(0.0), cols.len() as f64) })
}

fn subgroup_effect(d: &TrialData, s: &Subgroup) -> SubgroupEffect {
    let t: Vec<f64> = s.rows.iter().map(|&i| d.treated[i]).collect();
    let [r0, r1] = arm_rows(&t);
    let pick = |r: &[usize]| r.iter().map(|&k| s.rows[k]).collect::<Vec<_>>();
    let (rows0, rows1) = (pick(&r0), pick(&r1));
    let mut out = SubgroupEffect {
        covariate: s.covariate.clone(),
        label: s.label.clone(),
        n: [rows0.len(), rows1.len()],
        events: [d.outcome.events(&rows0), d.outcome.events(&rows1)],
        ratio: None,
        note: None,
    };
    if rows0.is_empty() || rows1.is_empty() {
        out.note = Some("only one arm in this subgroup".into());
        return out;
    }
    let x = osler_data::Matrix::from_column_major(t.len(), 1, t);
    match Fitted::fit(&x, &d.outcome.select(&s.rows)) {
        Ok(f) => out.ratio = Some(f.ratio(0)),
        Err(e) => out.note = Some(name_features(&e, std::slice::from_ref(&d.arms.column))),
    }
    out
}

/// Interaction tests, the global test and subgroup effects.
pub(crate) fn heterogeneity(d: &TrialData, c: &Covariates) -> Heterogeneity {
    let interactions = (0..c.names.len()).map(|k| interaction_test(d, c, k)).collect();
    let (global, global_note) = match global_test(d, c) {
        Ok(t) => (Some(t), None),
        Err(e) => (None, Some(e)),
    };
    let subgroups = d.subgroups.iter().map(|s| subgroup_effect(d, s)).collect();
    Heterogeneity { n: c.rows.len(), interactions, global, global_note, subgroups }
}
