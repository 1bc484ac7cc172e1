//! Reading a two-arm trial from a conformed table: the arm, the outcome
//! (survival or binary), the covariate design and the subgroups.

use osler_data::{ColumnData, Kind, Matrix, PreprocessOptions, Preprocessor};
use osler_data::{Schema, Table};
use serde::Serialize;

use super::error::TreatmentError;
use super::{OutcomeSpec, TreatmentSpec};
use crate::error::PipelineError;
use crate::outcome::Outcome;
use crate::survival_data::survival_outcome;

/// The two arms: `reference` is compared against `treated`.
#[derive(Debug, Clone, PartialEq)]
pub struct Arms {
    /// The arm column.
    pub column: String,
    /// The control (comparator) level of the arm column.
    pub reference: String,
    /// The treated level of the arm column.
    pub treated: String,
    /// Whether the control level was named or recognised from the coding.
    pub reference_chosen_by: ControlChoice,
}

/// How the control (reference) arm was chosen. Sorted order is never used:
/// with arms `drug` and `placebo` it would make placebo the treated arm and
/// invert every ratio and difference without a sign that anything is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlChoice {
    /// Named by the caller ([`TreatmentSpec::reference`]).
    Given,
    /// Recognised from the coding of the two levels (see [`control_by_coding`]).
    Coding,
}

impl ControlChoice {
    /// How the reference arm was chosen, in words.
    pub fn describe(self) -> &'static str {
        match self {
            ControlChoice::Given => "named as the control arm",
            ControlChoice::Coding => "recognised as the control arm from its coding",
        }
    }
}

/// Words that name a control arm, compared in lower case with `_` and `-` read as spaces.
const CONTROL_WORDS: [&str; 5] = ["control", "placebo", "standard", "none", "usual care"];

/// Control/treated codings of two levels, control first, compared like [`CONTROL_WORDS`].
const CONTROL_PAIRS: [[&str; 2]; 3] = [["0", "1"], ["no", "yes"], ["false", "true"]];

/// The index (0 or 1) of the control level of two arm levels when their
/// coding says which one it is: `0` of 0/1, `no` of no/yes, `false` of
/// false/true (in any case), or the one level named control, placebo,
/// standard, none or usual care when the other is not such a word. `None`
/// when the coding does not tell (e.g. `A`/`B`, `drug`/`surgery`,
/// `placebo`/`control`, 1/2).
pub fn control_by_coding(levels: [&str; 2]) -> Option<usize> {
    let norm = |l: &str| l.to_lowercase().replace(['_', '-'], " ").trim().to_string();
    let [a, b] = levels.map(norm);
    for [control, treated] in CONTROL_PAIRS {
        if a == control && b == treated {
            return Some(0);
        }
        if b == control && a == treated {
            return Some(1);
        }
    }
    match (CONTROL_WORDS.contains(&a.as_str()), CONTROL_WORDS.contains(&b.as_str())) {
        (true, false) => Some(0),
        (false, true) => Some(1),
        _ => None,
    }
}

/// The covariate design on the complete cases.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariates {
    /// Input covariate names, as given.
    pub names: Vec<String>,
    /// Design columns (indices into `x`) of each covariate.
    pub columns: Vec<Vec<usize>>,
    /// Name of each design column (`tgrade=II` for a level of a categorical).
    pub design_names: Vec<String>,
    /// Covariates of the complete cases (numbers as they are, categorical
    /// columns one-hot against their first level).
    pub x: Matrix,
    /// Table rows of the complete cases.
    pub rows: Vec<usize>,
}

/// One subgroup of a covariate: its label and table rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Subgroup {
    /// The covariate defining the subgroup.
    pub covariate: String,
    /// `name=level`, or `name <= m (median)` / `name > m (median)` for numbers.
    pub label: String,
    /// Table rows in the subgroup.
    pub rows: Vec<usize>,
}

/// Everything the analyses need.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialData {
    /// The arm column and its two levels.
    pub arms: Arms,
    /// 1 = treated arm, 0 = reference arm, per table row.
    pub treated: Vec<f64>,
    /// The outcome of every table row.
    pub outcome: Outcome,
    /// `None` when no covariates were given.
    pub covariates: Option<Covariates>,
    /// Subgroups of every covariate, in covariate order.
    pub subgroups: Vec<Subgroup>,
}

