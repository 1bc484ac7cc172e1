//! Choosing the outcome and the predictors of a model.

use crate::error::{DataError, did_you_mean};
use crate::schema::{Role, Schema};
use crate::table::{ColumnData, MISSING_CODE, Table};

/// How the two levels of a binary outcome map to 0 and 1.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BinaryLevels {
    /// The level(s) coded 0, sorted and joined with `|` when there are several.
    pub negative: String,
    /// The event level(s) coded 1, sorted and joined with `|` when there are several.
    pub positive: String,
}

/// Level names read as "the event happened" when no event level is given.
const POSITIVE_WORDS: [&str; 7] = ["1", "true", "yes", "y", "pos", "positive", "event"];

/// Encodes a binary outcome column as 0/1.
///
/// Accepts numeric 0/1 or text levels. The event is `positive` when given
/// (one level, or several separated by commas, all other levels being the
/// non-event: `T,T1,T2,T3,T4`), else the dataset's declared
/// positive level, else a conventional name (1, true, yes, pos, positive);
/// without `positive` there must be exactly two levels. The returned labels
/// join grouped levels with `|`. Missing outcomes and a single class are errors.
pub fn binary_target(
    table: &Table,
    schema: &Schema,
    target: &str,
    positive: Option<&str>,
) -> Result<(Vec<f64>, BinaryLevels), DataError> {
    let (col, levels) = outcome_levels(table, target)?;
    let event = event_levels(&levels, target, schema, positive)?;
    let level_set = |inside: bool| {
        let v: Vec<&str> = (0..levels.len())
            .filter(|k| event.contains(k) == inside)
            .map(|k| levels[k].as_str())
            .collect();
        v.join("|")
    };
    let events: std::collections::HashSet<&str> =
        event.iter().map(|&k| levels[k].as_str()).collect();
    let y = match &col.data {
        // Text: whether each dictionary code is an event level, once.
        ColumnData::Text { codes, levels: dict } => {
            let by_code: Vec<bool> = dict.iter().map(|l| events.contains(l.as_str())).collect();
            codes
                .iter()
                .map(|&c| f64::from(u8::from(by_code.get(c as usize) == Some(&true))))
                .collect()
        }
        ColumnData::Numeric(_) => (0..table.n_rows())
            .map(|i| {
                let v = col.data.text_at(i).unwrap_or_default();
                f64::from(u8::from(events.contains(v.as_str())))
            })
            .collect(),
    };
    Ok((y, BinaryLevels { negative: level_set(false), positive: level_set(true) }))
}

/// The outcome column and its sorted distinct levels (numbers in numeric
/// order), after checking that no row misses its outcome and that there are
/// at least two levels.
fn outcome_levels<'t>(
    table: &'t Table,
    target: &str,
) -> Result<(&'t crate::Column, Vec<String>), DataError> {
    let col = table.column(target).ok_or_else(|| DataError::MissingColumn {
        source_name: table.source.clone(),
        column: target.to_string(),
        hint: did_you_mean(target, table.names()),
    })?;
    if let Some(i) = (0..table.n_rows()).find(|&i| col.data.is_missing(i)) {
        return Err(DataError::cell(
            &table.source,
            table.locate(i),
            target,
            "the outcome is missing; remove rows without an outcome before training",
        ));
    }
    let mut levels: Vec<String> = match &col.data {
        ColumnData::Numeric(v) => {
            let mut l: Vec<f64> = v.clone();
            l.sort_by(f64::total_cmp);
            l.dedup();
            l.iter().map(f64::to_string).collect()
        }
        ColumnData::Text { levels, codes } => {
            let mut seen = vec![false; levels.len()];
            for &c in codes.iter().filter(|&&c| c != MISSING_CODE) {
                seen[c as usize] = true;
            }
            let mut used: Vec<String> =
                levels.iter().zip(&seen).filter(|(_, s)| **s).map(|(l, _)| l.clone()).collect();
            used.sort();
            used
        }
    };
    levels.dedup();
    if levels.len() == 1 {
        return Err(DataError::SingleClass {
            source_name: table.source.clone(),
            column: target.to_string(),
            level: levels[0].clone(),
            rows: table.n_rows(),
        });
    }
    Ok((col, levels))
}

