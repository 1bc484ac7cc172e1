//! Patient records given as JSON: a list of objects, or `{"records": [...]}`.

use serde_json::Value;

use crate::error::DataError;
use crate::table::{Column, ColumnData, MISSING_CODE, Table};

/// Reads JSON records into a table; numbers stay numbers, `null` is missing,
/// booleans become 1/0. Every record must have the same keys.
pub fn read_json_records(text: &str, source_name: &str) -> Result<Table, DataError> {
    let err = |detail: String| DataError::Json { source_name: source_name.to_string(), detail };
    let v: Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
    let records = match v {
        Value::Array(a) => a,
        Value::Object(mut o) => match o.remove("records") {
            Some(Value::Array(a)) => a,
            _ => return Err(err("expected a list of objects or {\"records\": [...]}".into())),
        },
        _ => return Err(err("expected a list of objects or {\"records\": [...]}".into())),
    };
    if records.is_empty() {
        return Err(DataError::NoRows { source_name: source_name.to_string() });
    }
    let mut names: Vec<String> = Vec::new();
    for (r, rec) in records.iter().enumerate() {
        let Value::Object(o) = rec else {
            return Err(err(format!("record {} is not an object", r + 1)));
        };
        if r == 0 {
            names = o.keys().cloned().collect();
        } else if let Some(k) = names.iter().find(|k| !o.contains_key(*k)) {
            return Err(err(format!(
                "record {} has no '{k}' (use null for a missing value)",
                r + 1
            )));
        } else if let Some(k) = o.keys().find(|k| !names.contains(k)) {
            return Err(err(format!("record {} has '{k}', which record 1 lacks", r + 1)));
        }
    }
    let mut columns = Vec::with_capacity(names.len());
    for name in &names {
        let cells: Vec<&Value> = records.iter().filter_map(|r| r.get(name)).collect();
        let numeric =
            cells.iter().all(|c| matches!(c, Value::Number(_) | Value::Null | Value::Bool(_)));
        let data = if numeric {
            ColumnData::Numeric(
                cells
                    .iter()
                    .map(|c| match c {
                        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
                        Value::Bool(b) => f64::from(u8::from(*b)),
                        _ => f64::NAN,
                    })
                    .collect(),
            )
        } else {
            let mut levels: Vec<String> = Vec::new();
            let mut index: std::collections::HashMap<String, u32> =
                std::collections::HashMap::new();
            let mut codes = Vec::with_capacity(cells.len());
            for (r, c) in cells.iter().enumerate() {
                let s = match c {
                    Value::Null => {
                        codes.push(MISSING_CODE);
                        continue;
                    }
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => {
                        return Err(err(format!(
                            "record {}, '{name}': expected a number, text or null",
                            r + 1
                        )));
                    }
                };
                let code = *index.entry(s.clone()).or_insert_with(|| {
                    levels.push(s);
                    (levels.len() - 1) as u32
                });
                codes.push(code);
            }
            ColumnData::Text { codes, levels }
        };
        columns.push(Column { name: name.clone(), data });
    }
    Ok(Table {
        source: source_name.to_string(),
        columns,
        lines: (1..=records.len() as u64).collect(),
        sha256: None,
        rows_are_records: true,
        decimal: crate::DecimalMark::Point,
        unparsed: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_shapes() {
        let a = read_json_records(r#"[{"age": 50, "sex": "F"}, {"age": null, "sex": "M"}]"#, "in")
            .expect("list");
        let b = read_json_records(
            r#"{"records": [{"age": 50, "sex": "F"}, {"age": null, "sex": "M"}]}"#,
            "in",
        )
        .expect("records");
        assert_eq!(a.columns[1], b.columns[1]);
        assert_eq!(a.columns[0].name, "age");
        assert!(a.columns[0].data.is_missing(1));
        assert_eq!(a.columns[1].data.text_at(1).as_deref(), Some("M"));
    }

    #[test]
    fn inconsistent_records_are_errors() {
        let e = read_json_records(r#"[{"a": 1}, {"b": 2}]"#, "in").expect_err("keys").to_string();
        assert!(e.contains("record 2 has no 'a'"), "{e}");
        assert!(read_json_records("[1]", "in").is_err());
        assert!(read_json_records("{", "in").is_err());
        assert!(read_json_records("[]", "in").is_err());
    }
}
