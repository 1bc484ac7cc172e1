//! Kaplan-Meier, log-rank and Cox tables, laid out like R `survival`'s
//! printed summaries.

use std::fmt::Write;

use osler_pipeline::analysis::survival::{CoxAnalysis, KmAnalysis, LogrankAnalysis};

use super::json_num;
use crate::format::{fmt_num, fmt_p};

/// An optional time as R prints it: `NA` when absent or not finite.
fn or_na(x: Option<f64>) -> String {
    x.filter(|m| m.is_finite()).map_or("NA".into(), |m| fmt_num(m, 6))
}

/// Kaplan-Meier curves, one paragraph per group: `GROUP: n = N, events = E,
/// median = M (95% CI LO to HI)` (the median `not reached` and a missing
/// bound `NA`, as R's `survfit` prints them), then, when survival was asked
/// at chosen times, a table of time, S(t) and the number at risk.
pub fn km(analysis: &KmAnalysis) -> String {
    // Writing to a String cannot fail: the `fmt::Result`s below are ignored.
    let mut out = String::new();
    for g in &analysis.groups {
        let _ = writeln!(
            out,
            "{}: n = {}, events = {}, median = {} (95% CI {} to {})",
            g.group,
            json_num(g.n),
            json_num(g.events),
            g.median.filter(|m| m.is_finite()).map_or("not reached".into(), |m| fmt_num(m, 6)),
            or_na(g.median_ci95[0]),
            or_na(g.median_ci95[1]),
        );
        if let Some(at) = &g.at_times {
            let _ = writeln!(out, "  {:>12} {:>10} {:>8}", "time", "survival", "at risk");
            for ((t, s), n) in at.time.iter().zip(&at.survival).zip(&at.at_risk) {
                // The at-risk count is printed as its JSON number, unpadded.
                let _ = writeln!(
                    out,
                    "  {:>12} {:>10} {}",
                    fmt_num(*t, 6),
                    fmt_num(*s, 4),
                    json_num(*n)
                );
            }
        }
    }
    out
}

/// The log-rank (or Fleming-Harrington) test: a table of N, observed and
/// expected events per group, then `chisq = X on DF df, p = P`.
pub fn logrank(test: &LogrankAnalysis) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{:<24} {:>8} {:>10} {:>10}", "group", "N", "observed", "expected");
    for (((group, n), observed), expected) in
        test.groups.iter().zip(&test.n).zip(&test.observed).zip(&test.expected)
    {
        let _ =
            writeln!(out, "{:<24} {:>8} {:>10} {:>10}", group, n, observed, fmt_num(*expected, 5));
    }
    let _ = writeln!(
        out,
        "\nchisq = {} on {} df, p = {}",
        fmt_num(test.chisq, 6),
        test.df,
        fmt_p(test.p)
    );
    out
}

/// A Cox model as R's `summary(coxph)` lays it out: the sample, one row per
/// covariate (coef, exp(coef), se, z, p, 95% interval of exp(coef)), the
/// concordance, the log partial likelihoods, the three global tests and, if
/// it was run, the proportional-hazards test (scaled Schoenfeld residuals,
/// as R's `cox.zph`).
pub fn cox(fit: &CoxAnalysis) -> String {
    let mut out = String::new();
    let dropped = fit.n_dropped_missing;
    let _ = writeln!(
        out,
        "n = {}, events = {}{}",
        fit.n,
        fit.events,
        if dropped > 0 {
            format!(" ({dropped} rows with missing covariates dropped)")
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "{:<24} {:>11} {:>10} {:>10} {:>8} {:>10} {:>22}",
        "", "coef", "exp(coef)", "se(coef)", "z", "p", "exp(coef) 95% CI"
    );
    for r in &fit.coefficients {
        let _ = writeln!(
            out,
            "{:<24} {:>11} {:>10} {:>10} {:>8} {:>10} {:>22}",
            r.name,
            fmt_num(r.coef, 5),
            fmt_num(r.exp_coef, 4),
            fmt_num(r.se, 4),
            fmt_num(r.z, 3),
            fmt_p(r.p),
            format!("{} to {}", fmt_num(r.exp_coef_ci95[0], 4), fmt_num(r.exp_coef_ci95[1], 4))
        );
    }
    let _ = writeln!(out, "\nconcordance = {}", fmt_num(fit.concordance, 4));
    let _ = writeln!(
        out,
        "log-likelihood = {} (null {})",
        fmt_num(fit.loglik, 10),
        fmt_num(fit.loglik_null, 10)
    );
    let tests = [
        ("likelihood ratio test", &fit.likelihood_ratio_test),
        ("Wald test", &fit.wald_test),
        ("score (log-rank) test", &fit.score_test),
    ];
    for (name, t) in tests {
        let _ = writeln!(
            out,
            "{name:<21} = {} on {} df, p = {}",
            fmt_num(t.statistic, 5),
            t.df,
            fmt_p(t.p)
        );
    }
    if let Some(p) = &fit.ph_test {
        out.push_str(
            "\nproportional-hazards test (scaled Schoenfeld residuals, KM time transform):\n",
        );
        let _ = writeln!(out, "{:<24} {:>8} {:>10} {:>4} {:>10}", "", "rho", "chisq", "df", "p");
        for r in &p.covariates {
            let _ = writeln!(
                out,
                "{:<24} {:>8} {:>10} {:>4} {:>10}",
                r.name,
                fmt_num(r.rho, 3),
                fmt_num(r.chisq, 4),
                r.df,
                fmt_p(r.p)
            );
        }
        let _ = writeln!(
            out,
            "{:<24} {:>8} {:>10} {:>4} {:>10}",
            "GLOBAL",
            "",
            fmt_num(p.global.statistic, 4),
            p.global.df,
            fmt_p(p.global.p)
        );
    }
    out
}