/// Encodes an outcome of two or more classes as class indices `0..k` (as f64),
/// with the class names in index order: text levels sorted, numbers in numeric
/// order (scikit-learn's `LabelEncoder`). Missing outcomes and a single class
/// are errors.
pub fn multiclass_target(
    table: &Table,
    target: &str,
) -> Result<(Vec<f64>, Vec<String>), DataError> {
    let (col, classes) = outcome_levels(table, target)?;
    let index: std::collections::HashMap<&str, usize> =
        classes.iter().enumerate().map(|(k, l)| (l.as_str(), k)).collect();
    let y = match &col.data {
        ColumnData::Text { codes, levels: dict } => {
            let by_code: Vec<f64> = dict
                .iter()
                .map(|l| index.get(l.as_str()).map_or(f64::NAN, |&k| k as f64))
                .collect();
            codes.iter().map(|&c| by_code.get(c as usize).copied().unwrap_or(f64::NAN)).collect()
        }
        ColumnData::Numeric(_) => (0..table.n_rows())
            .map(|i| {
                let v = col.data.text_at(i).unwrap_or_default();
                index.get(v.as_str()).map_or(f64::NAN, |&k| k as f64)
            })
            .collect(),
    };
    Ok((y, classes))
}

/// Indices into `levels` (sorted, at least two) of the levels that count as
/// the event: `positive` (one level, or several separated by commas: the
/// rest are the non-event), else the dataset's declared positive level when it
/// is one of these, else a conventional name (1, true, yes, pos, ...) when
/// there are exactly two levels.
fn event_levels(
    levels: &[String],
    target: &str,
    schema: &Schema,
    positive: Option<&str>,
) -> Result<Vec<usize>, DataError> {
    let find = |p: &str| levels.iter().position(|l| l == p);
    let event: Vec<usize> = match positive {
        Some(p) if find(p).is_some() => find(p).into_iter().collect(),
        Some(p) => p
            .split(',')
            .map(|q| {
                find(q.trim()).ok_or_else(|| DataError::UnknownEventLevel {
                    column: target.to_string(),
                    level: q.trim().to_string(),
                    levels: levels.to_vec(),
                })
            })
            .collect::<Result<_, _>>()?,
        None => {
            let declared = schema.dataset.as_ref().and_then(|d| d.positive.as_deref());
            match declared.and_then(find) {
                Some(k) if levels.len() == 2 => vec![k],
                _ if levels.len() > 2 => {
                    return Err(DataError::TooManyLevels {
                        column: target.to_string(),
                        count: levels.len(),
                        shown: levels.iter().take(8).cloned().collect(),
                    });
                }
                _ => {
                    let conventional: Vec<usize> = (0..2)
                        .filter(|&k| POSITIVE_WORDS.contains(&levels[k].to_lowercase().as_str()))
                        .collect();
                    if conventional.len() != 1 {
                        return Err(DataError::AmbiguousEvent {
                            column: target.to_string(),
                            first: levels[0].clone(),
                            second: levels[1].clone(),
                        });
                    }
                    conventional
                }
            }
        }
    };
    let mut event = event;
    event.sort_unstable();
    event.dedup();
    if event.len() == levels.len() {
        return Err(DataError::NoNonEvent { column: target.to_string(), levels: levels.to_vec() });
    }
    Ok(event)
}

