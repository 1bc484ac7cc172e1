//! A guard against predictors that encode the outcome (leakage): a column
//! that alone separates the outcome almost perfectly is more often recorded
//! from, or after, the outcome (a diagnosis code, a test that defines the
//! class, a follow-up date) than a discovery, and a model trained on it
//! reports an accuracy it will not have on new patients.
//!
//! [`screen`] looks at each predictor on its own, on the training rows where
//! it is not missing, with the one implementation of each statistic in
//! osler-eval:
//!
//! - **binary outcome**, numeric or two-level column: the AUROC of its values
//!   ([`Separation::Auroc`]), reported when `>= 0.99` or `<= 0.01`;
//! - **binary or multiclass outcome**, text column with more levels (two or
//!   more for a multiclass outcome): whether its levels map to the classes
//!   ([`Separation::LevelAuroc`]): each row is scored by the share of a class
//!   among the *other* rows of its level (leave-one-out, so a level seen once
//!   carries no information and an id column never fires), and the AUROC of
//!   that score for the class against the rest, averaged over the classes, is
//!   reported when `>= 0.99`;
//! - **survival outcome**, numeric or two-level column: Harrell's C of its
//!   values as a risk score ([`Separation::HarrellC`]), reported when
//!   `>= 0.99` or `<= 0.01`.
//!
//! A class (or the events) needs [`MIN_CLASS_ROWS`] non-missing rows before
//! a column is judged, so a handful of rows cannot separate by chance.
//! Numeric columns of a multiclass outcome, text columns with more than two
//! levels of a survival outcome, counting-process (start, stop] data and
//! visit sequences are not screened. Each column costs one sort per class, so
//! wide data (12,625 probe sets) stays cheap; at most [`MAX_NAMED`] columns
//! are named, the strongest first, and the rest are counted.

use serde::{Deserialize, Serialize};

use osler_data::table::MISSING_CODE;
use osler_data::{Column, ColumnData};
use osler_eval::auroc;
use osler_eval::survival::harrell_c;

use crate::outcome::Outcome;
use crate::prepare::Prepared;

/// A single-feature AUROC or C at or above this (or at or below `1 -` this)
/// is reported.
pub const SEPARATION_LIMIT: f64 = 0.99;
/// Non-missing rows each side of a comparison (a class and the rest, events)
/// needs before a column is judged.
pub const MIN_CLASS_ROWS: usize = 10;
/// Columns named one by one; further separating columns are only counted.
pub const MAX_NAMED: usize = 10;

/// The statistic by which a column separates the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Separation {
    /// AUROC of the column's values for the event (binary outcome; 0.5 =
    /// none, 1 or 0 = perfect in one direction or the other).
    Auroc,
    /// AUROC of each row's leave-one-out class share within its level, one
    /// class against the rest, averaged over the classes with enough rows.
    LevelAuroc,
    /// Harrell's C of the column's values as a risk score (survival outcome).
    HarrellC,
}

/// A problem in the training data that does not stop training; stored in
/// the artifact's manifest and shown by every front end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// One predictor alone separates the outcome almost perfectly.
    PossibleLeakage {
        /// The predictor column.
        column: String,
        /// Which statistic separates.
        statistic: Separation,
        /// Its value (AUROC or C, between 0 and 1).
        value: f64,
        /// Non-missing rows of the column it was computed on.
        rows: usize,
        /// The warning in words.
        message: String,
    },
    /// More predictors separate the outcome than are named one by one.
    MoreLeakage {
        /// How many more columns.
        columns: usize,
        /// The warning in words.
        message: String,
    },
}

impl Warning {
    /// The warning in words.
    pub fn message(&self) -> &str {
        match self {
            Warning::PossibleLeakage { message, .. } | Warning::MoreLeakage { message, .. } => {
                message
            }
        }
    }
}

/// A column that separates the outcome, before it becomes a [`Warning`].
struct Finding {
    column: String,
    statistic: Separation,
    value: f64,
    rows: usize,
}

impl Finding {
    /// Distance from no separation (0.5), for ranking.
    fn strength(&self) -> f64 {
        (self.value - 0.5).abs()
    }

