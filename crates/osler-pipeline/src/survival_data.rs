//! Survival outcomes from a table: follow-up time (optionally with a start
//! time, counting-process style) and an event indicator.

use osler_data::{
    BinaryLevels, ColumnData, Matrix, PreprocessOptions, Preprocessor, Schema, Table,
};

use crate::error::{PipelineError, SurvivalRowProblem};

/// Which columns hold the survival outcome.
#[derive(Debug, Clone, Default)]
pub struct SurvivalSpec {
    /// Follow-up time (the stop time with `start`).
    pub time: String,
    /// Event indicator: 0/1, true/false, or two levels with `event_level`.
    pub event: String,
    /// The level of `event` that means "the event happened" (e.g. `2` for R's 1/2 coding).
    pub event_level: Option<String>,
    /// Start of each (start, stop] interval for time-varying data.
    pub start: Option<String>,
}

/// Time, event and optional start per row.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalOutcome {
    /// Follow-up (stop) time of each row, in the data's time unit.
    pub time: Vec<f64>,
    /// 1 = event, 0 = censored.
    pub event: Vec<f64>,
    /// Start of each (start, stop] interval, for counting-process data.
    pub start: Option<Vec<f64>>,
    /// How the event column was read (`negative` = censored, `positive` = event).
    pub levels: BinaryLevels,
}

impl SurvivalOutcome {
    /// Number of rows with an observed event (`event == 1`).
    pub fn events(&self) -> usize {
        self.event.iter().filter(|&&e| e == 1.0).count()
    }

    /// Refuses an outcome without a single event, for the analyses and models
    /// that estimate from events (Cox, log-rank, training); `table` and `spec`
    /// are where the outcome was read from, for the message.
    ///
    /// # Errors
    /// [`PipelineError::NoEvents`] naming the event column and its event level.
    pub fn require_events(&self, table: &Table, spec: &SurvivalSpec) -> Result<(), PipelineError> {
        if self.event.contains(&1.0) {
            return Ok(());
        }
        Err(PipelineError::NoEvents {
            source_name: table.source.clone(),
            column: spec.event.clone(),
            level: self.levels.positive.clone(),
        })
    }

    /// The rows listed, in order.
    pub fn select(&self, rows: &[usize]) -> SurvivalOutcome {
        let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        SurvivalOutcome {
            time: pick(&self.time),
            event: pick(&self.event),
            start: self.start.as_deref().map(pick),
            levels: self.levels.clone(),
        }
    }
}

fn numeric_column<'a>(
    table: &'a Table,
    name: &str,
    what: &'static str,
) -> Result<&'a [f64], PipelineError> {
    let col = table.column(name).ok_or_else(|| PipelineError::missing_column(table, what, name))?;
    match &col.data {
        ColumnData::Numeric(v) => Ok(v),
        ColumnData::Text { .. } => Err(PipelineError::ColumnNotNumeric {
            source_name: table.source.clone(),
            what,
            column: name.into(),
        }),
    }
}

