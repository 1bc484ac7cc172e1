//! osler-report: self-contained HTML reports with SVG plots.
