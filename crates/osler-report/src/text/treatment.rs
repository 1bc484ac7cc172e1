//! The effect summary of a two-arm trial.

use std::fmt::Write;

use osler_pipeline::treatment::report::{ArmReport, RatioReport, WaldReport};
use osler_pipeline::treatment::{ControlChoice, TreatmentReport};

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
        "{} patients: arm '{}' = {} (treated) vs {} (reference{})",
        r.n,
        r.arm.column,
        r.arm.treated,
        r.arm.reference,
        control_note(r.arm.reference_chosen_by)
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

/// How the reference arm was chosen, when osler chose it: a control level
/// the caller named needs no note, one read from the coding is said so that
/// a wrong direction is visible on the first line.
fn control_note(chosen_by: ControlChoice) -> String {
    match chosen_by {
        ControlChoice::Given => String::new(),
        ControlChoice::Coding => format!(", {}", chosen_by.describe()),
    }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use osler_pipeline::treatment::report::{
        ArmsReport, AtRiskReport, BenefitReport, ChiSquareReport, InteractionTestReport,
        InteractionsReport, LogrankReport, OutcomeReport, RiskDifferenceReport, RmstArm,
        RmstReport,
    };

    use super::*;

    fn arm(n: usize, events: usize, median: Option<f64>) -> ArmReport {
        ArmReport::Survival {
            n,
            events,
            median,
            median_ci95: [None, None],
            risk_at_horizon: 0.4,
            risk_se: Some(0.05),
            last_follow_up: 2000.0,
            at_risk: AtRiskReport { time: vec![0.0], n: vec![n as f64] },
        }
    }

    fn interaction(covariate: &str, chisq: Option<f64>, p: Option<f64>) -> InteractionTestReport {
        InteractionTestReport {
            covariate: covariate.into(),
            chisq,
            df: 1,
            p,
            terms: Vec::new(),
            note: chisq.is_none().then(|| "no events in one arm".into()),
        }
    }

    fn survival_report() -> TreatmentReport {
        let wald =
            WaldReport { estimate: -0.1444, se: 0.047, ci95: [-0.2363, -0.05253], p: 0.0021 };
        TreatmentReport {
            arm: ArmsReport {
                column: "horTh".into(),
                reference: "no".into(),
                treated: "yes".into(),
                reference_chosen_by: ControlChoice::Given,
            },
            n: 686,
            outcome: OutcomeReport::Survival { time: "time".into(), event: "cens".into() },
            arms: BTreeMap::from([
                ("no".to_string(), arm(440, 205, Some(1528.0))),
                ("yes".to_string(), arm(246, 94, None)),
            ]),
            hazard_ratio: Some(RatioReport {
                estimate: 0.6949,
                ci95: [0.5438, 0.8879],
                p: 0.0036,
                coef: 0.6949f64.ln(),
                se: 0.125,
            }),
            hazard_ratio_adjusted: None,
            rmst: Some(RmstReport {
                tau: 1826.25,
                tau_default: false,
                arms: BTreeMap::from([
                    ("no".to_string(), RmstArm { estimate: 1300.0, se: 30.0 }),
                    ("yes".to_string(), RmstArm { estimate: 1449.48, se: 40.0 }),
                ]),
                difference: WaldReport {
                    estimate: 149.48,
                    se: 48.8,
                    ci95: [53.82, 245.14],
                    p: 0.0022,
                },
            }),
            logrank: Some(LogrankReport {
                chisq: 8.5648,
                df: 1,
                p: 0.0034,
                groups: vec!["no".into(), "yes".into()],
                observed: vec![205.0, 94.0],
                expected: vec![185.0, 114.0],
            }),
            odds_ratio: None,
            odds_ratio_adjusted: None,
            risk_difference: RiskDifferenceReport { estimate: Some(wald), horizon: Some(1826.25) },
            interactions: Some(InteractionsReport {
                n: 686,
                tests: vec![
                    interaction("pnodes", Some(6.512), Some(0.0107)),
                    interaction("tgrade", None, None),
                ],
                global_lr: Some(ChiSquareReport { chisq: 5.474, df: 5, p: 0.36 }),
                global_note: None,
            }),
            subgroups: None,
            benefit: Some(BenefitReport {
                model: "cox",
                learner: "T-learner, cross-fitted",
                folds: 5,
                seed: 1,
                horizon: Some(1826.25),
                n: 686,
                mean_predicted: 0.142,
                observed: None,
                c_for_benefit: None,
                c_for_benefit_patients: 0,
                c_for_benefit_dropped_censored: 0,
                c_for_benefit_note: None,
                calibration: Vec::new(),
            }),
        }
    }

    #[test]
    fn treatment_prints_arms_effects_interactions_and_benefit() {
        let text = treatment(&survival_report());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[..4],
            [
                "686 patients: arm 'horTh' = yes (treated) vs no (reference)",
                "  no: n = 440, events = 205, median 1528",
                "  yes: n = 246, events = 94, median not reached",
                "hazard ratio               0.6949 (95% CI 0.5438 to 0.8879), p = 0.0036",
            ]
        );
        assert!(lines.contains(&"log-rank                   chisq = 8.5648 on 1 df, p = 0.0034"));
        assert!(lines.contains(
            &"RMST difference            149.48 (95% CI 53.82 to 245.1, p = 0.0022) at tau = 1826.25"
        ));
        assert!(lines.contains(
            &"risk difference            -0.1444 (95% CI -0.2363 to -0.05253, p = 0.0021) at 1826.25"
        ));
        assert!(lines.contains(&"  pnodes                   chisq = 6.512 on 1 df, p = 0.011"));
        assert!(lines.contains(&"  tgrade                   not estimable: no events in one arm"));
        assert!(lines.contains(&"  all (global)             LR chisq = 5.474 on 5 df, p = 0.36"));
        assert_eq!(
            lines[lines.len() - 1],
            "predicted benefit (cox T-learner, 5-fold cross-fitted): mean 0.1420, \
             C-for-benefit not estimable"
        );
    }

    #[test]
    fn treatment_of_a_binary_outcome_prints_risks_and_odds_ratios() {
        let mut r = survival_report();
        r.outcome = OutcomeReport::Binary { column: "cens".into() };
        r.arms = BTreeMap::from([
            ("no".to_string(), ArmReport::Binary { n: 440, events: 205, risk: 0.4659, se: 0.02 }),
            ("yes".to_string(), ArmReport::Binary { n: 246, events: 94, risk: 0.3821, se: 0.03 }),
        ]);
        r.odds_ratio = r.hazard_ratio.take();
        r.rmst = None;
        r.logrank = None;
        r.risk_difference.horizon = None;
        r.interactions = None;
        r.benefit = None;
        assert_eq!(
            treatment(&r),
            "686 patients: arm 'horTh' = yes (treated) vs no (reference)\n  \
             no: n = 440, events = 205, risk 0.4659\n  \
             yes: n = 246, events = 94, risk 0.3821\n\
             odds ratio                 0.6949 (95% CI 0.5438 to 0.8879), p = 0.0036\n\
             risk difference            -0.1444 (95% CI -0.2363 to -0.05253, p = 0.0021)\n"
        );
    }

    #[test]
    fn a_control_arm_read_from_the_coding_is_said_so() {
        let mut r = survival_report();
        r.arm.reference_chosen_by = ControlChoice::Coding;
        assert_eq!(
            treatment(&r).lines().next(),
            Some(
                "686 patients: arm 'horTh' = yes (treated) vs no (reference, recognised as the \
                 control arm from its coding)"
            )
        );
    }
}