/// The predictor columns: `features` if given (each must exist and must not be
/// an id, the target or ignored), else every column whose role is `feature`;
/// minus `drop`.
pub fn select_features(
    table: &Table,
    schema: &Schema,
    target: &str,
    features: Option<&[String]>,
    drop: &[String],
) -> Result<Vec<String>, DataError> {
    for name in features.unwrap_or_default().iter().chain(drop) {
        if table.index_of(name).is_none() {
            return Err(DataError::MissingColumn {
                source_name: table.source.clone(),
                column: name.clone(),
                hint: did_you_mean(name, table.names()),
            });
        }
    }
    let chosen: Vec<String> = match features {
        Some(f) => {
            // A dropped column may be listed too (and may carry role `ignore`
            // for being dropped): it is left out below, not refused.
            for name in f.iter().filter(|n| !drop.contains(n)) {
                let role = schema.get(name).map(|s| s.role);
                if name == target {
                    return Err(DataError::OutcomeAsPredictor { column: name.clone() });
                }
                if let Some(role @ (Role::Id | Role::Ignore | Role::Group | Role::Weight)) = role {
                    return Err(DataError::NeverPredictor { column: name.clone(), role });
                }
            }
            f.to_vec()
        }
        None => {
            let specs = schema.by_name();
            table
                .columns
                .iter()
                .map(|c| c.name.clone())
                .filter(|n| {
                    n != target && specs.get(n.as_str()).is_some_and(|s| s.role == Role::Feature)
                })
                .collect()
        }
    };
    let dropped: std::collections::HashSet<&str> = drop.iter().map(String::as_str).collect();
    let out: Vec<String> = chosen.into_iter().filter(|c| !dropped.contains(c.as_str())).collect();
    if out.is_empty() {
        return Err(DataError::NoPredictors);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_reader::read_csv_bytes;

    fn t(s: &str) -> (Table, Schema) {
        let t = read_csv_bytes(s.as_bytes(), "t.csv").expect("csv");
        let s = Schema::infer(&t).expect("schema");
        (t, s)
    }

    #[test]
    fn encodes_conventional_and_explicit_levels() {
        let (tb, s) = t("y,x\nyes,1\nno,2\n");
        let (y, l) = binary_target(&tb, &s, "y", None).expect("yes/no");
        assert_eq!((y, l.positive.as_str()), (vec![1.0, 0.0], "yes"));
        let (tb, s) = t("y,x\nM,1\nB,2\n");
        let e = binary_target(&tb, &s, "y", None).expect_err("ambiguous");
        assert!(matches!(&e, DataError::AmbiguousEvent { first, .. } if first == "B"), "{e}");
        let (y, _) = binary_target(&tb, &s, "y", Some("M")).expect("explicit");
        assert_eq!(y, vec![1.0, 0.0]);
        let (tb, s) = t("y,x\n0,1\n1,2\n");
        assert_eq!(binary_target(&tb, &s, "y", None).expect("0/1").0, vec![0.0, 1.0]);
    }

    #[test]
    fn single_class_many_classes_and_missing_outcome_are_errors() {
        let (tb, s) = t("y,x\n1,1\n1,2\n");
        assert!(
            binary_target(&tb, &s, "y", None)
                .expect_err("one")
                .to_string()
                .contains("single class")
        );
        let (tb, s) = t("y,x\n1,1\n2,2\n3,3\n");
        assert!(
            binary_target(&tb, &s, "y", None)
                .expect_err("three")
                .to_string()
                .contains("3 distinct")
        );
        let (tb, s) = t("y,x\n1,1\n,2\n");
        assert!(
            binary_target(&tb, &s, "y", None).expect_err("missing").to_string().contains("line 3")
        );
        let (tb, s) = t("y,x\n1,1\n0,2\n");
        assert!(
            binary_target(&tb, &s, "z", None).expect_err("no column").to_string().contains("'z'")
        );
    }

    #[test]
    fn features_default_to_feature_role_and_ids_are_refused() {
        let (tb, s) = t("id,a,b,y\n1,1,2,0\n2,3,4,1\n");
        assert_eq!(select_features(&tb, &s, "y", None, &[]).expect("default"), vec!["a", "b"]);
        assert_eq!(select_features(&tb, &s, "y", None, &["a".into()]).expect("drop"), vec!["b"]);
        let mut ignored = s.clone();
        ignored.ignore(&["a"]);
        let (both, a) = (["a".to_string(), "b".to_string()], ["a".to_string()]);
        let chosen = select_features(&tb, &ignored, "y", Some(&both), &a).expect("a dropped");
        assert_eq!(chosen, vec!["b"]);
        let e =
            select_features(&tb, &s, "y", Some(&["id".into()]), &[]).expect_err("id").to_string();
        assert!(e.contains("never a predictor"), "{e}");
    }
}