    fn into_warning(self) -> Warning {
        let (column, value, rows) = (&self.column, self.value, self.rows);
        let finding = match self.statistic {
            Separation::Auroc => format!(
                "'{column}' alone separates the outcome almost perfectly (AUROC {value:.3} on its {rows} non-missing rows)"
            ),
            Separation::LevelAuroc => format!(
                "the levels of '{column}' map to the outcome almost one to one (AUROC {value:.3} of each row's outcome share among the other rows of its level, on its {rows} non-missing rows)"
            ),
            Separation::HarrellC => format!(
                "'{column}' alone orders the survival times almost perfectly (Harrell's C {value:.3} on its {rows} non-missing rows)"
            ),
        };
        let message = format!(
            "possible leakage: {finding}; check that it is not recorded from, or after, the outcome"
        );
        Warning::PossibleLeakage {
            column: self.column,
            statistic: self.statistic,
            value: self.value,
            rows: self.rows,
            message,
        }
    }
}

/// The predictors of `data` that alone separate its outcome almost
/// perfectly, as warnings: the [`MAX_NAMED`] strongest by name (in the order
/// of their distance from 0.5, ties in predictor order), and one
/// [`Warning::MoreLeakage`] counting the rest. Empty when none separates.
pub fn screen(data: &Prepared) -> Vec<Warning> {
    let columns = data.features.iter().filter_map(|f| data.table.column(f));
    let mut found: Vec<Finding> = match &data.outcome {
        Outcome::Binary { y, .. } => {
            let classes: Vec<usize> = y.iter().map(|&v| usize::from(v == 1.0)).collect();
            columns.filter_map(|c| separation_of_classes(c, &classes, 2, true)).collect()
        }
        Outcome::Multiclass { y, classes } => {
            let codes: Vec<usize> = y.iter().map(|&v| v as usize).collect();
            columns.filter_map(|c| separation_of_classes(c, &codes, classes.len(), false)).collect()
        }
        Outcome::Survival(s) if s.start.is_none() => {
            let event: Vec<bool> = s.event.iter().map(|&e| e == 1.0).collect();
            columns.filter_map(|c| separation_of_survival(c, &s.time, &event)).collect()
        }
        Outcome::Survival(_) => Vec::new(),
    };
    found.sort_by(|a, b| b.strength().total_cmp(&a.strength()));
    let more = found.len().saturating_sub(MAX_NAMED);
    found.truncate(MAX_NAMED);
    let mut warnings: Vec<Warning> = found.into_iter().map(Finding::into_warning).collect();
    if more > 0 {
        warnings.push(Warning::MoreLeakage {
            columns: more,
            message: format!(
                "possible leakage: {more} more columns alone separate the outcome almost perfectly (the {MAX_NAMED} strongest are named)"
            ),
        });
    }
    warnings
}

/// A column's values as numbers (text as level codes), the non-missing rows
/// and how many distinct levels a text column uses.
struct Observed {
    rows: Vec<usize>,
    values: Vec<f64>,
    levels_used: usize,
}

fn observed(column: &Column) -> Observed {
    match &column.data {
        ColumnData::Numeric(v) => {
            let rows: Vec<usize> = (0..v.len()).filter(|&i| !v[i].is_nan()).collect();
            let values = rows.iter().map(|&i| v[i]).collect();
            Observed { rows, values, levels_used: 0 }
        }
        ColumnData::Text { codes, levels } => {
            let rows: Vec<usize> = (0..codes.len()).filter(|&i| codes[i] != MISSING_CODE).collect();
            let mut used = vec![false; levels.len()];
            for &i in &rows {
                used[codes[i] as usize] = true;
            }
            let values = rows.iter().map(|&i| f64::from(codes[i])).collect();
            Observed { rows, values, levels_used: used.iter().filter(|&&u| u).count() }
        }
    }
}

