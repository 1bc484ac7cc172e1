//! Training-loop behaviour: determinism, the NaN guard, weights round trip,
//! DeepSurv and the sequence classifier on small data (fast; f32).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::toy;
use osler_models::survival::ProportionalHazards;
use osler_nn::layers::{Cell, SeqArch};
use osler_nn::sequence::SequenceClassifier;
use osler_nn::{DeepSurv, DeepSurvOptions, MlpClassifier, MlpOptions, NnError, TrainOptions};

fn quick() -> MlpOptions {
    MlpOptions {
        train: TrainOptions {
            epochs: 15,
            batch_size: 32,
            lr: 0.01,
            patience: 5,
            ..TrainOptions::default()
        },
        ..MlpOptions::default()
    }
}

#[test]
fn same_seed_gives_bitwise_identical_weights_and_predictions() {
    let (x, y) = toy(300, 1);
    let a = MlpClassifier::fit(&x, &y, &quick()).unwrap();
    let b = MlpClassifier::fit(&x, &y, &quick()).unwrap();
    assert_eq!(a.weights, b.weights);
    assert_eq!(a.predict_proba(&x).unwrap(), b.predict_proba(&x).unwrap());
    let mut other = quick();
    other.train.seed = 2;
    let c = MlpClassifier::fit(&x, &y, &other).unwrap();
    assert_ne!(a.weights, c.weights);
    // The JSON form plus the weights file predict exactly like the model in memory.
    let mut back: MlpClassifier =
        serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert!(back.predict_proba(&x).is_err(), "weights are a separate file");
    back.weights = a.weights.clone();
    assert_eq!(back.predict_proba(&x).unwrap(), a.predict_proba(&x).unwrap());
    // It learnt something: training AUROC well above chance.
    let p = a.predict_proba(&x).unwrap();
    let yb: Vec<bool> = y.iter().map(|&v| v == 1.0).collect();
    assert!(osler_eval::auroc(&yb, &p).unwrap() > 0.75);
    assert!(!a.log.is_empty() && a.log.iter().all(|e| e.train_loss.is_finite()));
}

#[test]
fn a_too_high_learning_rate_is_a_clear_error_with_the_last_good_checkpoint() {
    let (x, y) = toy(200, 3);
    let mut o = quick();
    o.train.lr = 1e12;
    o.train.optimizer = osler_nn::OptimizerKind::Sgd;
    o.train.clip_norm = None;
    o.norm = osler_nn::layers::Norm::None;
    let err = MlpClassifier::fit(&x, &y, &o).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("epoch") && msg.contains("lower learning rate"), "{msg}");
    match err {
        NnError::NonFiniteLoss { epoch, last_good, .. } => {
            if let Some(c) = last_good {
                assert!(c.epoch < epoch && !c.weights.is_empty());
            }
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn multiclass_focal_and_batch_norm_options_train() {
    let (x, y) = toy(240, 5);
    let y3: Vec<f64> =
        y.iter().zip(x.col(3)).map(|(&v, &c)| if c > 1.0 { 2.0 } else { v }).collect();
    let mut o = quick();
    o.norm = osler_nn::layers::Norm::Batch;
    o.class_weights = Some(vec![1.0, 2.0, 1.0]);
    let m = MlpClassifier::fit(&x, &y3, &o).unwrap();
    let p = m.predict_proba(&x).unwrap();
    assert_eq!(p.len(), 240 * 3);
    assert!((p[0] + p[1] + p[2] - 1.0).abs() < 1e-5);
    let mut f = quick();
    f.loss = osler_nn::mlp::ClassLoss::Focal { gamma: 2.0, alpha: 0.25 };
    f.norm = osler_nn::layers::Norm::Layer;
    f.train.optimizer = osler_nn::OptimizerKind::AdamW;
    f.train.schedule = osler_nn::LrSchedule::Cosine { min_lr: 0.0 };
    assert!(MlpClassifier::fit(&x, &y, &f).is_ok());
}

#[test]
fn a_finite_but_exploding_loss_is_caught_as_divergence() {
    // Adam with clipped gradients keeps the (logits-based) loss finite at lr 1e6,
    // but it ends the first epoch far above its value at initialisation.
    let (x, y) = toy(200, 3);
    let mut o = quick();
    o.train.lr = 1e6;
    let msg = MlpClassifier::fit(&x, &y, &o).unwrap_err().to_string();
    assert!(msg.contains("at initialisation") && msg.contains("lower learning rate"), "{msg}");
    assert!(osler_nn::trainer::exploded(9.0, 0.7) && !osler_nn::trainer::exploded(7.9, 0.7));
}

#[test]
fn deepsurv_on_whas500_is_deterministic_and_concordant() {
    let (x, time, event) = common::whas500();
    let mut o = DeepSurvOptions::default();
    o.hidden = vec![8];
    o.train = TrainOptions {
        epochs: 30,
        batch_size: 0,
        lr: 0.01,
        weight_decay: 0.05,
        patience: 10,
        ..o.train
    };
    o.train.schedule = osler_nn::LrSchedule::Plateau { factor: 0.5, patience: 3, min_lr: 1e-5 };
    let a = DeepSurv::fit(&x, &time, &event, &o).unwrap();
    let b = DeepSurv::fit(&x, &time, &event, &o).unwrap();
    assert_eq!(a.weights, b.weights);
    let risk = a.risk(&x).unwrap();
    let ev: Vec<bool> = event.iter().map(|&e| e == 1.0).collect();
    let c = osler_eval::survival::harrell_c(&time, &ev, &risk).unwrap().c;
    assert!(c > 0.72, "training C {c}");
    let s = a.predict_survival(&x, &[365.0, 730.0]).unwrap();
    assert!(s.iter().all(|r| r[0] >= r[1] && r[0] <= 1.0 && r[1] > 0.0));
}

#[test]
fn lstm_and_gru_classify_sequences() {
    let (data, y) = common::sequences(160, 6, 7);
    for cell in [Cell::Lstm, Cell::Gru] {
        let arch = SeqArch {
            cell,
            features: 2,
            vocabulary: 2,
            embedding: 2,
            hidden: 8,
            outputs: 1,
            dropout: 0.0,
        };
        let train = TrainOptions {
            epochs: 25,
            batch_size: 32,
            lr: 0.02,
            patience: 0,
            ..TrainOptions::default()
        };
        let m = SequenceClassifier::fit(&data, &y, &arch, &train).unwrap();
        let p = m.predict_proba(&data).unwrap();
        let yb: Vec<bool> = y.iter().map(|&v| v == 1.0).collect();
        let auc = osler_eval::auroc(&yb, &p).unwrap();
        assert!(auc > 0.8, "{cell:?}: AUROC {auc}");
    }
}

#[test]
fn gpu_without_the_feature_is_a_clear_error() {
    if cfg!(feature = "gpu") {
        return;
    }
    let err = osler_nn::device::device(osler_nn::DeviceChoice::Gpu).unwrap_err().to_string();
    assert!(err.contains("gpu") && err.contains("feature"), "{err}");
}
