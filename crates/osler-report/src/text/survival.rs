//! Kaplan-Meier, log-rank and Cox tables, laid out like R `survival`'s
//! printed summaries.

use std::fmt::Write;

use osler_pipeline::analysis::survival::{CoxAnalysis, KmAnalysis, LogrankAnalysis};
use osler_pipeline::missing_rows::MissingRows;

use super::json_num;
use crate::format::{fmt_num, fmt_p};

/// R's `naprint` line when rows were dropped for missing values:
/// `N observations deleted due to missingness (COL: K, ...)`; empty otherwise.
fn missing_notice(missing: &MissingRows) -> String {
    if missing.rows_dropped == 0 {
        return String::new();
    }
    let per: Vec<String> =
        missing.columns.iter().map(|c| format!("{}: {}", c.column, c.missing)).collect();
    let n = missing.rows_dropped;
    let s = if n == 1 { "" } else { "s" };
    format!("note: {n} observation{s} deleted due to missingness ({})\n", per.join(", "))
}

/// A number of the coefficient table, `NA` where it is undefined (an aliased covariate).
fn num_or_na(x: f64, digits: usize) -> String {
    if x.is_nan() { "NA".into() } else { fmt_num(x, digits) }
}

/// An event count: whole as it is, weighted (case or test weights) to 5 significant digits.
fn count(x: f64) -> String {
    if x.fract() == 0.0 { format!("{x}") } else { fmt_num(x, 5) }
}

/// An optional time as R prints it: `NA` when absent or not finite.
fn or_na(x: Option<f64>) -> String {
    x.filter(|m| m.is_finite()).map_or("NA".into(), |m| fmt_num(m, 6))
}

/// Kaplan-Meier curves, one paragraph per group: `GROUP: n = N, events = E,
/// median = M (95% CI LO to HI)` (the median `not reached` and a missing
/// bound `NA`, as R's `survfit` prints them), the restricted mean when a
/// `tau` was asked for, then, when survival was asked
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
        if let Some(r) = &g.rmst {
            let _ = writeln!(
                out,
                "  restricted mean to {} = {} (se {})",
                fmt_num(r.tau, 6),
                fmt_num(r.estimate, 6),
                fmt_num(r.se, 6)
            );
        }
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
    out.push_str(&missing_notice(&analysis.missing));
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
        let _ = writeln!(
            out,
            "{:<24} {:>8} {:>10} {:>10}",
            group,
            n,
            count(*observed),
            fmt_num(*expected, 5)
        );
    }
    let _ = writeln!(
        out,
        "\nchisq = {} on {} df, p = {}",
        fmt_num(test.chisq, 6),
        test.df,
        fmt_p(test.p)
    );
    // R's G^rho tests print as before; the other weightings say which was used.
    if test.rho.is_none() {
        let exponents = match (test.fh_p, test.fh_q) {
            (Some(p), Some(q)) => format!(" (p = {p}, q = {q})"),
            _ => String::new(),
        };
        let _ = writeln!(out, "weighting: {}{exponents}", test.weighting);
    }
    out.push_str(&missing_notice(&test.missing));
    out
}

