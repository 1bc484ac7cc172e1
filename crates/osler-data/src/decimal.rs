//! Decimal marks: `33.6` or `33,6`.
//!
//! Spreadsheets in most of continental Europe and Latin America write a
//! decimal comma and, because the comma is then taken, separate CSV fields
//! with `;`. The CSV reader detects the mark of such a file (a field
//! separator other than `,` and numbers written `d,d`) so that its numbers are
//! read as numbers rather than as text levels; a file that writes both marks is
//! refused, since either could be a thousands separator there.

use serde::Serialize;

/// The character between the integer and the fractional part of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DecimalMark {
    /// `33.6`: the only mark of a `,`-separated file and of JSON.
    #[default]
    Point,
    /// `33,6`: numbers of a file whose fields are separated by `;` (or a tab).
    Comma,
}

/// How a cell that reads as a number writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// No fractional part (`148`, `-3`, `1e5`): the same under either mark.
    Plain,
    /// A decimal point (`33.6`).
    Point,
    /// A decimal comma (`33,6`).
    Comma,
}

impl DecimalMark {
    /// The mark as written: `.` or `,`.
    pub fn symbol(self) -> char {
        match self {
            DecimalMark::Point => '.',
            DecimalMark::Comma => ',',
        }
    }

    /// The number `text` writes with this mark, `None` when it is not one.
    /// A point reads what Rust's `f64` parser reads; a comma reads `33,6`,
    /// `-0,5` and `148`, but not `33.6`: in a decimal-comma file a point
    /// separates thousands, which this reader does not guess at.
    pub fn parse(self, text: &str) -> Option<f64> {
        match self {
            DecimalMark::Point => text.parse().ok(),
            DecimalMark::Comma if text.contains(',') => comma_number(text),
            DecimalMark::Comma if text.contains('.') => None,
            DecimalMark::Comma => text.parse().ok(),
        }
    }

    /// `x` as its shortest round-trip text, written with this mark.
    pub fn render(self, x: f64) -> String {
        match self {
            DecimalMark::Point => x.to_string(),
            DecimalMark::Comma => x.to_string().replacen('.', ",", 1),
        }
    }
}

/// `d,d` (an optional sign, digits, one comma, digits) as a number.
fn comma_number(text: &str) -> Option<f64> {
    let (int, frac) = text.split_once(',')?;
    let digits = int.strip_prefix(['-', '+']).unwrap_or(int);
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(digits) || !all_digits(frac) {
        return None;
    }
    format!("{int}.{frac}").parse().ok()
}

/// `cell` as a number written with either mark, and the form it is written
/// in: what the detection of a file's mark reads.
pub(crate) fn read_either(cell: &str) -> Option<(f64, Form)> {
    match DecimalMark::Point.parse(cell) {
        Some(x) if cell.contains('.') => Some((x, Form::Point)),
        Some(x) => Some((x, Form::Plain)),
        None => comma_number(cell).map(|x| (x, Form::Comma)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comma_reads_d_comma_d_and_integers_but_not_points() {
        let c = DecimalMark::Comma;
        assert_eq!(c.parse("33,6"), Some(33.6));
        assert_eq!(c.parse("-0,627"), Some(-0.627));
        assert_eq!(c.parse("148"), Some(148.0));
        assert_eq!(c.parse("33.6"), None);
        for not_a_number in ["1,2,3", ",5", "5,", "1.234,5", "a,b", "1,5 mg"] {
            assert_eq!(c.parse(not_a_number), None, "{not_a_number}");
        }
        assert_eq!(DecimalMark::Point.parse("33,6"), None);
        assert_eq!(DecimalMark::Point.parse("33.6"), Some(33.6));
    }

    #[test]
    fn rendering_round_trips_under_the_mark() {
        for m in [DecimalMark::Point, DecimalMark::Comma] {
            for x in [0.627, -33.6, 148.0, 1e-7] {
                assert_eq!(m.parse(&m.render(x)), Some(x), "{m:?} {x}");
            }
        }
        assert_eq!(DecimalMark::Comma.render(0.5), "0,5");
    }

    #[test]
    fn undecided_cells_report_their_form() {
        assert_eq!(read_either("33,6"), Some((33.6, Form::Comma)));
        assert_eq!(read_either("0.627"), Some((0.627, Form::Point)));
        assert_eq!(read_either("50"), Some((50.0, Form::Plain)));
        assert_eq!(read_either("pos"), None);
    }
}

#[cfg(test)]
#[path = "decimal_test.rs"]
mod reading;
