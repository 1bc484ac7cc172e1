//! Public datasets shipped inside the binary (`--dataset NAME`), each with its
//! schema (roles, units, missing codes, valid ranges) and provenance.
//!
//! A dataset is one table (`data.csv`, or `data.csv.gz` when larger than 1 MB),
//! or a clinical table plus a gene-expression matrix (`expression.csv.gz`) that
//! [`ShippedDataset::table`] joins on the sample id at load time, exactly as
//! `--data FILE --expression FILE` does.

use crate::csv_reader::{CsvOptions, IdColumn, read_csv_bytes, read_csv_reader_with};
use crate::error::DataError;
use crate::expression::{Orientation, read_expression_bytes};
use crate::join::join_expression;
use crate::schema::Schema;
use crate::table::Table;

/// One shipped dataset: the CSV bytes, its schema (TOML) and provenance text.
#[derive(Debug, Clone, Copy)]
pub struct ShippedDataset {
    /// The name given to `--dataset`.
    pub name: &'static str,
    csv: &'static [u8],
    schema_toml: &'static str,
    /// The dataset's `PROVENANCE.md`.
    pub provenance: &'static str,
    /// A gene-expression matrix joined to the table at load time.
    pub expression: Option<ShippedExpression>,
}

/// The expression part of a shipped dataset (`expression.csv.gz`).
#[derive(Debug, Clone, Copy)]
pub struct ShippedExpression {
    bytes: &'static [u8],
    /// Layout of the matrix file.
    pub orientation: Orientation,
    /// Sample-id column of the clinical table (read as text).
    pub id_column: &'static str,
}

macro_rules! shipped {
    ($name:literal) => {
        shipped!($name, "data.csv")
    };
    ($name:literal, $file:literal) => {
        ShippedDataset {
            name: $name,
            csv: include_bytes!(concat!("../../../datasets/", $name, "/", $file)),
            schema_toml: include_str!(concat!("../../../datasets/", $name, "/schema.toml")),
            provenance: include_str!(concat!("../../../datasets/", $name, "/PROVENANCE.md")),
            expression: None,
        }
    };
    ($name:literal, expression: $orientation:ident, id: $id:literal) => {
        ShippedDataset {
            expression: Some(ShippedExpression {
                bytes: include_bytes!(concat!("../../../datasets/", $name, "/expression.csv.gz")),
                orientation: Orientation::$orientation,
                id_column: $id,
            }),
            ..shipped!($name)
        }
    };
}

/// Every dataset compiled into osler.
pub const DATASETS: [ShippedDataset; 21] = [
    shipped!("pima-diabetes"),
    shipped!("breast-cancer-wisconsin"),
    shipped!("diabetes-progression"),
    shipped!("whas500"),
    shipped!("rossi"),
    shipped!("veterans"),
    shipped!("gbsg2"),
    shipped!("lung"),
    shipped!("rotterdam"),
    shipped!("gbsg"),
    shipped!("support2"),
    shipped!("flchain"),
    shipped!("stanford-heart"),
    shipped!("pbcseq"),
    shipped!("actg320"),
    shipped!("myeloma"),
    shipped!("nki70"),
    shipped!("gse7390"),
    shipped!("westbc", expression: GenesAsRows, id: "sample"),
    shipped!("dlbcl", "data.csv.gz"),
    shipped!("all-leukemia", expression: GenesAsRows, id: "sample"),
];

/// Looks a shipped dataset up by name.
pub fn find(name: &str) -> Result<&'static ShippedDataset, DataError> {
    DATASETS.iter().find(|d| d.name == name).ok_or_else(|| {
        let names = DATASETS.iter().map(|d| d.name);
        DataError::UnknownDataset {
            name: name.to_string(),
            hint: crate::error::did_you_mean(name, names.clone()),
            known: names.map(String::from).collect(),
        }
    })
}

impl ShippedDataset {
    /// The shipped schema as written (columns covered by `[defaults]` not listed).
    pub fn schema(&self) -> Result<Schema, DataError> {
        Schema::from_toml(self.schema_toml)
    }

    /// The raw table (not yet conformed to the schema), named `dataset:NAME`;
    /// for a dataset with an expression part, the clinical table joined with
    /// the matrix (one numeric column per gene after the clinical columns).
    pub fn table(&self) -> Result<Table, DataError> {
        let source = format!("dataset:{}", self.name);
        let Some(e) = &self.expression else { return read_csv_bytes(self.csv, &source) };
        let id = IdColumn::Named(e.id_column.to_string());
        let options = CsvOptions { text_column: Some(id.clone()), ..CsvOptions::default() };
        let clinical = read_csv_reader_with(self.csv, &source, &options)?;
        let matrix =
            read_expression_bytes(e.bytes, &format!("{source}/expression"), e.orientation)?;
        let mut table = join_expression(clinical, &id, matrix, false)?.table;
        table.source = source;
        Ok(table)
    }

    /// The raw table and the schema with every column listed (`[defaults]` expanded).
    pub fn load(&self) -> Result<(Table, Schema), DataError> {
        let table = self.table()?;
        let mut schema = self.schema()?;
        schema.expand_defaults(&table);
        Ok((table, schema))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Kind, Role};
    use crate::table::ColumnData;

    #[test]
    fn every_shipped_dataset_conforms_to_its_schema() {
        for d in &DATASETS {
            let (table, schema) = d.load().expect("table and schema");
            let meta = schema.dataset.as_ref().expect("dataset metadata");
            assert_eq!(meta.name, d.name);
            let t = schema.conform(table, &[], true).expect("conforms");
            assert!(t.n_rows() >= 40, "{} has {} rows", d.name, t.n_rows());
            assert_eq!(t.columns.len(), schema.columns.len());
        }
    }

    #[test]
    fn pima_zeros_are_missing() {
        let d = find("pima-diabetes").expect("shipped");
        let t =
            d.schema().expect("schema").conform(d.table().expect("csv"), &[], true).expect("ok");
        let missing = |c: &str| t.column(c).expect("column").data.missing_count();
        assert_eq!((missing("glucose"), missing("pressure"), missing("triceps")), (5, 35, 227));
        assert_eq!((missing("insulin"), missing("mass"), missing("pregnant")), (374, 11, 0));
    }

    #[test]
    fn expression_datasets_join_on_text_ids() {
        let d = find("all-leukemia").expect("shipped");
        assert!(d.expression.is_some());
        let (table, schema) = d.load().expect("joined");
        assert_eq!((table.n_rows(), table.columns.len()), (128, 22 + 12_625));
        assert_eq!(table.source, "dataset:all-leukemia");
        let sample = table.column("sample").expect("id column");
        assert_eq!(sample.data.text_at(0).as_deref(), Some("01005"));
        let probe = table.column("1000_at").expect("first probe");
        assert!(matches!(probe.data, ColumnData::Numeric(_)));
        assert_eq!(probe.data.text_at(0).as_deref(), Some("7.597323"));
        let spec = schema.get("AFFX-hum_alu_at").expect("probe listed after expansion");
        assert_eq!((spec.kind, spec.role), (Kind::Numeric, Role::Feature));
        assert_eq!(d.schema().expect("compact").columns.len(), 22);
        let (w, _) = find("westbc").expect("shipped").load().expect("westbc");
        assert_eq!((w.n_rows(), w.columns.len()), (49, 2 + 7129));
    }

    #[test]
    fn unknown_name_suggests() {
        let e = find("pima").expect_err("unknown").to_string();
        assert!(e.contains("pima-diabetes"), "{e}");
    }
}
