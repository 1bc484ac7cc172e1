//! Inline stylesheet for reports (screen and print).

/// The document stylesheet. It avoids the `>` child combinator so the
/// `<style>` body never contains markup-like characters.
pub(crate) const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; padding: 2rem 1.5rem 3rem; max-width: 60rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 16px; line-height: 1.55; color: #1a1a1a; background: #ffffff;
}
header { border-bottom: 2px solid #1a1a1a; margin-bottom: 1.5rem; padding-bottom: 0.75rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 0.35rem; }
.subtitle { font-size: 1.1rem; color: #4a4a4a; margin: 0; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 1px solid #d0d0d0; }
h3 { font-size: 1.12rem; margin: 1.75rem 0 0.5rem; }
p, ul, dl { max-width: 45rem; }
a { color: #0b5394; }
nav.toc { background: #f6f7f8; border: 1px solid #e0e0e0; border-radius: 6px; padding: 0.75rem 1.25rem; margin: 1rem 0 2rem; }
nav.toc h2 { font-size: 1rem; margin: 0 0 0.35rem; border: 0; padding: 0; }
nav.toc ol { margin: 0; padding-left: 1.5rem; }
nav.toc li { margin: 0.1rem 0; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1.5rem; margin: 1rem 0; }
dl.kv dt { font-weight: 600; color: #333333; }
dl.kv dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; margin: 1.25rem 0; }
table { border-collapse: collapse; font-size: 0.92rem; min-width: 50%; }
caption { caption-side: top; text-align: left; padding: 0 0 0.4rem; color: #333333; }
th, td { padding: 0.35rem 0.75rem; border-bottom: 1px solid #e0e0e0; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #1a1a1a; font-weight: 600; }
tbody tr:nth-child(even) { background: #f8f9fa; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1.5rem 0; }
figure .plot { max-width: 100%; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 0.92rem; color: #333333; margin-top: 0.4rem; max-width: 45rem; }
.label { font-weight: 600; }
.callout { border-left: 5px solid #0072b2; background: #eef5fb; padding: 0.6rem 1rem; margin: 1.25rem 0; max-width: 45rem; border-radius: 0 4px 4px 0; }
.callout.warning { border-left-color: #d55e00; background: #fdf1e8; }
.callout p { margin: 0; }
footer { margin-top: 3rem; padding-top: 0.75rem; border-top: 1px solid #d0d0d0; font-size: 0.85rem; color: #4a4a4a; }
footer p { margin: 0; overflow-wrap: anywhere; }
@page { margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  a { color: inherit; text-decoration: none; }
  nav.toc { background: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure, table, .callout, dl.kv { break-inside: avoid; page-break-inside: avoid; }
  .table-wrap { overflow: visible; }
  tbody tr:nth-child(even) { background: none; }
  .callout { background: none; border: 1px solid #8c8c8c; border-left-width: 5px; }
}
"#;
