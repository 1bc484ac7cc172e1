//! Times one training epoch and batch inference of the image classifier on
//! random images; the osler half of `bench/cnn_bench.py`, which runs PyTorch
//! on the same shapes and prints the ratio. Prints one JSON object.
//!
//! cargo run --release -p osler-nn --example cnn_bench -- --model resnet18 --n 512 --batch 128

use std::time::Instant;

use osler_data::SplitMix64;
use osler_nn::{Geometry, ImageClassifier, ImageOptions, Images};

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let model = arg(&args, "--model", "cnn");
    let n: usize = arg(&args, "--n", "512").parse()?;
    let batch: usize = arg(&args, "--batch", "128").parse()?;
    let side: usize = arg(&args, "--size", "28").parse()?;
    let width: usize = arg(&args, "--width", "16").parse()?;
    let g = Geometry { channels: 1, height: side, width: side };
    let mut rng = SplitMix64::new(7);
    let values: Vec<f32> = (0..n * g.len()).map(|_| rng.next_f64() as f32 * 2.0 - 1.0).collect();
    let images = Images::new(values, n, g)?;
    let labels: Vec<usize> = (0..n).map(|i| i % 2).collect();

    let mut o =
        ImageOptions { model: model.parse()?, width, eval_batch: batch, ..Default::default() };
    o.train.epochs = 1;
    o.train.batch_size = batch;
    let m = ImageClassifier::fit(&images, &labels, None, &o)?;
    let epoch = m.log.first().map_or(f64::NAN, |e| e.seconds);

    // The first prediction builds the network from its weights; time the ones after it.
    let warm = Images::new(images.values()[..batch.min(n) * g.len()].to_vec(), batch.min(n), g)?;
    m.predict_proba(&warm)?;
    let t0 = Instant::now();
    let p = m.predict_proba(&images)?;
    let infer = t0.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "model": model,
            "n": n,
            "batch": batch,
            "size": side,
            "train_epoch_s": epoch,
            "train_images_per_s": n as f64 / epoch,
            "inference_s": infer,
            "inference_images_per_s": p.len() as f64 / infer,
        })
    );
    Ok(())
}
