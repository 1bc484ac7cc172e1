//! From a long-format table to patients' visit sequences and outcomes.

use osler_data::long::{VisitGroups, visit_groups};
use osler_data::target::{binary_target, select_features};
use osler_data::{BinaryLevels, Role, Schema, Table};

use super::{DEFAULT_MAX_STEPS, SequenceError};
use crate::artifact::DataInfo;
use crate::error::PipelineError;
use crate::prepare::{DataSpec, keep_levels};

/// How a long-format table is read as sequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceSpec {
    /// Patient-id column: the rows of one patient form one sequence.
    pub id: String,
    /// Numeric visit-time column that orders each patient's visits.
    pub time: String,
    /// Visits per sequence (each patient's latest); `None` takes the longest
    /// patient's visits, at most [`DEFAULT_MAX_STEPS`].
    pub steps: Option<usize>,
}

/// A conformed long-format table with its patients, outcome and predictors resolved.
#[derive(Debug, Clone)]
pub struct PreparedSequences {
    /// The conformed visit rows (restricted to the outcome levels kept, if any).
    pub table: Table,
    /// The schema, with the outcome marked `target` and the patient id `group`.
    pub schema: Schema,
    /// Name of the outcome column (one value per patient).
    pub target: String,
    /// Which outcome level is 0 and which is 1.
    pub levels: BinaryLevels,
    /// Names of the per-visit predictor columns the model reads.
    pub features: Vec<String>,
    /// Each patient's visit rows in time order.
    pub groups: VisitGroups,
    /// Outcome per patient (0/1), in the order of `groups.ids`.
    pub y: Vec<f64>,
    /// Visits per sequence (each patient's latest).
    pub steps: usize,
}

impl PreparedSequences {
    /// Number of patients with the event (y = 1).
    pub fn events(&self) -> usize {
        self.y.iter().filter(|&&v| v == 1.0).count()
    }

    /// The manifest's description of the training data: its `source` and the
    /// SHA-256 of the raw input, the number of patients (`rows`: one sequence
    /// per patient), patients with the event, and the summaries of the outcome
    /// and predictor columns over all visits.
    pub fn data_info(&self, source: String, sha256: String) -> DataInfo {
        DataInfo {
            source,
            sha256,
            rows: self.y.len(),
            events: self.events(),
            columns: std::iter::once(&self.target)
                .chain(&self.features)
                .filter_map(|n| self.table.column(n).map(osler_data::Column::summary))
                .collect(),
        }
    }
}

/// Conforms a long-format `table` to `schema`, groups its rows by patient in
/// visit-time order, reads the 0/1 outcome once per patient (it must not
/// change between a patient's visits) and resolves the per-visit predictors:
/// `data.features` or every `feature` column, minus `data.drop`, the patient
/// id and the visit time. `data.group` is not used: the patients are the groups.
pub fn prepare_sequences(
    table: Table,
    mut schema: Schema,
    data: &DataSpec,
    seq: &SequenceSpec,
) -> Result<PreparedSequences, PipelineError> {
    if seq.steps == Some(0) {
        return Err(SequenceError::ZeroSteps.into());
    }
    let target = crate::prepare::outcome_column(data, &schema)?;
    for (column, role) in [(&seq.id, "patient id"), (&seq.time, "visit time")] {
        if *column == target {
            return Err(SequenceError::ColumnTwice {
                column: column.clone(),
                role,
                other: "outcome",
            }
            .into());
        }
    }
    if seq.id == seq.time {
        let (column, role, other) = (seq.id.clone(), "patient id", "visit time");
        return Err(SequenceError::ColumnTwice { column, role, other }.into());
    }
    schema.expand_defaults(&table);
    let required = [target.as_str(), seq.id.as_str(), seq.time.as_str()];
    schema.ignore(&data.dropped(&required));
    let table = schema.conform(table, &required, false)?;
    let table = match &data.levels {
        Some(keep) => keep_levels(table, &target, keep)?,
        None => table,
    };
    if table.n_rows() == 0 {
        return Err(SequenceError::NoPatients { source_name: table.source.clone() }.into());
    }
    for c in &mut schema.columns {
        if c.name == target {
            c.role = Role::Target;
        } else if c.role == Role::Target {
            c.role = Role::Ignore;
        }
        if c.name == seq.id {
            c.role = Role::Group;
        }
    }
    let groups = visit_groups(&table, &seq.id, &seq.time)?;
    groups.check_constant(&table, &target)?;
    let first = table.take_rows(&groups.first_rows());
    let (y, levels) = binary_target(&first, &schema, &target, data.positive.as_deref())?;
    let mut features =
        select_features(&table, &schema, &target, data.features.as_deref(), &data.drop)?;
    features.retain(|c| *c != seq.id && *c != seq.time);
    let steps = seq.steps.unwrap_or_else(|| groups.max_visits().min(DEFAULT_MAX_STEPS));
    Ok(PreparedSequences { table, schema, target, levels, features, groups, y, steps })
}
