//! Joining a clinical table with a gene-expression matrix on the sample id.
//!
//! Sample ids are matched as text, exactly (after trimming spaces): `01005` and
//! `1005` are different ids, so the clinical id column must be read as text
//! ([`crate::csv_reader::CsvOptions::text_column`]).
//!
//! Every clinical row must have an expression profile and every profile a
//! clinical row; otherwise the join is an error that says how many ids are
//! unmatched on each side and shows the first few. With `allow_unmatched` the
//! join keeps the shared samples only (an inner join, in clinical-table order)
//! and reports the counts so the caller can warn (never the patients' values).

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use crate::csv_reader::{IdColumn, hex};
use crate::error::{DataError, SampleMismatch, did_you_mean};
use crate::expression::ExpressionMatrix;
use crate::schema::{ColumnDefaults, Kind, Role, Schema};
use crate::table::{Column, ColumnData, Table};

/// A clinical table joined with an expression matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    /// Clinical columns first, then one numeric column per gene (named after the gene).
    pub table: Table,
    /// Name of the sample-id column.
    pub id_column: String,
    /// Number of clinical columns (the leading columns of `table`).
    pub n_clinical: usize,
    /// Clinical rows dropped because the matrix has no such sample (`allow_unmatched`).
    pub clinical_only: usize,
    /// Matrix samples dropped because the clinical table has no such row (`allow_unmatched`).
    pub expression_only: usize,
}

/// Joins `clinical` and `matrix` on the sample ids in column `id` of `clinical`.
///
/// The result keeps the clinical rows (and their file lines, so later messages
/// point into the clinical file) and appends one column per gene. Its `source`
/// is `CLINICAL + MATRIX`; its `sha256` is the SHA-256 of the two files'
/// SHA-256 hex digests, each followed by a newline (clinical first).
///
/// Errors: an unknown id column, a missing or duplicated clinical id, a gene
/// named like a clinical column, no shared sample, and (unless
/// `allow_unmatched`) any sample present on one side only.
pub fn join_expression(
    clinical: Table,
    id: &IdColumn,
    matrix: ExpressionMatrix,
    allow_unmatched: bool,
) -> Result<Joined, DataError> {
    let id_index = match id {
        IdColumn::First => 0,
        IdColumn::Named(name) => {
            clinical.index_of(name).ok_or_else(|| DataError::MissingColumn {
                source_name: clinical.source.clone(),
                column: name.clone(),
                hint: did_you_mean(name, clinical.names()),
            })?
        }
    };
    let id_name = clinical.columns[id_index].name.clone();
    let clinical_names: HashSet<&str> = clinical.names().collect();
    if let Some(g) = matrix.genes.iter().find(|g| clinical_names.contains(g.as_str())) {
        return Err(DataError::GeneColumnClash {
            gene: g.clone(),
            matrix: matrix.source.clone(),
            clinical: clinical.source.clone(),
        });
    }
    let ids = clinical_ids(&clinical, id_index)?;
    let sample_of: HashMap<&str, usize> =
        matrix.samples.iter().enumerate().map(|(s, name)| (name.as_str(), s)).collect();
    // For each clinical row, its sample (column) in the matrix.
    let matched: Vec<Option<usize>> =
        ids.iter().map(|i| sample_of.get(i.as_str()).copied()).collect();
    let clinical_set: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let missing_from_matrix: Vec<&str> =
        ids.iter().zip(&matched).filter(|(_, m)| m.is_none()).map(|(i, _)| i.as_str()).collect();
    let missing_from_clinical: Vec<&str> =
        matrix.samples.iter().map(String::as_str).filter(|s| !clinical_set.contains(s)).collect();
    let shared = ids.len() - missing_from_matrix.len();
    let unmatched = !missing_from_matrix.is_empty() || !missing_from_clinical.is_empty();
    if shared == 0 || (unmatched && !allow_unmatched) {
        let owned = |ids: &[&str]| ids.iter().map(|i| (*i).to_string()).collect();
        return Err(DataError::UnmatchedSamples(Box::new(SampleMismatch {
            matrix: matrix.source.clone(),
            matrix_samples: matrix.n_samples(),
            clinical: clinical.source.clone(),
            clinical_rows: ids.len(),
            shared,
            id_column: id_name.clone(),
            missing_from_matrix: owned(&missing_from_matrix),
            missing_from_clinical: owned(&missing_from_clinical),
        })));
    }

    let kept: Vec<usize> = (0..ids.len()).filter(|&r| matched[r].is_some()).collect();
    let order: Vec<usize> = kept.iter().filter_map(|&r| matched[r]).collect();
    let identity =
        order.len() == matrix.n_samples() && order.iter().enumerate().all(|(k, &s)| k == s);
    let all_rows = kept.len() == ids.len();
    let Table { source, mut columns, lines, sha256, rows_are_records, decimal, unparsed } =
        clinical;
    if !all_rows {
        for c in &mut columns {
            c.data = c.data.take_rows(&kept);
        }
    }
    let lines = if all_rows { lines } else { kept.iter().map(|&r| lines[r]).collect() };
    let n_clinical = columns.len();
    columns.reserve(matrix.n_genes());
    let ExpressionMatrix { source: m_source, genes, values, sha256: m_sha, .. } = matrix;
    for (name, v) in genes.into_iter().zip(values) {
        let v = if identity { v } else { order.iter().map(|&s| v[s]).collect() };
        columns.push(Column { name, data: ColumnData::Numeric(v) });
    }
    let sha256 = match (sha256, m_sha) {
        (Some(a), Some(b)) => Some(hex(&Sha256::digest(format!("{a}\n{b}\n").as_bytes()))),
        _ => None,
    };
    let table = Table {
        source: format!("{source} + {m_source}"),
        columns,
        lines,
        sha256,
        rows_are_records,
        decimal,
        unparsed,
    };
    Ok(Joined {
        table,
        id_column: id_name,
        n_clinical,
        clinical_only: missing_from_matrix.len(),
        expression_only: missing_from_clinical.len(),
    })
}

