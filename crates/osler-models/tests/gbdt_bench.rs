//! Hand-run timing (ignored by default):
//! `cargo test --release -p osler-models --test gbdt_bench -- --ignored --nocapture`
//! Size via `GBDT_BENCH_ROWS` (default 1,000,000 rows x 30 features, 100 trees).

use std::time::Instant;

use osler_data::{Matrix, SplitMix64};
use osler_models::gbdt::{GbdtModel, GbdtOptions};

#[test]
#[ignore = "timing, run by hand in release mode"]
fn time_100_trees_on_a_million_rows() {
    let n: usize =
        std::env::var("GBDT_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let p = 30;
    let mut r = SplitMix64::new(42);
    let cols: Vec<Vec<f64>> =
        (0..p).map(|_| (0..n).map(|_| r.next_f64() * 2.0 - 1.0).collect()).collect();
    let y: Vec<f64> = (0..n)
        .map(|i| {
            let c = |j: usize| cols[j][i];
            let z = 2.0 * c(0) * c(1) + (3.0 * c(2)).sin() + c(3) * c(3) - 0.5
                + f64::from(c(4) > 0.2)
                - c(5);
            f64::from(r.next_f64() < 1.0 / (1.0 + (-z).exp()))
        })
        .collect();
    let x = Matrix::from_columns(&cols).expect("cols");
    drop(cols);
    let opts = GbdtOptions {
        n_trees: 100,
        min_child_weight: 1e-3,
        lambda_l2: 0.0,
        ..GbdtOptions::default()
    };
    let t0 = Instant::now();
    let m = GbdtModel::fit(&x, &y, None, &opts).expect("fit");
    let fit = t0.elapsed();
    let t1 = Instant::now();
    let p = m.predict_raw(&x).expect("predict");
    let pred = t1.elapsed();
    eprintln!(
        "{n} x 30, {} trees: fit {:.2} s, predict {:.2} s, final train loss {:.4} (first {:.4}), {}",
        m.n_trees(),
        fit.as_secs_f64(),
        pred.as_secs_f64(),
        m.history().train_loss.last().expect("loss"),
        m.history().train_loss[0],
        p.len()
    );
}
