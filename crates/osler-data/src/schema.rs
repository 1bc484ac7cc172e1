//! Column schema: type, role, unit, missing-value codes and physiological valid range.
//!
//! A schema is inferred from a table, can be written to TOML or JSON, edited by
//! hand and passed back; it is saved inside every model artifact, and inputs
//! given to a saved model are checked against it.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::decimal::DecimalMark;
use crate::error::{DataError, SchemaProblem, did_you_mean};
use crate::table::{Column, ColumnData, MISSING_CODE, Table};

/// Statistical type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A real number (a measurement or a count) in the column's `unit`.
    Numeric,
    /// Two levels; numeric 0/1 or two text levels (the second listed level is coded 1).
    Binary,
    /// Unordered text levels (usually more than two); as a feature, one-hot
    /// encoded against the first (reference) level.
    Categorical,
}

/// What a column is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A predictor offered to the model.
    Feature,
    /// The outcome of a classification model (binary target).
    Target,
    /// A row identifier (e.g. a patient number); never a predictor.
    Id,
    /// A patient or cluster label: all rows of one group stay in one
    /// cross-validation fold; never a predictor.
    Group,
    /// A per-row weight; never a predictor.
    Weight,
    /// Follow-up time of a survival outcome, in the column's `unit` (e.g. days).
    Time,
    /// Event indicator of a survival outcome (event happened vs censored).
    Event,
    /// Present in the file but never used (e.g. a leaky duplicate of the outcome).
    Ignore,
}

/// Declared properties of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSpec {
    /// Column name, exactly as in the header of the input file.
    pub name: String,
    /// Statistical type of the values.
    pub kind: Kind,
    /// What the column is used for.
    pub role: Role,
    /// Unit of measurement as free text (e.g. `mg/dL`, `days`); shown in range messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// What the column measures, for people reading the schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Cell values that mean "missing" for this column (e.g. Pima's impossible `0`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Lowest valid value (inclusive unless `min_exclusive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Highest valid value (inclusive unless `max_exclusive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// `min` itself is invalid: valid values satisfy `min < value`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub min_exclusive: bool,
    /// `max` itself is invalid: valid values satisfy `value < max`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub max_exclusive: bool,
    /// Known levels of a binary or categorical column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<String>>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Citation and licence of a shipped dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetMeta {
    /// Short name of the dataset (the name given to `--dataset` for a shipped one).
    pub name: String,
    /// One-line human-readable title.
    pub title: String,
    /// The analysis the dataset is meant for, in words (outcome columns and their coding).
    pub task: String,
    /// The paper(s) to cite when using the data.
    pub citation: String,
    /// Licence under which the data may be used.
    pub licence: String,
    /// Where the file was obtained (package, version, path).
    pub source: String,
    /// Event level of the outcome: the positive class of a binary target, or the
    /// value of a survival event column that means the event happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positive: Option<String>,
}

/// Kind and role of every column a schema does not list (`[defaults]` in TOML),
/// e.g. the thousands of gene columns of an expression dataset:
///
/// ```toml
/// [defaults]
/// kind = "numeric"
/// role = "feature"
/// unit = "log2 expression"
/// ```
///
/// [`Schema::expand_defaults`] lists the table's unlisted columns with these
/// properties; [`Schema::conform`] applies them to unlisted columns too. A model
/// input is still refused if it has a column the (expanded) schema does not list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDefaults {
    /// Kind of every unlisted column.
    pub kind: Kind,
    /// Role of every unlisted column.
    pub role: Role,
    /// Unit of every unlisted column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// What the unlisted columns are (e.g. "RMA log2 expression of one probe set").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl ColumnDefaults {
    /// Defaults with no unit or description.
    pub fn new(kind: Kind, role: Role) -> Self {
        ColumnDefaults { kind, role, unit: None, description: None }
    }

    /// The spec of an unlisted column called `name` (kind, role and unit; the
    /// description stays in `[defaults]` rather than being repeated per column).
    pub fn spec(&self, name: &str) -> ColumnSpec {
        let mut spec = ColumnSpec::new(name, self.kind, self.role);
        spec.unit.clone_from(&self.unit);
        spec
    }
}

/// A table's schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// Citation and licence, when the table is a documented dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DatasetMeta>,
    /// Kind and role of columns not listed in `columns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<ColumnDefaults>,
    /// The listed columns, in declaration order.
    pub columns: Vec<ColumnSpec>,
}

impl ColumnSpec {
    /// A spec with no unit, range, codes or levels.
    pub fn new(name: &str, kind: Kind, role: Role) -> Self {
        ColumnSpec {
            name: name.to_string(),
            kind,
            role,
            unit: None,
            description: None,
            missing: Vec::new(),
            min: None,
            max: None,
            min_exclusive: false,
            max_exclusive: false,
            levels: None,
        }
    }