impl Joined {
    /// The schema inferred for the joined table: clinical columns as
    /// [`Schema::infer`] infers them (the id column with role `id`), genes as
    /// numeric features, declared by `[defaults]` and listed one by one.
    pub fn infer_schema(&self) -> Result<Schema, DataError> {
        let mut schema = Schema::infer_columns(
            &self.table,
            &self.table.columns[..self.n_clinical],
            &[self.id_column.as_str()],
        )?;
        schema.defaults = Some(ColumnDefaults::new(Kind::Numeric, Role::Feature));
        schema.expand_defaults(&self.table);
        Ok(schema)
    }

    /// A one-line note on the samples dropped by an `allow_unmatched` join
    /// (counts only), or `None` when every sample matched.
    pub fn unmatched_note(&self) -> Option<String> {
        (self.clinical_only + self.expression_only > 0).then(|| {
            format!(
                "kept the {} samples found in both files; dropped {} clinical rows without \
                 expression and {} expression profiles without a clinical row",
                self.table.n_rows(),
                self.clinical_only,
                self.expression_only
            )
        })
    }
}

/// The clinical sample ids as text; a missing or repeated id is an error.
fn clinical_ids(clinical: &Table, id_index: usize) -> Result<Vec<String>, DataError> {
    let col = &clinical.columns[id_index];
    let mut first_row: HashMap<String, usize> = HashMap::with_capacity(clinical.n_rows());
    let mut ids = Vec::with_capacity(clinical.n_rows());
    for i in 0..clinical.n_rows() {
        let Some(id) = col.data.text_at(i) else {
            return Err(DataError::cell(
                &clinical.source,
                clinical.locate(i),
                &col.name,
                "the sample id is missing; every clinical row needs one to be joined",
            ));
        };
        let id = id.trim().to_string();
        if let Some(&r) = first_row.get(&id) {
            return Err(DataError::cell(
                &clinical.source,
                clinical.locate(i),
                &col.name,
                format!("duplicate sample id '{id}' (also on {})", clinical.locate(r)),
            ));
        }
        first_row.insert(id.clone(), i);
        ids.push(id);
    }
    Ok(ids)
}