/// A Cox model as R's `summary(coxph)` lays it out: the sample, one row per
/// covariate (coef, exp(coef), se, z, p, 95% interval of exp(coef)), the
/// concordance, the log partial likelihoods, the three global tests and, if
/// it was run, the proportional-hazards test (R `cox.zph`, its method and
/// transform of time named in the heading).
pub fn cox(fit: &CoxAnalysis) -> String {
    let mut out = String::new();
    let dropped = fit.n_dropped_missing;
    let _ = writeln!(
        out,
        "n = {}, events = {}{}",
        fit.n,
        fit.events,
        if dropped > 0 {
            let s = if dropped == 1 { "" } else { "s" };
            format!(" ({dropped} row{s} with missing values dropped)")
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
            num_or_na(r.coef, 5),
            num_or_na(r.exp_coef, 4),
            num_or_na(r.se, 4),
            num_or_na(r.z, 3),
            if r.p.is_nan() { "NA".into() } else { fmt_p(r.p) },
            format!("{} to {}", num_or_na(r.exp_coef_ci95[0], 4), num_or_na(r.exp_coef_ci95[1], 4))
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
        let method = match p.method.as_str() {
            "approximate" => "survival 2.x approximation",
            _ => "score test as R survival >= 3.0",
        };
        let _ = writeln!(
            out,
            "\nproportional-hazards test ({method}, {} time transform):",
            p.transform
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
    if fit.firth {
        out.push_str(
            "\nFirth's penalised likelihood (Heinze & Schemper 2001): log-likelihoods and the \
             likelihood-ratio test are penalised\n",
        );
    }
    out.push_str(&missing_notice(&fit.missing));
    for w in &fit.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

#[cfg(test)]
mod tests {
    use osler_pipeline::analysis::survival::{
        CoxCoefficientRow, CoxTiming, KmAtTimes, KmGroup, KmRmst, PhTestResult, PhTestRow,
        TestResult,
    };

    use osler_pipeline::missing_rows::MissingPolicy;

    use super::*;

    fn group(name: &str, median: Option<f64>, at_times: Option<KmAtTimes>) -> KmGroup {
        KmGroup {
            group: name.into(),
            n: 10.0,
            events: 4.0,
            time: vec![2.0, 5.0],
            survival: vec![0.9, 0.8],
            se: vec![Some(0.09), Some(0.13)],
            at_risk: vec![10.0, 6.0],
            n_event: vec![1.0, 1.0],
            n_censor: vec![0.0, 3.0],
            lower: vec![Some(0.7), Some(0.6)],
            upper: vec![Some(1.0), Some(1.0)],
            cumulative_hazard: vec![0.1, 0.27],
            se_cumulative_hazard: vec![0.1, 0.2],
            median,
            median_ci95: [Some(3.0), None],
            at_times,
            rmst: None,
        }
    }

    #[test]
    fn km_prints_medians_and_the_survival_table() {
        let at = KmAtTimes {
            time: vec![5.0],
            survival: vec![0.8],
            at_risk: vec![6.0],
            se: vec![Some(0.13)],
            cumulative_hazard: vec![0.27],
        };
        let analysis = KmAnalysis {
            groups: vec![group("sex=F", Some(7.5), Some(at)), group("sex=M", None, None)],
            conf_type: "log".into(),
            entry: None,
            weights: None,
            variance: "greenwood".into(),
            missing: MissingRows::none(MissingPolicy::Drop),
        };
        let text = km(&analysis);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "sex=F: n = 10.0, events = 4.0, median = 7.50000 (95% CI 3.00000 to NA)",
                "          time   survival  at risk",
                "       5.00000     0.8000 6.0",
                "sex=M: n = 10.0, events = 4.0, median = not reached (95% CI 3.00000 to NA)",
            ]
        );
        assert!(text.ends_with('\n'));
        // The restricted mean, when asked, follows its group's first line.
        let mut analysis = analysis;
        analysis.groups[1].rmst = Some(KmRmst { tau: 5.0, estimate: 4.25, se: 0.5 });
        let text = km(&analysis);
        assert_eq!(
            text.lines().last(),
            Some("  restricted mean to 5.00000 = 4.25000 (se 0.500000)")
        );
    }

    #[test]
    fn logrank_prints_a_row_per_group_and_the_test() {
        let mut test = LogrankAnalysis {
            chisq: 0.8,
            df: 1,
            p: 0.37,
            rho: Some(0.0),
            weighting: "logrank".into(),
            fh_p: None,
            fh_q: None,
            entry: None,
            weights: None,
            groups: vec!["A".into(), "B".into()],
            n: vec![3.0, 4.0],
            observed: vec![2.0, 1.0],
            expected: vec![1.25, 1.75],
            missing: MissingRows::none(MissingPolicy::Drop),
        };
        let text = logrank(&test);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "group                           N   observed   expected");
        assert_eq!(lines[1], "A                               3          2     1.2500");
        assert_eq!(lines[4], "chisq = 0.800000 on 1 df, p = 0.37");
        assert_eq!(lines.len(), 5);
        // A weighting outside R's G^rho family is named under the test.
        (test.rho, test.weighting, test.fh_p, test.fh_q) =
            (None, "fleming-harrington".into(), Some(1.0), Some(0.5));
        let text = logrank(&test);
        assert_eq!(text.lines().last(), Some("weighting: fleming-harrington (p = 1, q = 0.5)"));
    }

    #[test]
    fn cox_prints_coefficients_tests_and_the_ph_test() {
        let test = TestResult { statistic: 12.5, df: 1, p: 0.0004 };
        let fit = CoxAnalysis {
            coefficients: vec![CoxCoefficientRow {
                name: "age".into(),
                aliased: false,
                infinite: false,
                coef: 0.05,
                exp_coef: 0.05f64.exp(),
                se: 0.01,
                robust_se: None,
                z: 5.0,
                p: 5.7e-7,
                exp_coef_ci95: [1.03, 1.07],
            }],
            loglik: -100.25,
            loglik_null: -106.5,
            concordance: 0.6612,
            n: 50,
            events: 20.0,
            n_dropped_missing: 2,
            missing: MissingRows::none(MissingPolicy::Drop),
            firth: false,
            warnings: Vec::new(),
            ties: "efron".into(),
            baseline_hazard: "efron".into(),
            iterations: 4,
            likelihood_ratio_test: test,
            wald_test: test,
            score_test: test,
            timing: CoxTiming::default(),
            ph_test: Some(PhTestResult {
                method: "score".into(),
                transform: "km".into(),
                covariates: vec![PhTestRow {
                    name: "age".into(),
                    rho: -0.12,
                    chisq: 0.5,
                    df: 1,
                    p: 0.48,
                }],
                global: TestResult { statistic: 0.5, df: 1, p: 0.48 },
            }),
        };
        let text = cox(&fit);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "n = 50, events = 20 (2 rows with missing values dropped)");
        assert_eq!(
            lines[2],
            "age                         0.050000      1.051    0.01000     5.00     5.7e-7         1.030 to 1.070"
        );
        assert!(lines.contains(&"concordance = 0.6612"));
        assert!(lines.contains(&"Wald test             = 12.500 on 1 df, p = 0.00040"));
        // The heading names the statistic and the transform of time.
        assert!(lines.contains(
            &"proportional-hazards test (score test as R survival >= 3.0, km time transform):"
        ));
        assert_eq!(
            lines[lines.len() - 1],
            "GLOBAL                                0.5000    1       0.48"
        );
    }

    // R survival tests/singtest.R and infcox.R print NA for an aliased
    // coefficient and warn about an infinite one; R's naprint line follows.
    #[test]
    fn cox_prints_na_for_aliased_rows_then_the_notices() {
        let test = TestResult { statistic: 1.0, df: 1, p: 0.3 };
        let row = |name: &str, aliased: bool| CoxCoefficientRow {
            name: name.into(),
            aliased,
            infinite: !aliased,
            coef: if aliased { f64::NAN } else { -25.0 },
            exp_coef: if aliased { f64::NAN } else { (-25.0f64).exp() },
            se: if aliased { f64::NAN } else { 1e5 },
            robust_se: None,
            z: if aliased { f64::NAN } else { -2.5e-4 },
            p: if aliased { f64::NAN } else { 0.9998 },
            exp_coef_ci95: if aliased { [f64::NAN; 2] } else { [0.0, f64::INFINITY] },
        };
        let mut missing = MissingRows::none(MissingPolicy::Drop);
        missing.add("ph.ecog", 1);
        missing.add("wt.loss", 2);
        let fit = CoxAnalysis {
            coefficients: vec![row("x1", false), row("z", true)],
            loglik: -1.79,
            loglik_null: -6.87,
            concordance: 0.9,
            n: 12,
            events: 3.0,
            n_dropped_missing: 3,
            missing,
            firth: false,
            warnings: vec!["'z' is aliased".into(), "'x1' may be infinite".into()],
            ties: "efron".into(),
            baseline_hazard: "efron".into(),
            iterations: 30,
            likelihood_ratio_test: test,
            wald_test: test,
            score_test: test,
            timing: CoxTiming::default(),
            ph_test: None,
        };
        let text = cox(&fit);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "n = 12, events = 3 (3 rows with missing values dropped)");
        assert!(lines[3].starts_with("z ") && lines[3].contains("NA to NA"), "{}", lines[3]);
        assert_eq!(lines[3].matches("NA").count(), 7, "{}", lines[3]);
        let tail = &lines[lines.len() - 3..];
        assert_eq!(
            tail,
            [
                "note: 3 observations deleted due to missingness (ph.ecog: 1, wt.loss: 2)",
                "warning: 'z' is aliased",
                "warning: 'x1' may be infinite",
            ]
        );
    }
}
