//! Where Grad-CAM puts its mass on PneumoniaMNIST: trains the small CNN on
//! the training split (model selection on the validation split), then, for
//! every positive (pneumonia) image of the official test split, measures the
//! share of its Grad-CAM map of class 1 (and of its positive occlusion drops)
//! that falls inside a lung-field mask. Prints one JSON object.
//!
//! The lung-field mask is derived from the mean training image: within rows
//! 3 to 20 (the rows between the lung apices and the diaphragm on the 28 px
//! crops; rows outside are not in the mask), pixels darker than the median of
//! those rows, 4-connected, and the two largest components kept (the dark
//! fields left and right of the bright mediastinum). On 28 px crops the
//! fields reach the lateral chest wall. The mask's share of the image is the
//! share of mass a map spread at random would put inside it.
//!
//! cargo run --release -p osler-nn --example gradcam_mass -- --epochs 20 --seed 1 \
//!     [--npz datasets/pneumoniamnist/pneumoniamnist.npz] [--overlay first_positive.png]

use std::path::Path;
use std::time::Instant;

use osler_imaging::{MedMnistSplit, OverlayOptions, read_medmnist, write_heatmap_overlay};
use osler_nn::{Augment, Geometry, ImageClassifier, ImageOptions, Images, OcclusionOptions};

/// First row and one past the last row of the mask's band.
const ROWS: (usize, usize) = (3, 21);

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

/// The split's images as `(x / 255 - 0.5) / 0.5`, and its labels.
fn images(split: &MedMnistSplit) -> Result<(Images, Vec<usize>), Box<dyn std::error::Error>> {
    let g = Geometry { channels: split.channels, height: split.rows, width: split.columns };
    let values = split.images.iter().map(|&v| (f32::from(v) / 255.0 - 0.5) / 0.5).collect();
    Ok((Images::new(values, split.len, g)?, split.labels.iter().map(|&l| usize::from(l)).collect()))
}

/// The lung-field mask (see the file's documentation) of `h x w` grey images.
fn lung_mask(train: &MedMnistSplit) -> Vec<bool> {
    let (h, w) = (train.rows, train.columns);
    let mut mean = vec![0.0f64; h * w];
    for image in train.images.chunks_exact(h * w) {
        for (m, &v) in mean.iter_mut().zip(image) {
            *m += f64::from(v);
        }
    }
    mean.iter_mut().for_each(|m| *m /= train.len as f64);
    let band = ROWS.0.min(h)..ROWS.1.min(h);
    let mut sorted = mean[band.start * w..band.end * w].to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    let median =
        if sorted.len() % 2 == 0 { (sorted[mid - 1] + sorted[mid]) / 2.0 } else { sorted[mid] };
    let dark: Vec<bool> = (0..h * w).map(|i| band.contains(&(i / w)) && mean[i] < median).collect();
    // 4-connected components by flood fill, largest first.
    let mut component = vec![usize::MAX; h * w];
    let mut sizes = Vec::new();
    for seed in 0..h * w {
        if !dark[seed] || component[seed] != usize::MAX {
            continue;
        }
        let id = sizes.len();
        let (mut stack, mut size) = (vec![seed], 0);
        component[seed] = id;
        while let Some(i) = stack.pop() {
            size += 1;
            let (y, x) = (i / w, i % w);
            let up = y.checked_sub(1).map(|y| y * w + x);
            let down = (y + 1 < h).then(|| (y + 1) * w + x);
            let left = x.checked_sub(1).map(|x| y * w + x);
            let right = (x + 1 < w).then(|| y * w + x + 1);
            for j in [up, down, left, right].into_iter().flatten() {
                if dark[j] && component[j] == usize::MAX {
                    component[j] = id;
                    stack.push(j);
                }
            }
        }
        sizes.push(size);
    }
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(sizes[c]));
    order.truncate(2);
    component.iter().map(|c| order.contains(c)).collect()
}

