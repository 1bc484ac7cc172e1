//! Summaries of the shipped datasets ([`crate::datasets`]): one line per
//! dataset, and a full description (rows, columns with their roles, units,
//! valid ranges and missing counts, citation and licence), as serialisable
//! values that every front end shows the same way.

use std::collections::HashSet;

use serde::Serialize;

use crate::datasets::{self, DATASETS};
use crate::error::DataError;
use crate::schema::{Kind, Role};

/// One shipped dataset in a listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetEntry {
    /// The name to load it by.
    pub name: String,
    /// Data rows.
    pub rows: usize,
    /// Columns (genes included for expression datasets).
    pub columns: usize,
    /// The task it is shipped for (e.g. `binary`, `survival`).
    pub task: Option<String>,
    /// A one-line title.
    pub title: Option<String>,
}

/// The shipped datasets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetList {
    /// One entry per dataset, in the order of [`DATASETS`].
    pub datasets: Vec<DatasetEntry>,
}

/// Every shipped dataset.
///
/// # Errors
/// A shipped file that cannot be parsed (a packaging bug).
pub fn list() -> Result<DatasetList, DataError> {
    let datasets = DATASETS
        .iter()
        .map(|d| {
            let meta = d.schema()?.dataset;
            let t = d.table()?;
            Ok(DatasetEntry {
                name: d.name.to_string(),
                rows: t.n_rows(),
                columns: t.columns.len(),
                task: meta.as_ref().map(|m| m.task.clone()),
                title: meta.map(|m| m.title),
            })
        })
        .collect::<Result<_, DataError>>()?;
    Ok(DatasetList { datasets })
}

/// A shipped dataset described in full.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetDescription {
    /// The name to load it by.
    pub name: String,
    /// A one-line title.
    pub title: String,
    /// The task it is shipped for.
    pub task: String,
    /// Data rows.
    pub rows: usize,
    /// All columns of the table, listed or not.
    pub n_columns: usize,
    /// The columns the schema lists one by one.
    pub columns: Vec<ColumnDescription>,
    /// The columns the schema's `[defaults]` cover (e.g. genes), summarised.
    pub defaults: Option<DefaultsDescription>,
    /// How to cite it.
    pub citation: String,
    /// Its licence.
    pub licence: String,
    /// Where it comes from.
    pub source: String,
    /// The event level of a binary target.
    pub positive: Option<String>,
    /// SHA-256 of the shipped data.
    pub sha256: Option<String>,
}

/// One listed column of a shipped dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnDescription {
    /// Column name.
    pub name: String,
    /// Numeric, binary, categorical, ...
    pub kind: Kind,
    /// Feature, target, time, event, id, ...
    pub role: Role,
    /// Unit of measurement.
    pub unit: Option<String>,
    /// Missing values after the schema's missing codes are applied.
    pub missing: usize,
    /// Values that mean "missing" in the file.
    pub missing_codes: Vec<String>,
    /// Smallest valid value.
    pub min: Option<f64>,
    /// Largest valid value.
    pub max: Option<f64>,
    /// `min` itself is invalid.
    pub min_exclusive: bool,
    /// `max` itself is invalid.
    pub max_exclusive: bool,
    /// The levels of a categorical or binary column.
    pub levels: Option<Vec<String>>,
    /// What the column holds.
    pub description: Option<String>,
    /// The levels (`a / b`) or the valid range (`0 <= x <= 200 mg/dL`) as text;
    /// empty when neither is declared.
    #[serde(skip)]
    pub valid_text: String,
}

/// The columns covered by a schema's `[defaults]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DefaultsDescription {
    /// Their kind.
    pub kind: Kind,
    /// Their role.
    pub role: Role,
    /// Their unit.
    pub unit: Option<String>,
    /// What they hold.
    pub description: Option<String>,
    /// How many columns the defaults cover.
    pub columns: usize,
    /// Missing values among them.
    pub missing: usize,
}

/// Describes the shipped dataset `name`, its data checked against its schema.
///
/// # Errors
/// An unknown name (the message lists the shipped ones), or a shipped file
/// that does not fit its schema (a packaging bug).
pub fn describe(name: &str) -> Result<DatasetDescription, DataError> {
    let d = datasets::find(name)?;
    let schema = d.schema()?;
    let (table, full) = d.load()?;
    let table = full.conform(table, &[], false)?;
    let listed: HashSet<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
    let unlisted: Vec<&crate::table::Column> =
        table.columns.iter().filter(|c| !listed.contains(c.name.as_str())).collect();
    let meta = schema
        .dataset
        .clone()
        .ok_or_else(|| DataError::NoDatasetMetadata { dataset: name.to_string() })?;
    let columns = schema
        .columns
        .iter()
        .map(|c| ColumnDescription {
            name: c.name.clone(),
            kind: c.kind,
            role: c.role,
            unit: c.unit.clone(),
            missing: table.column(&c.name).map_or(0, |col| col.data.missing_count()),
            missing_codes: c.missing.clone(),
            min: c.min,
            max: c.max,
            min_exclusive: c.min_exclusive,
            max_exclusive: c.max_exclusive,
            levels: c.levels.clone(),
            description: c.description.clone(),
            valid_text: match &c.levels {
                Some(l) => l.join(" / "),
                None if c.min.is_some() || c.max.is_some() => c.range_text(),
                None => String::new(),
            },
        })
        .collect();
    let defaults = schema.defaults.as_ref().map(|d| DefaultsDescription {
        kind: d.kind,
        role: d.role,
        unit: d.unit.clone(),
        description: d.description.clone(),
        columns: unlisted.len(),
        missing: unlisted.iter().map(|c| c.data.missing_count()).sum(),
    });
    Ok(DatasetDescription {
        name: meta.name,
        title: meta.title,
        task: meta.task,
        rows: table.n_rows(),
        n_columns: table.columns.len(),
        columns,
        defaults,
        citation: meta.citation,
        licence: meta.licence,
        source: meta.source,
        positive: meta.positive,
        sha256: table.sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_dataset_is_listed_and_described() {
        let all = list().expect("shipped datasets parse");
        assert_eq!(all.datasets.len(), DATASETS.len());
        let pima = describe("pima-diabetes").expect("pima");
        let entry = all.datasets.iter().find(|e| e.name == "pima-diabetes").expect("listed");
        assert_eq!((pima.rows, pima.n_columns), (entry.rows, entry.columns));
        assert!(pima.columns.iter().any(|c| c.role == Role::Target));
    }

    #[test]
    fn expression_datasets_summarise_their_genes() {
        let d = describe("all-leukemia").expect("all-leukemia");
        let genes = d.defaults.expect("genes under [defaults]");
        assert_eq!(d.columns.len() + genes.columns, d.n_columns);
    }

    #[test]
    fn an_unknown_name_is_an_error() {
        assert!(describe("no-such-dataset").is_err());
    }
}
