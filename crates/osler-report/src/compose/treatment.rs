//! The report of a two-arm treatment analysis: Kaplan-Meier curves by arm
//! with numbers at risk, the average effects, interaction tests with a forest
//! plot of subgroup ratios, and the calibration of predicted benefit. Only
//! aggregates are shown (no patient-level values).

use osler_data::Schema;

use super::shared::{time_axis, time_to_event};
use crate::svg::Ticks;
use crate::{ErrorPoint, ForestRow, Plot, Report, Table, fmt_ci, fmt_num, fmt_p, forest_plot};
use osler_models::survival::WaldEstimate;
use osler_pipeline::treatment::{
    BenefitEvaluation, Effects, Heterogeneity, OutcomeSpec, Ratio, SurvivalEffects,
    TreatmentAnalysis, TreatmentSpec,
};

/// Ticks wanted on the time axis of the number-at-risk tables.
const AT_RISK_TICKS: usize = 6;

/// Times for number-at-risk tables: "nice" round ticks from 0 to the last
/// follow-up time `max_time` (the ticks of a time axis over that range).
pub fn at_risk_times(max_time: f64) -> Vec<f64> {
    let ticks = Ticks::nice(0.0, max_time, AT_RISK_TICKS, false);
    ticks.values.into_iter().filter(|&t| t >= 0.0 && t <= max_time).collect()
}

/// A time: whole numbers without decimals, others with 6 significant digits.
fn fmt_time(t: f64) -> String {
    if t.fract() == 0.0 && t.abs() < 1e12 { format!("{t:.0}") } else { fmt_num(t, 6) }
}

fn ratio_text(r: &Ratio) -> String {
    fmt_ci(r.estimate, r.ci95[0], r.ci95[1], 3)
}

fn wald_text(w: &WaldEstimate, sig: usize) -> String {
    fmt_ci(w.estimate, w.ci95[0], w.ci95[1], sig)
}