    /// Human-readable valid range, e.g. `0 < value < 1000 mg/dL`.
    pub fn range_text(&self) -> String {
        let lo = self.min.map(|m| format!("{m} {} ", if self.min_exclusive { "<" } else { "<=" }));
        let hi = self.max.map(|m| format!(" {} {m}", if self.max_exclusive { "<" } else { "<=" }));
        let unit = self.unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default();
        format!("{}value{}{}", lo.unwrap_or_default(), hi.unwrap_or_default(), unit)
    }

    /// What the code 1 of an event column means, read from its description
    /// (`"1 = died, 0 = alive"` -> `"died"`); `None` without such a phrase.
    pub fn event_meaning(&self) -> Option<&str> {
        let text = self.description.as_deref()?;
        let start = text.find("1 = ")? + "1 = ".len();
        let rest = &text[start..];
        let end = rest.find([',', ';', ')', '(']).unwrap_or(rest.len());
        Some(rest[..end].trim()).filter(|m| !m.is_empty())
    }

    /// Is `x` inside the declared valid range?
    pub fn in_range(&self, x: f64) -> bool {
        let lo_ok = self.min.is_none_or(|m| if self.min_exclusive { x > m } else { x >= m });
        let hi_ok = self.max.is_none_or(|m| if self.max_exclusive { x < m } else { x <= m });
        lo_ok && hi_ok
    }

    fn is_missing_code(&self, text: &str) -> bool {
        self.missing.iter().any(|c| c == text)
    }

    fn is_missing_number(&self, x: f64) -> bool {
        self.missing.iter().any(|c| c.parse::<f64>().is_ok_and(|m| m == x))
    }
}

/// Heuristic id columns: named `id`, `*_id`, `*ID`; never used as predictors.
fn looks_like_id(name: &str) -> bool {
    let l = name.to_lowercase();
    l == "id" || l.ends_with("_id") || l.ends_with(".id") || name.ends_with("ID") || l == "patient"
}

impl Schema {
    /// A schema listing `columns`, with no dataset metadata or defaults.
    pub fn new(columns: Vec<ColumnSpec>) -> Self {
        Schema { dataset: None, defaults: None, columns }
    }

    /// Infers a schema: numeric columns with only 0/1 values are binary, text
    /// columns with two levels binary, other text columns categorical. A text
    /// column that is mostly numbers is refused (a typo in a numeric column is
    /// far more likely than a categorical column of numbers).
    pub fn infer(table: &Table) -> Result<Schema, DataError> {
        Self::infer_columns(table, &table.columns, &[])
    }

    /// Infers the specs of `columns` (columns of `table`, which names the source
    /// and lines in messages) as [`Schema::infer`] does; the columns named in
    /// `ids` get role `id` and the table's [`Table::unparsed`] columns role
    /// `ignore` (neither is refused for looking numeric, and neither lists
    /// its levels: they are labels, not values to encode).
    pub fn infer_columns(
        table: &Table,
        columns: &[Column],
        ids: &[&str],
    ) -> Result<Schema, DataError> {
        let mut specs = Vec::with_capacity(columns.len());
        for c in columns {
            if table.unparsed.contains(&c.name) {
                let kind = match &c.data {
                    ColumnData::Numeric(_) => Kind::Numeric,
                    ColumnData::Text { .. } => Kind::Categorical,
                };
                specs.push(ColumnSpec::new(&c.name, kind, Role::Ignore));
                continue;
            }
            let is_id = ids.contains(&c.name.as_str());
            let role = if is_id || looks_like_id(&c.name) { Role::Id } else { Role::Feature };
            let spec = match &c.data {
                ColumnData::Numeric(v) => {
                    let binary = v.iter().all(|x| x.is_nan() || *x == 0.0 || *x == 1.0)
                        && v.iter().any(|x| !x.is_nan());
                    ColumnSpec::new(
                        &c.name,
                        if binary { Kind::Binary } else { Kind::Numeric },
                        role,
                    )
                }
                ColumnData::Text { codes, levels } => {
                    if !is_id {
                        check_not_mostly_numeric(table, &c.name, codes, levels)?;
                    }
                    if is_id {
                        // Ids are labels, never numbers or levels to encode.
                        ColumnSpec::new(&c.name, Kind::Categorical, Role::Id)
                    } else {
                        let mut spec = ColumnSpec::new(
                            &c.name,
                            if levels.len() <= 2 { Kind::Binary } else { Kind::Categorical },
                            role,
                        );
                        let mut sorted = levels.clone();
                        sorted.sort();
                        spec.levels = Some(sorted);
                        spec
                    }
                }
            };
            specs.push(spec);
        }
        Ok(Schema::new(specs))
    }

