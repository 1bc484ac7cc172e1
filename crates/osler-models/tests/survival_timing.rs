//! Timing of the Cox fit on the synthetic 1,000,000 x 20 data (R
//! `coxph.fit`: 1.8 s; target ~0.4 s single thread). Ignored by default:
//! `cargo test --release -p osler-models --test survival_timing -- --ignored --nocapture`.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use osler_models::survival::{CoxModel, CoxOptions, harrell_c};

#[test]
#[ignore = "timing: 1e6 x 20, run in release"]
fn cox_fit_1e6_by_20() {
    let n: usize =
        std::env::var("OSLER_SURV_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let s = osler_data::synth::survival(n, 20, 20240601);
    let ev: Vec<f64> = s.event.iter().map(|&e| f64::from(e)).collect();
    let mut best = f64::INFINITY;
    let mut model = None;
    for _ in 0..3 {
        let t0 = Instant::now();
        let m = CoxModel::fit(&s.x, &s.time, &ev, &CoxOptions::default()).unwrap();
        best = best.min(t0.elapsed().as_secs_f64());
        model = Some(m);
    }
    let m = model.unwrap();
    println!(
        "n = {n}: best of 3 fits {best:.3} s, {} iterations, loglik {:.10}",
        m.iterations(),
        m.loglik()
    );
    println!("coef[0..4] = {:?}", &m.coefficients()[..4]);
    let lp: Vec<f64> = (0..n)
        .map(|i| {
            let mut v = 0.0;
            for j in 0..20 {
                v += s.x.get(i, j) * osler_data::synth::beta(j);
            }
            v
        })
        .collect();
    let t0 = Instant::now();
    let c = harrell_c(&s.time, &ev, &lp, None, None);
    println!("Harrell C of the true lp: {:.16} in {:.3} s", c.c_index, t0.elapsed().as_secs_f64());
    if n == 1_000_000 {
        assert!((c.c_index - 0.702_026_174_741_698_8).abs() < 1e-12);
    }
}
