//! Data tables for reports.

use crate::escape;
use std::fmt::Write as _;

/// A table of pre-formatted cells (format numbers with
/// [`fmt_num`](crate::format::fmt_num) and friends first).
///
/// Columns listed in `numeric_columns` are right-aligned with tabular
/// (fixed-width) digits. Ragged rows are padded with empty cells to the
/// widest row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// Optional caption, shown above the table after "Table N.".
    pub caption: Option<String>,
    /// Zero-based indices of columns to right-align as numbers.
    pub numeric_columns: Vec<usize>,
}

impl Table {
    /// Creates an empty table with these headers.
    pub fn new<I, S>(headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Table { headers: headers.into_iter().map(Into::into).collect(), ..Table::default() }
    }

    /// Appends a row.
    pub fn row<I, S>(mut self, cells: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the caption.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// Marks columns (zero-based) as numeric: right-aligned, tabular digits.
    pub fn numeric_columns(mut self, columns: impl IntoIterator<Item = usize>) -> Self {
        self.numeric_columns = columns.into_iter().collect();
        self
    }

    /// Marks as numeric every column whose non-empty cells all look like
    /// numbers as produced by [`crate::format`] (`0.81`, `-1.2e-5`, `<1e-16`,
    /// `—`, `0.81 (0.78–0.84)`, `12%`). Columns with no such cells are left
    /// unchanged.
    pub fn detect_numeric_columns(mut self) -> Self {
        let width = self.width();
        let detected: Vec<usize> = (0..width)
            .filter(|&c| {
                let mut cells = self
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .peekable();
                cells.peek().is_some() && cells.all(looks_numeric)
            })
            .collect();
        for c in detected {
            if !self.numeric_columns.contains(&c) {
                self.numeric_columns.push(c);
            }
        }
        self.numeric_columns.sort_unstable();
        self
    }

    /// Number of columns (headers or widest row).
    fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).fold(self.headers.len(), usize::max)
    }

    /// Renders the `<table>` (wrapped for horizontal scrolling on screens);
    /// `number` is the figure-style "Table N." label.
    pub(crate) fn render(&self, number: usize, out: &mut String) {
        let width = self.width();
        let class = |c: usize| {
            if self.numeric_columns.contains(&c) { " class=\"num\"" } else { "" }
        };
        out.push_str("<div class=\"table-wrap\">\n<table>\n");
        let _ = write!(out, "<caption><span class=\"label\">Table {number}.</span>");
        if let Some(c) = &self.caption {
            let _ = write!(out, " {}", escape(c));
        }
        out.push_str("</caption>\n");
        if !self.headers.is_empty() {
            out.push_str("<thead><tr>");
            for c in 0..width {
                let h = self.headers.get(c).map_or("", String::as_str);
                let _ = write!(out, "<th scope=\"col\"{}>{}</th>", class(c), escape(h));
            }
            out.push_str("</tr></thead>\n");
        }
        out.push_str("<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for c in 0..width {
                let cell = row.get(c).map_or("", String::as_str);
                let _ = write!(out, "<td{}>{}</td>", class(c), escape(cell));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
    }
}

/// Whether a cell looks like a formatted number.
fn looks_numeric(s: &str) -> bool {
    if s == crate::format::MISSING || s == "∞" || s == "-∞" {
        return true;
    }
    let (first, rest) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    if !rest.trim().is_empty() && !rest.trim_start().starts_with('(') {
        return false;
    }
    let core = first.trim_start_matches(['<', '>', '≤', '≥', '~']).trim_end_matches('%');
    !core.is_empty() && core.parse::<f64>().is_ok_and(|v| !v.is_nan())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_numeric_columns() {
        let t = Table::new(["Name", "AUC", "p", "Note"])
            .row(["a", "0.81 (0.78–0.84)", "<1e-16", "ok"])
            .row(["b", "—", "0.032", "12 cases"])
            .row(["c", "12%", "1.2e-7", ""])
            .detect_numeric_columns();
        assert_eq!(t.numeric_columns, vec![1, 2]);
    }

    #[test]
    fn pads_ragged_rows_and_escapes() {
        let t = Table::new(["A", "B"]).row(["<b>"]).row(["1", "2", "3"]).numeric_columns([1]);
        let mut s = String::new();
        t.render(3, &mut s);
        assert!(s.contains("<td>&lt;b&gt;</td><td class=\"num\"></td><td></td>"));
        assert!(s.contains("<th scope=\"col\"></th>"));
        assert!(s.contains("Table 3."));
    }
}
