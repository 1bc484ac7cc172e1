//! Grad-CAM and occlusion sensitivity on the centre-versus-corner toy task:
//! the maps fall on the bright square that decides the class, have the input
//! size, lie in [0, 1] (Grad-CAM), repeat bitwise, and bad input is a typed error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::OnceLock;

use common::{TOY_GEOMETRY as G, toy_images};
use osler_nn::{
    CnnKind, Geometry, ImageClassifier, ImageOptions, Images, NnError, OcclusionFill,
    OcclusionOptions,
};

/// The small CNN fitted as in `images.rs`' learning test (test AUROC > 0.95 there).
fn model() -> &'static ImageClassifier {
    static MODEL: OnceLock<ImageClassifier> = OnceLock::new();
    MODEL.get_or_init(|| {
        let (train, labels) = toy_images(64, 1);
        let (val, val_labels) = toy_images(32, 2);
        let mut o = ImageOptions { width: 8, ..ImageOptions::default() };
        o.train.epochs = 8;
        o.train.batch_size = 16;
        o.train.lr = 1e-2;
        ImageClassifier::fit(&train, &labels, Some((&val, &val_labels)), &o).unwrap()
    })
}

/// Top-left corner of the 6 x 6 window with the largest sum: the bright square.
fn square(image: &[f32]) -> (usize, usize) {
    let sum = |y0: usize, x0: usize| -> f32 {
        (y0..y0 + 6).flat_map(|y| (x0..x0 + 6).map(move |x| image[y * 28 + x])).sum()
    };
    let corners = (0..=22).flat_map(|y| (0..=22).map(move |x| (y, x)));
    corners.max_by(|&a, &b| sum(a.0, a.1).total_cmp(&sum(b.0, b.1))).unwrap()
}

/// Share of a map's positive mass within `margin` pixels of the square at `(y0, x0)`,
/// and the share of the image that region covers.
fn mass_near(map: &[f32], (y0, x0): (usize, usize), margin: usize) -> (f64, f64) {
    let near = |y: usize, x: usize| {
        y + margin >= y0 && y < y0 + 6 + margin && x + margin >= x0 && x < x0 + 6 + margin
    };
    let (mut inside, mut total, mut area) = (0.0, 0.0, 0.0);
    for y in 0..28 {
        for x in 0..28 {
            let v = f64::from(map[y * 28 + x].max(0.0));
            total += v;
            if near(y, x) {
                inside += v;
                area += 1.0;
            }
        }
    }
    (inside / total, area / 784.0)
}

fn image(images: &Images, i: usize) -> &[f32] {
    &images.values()[i * G.len()..(i + 1) * G.len()]
}

// The network's class-1 logit rises with a bright square wherever it lies
// (on the corner images too); class 0 is the absence of the centre square.
#[test]
fn grad_cam_puts_its_mass_on_the_square_that_decides_the_class() {
    let m = model();
    let (test, labels) = toy_images(16, 3);
    let positive = m.grad_cam(&test, 1).unwrap();
    let negative = m.grad_cam(&test, 0).unwrap();
    assert_eq!((positive.len(), negative.len()), (16, 16));
    let (mut centre_of_centre, mut centre_of_corner) = (Vec::new(), Vec::new());
    for (i, (map, neg)) in positive.iter().zip(&negative).enumerate() {
        for map in [map, neg] {
            assert_eq!(map.len(), 28 * 28);
            assert!(map.iter().all(|v| (0.0..=1.0).contains(v)), "image {i}");
            assert_eq!(map.iter().copied().fold(0.0, f32::max), 1.0, "image {i}");
        }
        let at = square(image(&test, i));
        // The 12 x 12 region around the square covers 18% of the image (13% in a corner).
        let (share, area) = mass_near(map, at, 3);
        assert!(share > 3.0 * area, "image {i}: {share} of the mass near the square, area {area}");
        // Evidence for class 0 is not at a bright square.
        let (share0, _) = mass_near(neg, at, 3);
        assert!(share0 < 0.05, "image {i}: class-0 map has {share0} near the square");
        let (centre, _) = mass_near(map, (11, 11), 3);
        if labels[i] == 1 { centre_of_centre.push(centre) } else { centre_of_corner.push(centre) }
    }
    // More class-1 mass in the centre for centre images than for corner images.
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (a, b) = (mean(&centre_of_centre), mean(&centre_of_corner));
    assert!(a > 0.5 && b < 0.15, "centre share: {a} on centre images, {b} on corner images");
}

