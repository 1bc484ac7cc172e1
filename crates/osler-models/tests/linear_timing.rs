//! Timing sanity check, run by hand (ignored by `cargo test`):
//! `cargo test --release -p osler-models --test linear_timing -- --ignored --nocapture`
//! Unpenalised logistic regression on 1,000,000 x 20 should take well under 1.5 s.
#![allow(clippy::unwrap_used)]

use osler_data::{Matrix, SplitMix64};
use osler_models::linear::{LogisticModel, LogisticOptions};

#[test]
#[ignore = "timing check, run by hand in release mode"]
fn unpenalised_one_million_by_twenty() {
    let (n, p) = (1_000_000, 20);
    let mut r = SplitMix64::new(42);
    let cols: Vec<Vec<f64>> = (0..p)
        .map(|j| {
            (0..n)
                .map(|_| (r.next_f64() - 0.5) * (1.0 + j as f64) + j as f64)
                .collect()
        })
        .collect();
    let y: Vec<f64> = (0..n)
        .map(|i| {
            let eta: f64 = -0.2
                + (0..p)
                    .map(|j| {
                        (cols[j][i] - j as f64) / (1.0 + j as f64)
                            * if j % 2 == 0 { 1.0 } else { -0.7 }
                    })
                    .sum::<f64>();
            f64::from(u8::from(r.next_f64() < 1.0 / (1.0 + (-eta).exp())))
        })
        .collect();
    let x = Matrix::from_columns(&cols).unwrap();
    let cpu0 = thread_cpu_seconds();
    let t = std::time::Instant::now();
    let m = LogisticModel::fit(&x, &y, None, &LogisticOptions::default()).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds() - cpu0;
    eprintln!(
        "fit 1e6 x 20: {secs:.3} s wall, {cpu:.2} s CPU, {} iterations, converged {}",
        m.iterations(),
        m.converged()
    );
    assert!(m.converged());
}

/// User + system CPU time of this thread (Linux, 10 ms resolution; 0 elsewhere),
/// so the check means something on a shared machine.
fn thread_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| {
        f.iter().filter_map(|v| v.parse::<f64>().ok()).sum()
    });
    ticks / 100.0
}
