//! Preprocessing fitted on training rows only and saved with the model:
//! median / most-frequent imputation, optional missing-indicator columns,
//! reference (drop-first) one-hot encoding with unseen-level handling, and
//! optional standardisation.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::DataError;
use crate::matrix::Matrix;
use crate::schema::{Kind, Schema};
use crate::table::{ColumnData, MISSING_CODE, Table};

/// Which preprocessing steps to fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PreprocessOptions {
    /// Impute missing values (median for numbers, most frequent level otherwise).
    /// Off for models that route missing values natively (GBDT): NaN passes through.
    pub impute: bool,
    /// Add a 0/1 column `name (missing)` for every feature that had missing values in training.
    pub missing_indicators: bool,
    /// Centre and scale numeric columns to mean 0, population SD 1.
    pub standardize: bool,
}

/// How one input column becomes one or more model features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FeatureStep {
    /// A number (or a 0/1 binary stored as a number).
    Numeric {
        /// Name of the input column (also the name of the output feature).
        column: String,
        /// Training median, used to impute; `None` when imputation is off.
        impute: Option<f64>,
        /// Emit a 0/1 `column (missing)` feature after this one: set when missing
        /// indicators were asked for and the column had missing values in training.
        indicator: bool,
        /// `(mean, sd)` when standardising.
        scale: Option<(f64, f64)>,
    },
    /// Text with levels: binary columns give one 0/1 feature (`column=level` for the
    /// second level), categorical columns one per non-reference level. An unseen level
    /// is coded like the reference level (all zeros).
    Levels {
        /// Name of the input column; output features are named `column=level`.
        column: String,
        /// Levels in training order; the first is the reference (all zeros).
        levels: Vec<String>,
        /// Most frequent training level, used to impute; `None` when imputation is off.
        impute: Option<String>,
        /// Emit a 0/1 `column (missing)` feature after the level features: set when
        /// missing indicators were asked for and the column had missing values in training.
        indicator: bool,
    },
}

/// A fitted preprocessing pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preprocessor {
    /// The options the pipeline was fitted with.
    pub options: PreprocessOptions,
    /// One step per input feature column, in output (matrix column) order.
    pub steps: Vec<FeatureStep>,
}

/// Column lookups by name in O(1) (wide tables have thousands of columns).
struct Columns<'a> {
    table: &'a Table,
    index: HashMap<&'a str, usize>,
}

impl<'a> Columns<'a> {
    fn new(table: &'a Table) -> Self {
        let mut index = HashMap::with_capacity(table.columns.len());
        for (k, c) in table.columns.iter().enumerate() {
            index.entry(c.name.as_str()).or_insert(k);
        }
        Columns { table, index }
    }

    fn get(&self, name: &str) -> Result<&'a ColumnData, DataError> {
        match self.index.get(name) {
            Some(&k) => Ok(&self.table.columns[k].data),
            None => column(self.table, name),
        }
    }
}

fn column<'a>(table: &'a Table, name: &str) -> Result<&'a ColumnData, DataError> {
    table.column(name).map(|c| &c.data).ok_or_else(|| DataError::MissingColumn {
        source_name: table.source.clone(),
        column: name.to_string(),
        hint: String::new(),
    })
}

/// Median of the non-missing values (mean of the two middle values for even
/// counts), by selection in O(n) rather than a full sort.
pub fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    let (n, m) = (v.len(), v.len() / 2);
    let (below, mid, _) = v.select_nth_unstable_by(m, f64::total_cmp);
    let mid = *mid;
    if n % 2 == 1 {
        return Some(mid);
    }
    let lower = below.iter().copied().max_by(f64::total_cmp).unwrap_or(mid);
    Some(0.5 * (lower + mid))
}

