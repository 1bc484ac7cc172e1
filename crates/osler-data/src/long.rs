//! Long-format tables: one row per patient per visit (time step), as R
//! survival's `pbcseq` (1,945 laboratory visits of 312 patients).
//!
//! [`visit_groups`] finds each patient's rows and puts them in time order;
//! [`pack_sequences`] turns per-visit design rows into the fixed-length
//! `[patients][steps][features]` sequences a recurrent network reads.
//! Per-patient values (the outcome, baseline covariates) are read from one
//! row per patient ([`VisitGroups::first_rows`]) after
//! [`VisitGroups::check_constant`] has made sure they do not change between
//! visits.

use std::collections::HashMap;

use crate::error::{DataError, PatientRows, did_you_mean};
use crate::matrix::Matrix;
use crate::table::{Column, ColumnData, MISSING_CODE, Table};

/// Each patient's rows of a long-format table, in time order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitGroups {
    /// The column holding the patient id.
    pub id_column: String,
    /// The numeric column holding the visit time (e.g. days since enrolment).
    pub time_column: String,
    /// Patient ids (as text; numbers in shortest round-trip form), in order of
    /// first appearance in the table.
    pub ids: Vec<String>,
    /// Per patient (same order as `ids`): table row indices sorted by visit
    /// time; no two rows of one patient share a time.
    pub rows: Vec<Vec<usize>>,
}

/// Groups a conformed table by the patient-id column `id`, ordering each
/// patient's rows by the numeric visit-time column `time`.
///
/// # Errors
/// [`DataError::MissingColumn`] when `id` or `time` is absent;
/// [`DataError::PatientIdMissing`] for a row without an id;
/// [`DataError::VisitTimeNotNumeric`] for a time that is text or not finite;
/// [`DataError::VisitTimeMissing`] for a row without a time;
/// [`DataError::DuplicateVisit`] when two rows of one patient share a time
/// (their order, and so the sequence, would be undefined).
pub fn visit_groups(table: &Table, id: &str, time: &str) -> Result<VisitGroups, DataError> {
    let id_col = column(table, id)?;
    let times = visit_times(table, column(table, time)?)?;
    let (ids, mut rows) = group_by_id(table, id_col)?;
    for (patient, rows) in rows.iter_mut().enumerate() {
        if let Some(&r) = rows.iter().find(|&&r| times[r].is_nan()) {
            return Err(DataError::VisitTimeMissing {
                source_name: table.source.clone(),
                location: table.locate(r),
                column: time.to_string(),
                patient: ids[patient].clone(),
            });
        }
        // Stable, so equal times keep table order and the error names the
        // earlier row first.
        rows.sort_by(|&a, &b| times[a].total_cmp(&times[b]));
        if let Some(w) = rows.windows(2).find(|w| times[w[0]] == times[w[1]]) {
            return Err(DataError::DuplicateVisit(Box::new(PatientRows {
                source_name: table.source.clone(),
                patient: ids[patient].clone(),
                column: time.to_string(),
                first: table.locate(w[0]),
                second: table.locate(w[1]),
            })));
        }
    }
    Ok(VisitGroups { id_column: id.to_string(), time_column: time.to_string(), ids, rows })
}

/// The column called `name`, or the error that names the table and suggests a
/// near name.
fn column<'a>(table: &'a Table, name: &str) -> Result<&'a Column, DataError> {
    table.column(name).ok_or_else(|| DataError::MissingColumn {
        source_name: table.source.clone(),
        column: name.to_string(),
        hint: did_you_mean(name, table.names()),
    })
}

/// The visit time of every row (NaN = missing). A text column is accepted
/// when every present value reads as a number (a schema may have declared
/// the column categorical).
fn visit_times(table: &Table, col: &Column) -> Result<Vec<f64>, DataError> {
    let not_numeric = |i: usize| DataError::VisitTimeNotNumeric {
        source_name: table.source.clone(),
        location: table.locate(i),
        column: col.name.clone(),
    };
    let times = match &col.data {
        ColumnData::Numeric(v) => v.clone(),
        ColumnData::Text { codes, levels } => {
            // An unreadable level becomes infinity, which the check below refuses.
            let parsed: Vec<f64> = levels
                .iter()
                .map(|l| l.trim().parse::<f64>().ok().filter(|t| t.is_finite()))
                .map(|t| t.unwrap_or(f64::INFINITY))
                .collect();
            codes
                .iter()
                .map(|&c| if c == MISSING_CODE { f64::NAN } else { parsed[c as usize] })
                .collect()
        }
    };
    match times.iter().position(|t| t.is_infinite()) {
        Some(i) => Err(not_numeric(i)),
        None => Ok(times),
    }
}

