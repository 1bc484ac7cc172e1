//! From a raw table and a schema to the arrays a model trains on.

use osler_data::target::{binary_target, multiclass_target, select_features};
use osler_data::{Schema, Table};

use crate::artifact::DataInfo;
use crate::error::PipelineError;
use crate::outcome::Outcome;
use crate::survival_data::{SurvivalOutcome, SurvivalSpec};

/// What to predict, from which columns.
#[derive(Debug, Clone, Default)]
pub struct DataSpec {
    /// Outcome column; when `None`, the schema's column with role `target`.
    pub target: Option<String>,
    /// Event level(s) of a text outcome (`--positive A` or `A,B,...`).
    pub positive: Option<String>,
    /// Read the outcome as one of `k >= 2` classes (the multiclass task)
    /// instead of event / non-event; `positive` is then not used.
    pub multiclass: bool,
    /// Keep only the rows whose outcome is one of these levels (`--levels`).
    pub levels: Option<Vec<String>>,
    /// Predictors; when `None`, every column with role `feature`.
    pub features: Option<Vec<String>>,
    /// Columns removed from the predictors.
    pub drop: Vec<String>,
    /// Patient/cluster column: all rows of a group stay in one CV fold.
    pub group: Option<String>,
}

impl DataSpec {
    /// The `drop` columns other than `used` (the outcome, group, time or
    /// patient-id columns a task reads whatever `drop` says): the model
    /// leaves them out, and they are neither parsed nor checked.
    pub fn dropped<'a>(&'a self, used: &[&str]) -> Vec<&'a str> {
        self.drop.iter().map(String::as_str).filter(|d| !used.contains(d)).collect()
    }
}

/// A conformed table with its outcome and predictors resolved.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The conformed rows (restricted to `--levels` when given).
    pub table: Table,
    /// The schema, with the outcome marked `target` and the group column `group`.
    pub schema: Schema,
    /// Name of the outcome column.
    pub target: String,
    /// Names of the predictor columns the model reads.
    pub features: Vec<String>,
    /// The outcome of every row: binary, multiclass, or a time to event.
    pub outcome: Outcome,
    /// The survival outcome's columns, when the outcome is a time to event
    /// (`target` is then the time column).
    pub survival: Option<SurvivalSpec>,
    /// Each row's patient/cluster label, when a group column is given.
    pub groups: Option<Vec<String>>,
}

impl Prepared {
    /// Aggregate summary of the outcome and predictor columns (for the artifact).
    pub fn column_summaries(&self) -> Vec<osler_data::ColumnSummary> {
        std::iter::once(&self.target)
            .chain(&self.features)
            .filter_map(|n| self.table.column(n).map(osler_data::Column::summary))
            .collect()
    }

    /// The time-to-event outcome with its columns; an error for a class outcome.
    pub fn survival(&self) -> Result<(&SurvivalSpec, &SurvivalOutcome), PipelineError> {
        match (&self.outcome, &self.survival) {
            (Outcome::Survival(o), Some(spec)) => Ok((spec, o)),
            _ => Err(self.mismatch("a survival")),
        }
    }

    /// The error of giving this data to a step that needs `needs` outcome.
    pub(crate) fn mismatch(&self, needs: &'static str) -> PipelineError {
        let has = match self.outcome {
            Outcome::Binary { .. } => "a binary",
            Outcome::Multiclass { .. } => "a multiclass",
            Outcome::Survival(_) => "a survival",
        };
        PipelineError::OutcomeMismatch { has, needs }
    }

    /// The outcome label of every row: 0/1, or the class index of a multiclass outcome.
    pub fn y(&self) -> &[f64] {
        self.outcome.labels()
    }

    /// Number of events (y = 1; multiclass: rows not of the first class).
    pub fn events(&self) -> usize {
        self.outcome.events(&(0..self.outcome.len()).collect::<Vec<_>>())
    }

    /// The manifest's description of the training data: where it came from
    /// (`source`, e.g. a file name or `dataset:NAME`), the SHA-256 of the raw
    /// input, rows, events and the outcome and predictor summaries.
    pub fn data_info(&self, source: String, sha256: String) -> DataInfo {
        DataInfo {
            source,
            sha256,
            rows: self.outcome.len(),
            events: self.events(),
            columns: self.column_summaries(),
        }
    }
}

