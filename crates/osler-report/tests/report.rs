//! Integration tests: escaping, well-formedness, determinism, rendering.

mod common;

use common::{check_balanced, example_report};
use osler_report::html::{Report, Table};
use osler_report::svg::{ErrorPoint, Plot, bar_chart_horizontal, histogram};

fn coords_are_finite(svg: &str) -> bool {
    // Rust prints non-finite floats as NaN / inf / -inf.
    !["NaN", "inf\"", "inf,", "inf ", "\"inf", ",inf"].iter().any(|bad| svg.contains(bad))
}

#[test]
fn script_in_title_is_escaped_in_svg_and_html() {
    let evil = "<script>alert('x')</script> & co";
    let svg =
        Plot::new(evil).x_label(evil).y_label(evil).line(evil, &[(0.0, 0.0), (1.0, 1.0)]).render();
    assert!(!svg.contains("<script>"));
    assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    check_balanced(&svg).expect("balanced svg");
    let bars = bar_chart_horizontal(evil, &[evil.to_string()], &[1.0], evil);
    assert!(!bars.contains("<script>"));
    check_balanced(&bars).expect("balanced bars");

    let mut r = Report::new(evil);
    r.subtitle(evil).footer(evil);
    r.section(evil)
        .paragraph(evil)
        .list([evil])
        .key_values([(evil, evil)])
        .table(Table::new([evil]).row([evil]).caption(evil))
        .note(evil)
        .warning(evil)
        .figure(svg, evil);
    let html = r.render();
    assert!(!html.contains("<script>"), "unescaped script tag");
    check_balanced(&html).expect("balanced html");
}

#[test]
fn non_finite_points_are_skipped() {
    let pts = [
        (0.0, 0.0),
        (f64::NAN, 0.5),
        (0.5, f64::INFINITY),
        (0.6, 0.6),
        (1.0, 1.0),
        (f64::NEG_INFINITY, 2.0),
    ];
    let err = [
        ErrorPoint { x: 0.2, y: 0.2, lo: f64::NAN, hi: 0.3 },
        ErrorPoint { x: f64::NAN, y: 0.2, lo: 0.1, hi: 0.3 },
        ErrorPoint { x: 0.4, y: 0.4, lo: 0.3, hi: 0.5 },
    ];
    let svg = Plot::new("t")
        .line("l", &pts)
        .step("s", &pts)
        .points("p", &pts)
        .points_with_error_bars("e", &err)
        .reference_line("r", (f64::NAN, 0.0), (1.0, 1.0))
        .render();
    assert!(coords_are_finite(&svg), "{svg}");
    check_balanced(&svg).expect("balanced");
    // Auto range comes from finite data only: 0..1.
    assert!(svg.contains(">1.0</text>") && !svg.contains(">2.0</text>"));
    // Two markers for "p" (points 0, 0.6, 1.0 -> 3 circles) and 2 for "e".
    assert_eq!(svg.matches("<circle").count(), 3 + 1, "circles: p (3) + legend (1)");
    let bars =
        bar_chart_horizontal("b", &["a".into(), "b".into()], &[f64::NAN, f64::INFINITY], "x");
    assert!(coords_are_finite(&bars));
    assert!(bars.contains(">—</text>") && bars.contains(">∞</text>"));
    assert!(!bars.contains("<rect x=\"") || bars.matches("<rect").count() == 1, "no bars drawn");
    let h =
        histogram("h", "p", &[("g".into(), vec![0.1, f64::NAN, 0.9, 1.0, 2.0])], 10, (0.0, 1.0))
            .render();
    assert!(coords_are_finite(&h));
    assert!(h.contains("g (n = 3)"));
}

#[test]
fn bar_chart_negative_values_go_left_of_zero() {
    let labels: Vec<String> = vec!["pos".into(), "neg".into()];
    let svg = bar_chart_horizontal("Coefficients", &labels, &[0.5, -0.8], "log-odds");
    check_balanced(&svg).expect("balanced");
    // Find the zero axis and the two bars' x extents.
    let rects: Vec<(f64, f64)> = svg
        .split("<rect x=\"")
        .skip(2) // skip the background rect
        .map(|s| {
            let x: f64 = s.split('"').next().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
            let w: f64 = s
                .split("width=\"")
                .nth(1)
                .and_then(|v| v.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN);
            (x, w)
        })
        .collect();
    assert_eq!(rects.len(), 2);
    let (pos, neg) = (rects[0], rects[1]);
    // The positive bar starts where the negative one ends (the zero axis).
    assert!((neg.0 + neg.1 - pos.0).abs() < 0.02, "{rects:?}");
    assert!(neg.1 > pos.1, "|-0.8| draws longer than 0.5");
    assert!(svg.contains("#D55E00") && svg.contains("#0072B2"));
    assert!(svg.contains(">-0.800</text>") && svg.contains(">0.500</text>"));
}