/// Reads and checks the survival outcome of a conformed table: times finite and
/// positive, `stop > start`, events 0/1 (or the chosen level). Data without
/// an event are read (a Kaplan-Meier curve of them is S = 1); the analyses
/// that need events call [`SurvivalOutcome::require_events`].
pub fn survival_outcome(
    table: &Table,
    schema: &Schema,
    spec: &SurvivalSpec,
) -> Result<SurvivalOutcome, PipelineError> {
    let bad = |i: usize, col: &str, problem: SurvivalRowProblem| PipelineError::SurvivalRow {
        source_name: table.source.clone(),
        location: table.locate(i),
        column: col.into(),
        problem,
    };
    let time = numeric_column(table, &spec.time, "time")?.to_vec();
    for (i, &t) in time.iter().enumerate() {
        if t.is_nan() {
            return Err(bad(i, &spec.time, SurvivalRowProblem::MissingTime));
        }
        if t < 0.0 {
            return Err(bad(i, &spec.time, SurvivalRowProblem::NegativeTime { time: t }));
        }
        if t == 0.0 {
            return Err(bad(i, &spec.time, SurvivalRowProblem::ZeroTime));
        }
    }
    let start = match &spec.start {
        Some(s) => {
            let v = numeric_column(table, s, "start")?.to_vec();
            for i in 0..v.len() {
                if v[i].is_nan() {
                    return Err(bad(i, s, SurvivalRowProblem::MissingStart));
                }
                if time[i] <= v[i] {
                    let problem = SurvivalRowProblem::EmptyInterval { start: v[i], stop: time[i] };
                    return Err(bad(i, &spec.time, problem));
                }
            }
            Some(v)
        }
        None => None,
    };
    let (event, levels) = event_indicator(table, schema, spec, &bad)?;
    Ok(SurvivalOutcome { time, event, start, levels })
}

fn event_indicator(
    table: &Table,
    schema: &Schema,
    spec: &SurvivalSpec,
    bad: &dyn Fn(usize, &str, SurvivalRowProblem) -> PipelineError,
) -> Result<(Vec<f64>, BinaryLevels), PipelineError> {
    let name = &spec.event;
    let col =
        table.column(name).ok_or_else(|| PipelineError::missing_column(table, "event", name))?;
    let declared = spec
        .event_level
        .clone()
        .or_else(|| schema.dataset.as_ref().and_then(|d| d.positive.clone()));
    let n = table.n_rows();
    let mut levels: Vec<String> = (0..n).filter_map(|i| col.data.text_at(i)).collect();
    levels.sort();
    levels.dedup();
    if let Some(i) = (0..n).find(|&i| col.data.is_missing(i)) {
        return Err(bad(i, name, SurvivalRowProblem::MissingEvent));
    }
    let positive = match declared {
        Some(p) if levels.contains(&p) || levels.len() == 1 => p,
        Some(p) => {
            return Err(PipelineError::EventLevelAbsent {
                source_name: table.source.clone(),
                level: p,
                column: name.clone(),
                values: levels,
            });
        }
        None => {
            let numeric = matches!(col.data, ColumnData::Numeric(_));
            if numeric && levels.iter().all(|l| l == "0" || l == "1") {
                "1".to_string()
            } else if numeric && levels == ["1", "2"] {
                return Err(PipelineError::EventCodedOneTwo {
                    source_name: table.source.clone(),
                    column: name.clone(),
                });
            } else if let Some(l) = levels.iter().find(|l| {
                !numeric
                    && ["true", "yes", "dead", "died", "event", "1"]
                        .contains(&l.to_lowercase().as_str())
            }) {
                l.clone()
            } else {
                return Err(PipelineError::EventNotBinary {
                    source_name: table.source.clone(),
                    column: name.clone(),
                    values: levels,
                });
            }
        }
    };
    if levels.len() > 2 {
        let i = (0..n).find(|&i| {
            let t = col.data.text_at(i).unwrap_or_default();
            t != positive
                && levels.iter().filter(|l| **l != positive).nth(1).is_some_and(|x| *x == t)
        });
        return Err(bad(
            i.unwrap_or(0),
            name,
            SurvivalRowProblem::TooManyEventValues { values: levels },
        ));
    }
    let negative = levels.iter().find(|l| **l != positive).cloned().unwrap_or_else(|| "0".into());
    let event = (0..n)
        .map(|i| f64::from(u8::from(col.data.text_at(i).as_deref() == Some(positive.as_str()))))
        .collect();
    Ok((event, BinaryLevels { negative, positive }))
}