impl Preprocessor {
    /// Fits the steps for `features` on the given training `rows` of a conformed table.
    pub fn fit(
        table: &Table,
        schema: &Schema,
        features: &[String],
        rows: &[usize],
        options: PreprocessOptions,
    ) -> Result<Preprocessor, DataError> {
        let mut steps = Vec::with_capacity(features.len());
        let (columns, specs) = (Columns::new(table), schema.by_name());
        for name in features {
            let data = columns.get(name)?;
            let spec = specs.get(name.as_str());
            let kind = spec.map_or(Kind::Numeric, |s| s.kind);
            let has_missing = rows.iter().any(|&i| data.is_missing(i));
            let indicator = options.missing_indicators && has_missing;
            let step = match data {
                ColumnData::Numeric(v) => {
                    let impute =
                        if options.impute {
                            Some(median(rows.iter().map(|&i| v[i])).ok_or_else(|| {
                                DataError::NothingToImpute { column: name.clone() }
                            })?)
                        } else {
                            None
                        };
                    let scale = (options.standardize && kind == Kind::Numeric).then(|| {
                        let obs: Vec<f64> =
                            rows.iter().map(|&i| v[i]).filter(|x| !x.is_nan()).collect();
                        let n = obs.len().max(1) as f64;
                        let mean = obs.iter().sum::<f64>() / n;
                        let var = obs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
                        let sd = var.sqrt();
                        (mean, if sd > 0.0 { sd } else { 1.0 })
                    });
                    FeatureStep::Numeric { column: name.clone(), impute, indicator, scale }
                }
                ColumnData::Text { codes, levels } => {
                    let mut counts = vec![0usize; levels.len()];
                    for &i in rows {
                        if codes[i] != MISSING_CODE {
                            counts[codes[i] as usize] += 1;
                        }
                    }
                    let declared = spec.and_then(|s| s.levels.clone());
                    let mut kept: Vec<String> = match declared {
                        Some(d) if kind == Kind::Binary => d,
                        _ => {
                            let mut seen: Vec<String> = levels
                                .iter()
                                .zip(&counts)
                                .filter(|(_, c)| **c > 0)
                                .map(|(l, _)| l.clone())
                                .collect();
                            seen.sort();
                            seen
                        }
                    };
                    if kept.is_empty() {
                        kept = levels.clone();
                    }
                    let impute = if options.impute {
                        let best = (0..levels.len()).max_by_key(|&k| (counts[k], usize::MAX - k));
                        best.map(|k| levels[k].clone())
                    } else {
                        None
                    };
                    FeatureStep::Levels { column: name.clone(), levels: kept, impute, indicator }
                }
            };
            steps.push(step);
        }
        Ok(Preprocessor { options, steps })
    }