/// Conforms `table` to `schema` (missing codes, types, ranges), then resolves the
/// outcome and predictors. The schema is updated so the chosen outcome has role
/// `target`, the group column role `group` and the dropped columns role
/// `ignore` (it is saved in the artifact).
pub fn prepare(
    table: Table,
    mut schema: Schema,
    spec: &DataSpec,
) -> Result<Prepared, PipelineError> {
    let target = outcome_column(spec, &schema)?;
    let mut required: Vec<&str> = vec![target.as_str()];
    if let Some(g) = &spec.group {
        required.push(g);
    }
    // The artifact keeps this schema and checks prediction inputs against it:
    // columns covered only by `[defaults]` must be listed, or the model would
    // refuse the very table it was trained on.
    schema.expand_defaults(&table);
    // Dropped columns are saved as `ignore`: never checked, never shown as features.
    schema.ignore(&spec.dropped(&required));
    let table = schema.conform(table, &required, false)?;
    let table = match &spec.levels {
        Some(keep) => keep_levels(table, &target, keep)?,
        None => table,
    };
    for c in &mut schema.columns {
        if c.name == target {
            c.role = osler_data::Role::Target;
        } else if c.role == osler_data::Role::Target {
            c.role = osler_data::Role::Ignore;
        }
        if spec.group.as_deref() == Some(c.name.as_str()) {
            c.role = osler_data::Role::Group;
        }
    }
    let outcome = if spec.multiclass {
        let (y, classes) = multiclass_target(&table, &target)?;
        Outcome::Multiclass { y, classes }
    } else {
        let (y, levels) = binary_target(&table, &schema, &target, spec.positive.as_deref())?;
        Outcome::Binary { y, levels }
    };
    let features = select_features(&table, &schema, &target, spec.features.as_deref(), &spec.drop)?;
    let groups = group_labels(&table, spec.group.as_deref())?;
    Ok(Prepared { table, schema, target, features, outcome, groups, survival: None })
}

/// The outcome column: the one `spec` names, else the schema's column with role `target`.
pub(crate) fn outcome_column(spec: &DataSpec, schema: &Schema) -> Result<String, PipelineError> {
    match &spec.target {
        Some(t) => Ok(t.clone()),
        None => schema
            .columns
            .iter()
            .find(|c| c.role == osler_data::Role::Target)
            .map(|c| c.name.clone())
            .ok_or(PipelineError::NoOutcome),
    }
}

/// The rows whose `target` is one of `keep` (each must occur).
pub(crate) fn keep_levels(
    table: Table,
    target: &str,
    keep: &[String],
) -> Result<Table, PipelineError> {
    let col = table
        .column(target)
        .ok_or_else(|| PipelineError::missing_column(&table, "outcome", target))?;
    let values: Vec<Option<String>> = (0..table.n_rows()).map(|i| col.data.text_at(i)).collect();
    if let Some(absent) = keep.iter().find(|l| !values.iter().any(|v| v.as_ref() == Some(*l))) {
        let mut seen: Vec<String> = values.iter().flatten().cloned().collect();
        seen.sort_unstable();
        seen.dedup();
        return Err(PipelineError::LevelAbsent {
            level: absent.clone(),
            column: target.into(),
            seen,
        });
    }
    let rows: Vec<usize> = (0..table.n_rows())
        .filter(|&i| values[i].as_ref().is_some_and(|v| keep.contains(v)))
        .collect();
    Ok(table.take_rows(&rows))
}

/// The patient/cluster label of every row, when a `--group` column is given.
pub(crate) fn group_labels(
    table: &Table,
    group: Option<&str>,
) -> Result<Option<Vec<String>>, PipelineError> {
    let Some(g) = group else { return Ok(None) };
    let col = table.column(g).map(|c| &c.data);
    let col = col.ok_or_else(|| PipelineError::missing_column(table, "group", g))?;
    Ok(Some((0..table.n_rows()).map(|i| col.text_at(i).unwrap_or_default()).collect()))
}
