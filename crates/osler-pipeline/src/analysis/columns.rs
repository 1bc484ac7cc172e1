//! Group labels and their dense codes, for grouping, strata and cluster columns.

use osler_data::Table;

use super::AnalysisError;

/// Text of each row of a column (a missing row is an error naming its line).
pub(crate) fn labels(table: &Table, name: &str) -> Result<Vec<String>, AnalysisError> {
    let col = table.column(name).ok_or_else(|| AnalysisError::MissingColumn {
        source_name: table.source.clone(),
        column: name.to_string(),
    })?;
    (0..table.n_rows())
        .map(|i| {
            col.data.text_at(i).ok_or_else(|| AnalysisError::MissingLabel {
                source_name: table.source.clone(),
                location: table.locate(i),
                column: name.to_string(),
            })
        })
        .collect()
}

/// The distinct labels in sorted order.
pub(crate) fn levels(labels: &[String]) -> Vec<&String> {
    let mut levels: Vec<&String> = labels.iter().collect();
    levels.sort();
    levels.dedup();
    levels
}

/// Dense codes 0..k of a label column, in sorted label order.
pub(crate) fn codes(labels: &[String]) -> Vec<u32> {
    let levels = levels(labels);
    labels.iter().map(|l| levels.iter().position(|x| *x == l).unwrap_or(0) as u32).collect()
}

/// Dense codes 0..k of codes already in label order (a subset of the rows
/// of [`codes`]' output gives the codes of those rows' labels).
pub(crate) fn recode(v: Vec<u32>) -> Vec<u32> {
    let mut levels = v.clone();
    levels.sort_unstable();
    levels.dedup();
    if levels.last().is_none_or(|&l| l as usize + 1 == levels.len()) {
        return v;
    }
    v.into_iter().map(|c| levels.binary_search(&c).unwrap_or(0) as u32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_sorted_labels_and_recode_keeps_them_dense() {
        let l: Vec<String> = ["b", "a", "c", "a"].iter().map(|s| s.to_string()).collect();
        assert_eq!(codes(&l), vec![1, 0, 2, 0]);
        assert_eq!(recode(vec![2, 0, 2]), vec![1, 0, 1]);
        assert_eq!(recode(vec![1, 0]), vec![1, 0]);
    }

    #[test]
    fn a_missing_label_names_the_line() {
        let t = osler_data::read_csv_bytes(b"g,x\na,1\n,2\n", "t.csv").expect("csv");
        let e = labels(&t, "g").expect_err("missing");
        assert_eq!(e.to_string(), "t.csv: line 3, column 'g': missing group value");
        assert!(matches!(labels(&t, "h"), Err(AnalysisError::MissingColumn { .. })));
    }
}