/// The separation of a class outcome (`class[i]` in `0..k`) by `column`:
/// the two-sided AUROC of its values for a binary outcome when the column is
/// numeric or uses two levels (`values_allowed`), else the level map.
fn separation_of_classes(
    column: &Column,
    class: &[usize],
    k: usize,
    values_allowed: bool,
) -> Option<Finding> {
    let obs = observed(column);
    let is_text = matches!(column.data, ColumnData::Text { .. });
    let y: Vec<usize> = obs.rows.iter().map(|&i| class[i]).collect();
    let (statistic, value) = if values_allowed && (!is_text || obs.levels_used <= 2) {
        let positives = y.iter().filter(|&&c| c == 1).count();
        if positives < MIN_CLASS_ROWS || y.len() - positives < MIN_CLASS_ROWS {
            return None;
        }
        let event: Vec<bool> = y.iter().map(|&c| c == 1).collect();
        let a = auroc(&event, &obs.values).ok()?;
        (Separation::Auroc, a)
    } else if is_text && obs.levels_used >= 2 {
        let codes: Vec<usize> = obs.values.iter().map(|&v| v as usize).collect();
        (Separation::LevelAuroc, level_auroc(&codes, &y, k)?)
    } else {
        return None;
    };
    separates(statistic, value).then(|| Finding {
        column: column.name.clone(),
        statistic,
        value,
        rows: obs.rows.len(),
    })
}

/// Is `value` of `statistic` beyond [`SEPARATION_LIMIT`]? The level map is
/// one-sided: leave-one-out shares of impure levels rank a row's own class
/// lower, so values near 0 mean no map rather than a reversed one.
fn separates(statistic: Separation, value: f64) -> bool {
    match statistic {
        Separation::LevelAuroc => value >= SEPARATION_LIMIT,
        Separation::Auroc | Separation::HarrellC => {
            value >= SEPARATION_LIMIT || value <= 1.0 - SEPARATION_LIMIT
        }
    }
}

/// The level map's AUROC (see [`Separation::LevelAuroc`]) of level codes
/// `level` for classes `class` in `0..k`, averaged over the classes with
/// [`MIN_CLASS_ROWS`] rows on each side; `None` when no class has them.
fn level_auroc(level: &[usize], class: &[usize], k: usize) -> Option<f64> {
    let n = level.len();
    let n_levels = level.iter().max().map_or(0, |&m| m + 1);
    let mut count = vec![0usize; n_levels * k];
    let mut size = vec![0usize; n_levels];
    let mut total = vec![0usize; k];
    for (&l, &c) in level.iter().zip(class) {
        count[l * k + c] += 1;
        size[l] += 1;
        total[c] += 1;
    }
    let mut sum = 0.0;
    let mut classes = 0usize;
    for (c, &t) in total.iter().enumerate() {
        if t < MIN_CLASS_ROWS || n - t < MIN_CLASS_ROWS {
            continue;
        }
        let overall = t as f64 / n as f64;
        let share: Vec<f64> = level
            .iter()
            .zip(class)
            .map(|(&l, &own)| {
                let others = size[l] - 1;
                if others == 0 {
                    return overall;
                }
                (count[l * k + c] - usize::from(own == c)) as f64 / others as f64
            })
            .collect();
        let is_c: Vec<bool> = class.iter().map(|&own| own == c).collect();
        sum += auroc(&is_c, &share).ok()?;
        classes += 1;
    }
    (classes > 0).then(|| sum / classes as f64)
}

/// Harrell's C of `column` (numeric or two levels) as a risk score of the
/// survival outcome `(time, event)`, when it separates.
fn separation_of_survival(column: &Column, time: &[f64], event: &[bool]) -> Option<Finding> {
    let obs = observed(column);
    if matches!(column.data, ColumnData::Text { .. }) && obs.levels_used > 2 {
        return None;
    }
    let t: Vec<f64> = obs.rows.iter().map(|&i| time[i]).collect();
    let e: Vec<bool> = obs.rows.iter().map(|&i| event[i]).collect();
    if e.iter().filter(|&&x| x).count() < MIN_CLASS_ROWS {
        return None;
    }
    let c = harrell_c(&t, &e, &obs.values).ok()?.c;
    separates(Separation::HarrellC, c).then(|| Finding {
        column: column.name.clone(),
        statistic: Separation::HarrellC,
        value: c,
        rows: obs.rows.len(),
    })
}

#[cfg(test)]
#[path = "leakage_test.rs"]
mod tests;