/// The self-contained HTML report of a two-arm treatment analysis `t`, run
/// as `spec` on the data named `source` (shown in the subtitle).
///
/// Sections: the trial (arms, outcome, covariates); the average treatment
/// effect (survival: Kaplan-Meier by arm with numbers at risk, median
/// survival, RMST, Cox hazard ratio, log-rank test and risk difference at the
/// horizon; binary: risks per arm, risk difference and odds ratio, all with
/// Wald 95% intervals); heterogeneity (interaction tests and a forest plot
/// of subgroup ratios) and the calibration and C-for-benefit of predicted
/// individual benefit, when the analysis has them. Only aggregates appear.
///
/// `schema` describes the data: the event column's description names the
/// event in the title and the time column's unit labels the time axes.
pub fn treatment_report(
    t: &TreatmentAnalysis,
    spec: &TreatmentSpec,
    schema: &Schema,
    source: &str,
) -> String {
    let (outcome, ratio_name) = match &spec.outcome {
        OutcomeSpec::Survival(s) => (time_to_event(schema, &s.time, &s.event), "Hazard ratio"),
        OutcomeSpec::Binary { column, .. } => (format!("binary outcome {column}"), "Odds ratio"),
    };
    let mut r = Report::new(format!("Treatment effect of {} on {outcome}", t.arms.column));
    r.subtitle(format!("Data {source} · {} patients", t.n));
    r.footer(format!(
        "osler {} · seed {} · {} cross-fitting folds",
        env!("CARGO_PKG_VERSION"),
        spec.seed,
        spec.folds
    ));
    r.section("Trial").key_values([
        (
            "Arms",
            format!(
                "{} = {} (treated) vs {} (reference: {})",
                t.arms.column,
                t.arms.treated,
                t.arms.reference,
                t.arms.reference_chosen_by.describe()
            ),
        ),
        ("Outcome", outcome.clone()),
        ("Patients", t.n.to_string()),
        (
            "Covariates",
            if spec.covariates.is_empty() { "none".into() } else { spec.covariates.join(", ") },
        ),
    ]);
    match &t.effects {
        Effects::Survival(s) => {
            let time = match &spec.outcome {
                OutcomeSpec::Survival(o) => time_axis(schema, &o.time),
                OutcomeSpec::Binary { .. } => "Time".to_string(),
            };
            survival_section(&mut r, s, &time)
        }
        Effects::Binary(b) => {
            let mut tab =
                Table::new(["arm", "n", "events", "risk (95% CI)"]).numeric_columns([1, 2]);
            for a in &b.arms {
                let w = WaldEstimate::new(a.risk, a.se);
                tab = tab.row([
                    a.level.clone(),
                    a.n.to_string(),
                    a.events.to_string(),
                    wald_text(&w, 3),
                ]);
            }
            let s = r.section("Average treatment effect");
            s.table(tab.caption("Observed risk per arm (binomial Wald intervals)."));
            let mut tab = Table::new(["effect (treated vs reference)", "estimate (95% CI)", "p"]);
            tab = tab.row([
                "Risk difference".into(),
                wald_text(&b.risk_difference, 3),
                fmt_p(b.risk_difference.p_value),
            ]);
            tab = tab.row([
                "Odds ratio (logistic)".into(),
                ratio_text(&b.odds_ratio),
                fmt_p(b.odds_ratio.p_value),
            ]);
            if let Some(a) = &b.odds_ratio_adjusted {
                tab = tab.row([
                    format!("Odds ratio, adjusted (n = {})", a.n),
                    ratio_text(&a.ratio),
                    fmt_p(a.ratio.p_value),
                ]);
            }
            s.table(tab.caption("Wald 95% intervals."));
        }
    }
    if let Some(h) = &t.heterogeneity {
        let overall = match &t.effects {
            Effects::Survival(s) => s.hazard_ratio,
            Effects::Binary(b) => b.odds_ratio,
        };
        heterogeneity_section(&mut r, h, &overall, ratio_name);
    }
    if let Some(b) = &t.benefit {
        benefit_section(&mut r, b);
    }
    r.render()
}