/// Patient ids in order of first appearance and each patient's rows in table
/// order. Rows are keyed by dictionary code or number bits, so no string is
/// built per row.
fn group_by_id(table: &Table, col: &Column) -> Result<(Vec<String>, Vec<Vec<usize>>), DataError> {
    let missing = |i: usize| DataError::PatientIdMissing {
        source_name: table.source.clone(),
        location: table.locate(i),
        column: col.name.clone(),
    };
    let key = |i: usize| -> Option<u64> {
        match &col.data {
            ColumnData::Text { codes, .. } => {
                (codes[i] != MISSING_CODE).then(|| u64::from(codes[i]))
            }
            // `+ 0.0` makes -0 and 0 one patient.
            ColumnData::Numeric(v) => (!v[i].is_nan()).then(|| (v[i] + 0.0).to_bits()),
        }
    };
    let mut index: HashMap<u64, usize> = HashMap::new();
    let (mut ids, mut rows): (Vec<String>, Vec<Vec<usize>>) = (Vec::new(), Vec::new());
    for i in 0..table.n_rows() {
        let k = key(i).ok_or_else(|| missing(i))?;
        let p = *index.entry(k).or_insert_with(|| {
            ids.push(col.data.text_at(i).unwrap_or_default());
            rows.push(Vec::new());
            rows.len() - 1
        });
        rows[p].push(i);
    }
    Ok((ids, rows))
}

impl VisitGroups {
    /// Number of patients.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the table had no rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The first visit's row (earliest time) of every patient, where
    /// per-patient values such as the outcome are read.
    pub fn first_rows(&self) -> Vec<usize> {
        self.rows.iter().filter_map(|r| r.first().copied()).collect()
    }

