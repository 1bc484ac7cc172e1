//! DeepSurv external validation (the R `survival` "validate" protocol): train on
//! the 1,546 node-positive `rotterdam` patients with recurrence-free survival
//! (time = rtime if recur else dtime; event = recur or death), covariates
//! hormonal therapy, age, menopausal status, size class, grade, nodes, pgr, er;
//! test on all 686 `gbsg` patients (rfstime, status), size in mm mapped to the
//! same classes (<=20, 20-50, >50). Prints Harrell's C on gbsg for DeepSurv and Cox.
//!
//! cargo run --release -p osler-nn --example deepsurv_rotterdam_gbsg

use osler_data::{ColumnData, Matrix, Table};
use osler_models::survival::{CoxModel, CoxOptions};
use osler_nn::{DeepSurv, DeepSurvOptions, TrainOptions};

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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rot = osler_data::datasets::find("rotterdam")?.table()?;
    let gb = osler_data::datasets::find("gbsg")?.table()?;
    let nodes = col(&rot, "nodes")?;
    let keep: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i] > 0.0).collect();
    let (recur, death, rtime, dtime) =
        (col(&rot, "recur")?, col(&rot, "death")?, col(&rot, "rtime")?, col(&rot, "dtime")?);
    let time: Vec<f64> =
        keep.iter().map(|&i| if recur[i] == 1.0 { rtime[i] } else { dtime[i] }).collect();
    let event: Vec<f64> =
        keep.iter().map(|&i| f64::from(recur[i] == 1.0 || death[i] == 1.0)).collect();
    let names = ["hormon", "age", "meno", "size", "grade", "nodes", "pgr", "er"];
    let mut train_cols = Vec::new();
    for n in names {
        let c = col(&rot, n)?;
        train_cols.push(keep.iter().map(|&i| c[i]).collect::<Vec<f64>>());
    }
    let mut test_cols = Vec::new();
    for n in names {
        let c = col(&gb, n)?;
        test_cols.push(if n == "size" {
            c.iter()
                .map(|&s| {
                    if s <= 20.0 {
                        0.0
                    } else if s <= 50.0 {
                        1.0
                    } else {
                        2.0
                    }
                })
                .collect()
        } else {
            c
        });
    }
    let x = Matrix::from_columns(&train_cols)?;
    let xt = Matrix::from_columns(&test_cols)?;
    let (tt, et) = (col(&gb, "rfstime")?, col(&gb, "status")?);
    let ev: Vec<bool> = et.iter().map(|&e| e == 1.0).collect();
    println!(
        "train: {} node-positive rotterdam patients, {} events; test: {} gbsg patients",
        x.rows(),
        event.iter().sum::<f64>(),
        xt.rows()
    );
    let cox = CoxModel::fit(&x, &time, &event, &CoxOptions::default())?;
    let c_cox = osler_eval::survival::harrell_c(&tt, &ev, &cox.linear_predictor(&xt)?)?.c;
    println!("Cox (Efron), gbsg Harrell C = {c_cox:.4}");
    for seed in [1u64, 2, 3] {
        let mut o =
            DeepSurvOptions { hidden: vec![16], dropout: 0.1, ..DeepSurvOptions::default() };
        o.train = TrainOptions {
            epochs: 200,
            batch_size: 0,
            lr: 0.01,
            weight_decay: 0.01,
            patience: 20,
            seed,
            ..o.train
        };
        let t0 = std::time::Instant::now();
        let m = DeepSurv::fit(&x, &time, &event, &o)?;
        let c = osler_eval::survival::harrell_c(&tt, &ev, &m.risk(&xt)?)?.c;
        println!(
            "DeepSurv seed {seed}: gbsg Harrell C = {c:.4} (best epoch {} of {}, {:.2} s)",
            m.summary.best_epoch,
            m.summary.epochs_run,
            t0.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
