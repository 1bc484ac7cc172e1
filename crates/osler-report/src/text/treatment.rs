//! The effect summary of a two-arm trial.

use std::fmt::Write;

use osler_pipeline::treatment::TreatmentReport;
use osler_pipeline::treatment::report::{ArmReport, RatioReport, WaldReport};

use crate::format::{fmt_interval, fmt_num, fmt_p};

/// A two-arm trial's effects, one line each: the arms (patients, events and
/// the median survival or the observed risk), the hazard or odds ratio
/// (crude and adjusted), the log-rank test, the RMST difference at tau and
/// the risk difference (at the horizon for survival), each with its 95%
/// interval and p-value; then, with covariates, the Wald test of each arm x
/// covariate interaction with the global likelihood-ratio test, and the
/// cross-fitted T-learner's mean predicted benefit and C-for-benefit
/// (van Klaveren et al. 2018).
pub fn treatment(r: &TreatmentReport) -> String {
    // Writing to a String cannot fail: the `fmt::Result`s below are ignored.
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} patients: arm '{}' = {} (treated) vs {} (reference)",
        r.n, r.arm.column, r.arm.treated, r.arm.reference
    );
    for (level, a) in &r.arms {
        let (n, events, extra) = match a {
            ArmReport::Binary { n, events, risk, .. } if risk.is_finite() => {
                (n, events, format!(", risk {}", fmt_num(*risk, 4)))
            }
            ArmReport::Binary { n, events, .. } => (n, events, ", median not reached".into()),
            ArmReport::Survival { n, events, median, .. } => {
                let med = median
                    .filter(|m| m.is_finite())
                    .map_or("not reached".into(), |m| m.to_string());
                (n, events, format!(", median {med}"))
            }
        };
        let _ = writeln!(out, "  {level}: n = {n}, events = {events}{extra}");
    }
    ratio(&mut out, "hazard ratio", r.hazard_ratio.as_ref());
    ratio(&mut out, "hazard ratio (adjusted)", r.hazard_ratio_adjusted.as_ref().map(|a| &a.ratio));
    ratio(&mut out, "odds ratio", r.odds_ratio.as_ref());
    ratio(&mut out, "odds ratio (adjusted)", r.odds_ratio_adjusted.as_ref().map(|a| &a.ratio));
    if let Some(l) = &r.logrank {
        let _ = writeln!(
            out,
            "{:<26} chisq = {} on {} df, p = {}",
            "log-rank",
            fmt_num(l.chisq, 5),
            l.df,
            fmt_p(l.p)
        );
    }
    if let Some(rm) = &r.rmst {
        let d = &rm.difference;
        let _ = writeln!(
            out,
            "{:<26} {} (95% CI {}, p = {}) at tau = {}",
            "RMST difference",
            fmt_num(d.estimate, 5),
            fmt_interval(Some(d.ci95), 4),
            fmt_p(d.p),
            rm.tau
        );
    }
    let rd = &r.risk_difference;
    if let Some(WaldReport { estimate, ci95, p, .. }) =
        rd.estimate.filter(|w| w.estimate.is_finite())
    {
        let at = rd.horizon.filter(|h| h.is_finite()).map_or(String::new(), |h| format!(" at {h}"));
        let _ = writeln!(
            out,
            "{:<26} {} (95% CI {}, p = {}){at}",
            "risk difference",
            fmt_num(estimate, 4),
            fmt_interval(Some(ci95), 4),
            fmt_p(p)
        );
    }
    if let Some(h) = &r.interactions {
        out.push_str("\ninteraction with the arm (Wald):\n");
        for i in &h.tests {
            let _ = match (i.chisq, i.p) {
                (Some(c), Some(p)) => writeln!(
                    out,
                    "  {:<24} chisq = {} on {} df, p = {}",
                    i.covariate,
                    fmt_num(c, 4),
                    i.df,
                    fmt_p(p)
                ),
                _ => writeln!(
                    out,
                    "  {:<24} not estimable: {}",
                    i.covariate,
                    i.note.as_deref().unwrap_or_default()
                ),
            };
        }
        if let Some(g) = h.global_lr {
            let _ = writeln!(
                out,
                "  {:<24} LR chisq = {} on {} df, p = {}",
                "all (global)",
                fmt_num(g.chisq, 4),
                g.df,
                fmt_p(g.p)
            );
        }
    }
    if let Some(b) = &r.benefit {
        let c = b.c_for_benefit.map_or("not estimable".into(), |c| fmt_num(c.estimate, 4));
        let _ = writeln!(
            out,
            "\npredicted benefit ({} T-learner, {}-fold cross-fitted): mean {}, C-for-benefit {c}",
            b.model,
            b.folds,
            fmt_num(b.mean_predicted, 4)
        );
    }
    out
}

/// Appends `NAME  RATIO (95% CI LO to HI), p = P` when the ratio was estimated.
fn ratio(out: &mut String, name: &str, r: Option<&RatioReport>) {
    if let Some(r) = r {
        let _ = writeln!(
            out,
            "{name:<26} {} (95% CI {}), p = {}",
            fmt_num(r.estimate, 4),
            fmt_interval(Some(r.ci95), 4),
            fmt_p(r.p)
        );
    }
}
