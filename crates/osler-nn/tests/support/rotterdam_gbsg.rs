//! The rotterdam -> gbsg external-validation split of R `survival`'s
//! "validate" vignette, shared by the `deepsurv_rotterdam_gbsg` example and the
//! `external_validation` test: train on the 1,546 node-positive `rotterdam`
//! patients with recurrence-free survival (time = rtime if recur else dtime;
//! event = recur or death), covariates hormonal therapy, age, menopausal status,
//! size class, grade, nodes, pgr, er; test on all 686 `gbsg` patients
//! (rfstime, status), size in mm mapped to the same classes (<=20, 20-50, >50).

use osler_data::{ColumnData, Matrix, Table};

/// Training rows (rotterdam) and test rows (gbsg).
pub struct Split {
    /// Training covariates, one row per node-positive rotterdam patient.
    pub x: Matrix,
    /// Recurrence-free survival time (days).
    pub time: Vec<f64>,
    /// 1 = recurrence or death.
    pub event: Vec<f64>,
    /// Test covariates (gbsg), same columns.
    pub x_test: Matrix,
    /// gbsg `rfstime`.
    pub time_test: Vec<f64>,
    /// gbsg `status` as booleans.
    pub event_test: Vec<bool>,
}

const COVARIATES: [&str; 8] = ["hormon", "age", "meno", "size", "grade", "nodes", "pgr", "er"];

fn col(t: &Table, name: &str) -> Result<Vec<f64>, String> {
    match &t.column(name).ok_or(format!("no column {name}"))?.data {
        ColumnData::Numeric(v) => Ok(v.clone()),
        ColumnData::Text { codes, levels } => Ok(codes
            .iter()
            .map(|&c| match levels.get(c as usize).map(String::as_str) {
                Some("<=20") => 0.0,
                Some("20-50") => 1.0,
                Some(">50") => 2.0,
                _ => f64::NAN,
            })
            .collect()),
    }
}

fn size_class(mm: f64) -> f64 {
    if mm <= 20.0 {
        0.0
    } else if mm <= 50.0 {
        1.0
    } else {
        2.0
    }
}

/// Loads both shipped datasets and builds the split.
pub fn load() -> Result<Split, Box<dyn std::error::Error>> {
    let rot = osler_data::datasets::find("rotterdam")?.table()?;
    let gb = osler_data::datasets::find("gbsg")?.table()?;
    let nodes = col(&rot, "nodes")?;
    let keep: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i] > 0.0).collect();
    let (recur, death, rtime, dtime) =
        (col(&rot, "recur")?, col(&rot, "death")?, col(&rot, "rtime")?, col(&rot, "dtime")?);
    let time = keep.iter().map(|&i| if recur[i] == 1.0 { rtime[i] } else { dtime[i] }).collect();
    let event = keep.iter().map(|&i| f64::from(recur[i] == 1.0 || death[i] == 1.0)).collect();
    let mut train_cols = Vec::new();
    let mut test_cols = Vec::new();
    for n in COVARIATES {
        let c = col(&rot, n)?;
        train_cols.push(keep.iter().map(|&i| c[i]).collect::<Vec<f64>>());
        let c = col(&gb, n)?;
        test_cols.push(if n == "size" { c.iter().map(|&s| size_class(s)).collect() } else { c });
    }
    Ok(Split {
        x: Matrix::from_columns(&train_cols)?,
        time,
        event,
        x_test: Matrix::from_columns(&test_cols)?,
        time_test: col(&gb, "rfstime")?,
        event_test: col(&gb, "status")?.iter().map(|&e| e == 1.0).collect(),
    })
}
