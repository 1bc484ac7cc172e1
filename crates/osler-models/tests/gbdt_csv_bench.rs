//! Hand-run timing on the benchmark CSVs (ignored by default):
//!
//! ```sh
//! GBDT_TRAIN=bench/data/binary_n1000000_p30_seed20240603.csv \
//! GBDT_TEST=bench/data/binary_n1000000_p30_seed20240604.csv \
//! cargo test --release -p osler-models --test gbdt_csv_bench -- --ignored --nocapture
//! ```
//!
//! Fits the benchmark's model (100 trees, 31 leaves, learning rate 0.1, 255 bins,
//! 20 rows per leaf, `lambda_l2` 0) `GBDT_REPS` times (default 1) and prints the wall
//! and CPU seconds of every fit and the test-set AUROC. The parsed CSVs are cached as
//! raw little-endian `f64` files next to `GBDT_CACHE` (default the system temp folder).

use std::path::{Path, PathBuf};
use std::time::Instant;

use osler_data::Matrix;
use osler_models::gbdt::{GbdtModel, GbdtOptions};

/// Columns (features then outcome `y`, the last CSV column) of a numeric CSV with a header.
fn load(path: &Path) -> (Matrix, Vec<f64>) {
    let dir = std::env::var_os("GBDT_CACHE").map_or_else(std::env::temp_dir, PathBuf::from);
    let stem = path.file_stem().expect("file name").to_string_lossy();
    let cache = dir.join(format!("{stem}.f64cols"));
    let cols: Vec<Vec<f64>> = if let Ok(bytes) = std::fs::read(&cache) {
        let ncol = u64::from_le_bytes(bytes[..8].try_into().expect("header")) as usize;
        let vals: Vec<f64> = bytes[8..]
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("f64")))
            .collect();
        let n = vals.len() / ncol;
        vals.chunks_exact(n).map(<[f64]>::to_vec).collect()
    } else {
        let text = std::fs::read_to_string(path).expect("read csv");
        let mut lines = text.lines();
        let ncol = lines.next().expect("header").split(',').count();
        let mut cols = vec![Vec::new(); ncol];
        for line in lines.filter(|l| !l.is_empty()) {
            for (c, f) in cols.iter_mut().zip(line.split(',')) {
                c.push(if f.is_empty() { f64::NAN } else { f.parse().expect("number") });
            }
        }
        let mut bytes = (ncol as u64).to_le_bytes().to_vec();
        for c in &cols {
            for v in c {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
        std::fs::write(&cache, bytes).expect("write cache");
        cols
    };
    let (y, x) = cols.split_last().expect("columns");
    (Matrix::from_columns(x).expect("matrix"), y.clone())
}

/// User + system CPU seconds of this process (Linux `/proc/self/stat`, 100 ticks per second).
fn cpu_seconds() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = s.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

/// AUROC with ties counted half (Mann-Whitney).
fn auroc(score: &[f64], y: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    let (mut rank_sum, mut pos) = (0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j < idx.len() && score[idx[j]] == score[idx[i]] {
            j += 1;
        }
        let mid = (i + j + 1) as f64 / 2.0;
        for &k in &idx[i..j] {
            if y[k] == 1.0 {
                rank_sum += mid;
                pos += 1.0;
            }
        }
        i = j;
    }
    let neg = score.len() as f64 - pos;
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

#[test]
#[ignore = "timing on the benchmark CSVs, run by hand in release mode"]
fn time_benchmark_csv() {
    let (Some(train), Some(test)) = (std::env::var_os("GBDT_TRAIN"), std::env::var_os("GBDT_TEST"))
    else {
        eprintln!("set GBDT_TRAIN and GBDT_TEST");
        return;
    };
    let reps: usize = std::env::var("GBDT_REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let (x, y) = load(Path::new(&train));
    let (xt, yt) = load(Path::new(&test));
    let opts = GbdtOptions {
        n_trees: 100,
        learning_rate: 0.1,
        max_leaves: 31,
        min_leaf: 20,
        max_bins: 255,
        lambda_l2: 0.0,
        ..GbdtOptions::default()
    };
    let mut model = None;
    for _ in 0..reps {
        let (t0, c0) = (Instant::now(), cpu_seconds());
        let m = GbdtModel::fit(&x, &y, None, &opts).expect("fit");
        eprintln!(
            "fit {} x {}: wall {:.3} s, cpu {:.2} s",
            x.rows(),
            x.cols(),
            t0.elapsed().as_secs_f64(),
            cpu_seconds() - c0
        );
        model = Some(m);
    }
    let m = model.expect("at least one rep");
    let auc = auroc(&m.predict_raw(&xt).expect("predict"), &yt);
    let fnv = |json: String| {
        json.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    let model = fnv(serde_json::to_string(&m).expect("json"));
    let trees = fnv(serde_json::to_string(m.trees()).expect("json"));
    eprintln!(
        "test AUROC {auc:.6}, final train loss {:.6}, json fnv: model {model:016x}, trees {trees:016x}",
        m.history().train_loss.last().expect("loss")
    );
}