fn survival_section(r: &mut Report, s: &SurvivalEffects, time_label: &str) {
    let max_t = s.arms[0].km.max_time().max(s.arms[1].km.max_time());
    let grid = at_risk_times(max_t);
    let mut plot = Plot::new("Kaplan-Meier survival by arm")
        .x_label(time_label)
        .y_label("Survival")
        .y_range(0.0, 1.0);
    let mut at_risk = Table::new(
        std::iter::once("arm".to_string())
            .chain(grid.iter().map(|t| format!("t = {}", fmt_time(*t)))),
    );
    for a in &s.arms {
        let mut pts = vec![(0.0, 1.0)];
        pts.extend(a.km.time.iter().copied().zip(a.km.surv.iter().copied()));
        if let Some(&(_, last)) = pts.last() {
            pts.push((a.km.max_time(), last));
        }
        plot = plot.step(format!("{} (n = {}, events = {})", a.level, a.n, a.events), &pts);
        at_risk = at_risk.row(
            std::iter::once(a.level.clone())
                .chain(a.km.n_at_risk(&grid).iter().map(|n| format!("{n}"))),
        );
    }
    let tau = s.rmst.tau;
    plot = plot.reference_line(format!("tau = {}", fmt_time(tau)), (tau, 0.0), (tau, 1.0));
    let sec = r.section("Average treatment effect");
    sec.figure(plot.render(), "Kaplan-Meier estimate of survival in each arm; the RMST is the area under each curve up to tau.");
    sec.table(at_risk.caption("Number at risk."));
    let med = |a: &osler_pipeline::treatment::SurvivalArm| {
        let m = a.median.map_or("not reached".to_string(), fmt_time);
        let ci = |v: Option<f64>| v.map_or("NA".to_string(), fmt_time);
        format!("{m} ({} to {})", ci(a.median_ci95[0]), ci(a.median_ci95[1]))
    };
    let mut tab = Table::new(["arm", "median (95% CI)", "RMST (SE)", "risk by horizon (SE)"]);
    for (k, a) in s.arms.iter().enumerate() {
        let (e, se) = if k == 0 { s.rmst.reference } else { s.rmst.treated };
        tab = tab.row([
            a.level.clone(),
            med(a),
            format!("{} ({})", fmt_num(e, 5), fmt_num(se, 3)),
            format!(
                "{} ({})",
                fmt_num(a.risk.0, 3),
                a.risk.1.map_or("—".into(), |v| fmt_num(v, 3))
            ),
        ]);
    }
    sec.table(tab.caption(format!(
        "Per arm: median survival (R's interval), restricted mean survival time up to tau = {}{} (R survival's SE), Kaplan-Meier risk 1 − S(t) at the horizon t = {} (Greenwood SE).",
        fmt_time(s.rmst.tau),
        if s.tau_given { "" } else { ", the smaller of the arms' last follow-up times" },
        fmt_time(s.horizon)
    )));
    let mut tab = Table::new(["effect (treated vs reference)", "estimate (95% CI)", "p"]);
    let hr = &s.hazard_ratio;
    tab = tab.row(["Hazard ratio (Cox, Efron ties)".into(), ratio_text(hr), fmt_p(hr.p_value)]);
    if let Some(a) = &s.hazard_ratio_adjusted {
        tab = tab.row([
            format!("Hazard ratio, adjusted (n = {})", a.n),
            ratio_text(&a.ratio),
            fmt_p(a.ratio.p_value),
        ]);
    }
    tab = tab.row([
        format!(
            "Log-rank test (chi-square {} on {} df)",
            fmt_num(s.logrank.chisq, 4),
            s.logrank.df
        ),
        "—".into(),
        fmt_p(s.logrank.p_value),
    ]);
    let d = &s.rmst.difference;
    tab = tab.row([
        format!("RMST difference up to {}", fmt_time(s.rmst.tau)),
        wald_text(d, 4),
        fmt_p(d.p_value),
    ]);
    if let Some(rd) = &s.risk_difference {
        tab = tab.row([
            format!("Risk difference at {}", fmt_time(s.horizon)),
            wald_text(rd, 3),
            fmt_p(rd.p_value),
        ]);
    }
    sec.table(tab.caption("Differences are treated minus reference, with Wald 95% intervals."));
}

fn heterogeneity_section(r: &mut Report, h: &Heterogeneity, overall: &Ratio, name: &str) {
    let sec = r.section("Heterogeneity of the treatment effect");
    let mut tab = Table::new(["covariate", "chi-square", "df", "p"]).numeric_columns([1, 2, 3]);
    for i in &h.interactions {
        tab = tab.row([
            i.covariate.clone(),
            i.chisq.map_or_else(|| i.note.clone().unwrap_or_default(), |c| fmt_num(c, 4)),
            i.df.to_string(),
            i.p_value.map_or("—".into(), fmt_p),
        ]);
    }
    if let Some(g) = h.global {
        tab = tab.row([
            "all interactions (likelihood ratio)".into(),
            fmt_num(g.chisq, 4),
            g.df.to_string(),
            fmt_p(g.p_value),
        ]);
    }
    sec.table(tab.caption(format!(
        "Arm × covariate interactions: Wald test per covariate (model arm + covariate + arm × covariate) and the global likelihood-ratio test of all interactions, on the {} patients with every covariate.",
        h.n
    )));
    let mut rows = vec![ForestRow {
        label: "All patients".into(),
        estimate: overall.estimate,
        lower: overall.ci95[0],
        upper: overall.ci95[1],
        note: ratio_text(overall),
        summary: true,
    }];
    let mut last = "";
    for s in &h.subgroups {
        if s.covariate != last {
            rows.push(ForestRow::heading(s.covariate.clone()));
            last = &s.covariate;
        }
        let (e, lo, hi, note) = match &s.ratio {
            Some(q) => (q.estimate, q.ci95[0], q.ci95[1], ratio_text(q)),
            None => (f64::NAN, f64::NAN, f64::NAN, s.note.clone().unwrap_or_default()),
        };
        rows.push(ForestRow {
            label: format!("{} (n = {})", s.label, s.n[0] + s.n[1]),
            estimate: e,
            lower: lo,
            upper: hi,
            note,
            summary: false,
        });
    }
    let svg = forest_plot(
        &format!("{name} by subgroup"),
        &format!("{name}, treated vs reference (log scale)"),
        &rows,
        1.0,
    );
    sec.figure(svg, "Subgroup estimates with 95% intervals: per level of a categorical covariate, below/above the median of a numeric one. Subgroups are descriptive; the interaction tests above are the formal assessment.");
}