/// `; N missing from X: a, b, c, ...` (nothing when the list is empty).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_reader::{CsvOptions, read_csv_reader_with};
    use crate::expression::{Orientation, read_expression_bytes};

    fn clinical(text: &str) -> Table {
        let opts = CsvOptions { text_column: Some(IdColumn::First), ..CsvOptions::default() };
        read_csv_reader_with(text.as_bytes(), "c.csv", &opts).expect("clinical csv")
    }

    fn matrix(text: &str) -> ExpressionMatrix {
        read_expression_bytes(text.as_bytes(), "x.csv", Orientation::GenesAsRows).expect("matrix")
    }

    #[test]
    fn joins_in_clinical_order_keeping_leading_zeros() {
        let c = clinical("sample,age,y\n002,50,1\n001,60,0\n");
        let m = matrix("probe,001,002\ng1,1.5,2.5\ng2,NA,3\n");
        let j = join_expression(c, &IdColumn::First, m, false).expect("join");
        let t = &j.table;
        assert_eq!(t.names().collect::<Vec<_>>(), vec!["sample", "age", "y", "g1", "g2"]);
        assert_eq!(t.columns[0].data.text_at(0).as_deref(), Some("002"));
        assert_eq!(t.columns[3].data, ColumnData::Numeric(vec![2.5, 1.5]));
        assert!(t.columns[4].data.is_missing(1));
        assert_eq!(
            (j.n_clinical, j.id_column.as_str(), t.lines.clone()),
            (3, "sample", vec![2, 3])
        );
        assert_eq!(t.source, "c.csv + x.csv");
        assert_eq!(t.sha256.as_deref().map(str::len), Some(64));
        assert!(j.unmatched_note().is_none());
        let s = j.infer_schema().expect("schema");
        assert_eq!(s.get("sample").map(|c| c.role), Some(Role::Id));
        assert_eq!(s.get("g1").map(|c| (c.kind, c.role)), Some((Kind::Numeric, Role::Feature)));
        assert_eq!(s.columns.len(), 5);
    }

    #[test]
    fn unmatched_ids_are_counted_and_shown() {
        let c = clinical("sample,age\n01,1\n02,2\n03,3\n");
        let m = matrix("probe,02,03,04\ng1,1,2,3\n");
        let e = join_expression(c.clone(), &IdColumn::First, m.clone(), false)
            .expect_err("mismatch")
            .to_string();
        assert!(
            e.contains("x.csv") && e.contains("c.csv") && e.contains("share 2 sample ids"),
            "{e}"
        );
        assert!(e.contains("1 missing from the matrix: 01"), "{e}");
        assert!(e.contains("1 missing from the clinical table: 04"), "{e}");
        assert!(!e.contains("--"), "the library names no flag: {e}");
        let j = join_expression(c, &IdColumn::First, m, true).expect("inner join");
        assert_eq!(j.table.n_rows(), 2);
        assert_eq!((j.clinical_only, j.expression_only), (1, 1));
        assert_eq!(j.table.lines, vec![3, 4]);
        assert_eq!(j.table.columns[2].data, ColumnData::Numeric(vec![1.0, 2.0]));
        let note = j.unmatched_note().expect("note");
        assert!(note.contains("kept the 2") && note.contains("dropped 1 clinical"), "{note}");
    }

    #[test]
    fn numeric_looking_ids_that_lost_their_zeros_share_nothing() {
        let c = read_csv_reader_with(b"id,age\n01,1\n".as_slice(), "c.csv", &CsvOptions::default())
            .expect("csv");
        let e = join_expression(c, &IdColumn::First, matrix("p,01\ng,1\n"), true)
            .expect_err("no shared ids")
            .to_string();
        assert!(e.contains("share 0 sample ids") && e.contains("'01005' is not '1005'"), "{e}");
    }

    #[test]
    fn collisions_duplicates_missing_ids_and_unknown_id_column() {
        let m = || matrix("probe,01,02\nage,1,2\n");
        let e = join_expression(clinical("sample,age\n01,1\n02,2\n"), &IdColumn::First, m(), false)
            .expect_err("collision")
            .to_string();
        assert!(e.contains("gene 'age'") && e.contains("also a column"), "{e}");
        let m = || matrix("probe,01,02\ng,1,2\n");
        let e = join_expression(clinical("sample,a\n01,1\n01,2\n"), &IdColumn::First, m(), false)
            .expect_err("duplicate")
            .to_string();
        assert!(e.contains("line 3") && e.contains("duplicate sample id '01'"), "{e}");
        let e = join_expression(clinical("sample,a\n01,1\n,2\n"), &IdColumn::First, m(), true)
            .expect_err("missing id")
            .to_string();
        assert!(e.contains("line 3") && e.contains("sample id is missing"), "{e}");
        let named = IdColumn::Named("sampel".into());
        let e = join_expression(clinical("sample,a\n01,1\n02,2\n"), &named, m(), false)
            .expect_err("unknown id column")
            .to_string();
        assert!(e.contains("'sampel'") && e.contains("did you mean 'sample'"), "{e}");
    }

    #[test]
    fn declared_ids_stay_labels() {
        let t = read_csv_reader_with(
            b"sample,x\n01,1\n02,2\n".as_slice(),
            "t.csv",
            &CsvOptions {
                text_column: Some(IdColumn::Named("sample".into())),
                ..CsvOptions::default()
            },
        )
        .expect("csv");
        assert_eq!(t.columns[0].data.text_at(0).as_deref(), Some("01"));
        let s = Schema::infer_columns(&t, &t.columns, &["sample"]).expect("infer");
        assert_eq!((s.columns[0].kind, s.columns[0].role), (Kind::Categorical, Role::Id));
        let c = s.conform(t, &[], false).expect("conform");
        assert_eq!(c.columns[0].data.text_at(1).as_deref(), Some("02"));
    }
}
