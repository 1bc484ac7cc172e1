//! Timing of the Cox fit on the synthetic 1,000,000 x 20 data (R
//! `coxph.fit`: 1.8 s; target ~0.4 s single thread). Ignored by default:
//! `cargo test --release -p osler-models --test survival_timing -- --ignored --nocapture`
//! (pin it, e.g. `taskset -c 1`, on a busy machine: the CPU time printed
//! next to the wall time is the less noisy figure).
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use osler_models::survival::{CoxModel, CoxOptions, harrell_c};

/// CPU time of the calling thread in seconds (Linux `schedstat`; 0 elsewhere).
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse::<f64>().ok()))
        .map_or(0.0, |ns| ns * 1e-9)
}

/// `VmRSS` and `VmHWM` (peak) of the process in MB (Linux; 0 elsewhere).
fn rss_mb() -> (f64, f64) {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[test]
#[ignore = "timing: 1e6 x 20, run in release"]
fn cox_fit_1e6_by_20() {
    let n: usize =
        std::env::var("OSLER_SURV_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let reps: usize =
        std::env::var("OSLER_SURV_REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let s = osler_data::synth::survival(n, 20, 20240601);
    let ev: Vec<f64> = s.event.iter().map(|&e| f64::from(e)).collect();
    let (rss0, hwm0) = rss_mb();
    let (mut best, mut best_cpu) = (f64::INFINITY, f64::INFINITY);
    let mut model = None;
    let mut best_c = f64::INFINITY;
    for _ in 0..reps {
        // The fit as R's `coxph.fit` does it, then the model's concordance.
        let (t0, c0) = (Instant::now(), thread_cpu());
        let fit = CoxModel::fit_deferred(&s.x, &s.time, &ev, &CoxOptions::default()).unwrap();
        best = best.min(t0.elapsed().as_secs_f64());
        best_cpu = best_cpu.min(thread_cpu() - c0);
        let c0 = thread_cpu();
        model = Some(fit.with_concordance());
        best_c = best_c.min(thread_cpu() - c0);
    }
    let m = model.unwrap();
    let (_, peak) = rss_mb();
    println!("RSS before the fits {rss0:.0} MB (peak {hwm0:.0}), peak since {peak:.0} MB");
    println!(
        "n = {n}: best of {reps} fits {best:.3} s wall, {best_cpu:.3} s CPU (then the model's \
         concordance {best_c:.3} s CPU), {} iterations, loglik {:.10}",
        m.iterations(),
        m.loglik()
    );
    println!("coef[0..4] = {:?}", &m.coefficients()[..4]);
    println!("se[0..4] = {:?}", &m.std_errors()[..4]);
    println!(
        "concordance {:.16}, score test {:.10}",
        m.concordance().c_index,
        m.score_test().statistic
    );
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
