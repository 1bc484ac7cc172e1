//! Benchmark (not a test): the binomial elastic-net path and its 10-fold
//! cross-validation on wide data, 12,625 features x 128 samples (the shape of
//! the ALL leukaemia arrays, Chiaretti et al. 2004).
//!
//! ```sh
//! cargo run --release -p osler-models --example wide_bench              # synthetic, seed 20240602
//! cargo run --release -p osler-models --example wide_bench -- --alpha 0.5
//! cargo run --release -p osler-models --example wide_bench -- --all datasets/all-leukemia
//! cargo run --release -p osler-models --example wide_bench -- --stability 100   # also B = 100 subsamples
//! ```
//!
//! `--all DIR` reads `expression.csv.gz` (probes x samples) and `data.csv`
//! (same sample order) from DIR (the shipped `datasets/all-leukemia`) and predicts T- vs B-lineage
//! (`BT` starting with "T"). Peak memory: run under `/usr/bin/time -v`.

use std::path::Path;
use std::time::Instant;

use osler_data::table::ColumnData;
use osler_data::{Matrix, SplitMix64, read_csv_path};
use osler_models::cv::Folds;
use osler_models::linear::{CvMeasure, ElasticNetOptions, binomial_path, cv_binomial};
use osler_models::selection::{StabilityOptions, StabilityTarget, stability_selection};

fn normal(r: &mut SplitMix64) -> f64 {
    let u = r.next_f64().max(1e-300);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * r.next_f64()).cos()
}

/// Expression-like data: gene means in [4, 12], SDs in [0.1, 1.5], five
/// latent factors shared by blocks of genes, and a logistic outcome driven by
/// ten genes.
fn synthetic(n: usize, p: usize, seed: u64) -> (Matrix, Vec<f64>) {
    let mut r = SplitMix64::new(seed);
    let factors: Vec<[f64; 5]> = (0..n).map(|_| std::array::from_fn(|_| normal(&mut r))).collect();
    let mut data = Vec::with_capacity(n * p);
    for j in 0..p {
        let (mu, sd) = (4.0 + 8.0 * r.next_f64(), 0.1 + 1.4 * r.next_f64());
        for f in &factors {
            data.push(mu + sd * (0.6 * f[j % 5] + 0.8 * normal(&mut r)));
        }
    }
    let x = Matrix::from_column_major(n, p, data);
    let y = (0..n)
        .map(|i| {
            let eta: f64 = (0..10)
                .map(|k| {
                    let c = x.col(k * 97);
                    let m = c.iter().sum::<f64>() / n as f64;
                    let s = (c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n as f64).sqrt();
                    (if k % 2 == 0 { 2.0 } else { -2.0 }) * (c[i] - m) / s
                })
                .sum();
            f64::from(u8::from(r.next_f64() < 1.0 / (1.0 + (-eta).exp())))
        })
        .collect();
    (x, y)
}

fn read_all(dir: &Path) -> Result<(Matrix, Vec<f64>), String> {
    let expr = read_csv_path(&dir.join("expression.csv.gz")).map_err(|e| e.to_string())?;
    let pheno = read_csv_path(&dir.join("data.csv")).map_err(|e| e.to_string())?;
    let samples: Vec<String> = expr.names().skip(1).map(str::to_string).collect();
    let (n, p) = (samples.len(), expr.n_rows());
    let mut data = vec![0.0; n * p];
    for (i, s) in samples.iter().enumerate() {
        let col = expr.column(s).ok_or("missing sample column")?;
        let ColumnData::Numeric(v) = &col.data else { return Err(format!("{s}: not numeric")) };
        for (j, &val) in v.iter().enumerate() {
            data[j * n + i] = val;
        }
    }
    let bt = pheno.column("BT").ok_or("no BT column")?;
    let ColumnData::Text { codes, levels } = &bt.data else { return Err("BT not text".into()) };
    if codes.len() != n {
        return Err(format!("{} phenotype rows for {n} samples", codes.len()));
    }
    let y =
        codes.iter().map(|&c| f64::from(u8::from(levels[c as usize].starts_with('T')))).collect();
    Ok((Matrix::from_column_major(n, p, data), y))
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1));
    let alpha: f64 = value("--alpha").map_or(Ok(1.0), |v| v.parse()).map_err(|e| format!("{e}"))?;
    let t0 = Instant::now();
    let (x, y) = match value("--all") {
        Some(dir) => read_all(Path::new(dir))?,
        None => synthetic(128, 12_625, 20_240_602),
    };
    let load = t0.elapsed().as_secs_f64();
    let positives = y.iter().sum::<f64>();
    println!(
        "data: {} rows x {} features, {positives} positives ({load:.2} s)",
        x.rows(),
        x.cols()
    );
    let opts = ElasticNetOptions { alpha, ..ElasticNetOptions::default() };
    let t1 = Instant::now();
    let path = binomial_path(&x, &y, None, &opts).map_err(|e| e.to_string())?;
    let fit = t1.elapsed().as_secs_f64();
    println!(
        "path: {} penalties (alpha {alpha}), df at the end {}, dev ratio {:.4}, max KKT {:.1e}, {fit:.3} s",
        path.len(),
        path.df.last().copied().unwrap_or(0),
        path.dev_ratio.last().copied().unwrap_or(0.0),
        path.kkt.iter().fold(0.0f64, |m, v| m.max(*v))
    );
    let t2 = Instant::now();
    let folds = Folds::Stratified { k: 10, seed: 1 };
    let cv = cv_binomial(&x, &y, None, &opts, &folds, CvMeasure::Deviance, None)
        .map_err(|e| e.to_string())?;
    let cvt = t2.elapsed().as_secs_f64();
    let c = &cv.curve;
    println!(
        "cv (10 folds, deviance, refit included): lambda_min {:.5} (cvm {:.4}, df {}), lambda_1se {:.5} (df {}), {cvt:.3} s",
        c.lambda_min,
        c.cvm[c.index_min],
        cv.path.df[c.index_min],
        c.lambda_1se,
        cv.path.df[c.index_1se]
    );
    if let Some(b) = value("--stability") {
        let subsamples: usize = b.parse().map_err(|e| format!("--stability: {e}"))?;
        let t3 = Instant::now();
        let so = StabilityOptions { subsamples, path: opts.clone(), ..StabilityOptions::default() };
        let st = stability_selection(&x, StabilityTarget::Binomial(&y), &so)
            .map_err(|e| e.to_string())?;
        println!(
            "stability selection ({subsamples} subsamples of {}, {} penalties): {} features with max frequency >= 0.8, q = {:.1}, {:.3} s",
            st.subsample_size,
            st.lambdas.len(),
            st.selected(0.8).len(),
            st.mean_union,
            t3.elapsed().as_secs_f64()
        );
    }
    println!("total {:.3} s", t0.elapsed().as_secs_f64());
    Ok(())
}
