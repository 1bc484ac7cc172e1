//! osler-report: self-contained HTML reports with inline SVG plots.
//!
//! Everything here produces plain strings: no JavaScript, no external assets,
//! no network access. The output is deterministic (the same input always
//! gives the same bytes), so reports can be hashed and diffed.
//!
//! * [`compose`]: whole reports of osler's results, for every front end:
//!   [`artifact_report`] (a trained diagnosis or survival artifact) and
//!   [`treatment_report`] (a two-arm trial analysis). This layer reads the
//!   pipeline's types; the building blocks below depend on nothing but the
//!   standard library.
//! * [`svg`]: a [`Plot`] builder for 2-D charts (lines, step
//!   curves, points with error bars, reference lines), plus
//!   [`bar_chart_horizontal`],
//!   [`histogram`] and [`forest_plot`].
//! * [`html`]: a [`Report`] builder that assembles sections,
//!   tables, figures and callouts into a complete, printable HTML5 document.
//! * [`format`](mod@format): number formatting for tables ([`fmt_num`],
//!   [`fmt_p`], [`fmt_ci`]).
//! * [`text`]: the plain-text tables of typed results (survival analyses,
//!   a trial's effects, metric panels, the shipped datasets) that terminal
//!   front ends print.
//!
//! All caller-provided text is escaped with [`escape`]; SVG markup passed to
//! [`Section::figure`](html::Section::figure) is inserted verbatim (trusted).
//!
//! Three runnable examples go from data to a report through the libraries
//! alone (`cargo run --release -p osler-report --example NAME [DIR]`):
//! `artifact_report` (diagnosis: logistic regression on the Pima data),
//! `survival_report` (a Cox model on WHAS500, survival at one and two years)
//! and `expression_report` (an elastic net on the ALL expression profiles
//! joined to their clinical table). Each trains with cross-validation, saves
//! the artifact, loads it back, predicts from it and writes the report.
//!
//! ```
//! use osler_report::html::{Report, Table};
//! use osler_report::svg::Plot;
//!
//! let roc = Plot::new("ROC curve")
//!     .x_label("1 - specificity")
//!     .y_label("Sensitivity")
//!     .x_range(0.0, 1.0)
//!     .y_range(0.0, 1.0)
//!     .step("Model", &[(0.0, 0.0), (0.1, 0.6), (0.4, 0.9), (1.0, 1.0)])
//!     .reference_line("Chance", (0.0, 0.0), (1.0, 1.0))
//!     .render();
//! let mut report = Report::new("Validation report");
//! report.footer("osler 0.1.0");
//! report
//!     .section("Discrimination")
//!     .paragraph("AUC on the held-out set.")
//!     .figure(roc, "ROC curve on the test set.")
//!     .table(Table::new(["Metric", "Value"]).row(["AUC", "0.81"]).numeric_columns([1]));
//! let html = report.render();
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! ```

#![warn(missing_docs)]

pub mod compose;
pub mod format;
pub mod html;
pub mod svg;
pub mod text;

pub use compose::{ReportError, artifact_report, treatment_report};
pub use format::{fmt_ci, fmt_interval, fmt_num, fmt_p};
pub use html::{CalloutKind, Report, Section, Table};
pub use svg::{ErrorPoint, ForestRow, Plot, bar_chart_horizontal, forest_plot, histogram};

/// Escapes text for use in HTML or XML content and attribute values.
///
/// Replaces `&`, `<`, `>`, `"` and `'` with entities, and replaces control
/// characters that are not allowed in XML 1.0 (everything below U+0020
/// except tab, newline and carriage return) with U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_control_chars() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{0}b\tc"), "a\u{FFFD}b\tc");
        assert_eq!(escape("naïve ≤ 5"), "naïve ≤ 5");
    }
}