/// Case weights from `column` of a conformed table, as R's `weights =`:
/// every value finite and `>= 0` (a zero weight keeps the row out of the
/// estimates, as R).
///
/// # Errors
/// [`PipelineError::MissingColumn`] or [`PipelineError::ColumnNotNumeric`]
/// for the column, [`PipelineError::SurvivalRow`] naming the line and column
/// of the first missing ([`SurvivalRowProblem::MissingWeight`]), negative or
/// non-finite ([`SurvivalRowProblem::BadWeight`]) weight.
pub fn case_weights(table: &Table, column: &str) -> Result<Vec<f64>, PipelineError> {
    let w = numeric_column(table, column, "weights")?;
    let bad = |i: usize, problem: SurvivalRowProblem| PipelineError::SurvivalRow {
        source_name: table.source.clone(),
        location: table.locate(i),
        column: column.into(),
        problem,
    };
    // A missing number reads as NaN.
    for (i, &v) in w.iter().enumerate() {
        if v.is_nan() {
            return Err(bad(i, SurvivalRowProblem::MissingWeight));
        }
        if !(v.is_finite() && v >= 0.0) {
            return Err(bad(i, SurvivalRowProblem::BadWeight { weight: v }));
        }
    }
    Ok(w.to_vec())
}

/// Numeric design matrix of `covariates` (numbers as they are, categorical
/// columns one-hot against their first level), keeping complete cases only.
/// Returns the matrix, the feature names and the kept row indices.
pub fn complete_case_design(
    table: &Table,
    schema: &Schema,
    covariates: &[String],
) -> Result<(Matrix, Vec<String>, Vec<usize>), PipelineError> {
    let all: Vec<usize> = (0..table.n_rows()).collect();
    let opts = PreprocessOptions { impute: false, missing_indicators: false, standardize: false };
    let pre = Preprocessor::fit(table, schema, covariates, &all, opts)?;
    let x = pre.transform(table, None)?;
    let kept: Vec<usize> =
        all.into_iter().filter(|&i| (0..x.cols()).all(|j| !x.get(i, j).is_nan())).collect();
    let x = if kept.len() == x.rows() { x } else { x.select_rows(&kept) };
    Ok((x, pre.output_names(), kept))
}

/// [`complete_case_design`] consuming the table, with the same result:
/// numeric covariates are moved into the matrix one column at a time (each
/// freed as soon as it is copied), so the table and the matrix never both
/// hold the covariates in full.
pub fn complete_case_design_owned(
    mut table: Table,
    schema: &Schema,
    covariates: &[String],
) -> Result<(Matrix, Vec<String>, Vec<usize>), PipelineError> {
    let n = table.n_rows();
    let all: Vec<usize> = (0..n).collect();
    let opts = PreprocessOptions { impute: false, missing_indicators: false, standardize: false };
    let pre = Preprocessor::fit(&table, schema, covariates, &all, opts)?;
    let names = pre.output_names();
    let mut unique: Vec<&String> = covariates.iter().collect();
    unique.sort();
    unique.dedup();
    // Numbers are taken as they are (no imputation, no scaling): the matrix
    // is the columns themselves.
    let numeric_index = |c: &String| {
        table.index_of(c).filter(|&k| matches!(table.columns[k].data, ColumnData::Numeric(_)))
    };
    let index: Option<Vec<usize>> = covariates.iter().map(numeric_index).collect();
    let Some(index) =
        index.filter(|_| unique.len() == covariates.len() && names.len() == covariates.len())
    else {
        return complete_case_design(&table, schema, covariates);
    };
    let mut data = Vec::with_capacity(n * covariates.len());
    for k in index {
        let col = std::mem::replace(&mut table.columns[k].data, ColumnData::Numeric(Vec::new()));
        if let ColumnData::Numeric(v) = col {
            data.extend_from_slice(&v);
        }
    }
    drop(table);
    let p = covariates.len();
    let kept: Vec<usize> =
        all.into_iter().filter(|&i| (0..p).all(|j| !data[j * n + i].is_nan())).collect();
    let k = kept.len();
    if k < n {
        // Drop the incomplete rows in place: the kept values of column j go
        // to `j * k + r <= j * n + i`, at or before where they are read.
        for j in 0..p {
            for (r, &i) in kept.iter().enumerate() {
                data[j * k + r] = data[j * n + i];
            }
        }
        data.truncate(k * p);
        data.shrink_to_fit();
    }
    Ok((Matrix::from_column_major(k, p, data), names, kept))
}