    /// Names of the output features, in matrix column order.
    pub fn output_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for s in &self.steps {
            match s {
                FeatureStep::Numeric { column, indicator, .. } => {
                    names.push(column.clone());
                    if *indicator {
                        names.push(format!("{column} (missing)"));
                    }
                }
                FeatureStep::Levels { column, levels, indicator, .. } => {
                    names.extend(levels.iter().skip(1).map(|l| format!("{column}={l}")));
                    if *indicator {
                        names.push(format!("{column} (missing)"));
                    }
                }
            }
        }
        names
    }

    /// Input columns the pipeline reads.
    pub fn input_columns(&self) -> Vec<&str> {
        self.steps
            .iter()
            .map(|s| match s {
                FeatureStep::Numeric { column, .. } | FeatureStep::Levels { column, .. } => {
                    column.as_str()
                }
            })
            .collect()
    }

    /// Applies the fitted steps to `rows` of a conformed table (all rows if `None`).
    pub fn transform(&self, table: &Table, rows: Option<&[usize]>) -> Result<Matrix, DataError> {
        let all: Vec<usize>;
        let rows = match rows {
            Some(r) => r,
            None => {
                all = (0..table.n_rows()).collect();
                &all
            }
        };
        let mut cols: Vec<Vec<f64>> = Vec::new();
        let columns = Columns::new(table);
        for s in &self.steps {
            match s {
                FeatureStep::Numeric { column: name, impute, indicator, scale } => {
                    let data = columns.get(name)?;
                    let ColumnData::Numeric(v) = data else {
                        return Err(DataError::TextWhereNumeric { column: name.clone() });
                    };
                    let (mean, sd) = scale.unwrap_or((0.0, 1.0));
                    cols.push(
                        rows.iter()
                            .map(|&i| {
                                let x =
                                    if v[i].is_nan() { impute.unwrap_or(f64::NAN) } else { v[i] };
                                if scale.is_some() { (x - mean) / sd } else { x }
                            })
                            .collect(),
                    );
                    if *indicator {
                        cols.push(
                            rows.iter().map(|&i| f64::from(u8::from(v[i].is_nan()))).collect(),
                        );
                    }
                }
                FeatureStep::Levels { column: name, levels, impute, indicator } => {
                    let data = columns.get(name)?;
                    // Each row's position among the kept levels (unseen levels get
                    // `levels.len()`, coded like the reference); `None` = missing.
                    let unseen = levels.len();
                    let find = |t: &str| levels.iter().position(|l| l == t).unwrap_or(unseen);
                    let imputed = impute.as_deref().map(find);
                    let pos: Vec<Option<usize>> = match data {
                        ColumnData::Text { codes, levels: table_levels } => {
                            let by_code: Vec<usize> =
                                table_levels.iter().map(|l| find(l)).collect();
                            rows.iter()
                                .map(|&i| match codes[i] {
                                    MISSING_CODE => imputed,
                                    c => Some(by_code[c as usize]),
                                })
                                .collect()
                        }
                        ColumnData::Numeric(_) => rows
                            .iter()
                            .map(|&i| data.text_at(i).map(|t| find(&t)).or(imputed))
                            .collect(),
                    };
                    for k in 1..levels.len() {
                        cols.push(
                            pos.iter()
                                .map(|p| p.map_or(f64::NAN, |p| f64::from(u8::from(p == k))))
                                .collect(),
                        );
                    }
                    if *indicator {
                        cols.push(
                            rows.iter().map(|&i| f64::from(u8::from(data.is_missing(i)))).collect(),
                        );
                    }
                }
            }
        }
        if cols.is_empty() {
            return Ok(Matrix::zeros(rows.len(), 0));
        }
        Ok(Matrix::from_columns(&cols)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_reader::read_csv_bytes;

    fn setup() -> (Table, Schema) {
        let t = read_csv_bytes(b"age,stage,sex\n50,I,F\n,II,M\n70,III,\n60,II,M\n", "t.csv")
            .expect("csv");
        let s = Schema::infer(&t).expect("schema");
        (s.conform(t, &[], false).expect("conform"), s)
    }

    #[test]
    fn imputes_encodes_and_names() {
        let (t, s) = setup();
        let feats = vec!["age".to_string(), "stage".to_string(), "sex".to_string()];
        let opts = PreprocessOptions { impute: true, missing_indicators: true, standardize: false };
        let p = Preprocessor::fit(&t, &s, &feats, &[0, 1, 2, 3], opts).expect("fit");
        assert_eq!(
            p.output_names(),
            vec!["age", "age (missing)", "stage=II", "stage=III", "sex=M", "sex (missing)"]
        );
        let m = p.transform(&t, None).expect("transform");
        assert_eq!(m.row(1), vec![60.0, 1.0, 1.0, 0.0, 1.0, 0.0]);
        assert_eq!(m.row(2), vec![70.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
    }

    #[test]
    fn fitted_on_training_rows_only_and_unseen_levels_are_reference() {
        let (t, s) = setup();
        let feats = vec!["age".to_string(), "stage".to_string()];
        let opts = PreprocessOptions { impute: true, missing_indicators: false, standardize: true };
        let p = Preprocessor::fit(&t, &s, &feats, &[0, 3], opts).expect("fit");
        assert_eq!(p.output_names(), vec!["age", "stage=II"]);
        let m = p.transform(&t, None).expect("transform");
        assert_eq!(m.col(0), &[-1.0, 0.0, 3.0, 1.0]); // mean 55, sd 5 from rows 0 and 3
        assert_eq!(m.get(2, 1), 0.0); // 'III' never seen in training
    }

    #[test]
    fn without_imputation_missing_stays_nan() {
        let (t, s) = setup();
        let opts =
            PreprocessOptions { impute: false, missing_indicators: false, standardize: false };
        let p = Preprocessor::fit(&t, &s, &["age".into(), "sex".into()], &[0, 1, 2, 3], opts)
            .expect("fit");
        let m = p.transform(&t, None).expect("transform");
        assert!(m.get(1, 0).is_nan() && m.get(2, 1).is_nan());
    }

    #[test]
    fn median_even_and_odd() {
        assert_eq!(median([3.0, 1.0, 2.0].into_iter()), Some(2.0));
        assert_eq!(median([4.0, 1.0, f64::NAN, 2.0, 3.0].into_iter()), Some(2.5));
        assert_eq!(median([f64::NAN].into_iter()), None);
    }
}