    /// Lists every column of `table` that the schema does not, with the
    /// properties of `[defaults]` (a no-op without defaults), in table order.
    pub fn expand_defaults(&mut self, table: &Table) {
        let Some(defaults) = &self.defaults else { return };
        let listed: HashSet<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        let extra: Vec<ColumnSpec> = table
            .columns
            .iter()
            .filter(|c| !listed.contains(c.name.as_str()))
            .map(|c| defaults.spec(&c.name))
            .collect();
        self.columns.extend(extra);
    }

    /// The listed specs by name: O(1) lookups for loops over many columns
    /// ([`Schema::get`] scans the list).
    pub fn by_name(&self) -> HashMap<&str, &ColumnSpec> {
        self.columns.iter().map(|c| (c.name.as_str(), c)).collect()
    }

    /// The listed spec of the column called `name`, if any (a linear scan).
    pub fn get(&self, name: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Mutable access to the listed spec of the column called `name`, if any.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut ColumnSpec> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// Gives role `ignore` to the listed columns named in `names` (the columns
    /// a model drops): [`Schema::conform`] then neither parses nor checks
    /// them, and a report of the schema shows them as unused.
    pub fn ignore(&mut self, names: &[&str]) {
        for c in &mut self.columns {
            if names.contains(&c.name.as_str()) {
                c.role = Role::Ignore;
            }
        }
    }

    /// Reads a schema from TOML (`.toml`) or JSON (anything else).
    pub fn from_file(path: &std::path::Path) -> Result<Schema, DataError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| DataError::Io { path: path.to_path_buf(), source })?;
        let is_toml = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        let invalid =
            |problem| DataError::InvalidSchema { path: Some(path.to_path_buf()), problem };
        let schema: Schema = if is_toml {
            toml::from_str(&text).map_err(|e| e.to_string())
        } else {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        }
        .map_err(|detail| invalid(SchemaProblem::Syntax { detail }))?;
        schema.problem().map_err(invalid)?;
        Ok(schema)
    }

    /// Parses a schema from TOML text and checks its internal consistency
    /// (see [`Schema::check`]).
    pub fn from_toml(text: &str) -> Result<Schema, DataError> {
        let s: Schema = toml::from_str(text).map_err(|e| DataError::InvalidSchema {
            path: None,
            problem: SchemaProblem::Syntax { detail: e.to_string() },
        })?;
        s.check()?;
        Ok(s)
    }

    /// The schema as pretty-printed TOML, the format [`Schema::from_toml`] reads;
    /// if serialisation fails, a one-line TOML comment saying why.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot render schema: {e}\n"))
    }

    /// Internal consistency: unique names, sane ranges, levels for text binaries.
    pub fn check(&self) -> Result<(), DataError> {
        self.problem().map_err(|problem| DataError::InvalidSchema { path: None, problem })
    }

    fn problem(&self) -> Result<(), SchemaProblem> {
        let mut names = HashSet::with_capacity(self.columns.len());
        for c in &self.columns {
            if !names.insert(c.name.as_str()) {
                return Err(SchemaProblem::DuplicateColumn { column: c.name.clone() });
            }
            if let (Some(lo), Some(hi)) = (c.min, c.max)
                && lo > hi
            {
                return Err(SchemaProblem::EmptyRange { column: c.name.clone(), min: lo, max: hi });
            }
            if c.kind == Kind::Binary && c.levels.as_ref().is_some_and(|l| l.len() > 2) {
                return Err(SchemaProblem::BinaryLevels {
                    column: c.name.clone(),
                    levels: c.levels.as_ref().map_or(0, Vec::len),
                });
            }
        }
        Ok(())
    }

    /// Checks `table` against this schema and returns it conformed: declared
    /// missing codes become missing, numeric columns are numeric, values lie in
    /// their valid range, binary columns have at most their two levels.
    ///
    /// `required` lists the columns that must be present; a table column not
    /// listed in the schema is an error when `refuse_unknown` is set (model
    /// inputs, even with `[defaults]`), and otherwise is checked against the
    /// `[defaults]` if there are any, else kept untouched.
    pub fn conform(
        &self,
        mut table: Table,
        required: &[&str],
        refuse_unknown: bool,
    ) -> Result<Table, DataError> {
        for name in required {
            if table.index_of(name).is_none() {
                return Err(DataError::MissingColumn {
                    source_name: table.source.clone(),
                    column: name.to_string(),
                    hint: did_you_mean(name, table.names()),
                });
            }
        }
        let specs = self.by_name();
        if refuse_unknown
            && let Some(c) = table.columns.iter().find(|c| !specs.contains_key(c.name.as_str()))
        {
            let known: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
            return Err(DataError::UnknownColumn {
                source_name: table.source.clone(),
                column: c.name.clone(),
                known: known.join(", "),
            });
        }
        let (source, decimal) = (table.source.clone(), table.decimal);
        let (lines, records) = (table.lines.clone(), table.rows_are_records);
        let locate = |i: usize| crate::table::locate(&lines, records, i);
        for col in &mut table.columns {
            let default_spec;
            let spec = match (specs.get(col.name.as_str()), &self.defaults) {
                (Some(spec), _) => *spec,
                (None, Some(d)) => {
                    default_spec = d.spec(&col.name);
                    &default_spec
                }
                (None, None) => continue,
            };
            if spec.role == Role::Ignore {
                continue;
            }
            conform_column(spec, &mut col.data, &source, decimal, &locate)?;
        }
        Ok(table)
    }
}