/// Default covariates: every numeric or binary column that is a feature, i.e. not
/// the time, event, start, group or strata column, not an id and not ignored.
pub fn default_covariates(table: &Table, schema: &Schema, exclude: &[&str]) -> Vec<String> {
    table
        .columns
        .iter()
        .filter(|c| !exclude.contains(&c.name.as_str()))
        .filter(|c| matches!(c.data, ColumnData::Numeric(_)))
        .filter(|c| schema.get(&c.name).is_none_or(|s| s.role == osler_data::Role::Feature))
        .map(|c| c.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(csv: &str, level: Option<&str>) -> Result<SurvivalOutcome, PipelineError> {
        let t = osler_data::read_csv_bytes(csv.as_bytes(), "t.csv").expect("csv");
        let s = Schema::infer(&t).expect("schema");
        let spec = SurvivalSpec {
            time: "time".into(),
            event: "status".into(),
            event_level: level.map(String::from),
            start: None,
        };
        survival_outcome(&t, &s, &spec)
    }

    #[test]
    fn owned_design_matches() {
        let csv = "time,status,a,b,g\n5,1,1.5,,x\n3,0,2,4,y\n4,1,-1,2,x\n";
        let t = osler_data::read_csv_bytes(csv.as_bytes(), "t.csv").expect("csv");
        let s = Schema::infer(&t).expect("schema");
        for cov in [vec!["a", "b"], vec!["b", "a", "g"], vec!["a", "a"]] {
            let cov: Vec<String> = cov.into_iter().map(String::from).collect();
            let want = complete_case_design(&t, &s, &cov).expect("borrowed");
            let got = complete_case_design_owned(t.clone(), &s, &cov).expect("owned");
            assert_eq!(want, got);
        }
        let cov = vec!["a".to_string(), "nope".to_string()];
        let want = complete_case_design(&t, &s, &cov).expect_err("missing").to_string();
        let got = complete_case_design_owned(t.clone(), &s, &cov).expect_err("missing").to_string();
        assert_eq!(want, got);
    }

    #[test]
    fn reads_01_and_explicit_levels() {
        let o = outcome("time,status\n5,1\n3,0\n", None).expect("0/1");
        assert_eq!(o.event, vec![1.0, 0.0]);
        let e = outcome("time,status\n5,2\n3,1\n", None).expect_err("1/2 is ambiguous");
        assert!(
            matches!(&e, PipelineError::EventCodedOneTwo { column, .. } if column == "status"),
            "{e}"
        );
        let o = outcome("time,status\n5,2\n3,1\n", Some("2")).expect("explicit");
        assert_eq!(o.event, vec![1.0, 0.0]);
    }

    #[test]
    fn bad_times_and_all_censored_are_errors() {
        let e = outcome("time,status\n5,1\n-3,0\n", None).expect_err("negative").to_string();
        assert!(e.contains("line 3") && e.contains("negative"), "{e}");
        let t = osler_data::read_csv_bytes(b"time,status\n5,0\n3,0\n", "t.csv").expect("csv");
        let spec =
            SurvivalSpec { time: "time".into(), event: "status".into(), ..Default::default() };
        let o = survival_outcome(&t, &Schema::infer(&t).expect("schema"), &spec).expect("read");
        let e = o.require_events(&t, &spec).expect_err("censored").to_string();
        assert!(e.contains("censored"), "{e}");
        let e = outcome("time,status\n5,0\n3,7\n", None).expect_err("bad code").to_string();
        assert!(e.contains("0/1"), "{e}");
    }
}