/// Reads the arm, outcome and covariates of a conformed table.
pub fn read_trial(
    table: &Table,
    schema: &Schema,
    spec: &TreatmentSpec,
) -> Result<TrialData, PipelineError> {
    let (arms, treated) = read_arms(table, &spec.arm, spec.reference.as_deref())?;
    let outcome = match &spec.outcome {
        OutcomeSpec::Survival(s) => {
            if s.start.is_some() {
                return Err(TreatmentError::StartStopOutcome.into());
            }
            let outcome = survival_outcome(table, schema, s)?;
            outcome.require_events(table, s)?;
            Outcome::Survival(outcome)
        }
        OutcomeSpec::Binary { column, positive } => {
            let (y, levels) =
                osler_data::target::binary_target(table, schema, column, positive.as_deref())?;
            Outcome::Binary { y, levels }
        }
    };
    let outcome_columns: Vec<&str> = match &spec.outcome {
        OutcomeSpec::Survival(s) => vec![&s.time, &s.event],
        OutcomeSpec::Binary { column, .. } => vec![column],
    };
    for c in &spec.covariates {
        if *c == spec.arm || outcome_columns.contains(&c.as_str()) {
            return Err(TreatmentError::CovariateIsOutcome { covariate: c.clone() }.into());
        }
    }
    let covariates = if spec.covariates.is_empty() {
        None
    } else {
        Some(design(table, schema, &spec.covariates)?)
    };
    let subgroups = spec
        .covariates
        .iter()
        .map(|c| subgroups_of(table, schema, c))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    Ok(TrialData { arms, treated, outcome, covariates, subgroups })
}

/// The arm of every row (1 = treated), with the two levels.
fn read_arms(
    table: &Table,
    name: &str,
    reference: Option<&str>,
) -> Result<(Arms, Vec<f64>), PipelineError> {
    let col =
        table.column(name).ok_or_else(|| PipelineError::missing_column(table, "arm", name))?;
    let n = table.n_rows();
    if let Some(i) = (0..n).find(|&i| col.data.is_missing(i)) {
        let missing = (0..n).filter(|&i| col.data.is_missing(i)).count();
        return Err(TreatmentError::ArmMissing {
            source_name: table.source.clone(),
            location: table.locate(i),
            column: name.into(),
            missing,
            rows: n,
        }
        .into());
    }
    // Numeric arms in numeric order (2 before 10), text arms in text order.
    let levels: Vec<String> = if let ColumnData::Numeric(v) = &col.data {
        let mut u = v.clone();
        u.sort_by(f64::total_cmp);
        u.dedup();
        u.iter().map(f64::to_string).collect()
    } else {
        let mut l: Vec<String> = (0..n).filter_map(|i| col.data.text_at(i)).collect();
        l.sort();
        l.dedup();
        l
    };
    match levels.len() {
        0 => return Err(TreatmentError::NoRows { source_name: table.source.clone() }.into()),
        1 => {
            return Err(TreatmentError::SingleArm {
                column: name.into(),
                level: levels[0].clone(),
                rows: n,
            }
            .into());
        }
        2 => {}
        _ => return Err(TreatmentError::TooManyArms { column: name.into(), levels }.into()),
    }
    let (r, reference_chosen_by) = match reference {
        Some(r) => {
            let i = levels.iter().position(|l| l == r).ok_or_else(|| {
                TreatmentError::ReferenceAbsent {
                    reference: r.into(),
                    column: name.into(),
                    levels: levels.clone(),
                }
            })?;
            (i, ControlChoice::Given)
        }
        None => {
            let i = control_by_coding([&levels[0], &levels[1]]).ok_or_else(|| {
                TreatmentError::ControlAmbiguous { column: name.into(), levels: levels.clone() }
            })?;
            (i, ControlChoice::Coding)
        }
    };
    let arms = Arms {
        column: name.into(),
        reference: levels[r].clone(),
        treated: levels[1 - r].clone(),
        reference_chosen_by,
    };
    let treated = (0..n)
        .map(|i| f64::from(u8::from(col.data.text_at(i).as_deref() == Some(arms.treated.as_str()))))
        .collect();
    Ok((arms, treated))
}

/// Complete-case design of the covariates, remembering each one's columns.
fn design(
    table: &Table,
    schema: &Schema,
    covariates: &[String],
) -> Result<Covariates, PipelineError> {
    let mut seen: Vec<&String> = covariates.iter().collect();
    seen.sort();
    if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
        return Err(TreatmentError::CovariateTwice { covariate: w[0].clone() }.into());
    }
    let all: Vec<usize> = (0..table.n_rows()).collect();
    let opts = PreprocessOptions { impute: false, missing_indicators: false, standardize: false };
    let pre = Preprocessor::fit(table, schema, covariates, &all, opts)?;
    let mut columns = Vec::with_capacity(covariates.len());
    let mut next = 0;
    for (name, step) in covariates.iter().zip(&pre.steps) {
        let width = match step {
            osler_data::preprocess::FeatureStep::Numeric { .. } => 1,
            osler_data::preprocess::FeatureStep::Levels { levels, .. } => {
                levels.len().saturating_sub(1)
            }
        };
        if width == 0 {
            return Err(TreatmentError::CovariateSingleLevel { covariate: name.clone() }.into());
        }
        columns.push((next..next + width).collect());
        next += width;
    }
    let x = pre.transform(table, None)?;
    let rows: Vec<usize> =
        all.into_iter().filter(|&i| (0..x.cols()).all(|j| !x.get(i, j).is_nan())).collect();
    if rows.len() < 10 {
        return Err(TreatmentError::TooFewCompleteCases {
            complete: rows.len(),
            covariates: covariates.to_vec(),
        }
        .into());
    }
    let x = if rows.len() == x.rows() { x } else { x.select_rows(&rows) };
    Ok(Covariates {
        names: covariates.to_vec(),
        columns,
        design_names: pre.output_names(),
        x,
        rows,
    })
}

