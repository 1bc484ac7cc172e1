//! Scale check (ignored by default): `RSF_N`, `RSF_P`, `RSF_TREES` rows, features, trees
//! (default 200,000 x 40, 100 trees). Run in release, e.g. under `/usr/bin/time -v`:
//! `cargo test --release -p osler-models --test rsf_bench -- --ignored --nocapture`.

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use osler_data::synth;
use osler_models::rsf::{RandomSurvivalForest, RsfOptions};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
#[ignore = "scale benchmark; run by hand in release mode"]
fn fit_large() {
    let (n, p, trees) = (env("RSF_N", 200_000), env("RSF_P", 40), env("RSF_TREES", 100));
    let s = synth::survival(n, p, 1);
    let event: Vec<bool> = s.event.iter().map(|&e| e == 1).collect();
    let opts = RsfOptions { n_trees: trees, seed: 1, ..RsfOptions::default() };
    let t0 = Instant::now();
    let f = RandomSurvivalForest::fit(&s.x, &s.time, &event, &opts).unwrap();
    let fit = t0.elapsed();
    let test = synth::survival(10_000, p, 2);
    let t1 = Instant::now();
    let risk = f.predict_risk(&test.x).unwrap();
    let pr = t1.elapsed();
    let times: Vec<f64> = f.unique_event_times().iter().step_by(1000).copied().collect();
    let t2 = Instant::now();
    let surv = f.predict_survival(&test.x, &times).unwrap();
    let ps = t2.elapsed();
    let nodes: usize = f.trees().iter().map(|t| t.nodes().len()).sum();
    eprintln!(
        "n {n} p {p} trees {trees}: fit {:.2}s ({:.3}s/tree), {nodes} nodes, {} event times, \
         oob C {:.4}; predict_risk 10k {:.3}s; predict_survival 10k x {} {:.3}s; risk[0] {:.4} S {:.4}",
        fit.as_secs_f64(),
        fit.as_secs_f64() / trees as f64,
        f.unique_event_times().len(),
        f.oob_concordance().unwrap_or(f64::NAN),
        pr.as_secs_f64(),
        times.len(),
        ps.as_secs_f64(),
        risk[0],
        surv.get(0, times.len() / 2),
    );
}