    /// The longest sequence: the visits of the patient with the most rows
    /// (0 for an empty table).
    pub fn max_visits(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// Checks that `column` holds one value per patient (e.g. the outcome, or
    /// a baseline covariate such as sex); a missing value differs from any
    /// present one.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`] when the column is absent;
    /// [`DataError::NotConstantPerPatient`] naming the patient, the column and
    /// the two rows (never the values) when one patient's visits disagree.
    pub fn check_constant(&self, table: &Table, column_name: &str) -> Result<(), DataError> {
        let col = column(table, column_name)?;
        // Two missing values are the same value; a missing and a present one differ.
        let same = |a: usize, b: usize| match &col.data {
            ColumnData::Numeric(v) => v[a] == v[b] || (v[a].is_nan() && v[b].is_nan()),
            ColumnData::Text { codes, .. } => codes[a] == codes[b],
        };
        for (patient, rows) in self.rows.iter().enumerate() {
            let Some((&first, rest)) = rows.split_first() else { continue };
            if let Some(&other) = rest.iter().find(|&&r| !same(first, r)) {
                return Err(DataError::NotConstantPerPatient(Box::new(PatientRows {
                    source_name: table.source.clone(),
                    patient: self.ids[patient].clone(),
                    column: column_name.to_string(),
                    first: table.locate(first),
                    second: table.locate(other),
                })));
            }
        }
        Ok(())
    }
}

/// Packs per-visit design rows into fixed-length sequences.
///
/// `x` is a design matrix with one row per table row (row `i` of `x` = table
/// row `i`). For the patients listed (indices into `groups`), returns
/// row-major values `[patients][steps][x.cols()]`: each patient's LAST
/// `steps` visits in time order, left-padded with zeros when the patient has
/// fewer (so the final step is always the latest visit, which is what the
/// recurrent network reads), plus each patient's number of real (unpadded)
/// steps.
///
/// # Panics
/// If a patient index is out of range of `groups` or a grouped row is out of
/// range of `x` (a programming error: `x` must come from the grouped table).
pub fn pack_sequences(
    x: &Matrix,
    groups: &VisitGroups,
    patients: &[usize],
    steps: usize,
) -> (Vec<f64>, Vec<usize>) {
    let p = x.cols();
    let mut values = vec![0.0; patients.len() * steps * p];
    // The visits kept for each patient and where the first lands, computed
    // once instead of per column.
    let kept: Vec<(&[usize], usize)> = patients
        .iter()
        .map(|&k| {
            let rows = &groups.rows[k];
            let taken = rows.len().min(steps);
            (&rows[rows.len() - taken..], steps - taken)
        })
        .collect();
    // Column-major source: read one column at a time so reads stay within a
    // contiguous slice.
    for j in 0..p {
        let col = x.col(j);
        for (k, &(rows, pad)) in kept.iter().enumerate() {
            let base = k * steps + pad;
            for (t, &r) in rows.iter().enumerate() {
                values[(base + t) * p + j] = col[r];
            }
        }
    }
    (values, kept.iter().map(|(rows, _)| rows.len()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_reader::read_csv_bytes;

    /// A long table: patient, visit day, a per-patient outcome, one lab value.
    fn table(csv: &str) -> Table {
        read_csv_bytes(csv.as_bytes(), "visits.csv").expect("valid CSV")
    }

    const VISITS: &str = "id,day,dead,bili\n\
                          7,180,1,2.5\n\
                          3,0,0,1.0\n\
                          7,0,1,1.5\n\
                          3,365,0,1.1\n\
                          7,90,1,2.0\n\
                          9,0,0,0.7\n";

    #[test]
    fn groups_patients_in_table_order_and_visits_in_time_order() {
        let t = table(VISITS);
        let g = visit_groups(&t, "id", "day").expect("valid long table");
        assert_eq!((g.id_column.as_str(), g.time_column.as_str()), ("id", "day"));
        assert_eq!(g.ids, ["7", "3", "9"]);
        assert_eq!(g.rows, [vec![2, 4, 0], vec![1, 3], vec![5]]);
        assert_eq!((g.len(), g.is_empty(), g.max_visits()), (3, false, 3));
        assert_eq!(g.first_rows(), [2, 1, 5]);
        g.check_constant(&t, "dead").expect("one outcome per patient");
    }

    #[test]
    fn text_ids_and_text_times_that_read_as_numbers_are_accepted() {
        let mut t = table("id,day\nP01,10\nP02,5\nP01,2\n");
        let day = t.columns.iter_mut().find(|c| c.name == "day").expect("day");
        let (codes, levels, _) =
            crate::table::numbers_to_text(&[10.0, 5.0, 2.0], crate::DecimalMark::Point);
        day.data = ColumnData::Text { codes, levels };
        let g = visit_groups(&t, "id", "day").expect("numeric text");
        assert_eq!(g.ids, ["P01", "P02"]);
        assert_eq!(g.rows, [vec![2, 0], vec![1]]);
    }

    #[test]
    fn an_empty_table_has_no_patients() {
        let t = table("id,day\n1,0\n").take_rows(&[]);
        let g = visit_groups(&t, "id", "day").expect("empty is valid");
        assert_eq!((g.len(), g.is_empty(), g.max_visits()), (0, true, 0));
        let (values, lengths) = pack_sequences(&Matrix::zeros(0, 2), &g, &[], 4);
        assert!(values.is_empty() && lengths.is_empty());
    }

    #[test]
    fn absent_columns_are_named_with_a_suggestion() {
        let t = table(VISITS);
        let e = visit_groups(&t, "ids", "day").expect_err("no column ids");
        assert!(matches!(&e, DataError::MissingColumn { column, .. } if column == "ids"), "{e}");
        assert!(e.to_string().contains("did you mean 'id'?"), "{e}");
        let e = visit_groups(&t, "id", "visit").expect_err("no column visit");
        assert!(matches!(&e, DataError::MissingColumn { column, .. } if column == "visit"));
        let g = visit_groups(&t, "id", "day").expect("valid");
        assert!(matches!(g.check_constant(&t, "deaths"), Err(DataError::MissingColumn { .. })));
    }

    #[test]
    fn a_row_without_a_patient_id_is_refused() {
        let e = visit_groups(&table("id,day\n1,0\n,30\n"), "id", "day").expect_err("no id");
        let DataError::PatientIdMissing { source_name, location, column } = &e else {
            panic!("wrong error: {e}")
        };
        assert_eq!(
            (source_name.as_str(), location.as_str(), column.as_str()),
            ("visits.csv", "line 3", "id")
        );
    }

    #[test]
    fn a_visit_without_a_time_is_refused() {
        let e = visit_groups(&table("id,day\n1,0\n2,0\n2,\n"), "id", "day").expect_err("no time");
        let DataError::VisitTimeMissing { location, column, patient, .. } = &e else {
            panic!("wrong error: {e}")
        };
        assert_eq!((location.as_str(), column.as_str(), patient.as_str()), ("line 4", "day", "2"));
    }

    #[test]
    fn a_time_that_is_not_a_number_is_refused() {
        let e =
            visit_groups(&table("id,day\n1,0\n1,2024-03-01\n"), "id", "day").expect_err("a date");
        let DataError::VisitTimeNotNumeric { location, column, .. } = &e else {
            panic!("wrong error: {e}")
        };
        assert_eq!((location.as_str(), column.as_str()), ("line 3", "day"));
        assert!(!e.to_string().contains("2024"), "no values in messages: {e}");
    }

    #[test]
    fn two_visits_of_one_patient_at_one_time_are_refused() {
        let csv = "id,day\n1,30\n2,30\n1,0\n1,30\n";
        let e = visit_groups(&table(csv), "id", "day").expect_err("duplicated visit");
        let DataError::DuplicateVisit(rows) = &e else { panic!("wrong error: {e}") };
        let expected = PatientRows {
            source_name: "visits.csv".into(),
            patient: "1".into(),
            column: "day".into(),
            first: "line 2".into(),
            second: "line 5".into(),
        };
        assert_eq!(**rows, expected);
    }

    #[test]
    fn a_per_patient_value_that_changes_is_refused_without_its_values() {
        let t = table("id,day,dead,sex\n1,0,0,f\n1,9,1,f\n2,0,1,m\n2,5,1,\n");
        let g = visit_groups(&t, "id", "day").expect("valid");
        let e = g.check_constant(&t, "dead").expect_err("outcome changes");
        let DataError::NotConstantPerPatient(rows) = &e else { panic!("wrong error: {e}") };
        assert_eq!((rows.column.as_str(), rows.patient.as_str()), ("dead", "1"));
        assert_eq!((rows.first.as_str(), rows.second.as_str()), ("line 2", "line 3"));
        let e = g.check_constant(&t, "sex").expect_err("missing differs from m");
        assert!(matches!(&e, DataError::NotConstantPerPatient(r) if r.patient == "2"));
        assert!(!e.to_string().contains("'m'"), "{e}");
    }

    #[test]
    fn packing_keeps_the_last_visits_and_pads_on_the_left() {
        let t = table(VISITS);
        let g = visit_groups(&t, "id", "day").expect("valid");
        // Two features per row: the row number and ten times it.
        let rows: Vec<f64> = (0..6).map(f64::from).collect();
        let tens: Vec<f64> = rows.iter().map(|r| r * 10.0).collect();
        let x = Matrix::from_columns(&[rows, tens]).expect("equal columns");
        // Patients 9 (one visit) and 7 (three visits: rows 2, 4, 0), two steps.
        let (values, lengths) = pack_sequences(&x, &g, &[2, 0], 2);
        assert_eq!(lengths, [1, 2]);
        assert_eq!(values, [0.0, 0.0, 5.0, 50.0, 4.0, 40.0, 0.0, 0.0]);
        let (values, lengths) = pack_sequences(&x, &g, &[1], g.max_visits());
        assert_eq!(lengths, [2]);
        assert_eq!(values, [0.0, 0.0, 1.0, 10.0, 3.0, 30.0]);
    }

    #[test]
    fn a_hundred_thousand_rows_group_and_pack() {
        // 25,000 patients with 4 visits each, listed newest first.
        let n = 100_000;
        let id: Vec<f64> = (0..n).map(|i| (i % 25_000) as f64).collect();
        let day: Vec<f64> = (0..n).map(|i| (3 - i / 25_000) as f64 * 30.0).collect();
        let t = Table {
            source: "big.csv".into(),
            columns: vec![
                Column { name: "id".into(), data: ColumnData::Numeric(id) },
                Column { name: "day".into(), data: ColumnData::Numeric(day.clone()) },
            ],
            lines: (2..n as u64 + 2).collect(),
            sha256: None,
            rows_are_records: false,
            decimal: crate::DecimalMark::Point,
            unparsed: Vec::new(),
        };
        let g = visit_groups(&t, "id", "day").expect("valid");
        assert_eq!((g.len(), g.max_visits()), (25_000, 4));
        let x = Matrix::from_columns(&[day]).expect("one column");
        let patients: Vec<usize> = (0..g.len()).collect();
        let (values, lengths) = pack_sequences(&x, &g, &patients, 4);
        assert!(lengths.iter().all(|&l| l == 4));
        assert_eq!(&values[..4], [0.0, 30.0, 60.0, 90.0]);
        assert_eq!(&values[values.len() - 4..], [0.0, 30.0, 60.0, 90.0]);
    }
}