#[test]
fn occlusion_drops_the_probability_most_over_the_square() {
    let m = model();
    let (test, labels) = toy_images(8, 4);
    let o = OcclusionOptions::default();
    let maps = m.occlusion(&test, 1, &o).unwrap();
    for (i, map) in maps.iter().enumerate() {
        assert_eq!(map.len(), 28 * 28);
        let (y0, x0) = square(image(&test, i));
        let peak = map.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
        let (py, px) = (peak / 28, peak % 28);
        if labels[i] == 1 {
            // Covering the centre square removes the evidence for class 1.
            assert!(
                (y0..y0 + 6).contains(&py) && (x0..x0 + 6).contains(&px),
                "image {i}: peak at {py},{px}, square at {y0},{x0}"
            );
            assert!(map[peak] > 0.05, "image {i}: largest drop {}", map[peak]);
        }
    }
    // A zero fill and a 1 px stride also give one map per image at input size.
    let fine = OcclusionOptions { patch: 4, stride: 1, fill: OcclusionFill::Zero };
    let zero = m.occlusion(&test, 0, &fine).unwrap();
    assert!(zero.iter().all(|map| map.len() == 784 && map.iter().all(|v| v.is_finite())));
}

#[test]
fn heat_maps_repeat_bitwise_and_cover_both_networks() {
    let (test, _) = toy_images(6, 5);
    let m = model();
    let bits =
        |maps: Vec<Vec<f32>>| -> Vec<u32> { maps.concat().iter().map(|v| v.to_bits()).collect() };
    assert_eq!(bits(m.grad_cam(&test, 1).unwrap()), bits(m.grad_cam(&test, 1).unwrap()));
    let o = OcclusionOptions::default();
    assert_eq!(bits(m.occlusion(&test, 1, &o).unwrap()), bits(m.occlusion(&test, 1, &o).unwrap()));
    // Batches of 4 give the maps of one batch of 6.
    let mut small_batches = m.clone();
    small_batches.options.eval_batch = 4;
    assert_eq!(
        bits(small_batches.grad_cam(&test, 1).unwrap()),
        bits(m.grad_cam(&test, 1).unwrap())
    );

    let (train, labels) = toy_images(16, 6);
    let mut o = ImageOptions { model: CnnKind::ResNet18, ..ImageOptions::default() };
    o.train.epochs = 1;
    o.train.batch_size = 8;
    let resnet = ImageClassifier::fit(&train, &labels, None, &o).unwrap();
    let maps = resnet.grad_cam(&test, 1).unwrap();
    assert_eq!(maps.len(), 6);
    assert!(maps.iter().all(|map| map.len() == 784 && map.iter().all(|v| (0.0..=1.0).contains(v))));
    assert_eq!(bits(maps), bits(resnet.grad_cam(&test, 1).unwrap()));
}

#[test]
fn bad_heat_map_requests_are_typed_errors() {
    let m = model();
    let (test, _) = toy_images(2, 7);
    assert!(matches!(
        m.grad_cam(&test, 2),
        Err(NnError::InvalidOption { option: "heat map class", .. })
    ));
    let g3 = Geometry { channels: 3, ..G };
    let rgb = Images::new(vec![0.0; g3.len()], 1, g3).unwrap();
    assert!(matches!(
        m.grad_cam(&rgb, 1),
        Err(NnError::ImageGeometry { what: "input images", expected: [1, 28, 28], .. })
    ));
    assert!(matches!(
        m.occlusion(&rgb, 1, &OcclusionOptions::default()),
        Err(NnError::ImageGeometry { .. })
    ));
    for (patch, stride, option) in
        [(0, 1, "occlusion patch"), (29, 1, "occlusion patch"), (4, 0, "occlusion stride")]
    {
        let o = OcclusionOptions { patch, stride, fill: OcclusionFill::Mean };
        assert!(
            matches!(m.occlusion(&test, 1, &o), Err(NnError::InvalidOption { option: o2, .. }) if o2 == option),
            "{patch} {stride}"
        );
    }
    let empty = Images::new(Vec::new(), 0, G).unwrap();
    assert_eq!(m.grad_cam(&empty, 1).unwrap(), Vec::<Vec<f32>>::new());
}