/// Subgroups of one covariate: one per level of a categorical or binary
/// column (or a numeric column with at most two distinct values, in numeric
/// order); otherwise `<= median` and `> median` of the non-missing values.
fn subgroups_of(
    table: &Table,
    schema: &Schema,
    name: &str,
) -> Result<Vec<Subgroup>, PipelineError> {
    let col = table
        .column(name)
        .ok_or_else(|| PipelineError::missing_column(table, "covariate", name))?;
    let n = table.n_rows();
    let kind = schema.get(name).map_or(Kind::Numeric, |s| s.kind);
    let by_level = |levels: Vec<String>| -> Vec<Subgroup> {
        levels
            .into_iter()
            .map(|l| Subgroup {
                covariate: name.into(),
                rows: (0..n)
                    .filter(|&i| col.data.text_at(i).as_deref() == Some(l.as_str()))
                    .collect(),
                label: format!("{name}={l}"),
            })
            .collect()
    };
    match &col.data {
        ColumnData::Numeric(v) => {
            let mut distinct: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            if kind != Kind::Numeric || distinct.len() <= 2 {
                return Ok(by_level(distinct.iter().map(f64::to_string).collect()));
            }
            let Some(m) = osler_data::preprocess::median(v.iter().copied()) else {
                return Ok(Vec::new());
            };
            let pick = |f: &dyn Fn(f64) -> bool| (0..n).filter(|&i| f(v[i])).collect::<Vec<_>>();
            Ok(vec![
                Subgroup {
                    covariate: name.into(),
                    label: format!("{name} <= {m} (median)"),
                    rows: pick(&|x| x <= m),
                },
                Subgroup {
                    covariate: name.into(),
                    label: format!("{name} > {m}"),
                    rows: pick(&|x| x > m),
                },
            ])
        }
        ColumnData::Text { .. } => {
            let declared = schema.get(name).and_then(|s| s.levels.clone());
            let mut present: Vec<String> = (0..n).filter_map(|i| col.data.text_at(i)).collect();
            present.sort();
            present.dedup();
            let levels = match declared {
                Some(d) => d.into_iter().filter(|l| present.contains(l)).collect(),
                None => present,
            };
            Ok(by_level(levels))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::treatment::error::TreatmentError;

    #[test]
    fn coding_marks_the_control_in_either_order_and_any_case() {
        for (levels, control) in [
            (["0", "1"], 0),
            (["No", "YES"], 0),
            (["true", "false"], 1),
            (["drug", "placebo"], 1),
            (["Usual_Care", "intervention"], 0),
            (["surgery", "standard"], 1),
            (["none", "aspirin"], 0),
        ] {
            assert_eq!(control_by_coding(levels), Some(control), "{levels:?}");
        }
    }

    #[test]
    fn coding_without_a_control_marks_none() {
        for levels in
            [["A", "B"], ["drug", "surgery"], ["placebo", "control"], ["1", "2"], ["yes", "1"]]
        {
            assert_eq!(control_by_coding(levels), None, "{levels:?}");
        }
    }

    fn arms_of(csv: &str, reference: Option<&str>) -> Result<(Arms, Vec<f64>), PipelineError> {
        let t = osler_data::read_csv_bytes(csv.as_bytes(), "trial.csv").expect("csv");
        read_arms(&t, "arm", reference)
    }

    #[test]
    fn placebo_is_the_reference_although_it_sorts_after_drug() {
        let (arms, treated) = arms_of("arm\nplacebo\ndrug\ndrug\n", None).expect("arms");
        assert_eq!((arms.reference.as_str(), arms.treated.as_str()), ("placebo", "drug"));
        assert_eq!(arms.reference_chosen_by, ControlChoice::Coding);
        assert_eq!(treated, [0.0, 1.0, 1.0]);
        let (arms, _) = arms_of("arm\nplacebo\ndrug\n", Some("drug")).expect("arms");
        assert_eq!(
            (arms.reference.as_str(), arms.reference_chosen_by),
            ("drug", ControlChoice::Given)
        );
    }

    #[test]
    fn levels_without_a_control_coding_are_refused_with_both_levels() {
        let e = arms_of("arm\nB\nA\n", None).expect_err("ambiguous");
        let PipelineError::Treatment(t) = &e else { panic!("a treatment error: {e}") };
        assert!(
            matches!(t.as_ref(), TreatmentError::ControlAmbiguous { column, levels }
                if column == "arm" && levels == &["A", "B"]),
            "{e}"
        );
        assert!(e.to_string().contains("has levels A and B"), "{e}");
    }
}
