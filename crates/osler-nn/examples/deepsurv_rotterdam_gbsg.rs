//! DeepSurv external validation (the R `survival` "validate" protocol): train on
//! the 1,546 node-positive `rotterdam` patients with recurrence-free survival,
//! test on all 686 `gbsg` patients (the split is built in
//! `tests/support/rotterdam_gbsg.rs`, shared with the `external_validation`
//! test). Prints Harrell's C on gbsg for DeepSurv (the library defaults, seeds
//! 1-3) and Cox.
//!
//! cargo run --release -p osler-nn --example deepsurv_rotterdam_gbsg

#[path = "../tests/support/rotterdam_gbsg.rs"]
mod rotterdam_gbsg;

use osler_models::survival::{CoxModel, CoxOptions};
use osler_nn::{DeepSurv, DeepSurvOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let s = rotterdam_gbsg::load()?;
    println!(
        "train: {} node-positive rotterdam patients, {} events; test: {} gbsg patients",
        s.x.rows(),
        s.event.iter().sum::<f64>(),
        s.x_test.rows()
    );
    let harrell = |risk: &[f64]| {
        osler_eval::survival::harrell_c(&s.time_test, &s.event_test, risk).map(|c| c.c)
    };
    let cox = CoxModel::fit(&s.x, &s.time, &s.event, &CoxOptions::default())?;
    println!("Cox (Efron), gbsg Harrell C = {:.4}", harrell(&cox.linear_predictor(&s.x_test)?)?);
    for seed in [1u64, 2, 3] {
        // The library defaults (DeepSurvOptions::default()), only the seed varies.
        let mut o = DeepSurvOptions::default();
        o.train.seed = seed;
        let t0 = std::time::Instant::now();
        let m = DeepSurv::fit(&s.x, &s.time, &s.event, &o)?;
        let c = harrell(&m.risk(&s.x_test)?)?;
        println!(
            "DeepSurv seed {seed}: gbsg Harrell C = {c:.4} (best epoch {} of {}, {:.2} s)",
            m.summary.best_epoch,
            m.summary.epochs_run,
            t0.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
