//! Case-weight columns of the nonparametric analyses, checked row by row so
//! that a bad weight is reported with its file, line and column.

use osler_data::{ColumnData, Table};

use crate::analysis::AnalysisError;

/// The weights of a conformed table's column `name`: numeric, every value
/// finite and `>= 0` (R `survfit(weights = )` and lifelines refuse the
/// rest). Weights that are all zero are left to the estimator to refuse.
///
/// # Errors
/// [`AnalysisError::MissingColumn`], [`AnalysisError::WeightsNotNumeric`],
/// or [`AnalysisError::BadWeight`] naming the first bad row's line.
pub(super) fn case_weights(table: &Table, name: &str) -> Result<Vec<f64>, AnalysisError> {
    let col = table.column(name).ok_or_else(|| AnalysisError::MissingColumn {
        source_name: table.source.clone(),
        column: name.to_string(),
    })?;
    let ColumnData::Numeric(v) = &col.data else {
        return Err(AnalysisError::WeightsNotNumeric { column: name.to_string() });
    };
    match v.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
        Some(i) => Err(AnalysisError::BadWeight {
            source_name: table.source.clone(),
            location: table.locate(i),
            column: name.to_string(),
            value: (!v[i].is_nan()).then_some(v[i]),
        }),
        None => Ok(v.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_weights_name_line_and_column() {
        let t = osler_data::read_csv_bytes(b"w,g\n1,a\n-2,b\n,c\n", "w.csv").expect("csv");
        let e = case_weights(&t, "w").expect_err("negative").to_string();
        assert_eq!(e, "w.csv: line 3, column 'w': weight -2 must be finite and >= 0");
        let t = osler_data::read_csv_bytes(b"w,g\n1,a\n,c\n", "w.csv").expect("csv");
        let e = case_weights(&t, "w").expect_err("missing").to_string();
        assert_eq!(e, "w.csv: line 3, column 'w': the weight is missing");
        assert!(matches!(case_weights(&t, "g"), Err(AnalysisError::WeightsNotNumeric { .. })));
        assert!(matches!(case_weights(&t, "h"), Err(AnalysisError::MissingColumn { .. })));
    }
}
