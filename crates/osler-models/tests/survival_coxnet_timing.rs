//! Timing of a 100-penalty elastic-net Cox path on wide synthetic data
//! (10,000 x 1,000; the first 10 features carry signal). Ignored by default:
//! `cargo test --release -p osler-models --test survival_coxnet_timing -- --ignored --nocapture`
//! (`OSLER_COXNET_N`, `OSLER_COXNET_P` override the size).
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use osler_models::survival::{CoxnetOptions, fit_path};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
#[ignore = "timing: 10k x 1k coxnet path, run in release"]
fn coxnet_path_10k_by_1k() {
    let (n, p) = (env("OSLER_COXNET_N", 10_000), env("OSLER_COXNET_P", 1_000));
    let s = osler_data::synth::survival(n, p, 20240601);
    let ev: Vec<f64> = s.event.iter().map(|&e| f64::from(e)).collect();
    // A sparse-event variant: keep each event with probability 0.1
    // (~690 events for p = 1,000 features).
    let sparse: Vec<f64> = ev
        .iter()
        .enumerate()
        .map(|(i, &e)| if osler_data::synth::uniform(7, i as u64) < 0.1 { e } else { 0.0 })
        .collect();
    for (what, events, alpha) in [("all", &ev, 1.0), ("all", &ev, 0.5), ("sparse", &sparse, 1.0)] {
        let n_ev = events.iter().sum::<f64>();
        let opts = CoxnetOptions { alpha, ..CoxnetOptions::default() };
        let t0 = Instant::now();
        let path = fit_path(&s.x, &s.time, events, None, &opts).unwrap();
        let secs = t0.elapsed().as_secs_f64();
        let worst = path.kkt.iter().copied().fold(0.0, f64::max);
        let steps: usize = path.iterations.iter().sum();
        println!(
            "n = {n}, p = {p}, {n_ev} events ({what}), alpha = {alpha}: {} penalties in {secs:.2} s \
             ({steps} Newton steps, max KKT {worst:.1e}); df at 10/50/100: {} {} {}; \
             dev ratio at end {:.4}",
            path.lambdas.len(),
            path.df[9],
            path.df[49],
            path.df[99],
            path.dev_ratio[99]
        );
        assert!(worst <= 1e-10);
        let signs = path.coefs[99][..4].iter().zip(osler_data::synth::BETA);
        assert!(what == "sparse" || signs.into_iter().all(|(b, t)| b * t > 0.0));
    }
}