fn check_not_mostly_numeric(
    table: &Table,
    name: &str,
    codes: &[u32],
    levels: &[String],
) -> Result<(), DataError> {
    let numeric: Vec<bool> = levels.iter().map(|l| table.decimal.parse(l).is_some()).collect();
    let (mut num, mut total) = (0usize, 0usize);
    for &c in codes.iter().filter(|&&c| c != MISSING_CODE) {
        total += 1;
        num += usize::from(numeric[c as usize]);
    }
    if total >= 10 && num * 10 >= total * 9 && num < total {
        let i = codes.iter().position(|&c| c != MISSING_CODE && !numeric[c as usize]).unwrap_or(0);
        let bad = &levels[codes[i] as usize];
        return Err(DataError::NotANumber {
            source_name: table.source.clone(),
            location: table.locate(i),
            column: name.to_string(),
            value: bad.clone(),
            numeric: num,
            total,
        });
    }
    Ok(())
}

fn conform_column(
    spec: &ColumnSpec,
    data: &mut ColumnData,
    source: &str,
    decimal: DecimalMark,
    locate: &dyn Fn(usize) -> String,
) -> Result<(), DataError> {
    let numeric_kind =
        spec.kind == Kind::Numeric || (spec.kind == Kind::Binary && spec.levels.is_none());
    if numeric_kind {
        if let ColumnData::Text { codes, levels } = &*data {
            let parsed: Vec<Option<f64>> = levels
                .iter()
                .map(|l| if spec.is_missing_code(l) { Some(f64::NAN) } else { decimal.parse(l) })
                .collect();
            let mut v = Vec::with_capacity(codes.len());
            for (i, &c) in codes.iter().enumerate() {
                if c == MISSING_CODE {
                    v.push(f64::NAN);
                    continue;
                }
                match parsed[c as usize] {
                    Some(x) => v.push(x),
                    None => {
                        return Err(DataError::cell(
                            source,
                            locate(i),
                            &spec.name,
                            format!(
                                "'{}' is not a number (the schema declares this column {})",
                                levels[c as usize],
                                if spec.kind == Kind::Numeric { "numeric" } else { "binary 0/1" }
                            ),
                        ));
                    }
                }
            }
            *data = ColumnData::Numeric(v);
        }
        if let ColumnData::Numeric(v) = data {
            for (i, x) in v.iter_mut().enumerate() {
                if x.is_nan() {
                    continue;
                }
                if spec.is_missing_number(*x) {
                    *x = f64::NAN;
                } else if spec.kind == Kind::Binary && *x != 0.0 && *x != 1.0 {
                    return Err(DataError::cell(
                        source,
                        locate(i),
                        &spec.name,
                        format!("value {x} is not 0 or 1 (the schema declares this column binary)"),
                    ));
                } else if !spec.in_range(*x) {
                    return Err(DataError::cell(
                        source,
                        locate(i),
                        &spec.name,
                        format!("value {x} is outside the valid range {}", spec.range_text()),
                    ));
                }
            }
        }
        return Ok(());
    }
    // Text kinds: numbers read as numbers become their text form, with a
    // point whatever the file's mark, so a level reads the same from CSV and JSON.
    if let ColumnData::Numeric(v) = &*data {
        let (codes, levels, _) = crate::table::numbers_to_text(v, DecimalMark::Point);
        *data = ColumnData::Text { codes, levels };
    }
    if let ColumnData::Text { codes, levels } = data {
        for c in codes.iter_mut() {
            if *c != MISSING_CODE && spec.is_missing_code(&levels[*c as usize]) {
                *c = MISSING_CODE;
            }
        }
        if spec.kind == Kind::Binary
            && let Some(allowed) = &spec.levels
            && let Some(i) = codes
                .iter()
                .position(|&c| c != MISSING_CODE && !allowed.contains(&levels[c as usize]))
        {
            return Err(DataError::cell(
                source,
                locate(i),
                &spec.name,
                format!(
                    "'{}' is not one of the column's levels ({})",
                    levels[codes[i] as usize],
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "schema_test.rs"]
mod tests;
