//! The one outcome type of every task: a binary or multiclass label per row,
//! or a censored time to event (with an optional entry time).

use osler_data::BinaryLevels;

use crate::registry::Task;
use crate::survival_data::SurvivalOutcome;

/// What is observed for every row (patient), in table order.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A 0/1 outcome (1 = the event, e.g. the disease is present).
    Binary {
        /// The outcome of each row, 0 or 1.
        y: Vec<f64>,
        /// Which outcome level is 0 and which is 1.
        levels: BinaryLevels,
    },
    /// One of `k >= 2` classes (e.g. a disease subtype).
    Multiclass {
        /// The class index `0..k` of each row (stored as f64 like every label).
        y: Vec<f64>,
        /// The class names, index = class code (sorted as scikit-learn's `LabelEncoder`).
        classes: Vec<String>,
    },
    /// Follow-up time, event indicator and optional entry (start) time.
    Survival(SurvivalOutcome),
}

impl Outcome {
    /// The task this outcome is predicted by.
    pub fn task(&self) -> Task {
        match self {
            Outcome::Binary { .. } => Task::Binary,
            Outcome::Multiclass { .. } => Task::Multiclass,
            Outcome::Survival(_) => Task::Survival,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.labels().len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What folds are stratified on and what a classifier is fitted to: the
    /// 0/1 outcome, the class index, or the event indicator of survival data.
    pub fn labels(&self) -> &[f64] {
        match self {
            Outcome::Binary { y, .. } | Outcome::Multiclass { y, .. } => y,
            Outcome::Survival(s) => &s.event,
        }
    }

    /// Number of classes: 2 for binary and survival (event or not), `k` for multiclass.
    pub fn classes(&self) -> usize {
        match self {
            Outcome::Multiclass { classes, .. } => classes.len(),
            _ => 2,
        }
    }

    /// Rows with the event among `rows` (binary: y = 1; survival: an observed
    /// event; multiclass: rows not of the first class).
    pub fn events(&self, rows: &[usize]) -> usize {
        let v = self.labels();
        match self {
            Outcome::Multiclass { .. } => rows.iter().filter(|&&i| v[i] != 0.0).count(),
            _ => rows.iter().filter(|&&i| v[i] == 1.0).count(),
        }
    }

    /// The rows listed, in order.
    pub fn select(&self, rows: &[usize]) -> Outcome {
        let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        match self {
            Outcome::Binary { y, levels } => Outcome::Binary { y: pick(y), levels: levels.clone() },
            Outcome::Multiclass { y, classes } => {
                Outcome::Multiclass { y: pick(y), classes: classes.clone() }
            }
            Outcome::Survival(s) => Outcome::Survival(s.select(rows)),
        }
    }
}
