//! The survival metric panel of saved predictions (`osler metrics --task survival`).

use std::fmt::Write;

use osler_pipeline::analysis::survival_metrics::SurvivalPredictionMetrics;

use super::metric_line;
use crate::format::fmt_num;

/// `n = N, events = E, IPCW weights 1/G(T) (at_time)`, one line per
/// concordance, AUC(t), Brier score at t and their summaries (value to 6
/// significant digits, 95% interval to 4), how the intervals were computed,
/// and one `undefined: NAME: reason` line per metric without a value.
pub fn survival_prediction_metrics(m: &SurvivalPredictionMetrics) -> String {
    let mut out = String::new();
    let weight = match m.ipcw_convention {
        "left_limit" => "1/G(T-)",
        _ => "1/G(T)",
    };
    let _ = writeln!(
        out,
        "n = {}, events = {}, IPCW weights {weight} ({})",
        m.n, m.events, m.ipcw_convention
    );
    let value = |v: Option<f64>| v.unwrap_or(f64::NAN);
    let _ =
        writeln!(out, "{}", metric_line("harrell_c", value(m.harrell_c), m.ci95.get("harrell_c")));
    let uno = match m.tau {
        Some(tau) => format!("uno_c (tau {})", fmt_num(tau, 6)),
        None => "uno_c".to_string(),
    };
    let _ = writeln!(out, "{}", metric_line(&uno, value(m.uno_c), m.ci95.get("uno_c")));
    for a in &m.auc_t {
        let name = format!("auc(t = {})", fmt_num(a.time, 6));
        let _ = writeln!(out, "{}", metric_line(&name, value(a.auc), a.ci95.as_ref()));
    }
    let _ = writeln!(out, "{}", metric_line("mean_auc", value(m.mean_auc), m.ci95.get("mean_auc")));
    for b in &m.brier_t {
        let name = format!("brier(t = {})", fmt_num(b.time, 6));
        let _ = writeln!(out, "{}", metric_line(&name, value(b.brier), b.ci95.as_ref()));
    }
    let _ = writeln!(out, "{}", metric_line("ibs", value(m.ibs), m.ci95.get("ibs")));
    let _ = writeln!(out, "95% CI: {}", m.ci_method);
    for (name, why) in &m.undefined {
        let _ = writeln!(out, "undefined: {name}: {why}");
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use osler_pipeline::analysis::survival_metrics::{AucAt, BrierAt};

    use super::*;

    #[test]
    fn one_line_per_metric_and_the_reasons() {
        let m = SurvivalPredictionMetrics {
            n: 60,
            events: 44,
            harrell_c: Some(0.62),
            uno_c: Some(0.61),
            tau: Some(14.0),
            auc_t: vec![AucAt { time: 4.0, auc: Some(0.68), ci95: Some([0.55, 0.8]) }],
            mean_auc: Some(0.68),
            brier_t: vec![BrierAt { time: 4.0, brier: Some(0.2), ci95: None }],
            ibs: None,
            ci95: BTreeMap::from([("harrell_c".to_string(), [0.5, 0.7])]),
            ci_method: "none".into(),
            ipcw_convention: "at_time",
            undefined: BTreeMap::from([("ibs", "needs two times".to_string())]),
        };
        let text = survival_prediction_metrics(&m);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "n = 60, events = 44, IPCW weights 1/G(T) (at_time)");
        assert_eq!(lines[1], "harrell_c                0.620000     95% CI 0.5000 to 0.7000");
        assert_eq!(lines[2], "uno_c (tau 14.0000)      0.610000");
        assert!(lines[3].starts_with("auc(t = 4.00000)"), "{}", lines[3]);
        assert_eq!(lines[lines.len() - 1], "undefined: ibs: needs two times");
    }
}