/// Mean over maps of the share of each map's positive mass inside `mask`
/// (maps without positive mass are skipped), and how many were counted.
fn mean_share(maps: &[Vec<f32>], mask: &[bool]) -> (f64, usize) {
    let shares: Vec<f64> = maps
        .iter()
        .filter_map(|map| {
            let total: f64 = map.iter().map(|&v| f64::from(v.max(0.0))).sum();
            let inside: f64 =
                map.iter().zip(mask).filter(|p| *p.1).map(|(&v, _)| f64::from(v.max(0.0))).sum();
            (total > 0.0).then(|| inside / total)
        })
        .collect();
    (shares.iter().sum::<f64>() / shares.len() as f64, shares.len())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let epochs: usize = arg(&args, "--epochs", "20").parse()?;
    let seed: u64 = arg(&args, "--seed", "1").parse()?;
    let npz = arg(&args, "--npz", "datasets/pneumoniamnist/pneumoniamnist.npz");
    let data = read_medmnist(Path::new(&npz))?;
    let (train, train_labels) = images(&data.train)?;
    let (val, val_labels) = images(&data.validation)?;
    let (test, test_labels) = images(&data.test)?;

    let mut o = ImageOptions { augment: Augment::standard(), ..ImageOptions::default() };
    o.train.epochs = epochs;
    o.train.seed = seed;
    let t0 = Instant::now();
    let m = ImageClassifier::fit(&train, &train_labels, Some((&val, &val_labels)), &o)?;
    let train_s = t0.elapsed().as_secs_f64();
    let p = m.predict_proba(&test)?;
    let y: Vec<bool> = test_labels.iter().map(|&c| c == 1).collect();
    let auroc = osler_eval::auroc(&y, &p)?;

    let g = test.geometry();
    let positive: Vec<usize> = (0..test.len()).filter(|&i| y[i]).collect();
    let values: Vec<f32> = positive
        .iter()
        .flat_map(|&i| &test.values()[i * g.len()..(i + 1) * g.len()])
        .copied()
        .collect();
    let positives = Images::new(values, positive.len(), g)?;
    let mask = lung_mask(&data.train);
    let area = mask.iter().filter(|&&m| m).count() as f64 / mask.len() as f64;
    let t1 = Instant::now();
    let cams = m.grad_cam(&positives, 1)?;
    let cam_s = t1.elapsed().as_secs_f64();
    let (cam_share, cam_n) = mean_share(&cams, &mask);
    let occlusion = m.occlusion(&positives, 1, &OcclusionOptions::default())?;
    let (occ_share, occ_n) = mean_share(&occlusion, &mask);

    let overlay = arg(&args, "--overlay", "");
    if let (false, Some(&first), Some(map)) = (overlay.is_empty(), positive.first(), cams.first()) {
        let grey = data.test.image(first).ok_or("no first positive image")?;
        let o = OverlayOptions { scale: 8, ..OverlayOptions::default() };
        write_heatmap_overlay(Path::new(&overlay), grey, g.height, g.width, map, &o)?;
    }
    // The mean map over the positive images, as a digit 0-9 per pixel (tenths of its maximum).
    let mut mean_map = vec![0.0f64; g.height * g.width];
    for map in &cams {
        for (m, &v) in mean_map.iter_mut().zip(map) {
            *m += f64::from(v);
        }
    }
    let top = mean_map.iter().copied().fold(0.0, f64::max);
    let digits: Vec<String> = mean_map
        .chunks(g.width)
        .map(|r| r.iter().map(|&v| char::from(b'0' + (9.0 * v / top).round() as u8)).collect())
        .collect();
    let rows: Vec<String> = mask
        .chunks(g.width)
        .map(|r| r.iter().map(|&m| if m { '#' } else { '.' }).collect())
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "dataset": npz,
            "model": "cnn",
            "width": o.width,
            "epochs": epochs,
            "best_epoch": m.summary.best_epoch,
            "seed": seed,
            "augment": "standard",
            "train_wall_s": train_s,
            "test_auroc": auroc,
            "positive_test_images": positive.len(),
            "gradcam_s": cam_s,
            "lung_mask": {
                "rule": "mean training image, rows 3-20, below the band's median, two largest 4-connected components",
                "area_fraction": area,
                "rows": rows,
            },
            "gradcam_mass_in_lung_mask": { "mean": cam_share, "images": cam_n },
            "mean_gradcam_map_tenths": digits,
            "occlusion_drop_mass_in_lung_mask": { "mean": occ_share, "images": occ_n },
        })
    );
    Ok(())
}
