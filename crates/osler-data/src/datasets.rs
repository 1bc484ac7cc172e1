//! Public datasets shipped inside the binary (`--dataset NAME`), each with its
//! schema (roles, units, missing codes, valid ranges) and provenance.

use crate::csv_reader::read_csv_bytes;
use crate::error::DataError;
use crate::schema::Schema;
use crate::table::Table;

/// One shipped dataset: the CSV bytes, its schema (TOML) and provenance text.
#[derive(Debug, Clone, Copy)]
pub struct ShippedDataset {
    pub name: &'static str,
    csv: &'static [u8],
    schema_toml: &'static str,
    pub provenance: &'static str,
}

macro_rules! shipped {
    ($name:literal) => {
        ShippedDataset {
            name: $name,
            csv: include_bytes!(concat!("../../../datasets/", $name, "/data.csv")),
            schema_toml: include_str!(concat!("../../../datasets/", $name, "/schema.toml")),
            provenance: include_str!(concat!("../../../datasets/", $name, "/PROVENANCE.md")),
        }
    };
}

/// Every dataset compiled into osler.
pub const DATASETS: [ShippedDataset; 13] = [
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
];

/// Looks a shipped dataset up by name.
pub fn find(name: &str) -> Result<&'static ShippedDataset, DataError> {
    DATASETS.iter().find(|d| d.name == name).ok_or_else(|| {
        let names: Vec<&str> = DATASETS.iter().map(|d| d.name).collect();
        DataError::Invalid(format!(
            "no dataset named '{name}'{}; shipped datasets: {}",
            crate::error::did_you_mean(name, names.iter().copied()),
            names.join(", ")
        ))
    })
}

impl ShippedDataset {
    /// The shipped schema.
    pub fn schema(&self) -> Result<Schema, DataError> {
        Schema::from_toml(self.schema_toml)
    }

    /// The raw table (not yet conformed to the schema), named `dataset:NAME`.
    pub fn table(&self) -> Result<Table, DataError> {
        read_csv_bytes(self.csv, &format!("dataset:{}", self.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_dataset_conforms_to_its_schema() {
        for d in &DATASETS {
            let schema = d.schema().expect("schema parses");
            let meta = schema.dataset.as_ref().expect("dataset metadata");
            assert_eq!(meta.name, d.name);
            let t = schema.conform(d.table().expect("csv"), &[], true).expect("conforms");
            assert!(t.n_rows() >= 100, "{} has {} rows", d.name, t.n_rows());
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
    fn unknown_name_suggests() {
        let e = find("pima").expect_err("unknown").to_string();
        assert!(e.contains("pima-diabetes"), "{e}");
    }
}
