//! Decimal-mark detection and unparsed columns, through the CSV reader and
//! the schema.

use crate::csv_reader::{CsvOptions, read_csv_bytes, read_csv_reader_with};
use crate::decimal::DecimalMark;
use crate::error::DataError;
use crate::schema::{ColumnSpec, Kind, Role, Schema};
use crate::table::{ColumnData, Table};

const POINT: &str = "mass,pedigree,age,diabetes\n33.6,0.627,50,pos\n26.6,0.351,31,neg\n\
                     23.3,0.672,32,pos\n28.1,0.167,21,neg\n";

/// `POINT` as a spreadsheet with a decimal comma writes it.
fn comma_copy() -> String {
    POINT.replace(',', ";").replace('.', ",")
}

fn with(text: &str, options: &CsvOptions) -> Result<Table, DataError> {
    read_csv_reader_with(text.as_bytes(), "t.csv", options)
}

#[test]
fn a_semicolon_file_with_decimal_commas_reads_the_same_numbers() {
    let point = read_csv_bytes(POINT.as_bytes(), "p.csv").expect("point");
    let comma = read_csv_bytes(comma_copy().as_bytes(), "c.csv").expect("comma");
    assert_eq!((point.decimal, comma.decimal), (DecimalMark::Point, DecimalMark::Comma));
    assert_eq!(point.columns, comma.columns);
    assert_eq!(comma.columns[0].data, ColumnData::Numeric(vec![33.6, 26.6, 23.3, 28.1]));
    let schema = Schema::infer(&comma).expect("infer");
    assert_eq!(schema, Schema::infer(&point).expect("infer"));
}

#[test]
fn both_marks_in_one_file_are_refused_naming_the_columns() {
    let e = read_csv_bytes(b"a;b\n1,5;2\n2.5;3\n", "t.csv").expect_err("one column, two marks");
    assert!(matches!(&e, DataError::AmbiguousDecimal(m) if m.comma_column == "a"
        && m.point_column == "a" && (m.comma_line, m.point_line) == (2, 3)));
    let e = read_csv_bytes(b"a;b\n1,5;2.5\n", "t.csv").expect_err("two columns, two marks");
    let m = e.to_string();
    assert!(
        m.starts_with("t.csv: column 'a'") && m.contains("column 'b'") && m.contains("ambiguous"),
        "{m}"
    );
    // A given mark settles it: under a comma, `2.5` is text (a point may group thousands).
    let comma = CsvOptions { decimal: Some(DecimalMark::Comma), ..CsvOptions::default() };
    let t = with("a;b\n1,5;2.5\n", &comma).expect("comma given");
    assert_eq!(t.columns[0].data, ColumnData::Numeric(vec![1.5]));
    assert_eq!(t.columns[1].data.text_at(0).as_deref(), Some("2.5"));
}

#[test]
fn a_comma_separated_file_keeps_reading_points_unless_told() {
    let t = read_csv_bytes(b"a,b\n\"1,5\",2\n", "t.csv").expect("csv");
    assert_eq!(
        (t.decimal, t.columns[0].data.text_at(0).as_deref()),
        (DecimalMark::Point, Some("1,5"))
    );
    let comma = CsvOptions { decimal: Some(DecimalMark::Comma), ..CsvOptions::default() };
    let t = with("a,b\n\"1,5\",2\n", &comma).expect("comma given");
    assert_eq!(t.columns[0].data, ColumnData::Numeric(vec![1.5]));
}

#[test]
fn a_typo_in_a_decimal_comma_column_is_refused_as_in_a_point_file() {
    let mut text = String::from("mass;age\n");
    for i in 0..12 {
        text.push_str(&format!("{},5;{}\n", 20 + i, 30 + i));
    }
    text.push_str("3x,1;40\n");
    let t = read_csv_bytes(text.as_bytes(), "t.csv").expect("csv");
    // Numbers read before the typo keep their comma in the column's text.
    assert_eq!(t.columns[0].data.text_at(0).as_deref(), Some("20,5"));
    let e = Schema::infer(&t).expect_err("mostly numbers").to_string();
    assert!(e.contains("'3x,1' is not a number, but 12 of 13"), "{e}");
    // A schema declaring the typo a missing code reads the rest as numbers.
    let mut mass = ColumnSpec::new("mass", Kind::Numeric, Role::Feature);
    mass.missing = vec!["3x,1".into()];
    let schema = Schema::new(vec![mass, ColumnSpec::new("age", Kind::Numeric, Role::Feature)]);
    let t = schema.conform(t, &[], false).expect("conform");
    assert_eq!(t.columns[0].data.text_at(1).as_deref(), Some("21.5"));
    assert!(t.columns[0].data.is_missing(12));
}

#[test]
fn unparsed_columns_are_text_unchecked_ignored_and_out_of_the_detection() {
    let mut text = String::from("pid;mass;note\n");
    for i in 0..12 {
        text.push_str(&format!("{i};{},5;{}.5\n", 20 + i, i));
    }
    text.push_str("X17;33,6;1,5\n");
    let skip = vec!["pid".to_string(), "note".to_string(), "absent".to_string()];
    let options = CsvOptions { unparsed: skip, ..CsvOptions::default() };
    let t = with(&text, &options).expect("pid and note unparsed");
    assert_eq!(t.unparsed, ["pid", "note"]);
    assert_eq!(t.decimal, DecimalMark::Comma);
    assert_eq!(t.columns[0].data.text_at(0).as_deref(), Some("0"));
    let schema = Schema::infer(&t).expect("an unparsed id with one text value is not refused");
    let pid = schema.get("pid").expect("listed");
    assert_eq!((pid.kind, pid.role, pid.levels.as_ref()), (Kind::Categorical, Role::Ignore, None));
    assert_eq!(schema.get("mass").map(|c| (c.kind, c.role)), Some((Kind::Numeric, Role::Feature)));
    // Parsed, the same id column is refused and the two marks are ambiguous.
    assert!(matches!(
        read_csv_bytes(text.as_bytes(), "t.csv"),
        Err(DataError::AmbiguousDecimal(_))
    ));
}

#[test]
fn ignored_columns_are_not_conformed() {
    let t = read_csv_bytes(b"pid,x\nX17,1\n2,2\n", "t.csv").expect("csv");
    let mut schema = Schema::new(vec![
        ColumnSpec::new("pid", Kind::Numeric, Role::Feature),
        ColumnSpec::new("x", Kind::Numeric, Role::Feature),
    ]);
    assert!(schema.conform(t.clone(), &[], false).is_err());
    schema.ignore(&["pid"]);
    assert_eq!(schema.get("pid").map(|c| c.role), Some(Role::Ignore));
    schema.conform(t, &[], false).expect("pid is not checked");
}
