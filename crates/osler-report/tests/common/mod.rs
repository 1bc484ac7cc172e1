//! Shared helpers for integration tests and the example: a tag-balance
//! checker and a realistic example report.

#![allow(dead_code)]

use osler_report::html::{Report, Table};
use osler_report::svg::{ErrorPoint, Plot, bar_chart_horizontal, histogram};
use osler_report::{fmt_ci, fmt_num, fmt_p};

/// HTML elements that never have a closing tag.
const VOID: [&str; 6] = ["meta", "br", "hr", "img", "link", "input"];

/// Scans markup and checks that every opened tag is closed in the right
/// order. Skips comments, `<!DOCTYPE>` and the raw text of `<style>`.
/// Also rejects a raw `<` that does not start a tag, and `&` not starting an
/// entity. Returns the list of element names seen, in order.
pub fn check_balanced(doc: &str) -> Result<Vec<String>, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = doc;
    while let Some(lt) = rest.find(['<', '&']) {
        if rest[lt..].starts_with('&') {
            let ent = &rest[lt..];
            let end = ent
                .find(';')
                .ok_or_else(|| format!("bare & near {:?}", &ent[..ent.len().min(30)]))?;
            let name = &ent[1..end];
            let ok = !name.is_empty()
                && end <= 10
                && (name.chars().all(|c| c.is_ascii_alphanumeric()) || name.starts_with('#'));
            if !ok {
                return Err(format!("bad entity near {:?}", &ent[..ent.len().min(30)]));
            }
            rest = &ent[end + 1..];
            continue;
        }
        let tag = &rest[lt..];
        if let Some(after) = tag.strip_prefix("<!--") {
            let end = after.find("-->").ok_or("unterminated comment")?;
            rest = &after[end + 3..];
            continue;
        }
        let gt = tag.find('>').ok_or("unterminated tag")?;
        let inner = &tag[1..gt];
        rest = &tag[gt + 1..];
        if inner.starts_with('!') {
            continue;
        }
        if let Some(name) = inner.strip_prefix('/') {
            let name = name.trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let name: String = inner.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if name.is_empty() {
            return Err(format!("raw '<' near {:?}", &tag[..tag.len().min(30)]));
        }
        if !inner.matches('"').count().is_multiple_of(2) {
            return Err(format!("unbalanced quotes in <{inner}>"));
        }
        seen.push(name.clone());
        if inner.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        if name == "style" {
            let end = rest.find("</style>").ok_or("unterminated style")?;
            rest = &rest[end + "</style>".len()..];
            continue;
        }
        stack.push(name);
    }
    if stack.is_empty() { Ok(seen) } else { Err(format!("unclosed: {stack:?}")) }
}