fn benefit_section(r: &mut Report, b: &BenefitEvaluation) {
    let sec = r.section("Predicted individual benefit");
    sec.paragraph(format!(
        "T-learner: one {} model per arm on the covariates, cross-fitted over {} folds stratified by arm (seed {}); every patient's benefit (risk under reference − risk under treatment{}) is predicted by models that never saw that patient.",
        b.model,
        b.folds,
        b.seed,
        b.horizon.map_or(String::new(), |h| format!(" by t = {}", fmt_time(h)))
    ));
    let pts: Vec<ErrorPoint> = b
        .calibration
        .iter()
        .filter_map(|g| {
            g.observed.map(|o| ErrorPoint {
                x: g.mean_predicted,
                y: o.estimate,
                lo: o.ci95[0],
                hi: o.ci95[1],
            })
        })
        .collect();
    let ends = || pts.iter().flat_map(|p| [p.x, p.y, p.lo, p.hi]).filter(|v| v.is_finite());
    let lo = ends().fold(0.0, f64::min);
    let hi = ends().fold(0.0, f64::max);
    let svg = Plot::new("Calibration of predicted benefit")
        .x_label("Mean predicted benefit (risk reduction)")
        .y_label("Observed benefit (risk difference)")
        .points_with_error_bars("quantile groups", &pts)
        .reference_line("perfect calibration", (lo, lo), (hi, hi))
        .render();
    sec.figure(svg, "Observed benefit (reference-arm risk − treated-arm risk, Kaplan-Meier or proportions, 95% CI) against mean predicted benefit, by quantile group of predicted benefit.");
    let mut tab =
        Table::new(["group", "n (reference / treated)", "predicted (range)", "observed (95% CI)"]);
    for (k, g) in b.calibration.iter().enumerate() {
        tab = tab.row([
            (k + 1).to_string(),
            format!("{} / {}", g.n[0], g.n[1]),
            format!(
                "{} ({} to {})",
                fmt_num(g.mean_predicted, 3),
                fmt_num(g.min_predicted, 3),
                fmt_num(g.max_predicted, 3)
            ),
            g.observed.map_or("—".into(), |o| wald_text(&o, 3)),
        ]);
    }
    sec.table(tab.caption("Benefit by quantile group of predicted benefit."));
    let c = b.c_for_benefit.map_or_else(
        || format!("not estimable ({})", b.c_note.clone().unwrap_or_default()),
        |c| format!("{} over {} matched pairs", fmt_num(c.c_index, 3), c.n_pairs),
    );
    sec.paragraph(format!(
        "C-for-benefit (van Klaveren et al. 2018): {c}. Treated and reference patients are matched 1:1 by rank of predicted benefit; {} patients{} enter the matching.",
        b.c_n,
        if b.c_dropped_censored > 0 {
            format!(" (those censored before the horizon, {}, are left out: their outcome by the horizon is unknown)", b.c_dropped_censored)
        } else {
            String::new()
        }
    ));
}
