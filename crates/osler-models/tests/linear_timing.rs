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
        .map(|j| (0..n).map(|_| (r.next_f64() - 0.5) * (1.0 + j as f64) + j as f64).collect())
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

/// The benchmark data set (`bench/data/binary_n1000000_p20_seed20240602.csv`, or the
/// CSV named by `OSLER_LOGIT_CSV`: numeric columns, the last one the 0/1 outcome); skipped
/// when the file is missing. Prints the fit time and the coefficients (full precision).
#[test]
#[ignore = "timing check on the benchmark CSV, run by hand in release mode"]
fn unpenalised_benchmark_csv() {
    let path = std::env::var("OSLER_LOGIT_CSV").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../bench/data/binary_n1000000_p20_seed20240602.csv"
        )
        .into()
    });
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: no {path}");
        return;
    };
    let mut lines = text.lines();
    let width = lines.next().unwrap().split(',').count();
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); width];
    for line in lines.filter(|l| !l.is_empty()) {
        for (c, v) in cols.iter_mut().zip(line.split(',')) {
            c.push(v.trim().parse().unwrap());
        }
    }
    let y = cols.pop().unwrap();
    let x = Matrix::from_columns(&cols).unwrap();
    let reps: usize = std::env::var("OSLER_REPS").map_or(3, |v| v.parse().unwrap());
    for _ in 0..reps {
        let cpu0 = thread_cpu_seconds();
        let t = std::time::Instant::now();
        let m = LogisticModel::fit(&x, &y, None, &LogisticOptions::default()).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let cpu = thread_cpu_seconds() - cpu0;
        eprintln!(
            "fit {} x {}: {secs:.3} s wall, {cpu:.2} s CPU, {} iterations, converged {}",
            x.rows(),
            x.cols(),
            m.iterations(),
            m.converged()
        );
        eprintln!("coefficients {:?} {:?}", m.intercept(), m.coefficients());
        assert!(m.converged());
    }
}

/// User + system CPU time of this thread (Linux, 10 ms resolution; 0 elsewhere),
/// so the check means something on a shared machine.
fn thread_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: f64 =
        fields.get(11..13).map_or(0.0, |f| f.iter().filter_map(|v| v.parse::<f64>().ok()).sum());
    ticks / 100.0
}
