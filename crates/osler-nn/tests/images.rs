//! The image classifier: learning a toy task, seeded determinism, weights
//! round trip, bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::toy_images as toy;
use osler_nn::{Augment, CnnKind, Geometry, ImageClassifier, ImageOptions, Images, NnError};

const G: Geometry = common::TOY_GEOMETRY;

fn options(epochs: usize) -> ImageOptions {
    let mut o = ImageOptions { width: 8, ..ImageOptions::default() };
    o.train.epochs = epochs;
    o.train.batch_size = 16;
    o.train.lr = 1e-2;
    o
}

fn auroc(labels: &[usize], p: &[f64]) -> f64 {
    let y: Vec<bool> = labels.iter().map(|&c| c == 1).collect();
    osler_eval::auroc(&y, p).unwrap()
}

#[test]
fn the_small_cnn_learns_centre_versus_corner() {
    let (train, labels) = toy(64, 1);
    let (val, val_labels) = toy(32, 2);
    let (test, test_labels) = toy(64, 3);
    let m = ImageClassifier::fit(&train, &labels, Some((&val, &val_labels)), &options(8)).unwrap();
    let p = m.predict_proba(&test).unwrap();
    assert_eq!(p.len(), 64);
    let a = auroc(&test_labels, &p);
    assert!(a > 0.95, "test AUROC {a}");
    // The kept epoch is the one with the best validation AUROC.
    let best = m.log.iter().map(|e| e.val_metric).fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(m.log[m.summary.best_epoch - 1].val_metric, best);
    assert!(!m.summary.stopped_early);
}

#[test]
fn the_same_seed_gives_bitwise_the_same_weights_with_augmentation() {
    let (train, labels) = toy(24, 4);
    let mut o = options(2);
    o.augment = Augment::standard();
    let a = ImageClassifier::fit(&train, &labels, None, &o).unwrap();
    let b = ImageClassifier::fit(&train, &labels, None, &o).unwrap();
    assert_eq!(a.weights, b.weights);
    o.train.seed = 2;
    let c = ImageClassifier::fit(&train, &labels, None, &o).unwrap();
    assert_ne!(a.weights, c.weights);
    // Augmentation changes what the network sees.
    o.train.seed = 1;
    o.augment = Augment::default();
    let d = ImageClassifier::fit(&train, &labels, None, &o).unwrap();
    assert_ne!(a.weights, d.weights);
}

#[test]
fn saved_weights_give_bitwise_the_same_probabilities() {
    let (train, labels) = toy(16, 5);
    let (test, _) = toy(10, 6);
    for model in [CnnKind::Cnn, CnnKind::ResNet18] {
        let mut o = options(1);
        o.model = model;
        o.train.batch_size = 8;
        let m = ImageClassifier::fit(&train, &labels, None, &o).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        let mut loaded: ImageClassifier = serde_json::from_str(&json).unwrap();
        assert!(matches!(loaded.predict_proba(&test), Err(NnError::WeightsMissing { .. })));
        loaded.weights = m.weights.clone();
        let bits = |p: Vec<f64>| p.into_iter().map(f64::to_bits).collect::<Vec<_>>();
        assert_eq!(
            bits(loaded.predict_proba(&test).unwrap()),
            bits(m.predict_proba(&test).unwrap()),
            "{model:?}"
        );
        assert_eq!(
            (&loaded.options, &loaded.arch, &loaded.summary),
            (&m.options, &m.arch, &m.summary)
        );
    }
}

#[test]
fn three_classes_give_rows_of_probabilities_summing_to_one() {
    let (train, mut labels) = toy(18, 7);
    for (i, l) in labels.iter_mut().enumerate() {
        *l = i % 3;
    }
    let (val, _) = toy(6, 8);
    let val_labels = vec![0, 1, 2, 0, 1, 2];
    let m = ImageClassifier::fit(&train, &labels, Some((&val, &val_labels)), &options(1)).unwrap();
    assert_eq!(m.classes, 3);
    let p = m.predict_proba(&val).unwrap();
    assert_eq!(p.len(), 18);
    for row in p.chunks(3) {
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-6, "{row:?}");
    }
}

#[test]
fn a_fitted_classifier_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<ImageClassifier>();
}

#[test]
fn bad_input_is_a_typed_error() {
    let g3 = Geometry { channels: 3, ..G };
    assert!(matches!(
        Images::new(vec![0.0; 100], 1, G),
        Err(NnError::ImageShape { values: 100, images: 1, height: 28, .. })
    ));
    let mut nan = vec![0.0; 2 * G.len()];
    nan[G.len() + 5] = f32::NAN;
    assert!(matches!(Images::new(nan, 2, G), Err(NnError::NonFinitePixel { image: 1 })));
    let huge = Geometry { channels: usize::MAX, height: 2, width: 2 };
    assert!(matches!(Images::new(Vec::new(), 1, huge), Err(NnError::ImageShape { .. })));

    let (train, labels) = toy(8, 9);
    let o = options(1);
    let empty = Images::new(Vec::new(), 0, G).unwrap();
    assert!(matches!(
        ImageClassifier::fit(&empty, &[], None, &o),
        Err(NnError::NoImages { what: "training images" })
    ));
    assert!(matches!(
        ImageClassifier::fit(&train, &labels[..7], None, &o),
        Err(NnError::LengthMismatch { what: "labels", found: 7, rows: 8 })
    ));
    assert!(matches!(
        ImageClassifier::fit(&train, &[0; 8], None, &o),
        Err(NnError::EmptyClass { class: 1 })
    ));
    let small = Geometry { channels: 1, height: 4, width: 28 };
    let tiny = Images::new(vec![0.0; 2 * small.len()], 2, small).unwrap();
    assert!(matches!(
        ImageClassifier::fit(&tiny, &[0, 1], None, &o),
        Err(NnError::InvalidOption { option: "image size", .. })
    ));
    let rgb = Images::new(vec![0.0; 2 * g3.len()], 2, g3).unwrap();
    assert!(matches!(
        ImageClassifier::fit(&train, &labels, Some((&rgb, &[0, 1])), &o),
        Err(NnError::ImageGeometry { what: "validation images", found: [3, 28, 28], .. })
    ));
    assert!(matches!(
        ImageClassifier::fit(&train, &labels, Some((&train, &[0, 1])), &o),
        Err(NnError::LengthMismatch { what: "validation labels", .. })
    ));
    let m = ImageClassifier::fit(&train, &labels, None, &o).unwrap();
    assert!(matches!(
        m.predict_proba(&rgb),
        Err(NnError::ImageGeometry { what: "input images", expected: [1, 28, 28], .. })
    ));
    assert_eq!(m.predict_proba(&empty).unwrap(), Vec::<f64>::new());
}
