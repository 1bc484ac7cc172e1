//! Shared loaders for the survival golden tests (not a test file itself).
#![allow(dead_code, clippy::unwrap_used)]

use serde_json::Value;

pub const REF: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/reference/");

pub fn golden(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{REF}golden/{name}")).expect("golden file");
    serde_json::from_str(&text).expect("json")
}

/// A CSV as header + string cells.
pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    pub fn read(name: &str) -> Csv {
        let text = std::fs::read_to_string(format!("{REF}data/{name}")).expect("data file");
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header = lines.next().unwrap().split(',').map(|s| s.trim().to_string()).collect();
        let rows = lines.map(|l| l.split(',').map(|s| s.trim().to_string()).collect()).collect();
        Csv { header, rows }
    }
    pub fn idx(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"))
    }
    pub fn num(&self, name: &str) -> Vec<f64> {
        let j = self.idx(name);
        self.rows.iter().map(|r| r[j].parse().unwrap()).collect()
    }
    pub fn text(&self, name: &str) -> Vec<String> {
        let j = self.idx(name);
        self.rows.iter().map(|r| r[j].clone()).collect()
    }
}

pub fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(|x| x.as_f64().expect("number")).collect()
}

/// Optional floats (`null` -> None; "Infinity" -> +inf).
pub fn opt_floats(v: &Value) -> Vec<Option<f64>> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| match x {
            Value::Null => None,
            Value::String(s) if s == "Infinity" => Some(f64::INFINITY),
            _ => Some(x.as_f64().expect("number")),
        })
        .collect()
}

pub fn strings(v: &Value) -> Vec<String> {
    v.as_array().expect("array").iter().map(|x| x.as_str().expect("string").to_string()).collect()
}

/// Largest absolute difference; panics above `tol` or on length mismatch.
pub fn check(what: &str, got: &[f64], want: &[f64], tol: f64) -> f64 {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let mut worst = 0.0f64;
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        let d = (g - w).abs();
        assert!(d <= tol, "{what}[{k}]: got {g:e}, want {w:e} (diff {d:e})");
        worst = worst.max(d);
    }
    println!("{what}: max abs diff {worst:.3e}");
    worst
}

/// Largest relative difference; panics above `tol`.
pub fn check_rel(what: &str, got: &[f64], want: &[f64], tol: f64) -> f64 {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let mut worst = 0.0f64;
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        let d = if *w == 0.0 { g.abs() } else { ((g - w) / w).abs() };
        assert!(d <= tol, "{what}[{k}]: got {g:e}, want {w:e} (rel {d:e})");
        worst = worst.max(d);
    }
    println!("{what}: max rel diff {worst:.3e}");
    worst
}