#[test]
fn output_is_deterministic_and_well_formed() {
    let a = example_report();
    let b = example_report();
    assert_eq!(a, b);
    let tags = check_balanced(&a).expect("balanced example report");
    assert!(a.starts_with("<!DOCTYPE html>"));
    assert_eq!(tags.iter().filter(|t| *t == "svg").count(), 5);
    for needle in [
        "<title>",
        "aria-label=",
        "<nav class=\"toc\"",
        "@media print",
        "Figure 5.",
        "Table 1.",
        "&lt;1e-16",
        "data sha256",
    ] {
        assert!(a.contains(needle), "missing {needle}");
    }
    assert!(!a.contains("<script"), "no scripts, and the hostile label is escaped");
    assert!(
        !a.contains("http://")
            || a.matches("http://").count() == a.matches("http://www.w3.org/2000/svg").count(),
        "no external URLs"
    );
    assert!(coords_are_finite(&a));
}

#[test]
fn example_report_writes_to_temp_file() {
    let path = std::env::temp_dir().join(format!("osler_report_test_{}.html", std::process::id()));
    std::fs::write(&path, example_report()).expect("write report");
    let back = std::fs::read_to_string(&path).expect("read report");
    let _ = std::fs::remove_file(&path);
    assert!(back.len() > 10_000);
    assert!(back.trim_end().ends_with("</html>"));
}

#[test]
fn checker_rejects_unbalanced_markup() {
    assert!(check_balanced("<svg><g></svg>").is_err());
    assert!(check_balanced("<p>a < b</p>").is_err());
    assert!(check_balanced("<p>a & b</p>").is_err());
    assert!(check_balanced("<p><br>ok</p><line/>").is_ok());
}

/// Extracts every number that appears in a `points="..."` attribute or in
/// an `x`/`y`/`x1`/... coordinate attribute.
fn coordinates(svg: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for attr in
        ["points=\"", " x=\"", " y=\"", " x1=\"", " x2=\"", " y1=\"", " y2=\"", " cx=\"", " cy=\""]
    {
        for chunk in svg.split(attr).skip(1) {
            let value = chunk.split('"').next().unwrap_or("");
            out.extend(value.split([' ', ',']).filter_map(|v| v.parse::<f64>().ok()));
        }
    }
    out
}

#[test]
fn fixed_ranges_clip_data_to_the_plot_area() {
    let svg = Plot::new("Clipped")
        .size(400.0, 300.0)
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.0)
        .line("wild", &[(-5.0, -5.0), (0.5, 0.5), (0.6, 40.0), (9.0, 0.2)])
        .step("steps", &[(-1.0, 0.5), (0.5, 3.0), (2.0, 0.1)])
        .points("far", &[(10.0, 10.0), (0.5, 0.5)])
        .render();
    check_balanced(&svg).expect("balanced");
    let coords = coordinates(&svg);
    assert!(!coords.is_empty());
    assert!(coords.iter().all(|&c| (0.0..=400.0).contains(&c)), "{coords:?}");
    // Only the in-range point gets a marker (plus the legend sample).
    assert_eq!(svg.matches("<circle").count(), 2);
    // Fixed ranges keep their bounds: ticks at 0 and 1 only ends.
    assert!(svg.contains(">0.0</text>") && svg.contains(">1.0</text>"));
}

#[test]
fn auto_range_uses_nice_ticks() {
    let svg = Plot::new("Counts").points("n", &[(0.0, 0.0), (1.0, 1627.0)]).render();
    for label in [">0</text>", ">500</text>", ">1000</text>", ">1500</text>"] {
        assert!(svg.contains(label), "missing {label}");
    }
    let empty = Plot::new("").render();
    check_balanced(&empty).expect("empty plot is well-formed");
    assert!(empty.contains("aria-label=\"Chart\""));
}

#[test]
fn svg_has_accessibility_and_size_attributes() {
    let svg = Plot::new("ROC")
        .x_label("FPR")
        .y_label("TPR")
        .size(500.0, 400.0)
        .line("m", &[(0.0, 0.0), (1.0, 1.0)])
        .render();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"500\" height=\"400\" viewBox=\"0 0 500 400\" role=\"img\" aria-label=\"ROC\""));
    assert!(
        svg.contains("<title>ROC</title>")
            && svg.contains("<desc>x axis: FPR from 0.0 to 1.0; y axis: TPR")
    );
    assert!(svg.ends_with("</svg>"));
}

#[test]
fn histogram_counts_edges_and_normalises() {
    let plot = histogram("h", "p", &[("g".into(), vec![0.0, 0.05, 0.5, 1.0])], 2, (0.0, 1.0));
    let svg = plot.render();
    // Two bins: [0, 0.5) holds 2 of 4 values, [0.5, 1] holds 2 of 4 (1.0 included).
    assert!(svg.contains("g (n = 4)"));
    check_balanced(&svg).expect("balanced");
    // Both bins hold 0.5, so the automatic y axis ends exactly at 0.5; had
    // 1.0 been dropped the first bin would be 2/3 and the axis would go higher.
    assert!(svg.contains("y axis: Proportion of group from 0.0 to 0.5."), "{svg}");
}

#[test]
fn table_numeric_columns_are_right_aligned() {
    let mut r = Report::new("T");
    r.section("S").table(Table::new(["Name", "Value"]).row(["a", "0.5"]).numeric_columns([1]));
    let html = r.render();
    assert!(html.contains("<th scope=\"col\" class=\"num\">Value</th>"));
    assert!(html.contains("<td>a</td><td class=\"num\">0.5</td>"));
    assert!(html.contains(".num { text-align: right;"));
}