/// A deterministic pseudo-random sequence in [0, 1) (xorshift).
pub fn uniforms(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed.max(1);
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// Builds a realistic validation report exercising every block type.
pub fn example_report() -> String {
    let roc_a = [
        (0.0, 0.0),
        (0.0, 0.21),
        (0.05, 0.42),
        (0.1, 0.58),
        (0.2, 0.74),
        (0.35, 0.86),
        (0.5, 0.92),
        (0.75, 0.97),
        (1.0, 1.0),
    ];
    let roc_b =
        [(0.0, 0.0), (0.05, 0.2), (0.15, 0.45), (0.3, 0.66), (0.5, 0.8), (0.7, 0.9), (1.0, 1.0)];
    let roc = Plot::new("ROC curve (test set, n = 1 627)")
        .x_label("1 − specificity (false-positive rate)")
        .y_label("Sensitivity (true-positive rate)")
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.0)
        .size(560.0, 440.0)
        .step("Gradient boosting (AUC 0.84)", &roc_a)
        .step("Logistic regression (AUC 0.78)", &roc_b)
        .reference_line("Chance", (0.0, 0.0), (1.0, 1.0))
        .render();
    let cal: Vec<ErrorPoint> = (0..10)
        .map(|i| {
            let x = 0.05 + 0.09 * i as f64;
            let y = (x * 1.1 - 0.03).clamp(0.0, 1.0);
            let h = 0.04 + 0.02 * (i % 3) as f64;
            ErrorPoint { x, y, lo: y - h, hi: y + h }
        })
        .collect();
    let calibration = Plot::new("Calibration (deciles of predicted risk)")
        .x_label("Predicted probability")
        .y_label("Observed proportion")
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.0)
        .size(560.0, 440.0)
        .reference_line("Perfect calibration", (0.0, 0.0), (1.0, 1.0))
        .points_with_error_bars("Gradient boosting (95% CI)", &cal)
        .line(
            "LOESS smooth",
            &[(0.05, 0.02), (0.3, 0.29), (f64::NAN, 0.4), (0.6, 0.64), (0.9, 0.97)],
        )
        .render();
    let km = Plot::new("Time to ICU admission")
        .x_label("Days since admission")
        .y_label("Proportion without ICU admission")
        .y_range(0.0, 1.0)
        .step(
            "Low risk",
            &[(0.0, 1.0), (2.0, 0.97), (5.0, 0.95), (9.0, 0.93), (14.0, 0.92), (30.0, 0.92)],
        )
        .step(
            "High risk",
            &[(0.0, 1.0), (1.0, 0.88), (3.0, 0.79), (6.0, 0.70), (12.0, 0.64), (30.0, 0.61)],
        )
        .render();
    let labels: Vec<String> = [
        "Lactate (mmol/L)",
        "Age (per 10 y)",
        "Systolic BP (per 10 mmHg)",
        "Heart rate (per 10 bpm)",
        "Temperature",
        "<script>alert(1)</script>",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let coefs = bar_chart_horizontal(
        "Logistic regression coefficients (log-odds)",
        &labels,
        &[0.62, 0.35, -0.41, 0.22, -0.08, f64::NAN],
        "Coefficient",
    );
    let (u1, u2) = (uniforms(7, 400), uniforms(11, 120));
    let neg: Vec<f64> = u1.iter().map(|u| u * u * 0.8).collect();
    let pos: Vec<f64> = u2.iter().map(|u| 1.0 - u * u * 0.85).collect();
    let hist = histogram(
        "Predicted risk by outcome",
        "Predicted probability",
        &[("No sepsis".to_string(), neg), ("Sepsis".to_string(), pos)],
        20,
        (0.0, 1.0),
    )
    .render();

    let mut r = Report::new("Sepsis risk model: validation report <draft>");
    r.subtitle("Prepared for the Research Ethics Board · study REB-2025-0142")
        .footer("osler 0.1.0 · generated 2025-01-01T00:00:00Z · data sha256 3f5a9c0e1b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a");
    r.section("Summary")
        .paragraph("This report summarises the discrimination and calibration of two models predicting sepsis within 48 hours of admission, evaluated on a held-out test set.")
        .key_values([("Dataset", "adult_admissions_2019_2023.csv"), ("Rows (train / test)", "6 508 / 1 627"), ("Outcome prevalence", "23.4%"), ("Random seed", "42")])
        .warning("The test set comes from the same hospital as the training data; external validation is still required before clinical use.");
    let t = Table::new(["Model", "AUC (95% CI)", "Brier score", "Calibration slope", "p (vs. LR)"])
        .caption("Discrimination and calibration on the test set.")
        .row([
            "Gradient boosting",
            &fmt_ci(0.8412, 0.8203, 0.8621, 3),
            &fmt_num(0.1321, 3),
            &fmt_num(0.94, 3),
            &fmt_p(0.000012),
        ])
        .row([
            "Logistic regression",
            &fmt_ci(0.7803, 0.7551, 0.8055, 3),
            &fmt_num(0.1522, 3),
            &fmt_num(1.02, 3),
            "—",
        ])
        .row([
            "Null model",
            &fmt_ci(0.5, f64::NAN, f64::NAN, 3),
            &fmt_num(0.1793, 3),
            &fmt_num(f64::NAN, 3),
            &fmt_p(1e-300),
        ])
        .detect_numeric_columns();
    r.section("Discrimination")
        .table(t)
        .figure(roc, "Receiver operating characteristic curves. The dashed diagonal is a classifier with no discrimination.")
        .figure(hist, "Distribution of predicted probabilities by observed outcome (proportion within each group).");
    r.section("Calibration")
        .figure(calibration, "Observed vs predicted risk by decile with 95% confidence intervals; one smoothed value was missing and is skipped.")
        .note("Calibration slope < 1 indicates predictions that are too extreme.");
    r.section("Model details")
        .figure(coefs, "Standardised coefficients; negative values lower the predicted risk.")
        .figure(km, "Kaplan–Meier curves for patients above vs below the alert threshold.")
        .subheading("Limitations")
        .list([
            "Single-centre retrospective data.",
            "Missing lactate imputed with the median (18% of rows).",
        ]);
    r.render()
}
