//! Serving: a loaded network (its JSON form plus its weights, as an artifact
//! stores it) predicts exactly what the fitted one did, from 8 threads at once,
//! and a prediction never waits for the training lock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Barrier, mpsc};
use std::time::Duration;

use osler_data::Matrix;
use osler_nn::layers::{Cell, SeqArch};
use osler_nn::sequence::{SequenceClassifier, Sequences};
use osler_nn::{DeepSurv, DeepSurvOptions, MlpClassifier, MlpOptions, TrainOptions};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A fitted model of each network kind with the inputs it predicts for.
struct Fitted {
    mlp: MlpClassifier,
    x: Matrix,
    deepsurv: DeepSurv,
    x_surv: Matrix,
    lstm: SequenceClassifier,
    seq: Sequences,
}

fn short(epochs: usize, batch_size: usize) -> TrainOptions {
    TrainOptions { epochs, batch_size, lr: 0.01, patience: 0, ..TrainOptions::default() }
}

fn fitted() -> Fitted {
    let (x, y) = common::toy(200, 1);
    let mlp_options = MlpOptions { train: short(5, 32), ..MlpOptions::default() };
    let mlp = MlpClassifier::fit(&x, &y, &mlp_options).unwrap();
    let (x_surv, time, event) = common::whas500();
    let ds_options =
        DeepSurvOptions { hidden: vec![8], train: short(5, 0), ..DeepSurvOptions::default() };
    let deepsurv = DeepSurv::fit(&x_surv, &time, &event, &ds_options).unwrap();
    let (seq, y_seq) = common::sequences(80, 5, 7);
    let arch = SeqArch {
        cell: Cell::Lstm,
        features: 2,
        vocabulary: 2,
        embedding: 2,
        hidden: 6,
        outputs: 1,
        dropout: 0.0,
    };
    let lstm = SequenceClassifier::fit(&seq, &y_seq, &arch, &short(5, 32)).unwrap();
    Fitted { mlp, x, deepsurv, x_surv, lstm, seq }
}

/// The model as an artifact keeps it: its JSON form, then the weights file.
fn reload<T: Serialize + DeserializeOwned>(
    model: &T,
    weights: &[u8],
    set: fn(&mut T, Vec<u8>),
) -> T {
    let mut back: T = serde_json::from_slice(&serde_json::to_vec(model).unwrap()).unwrap();
    set(&mut back, weights.to_vec());
    back
}

/// Every model of `f` reloaded (with an empty network cache).
fn reloaded(f: &Fitted) -> (MlpClassifier, DeepSurv, SequenceClassifier) {
    (
        reload(&f.mlp, &f.mlp.weights, |m, w| m.weights = w),
        reload(&f.deepsurv, &f.deepsurv.weights, |m, w| m.weights = w),
        reload(&f.lstm, &f.lstm.weights, |m, w| m.weights = w),
    )
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|p| p.to_bits()).collect()
}

/// Predictions of each model kind, as bits: MLP, DeepSurv risk, LSTM.
fn predict_all(
    f: &Fitted,
    models: &(MlpClassifier, DeepSurv, SequenceClassifier),
) -> [Vec<u64>; 3] {
    [
        bits(&models.0.predict_proba(&f.x).unwrap()),
        bits(&models.1.risk(&f.x_surv).unwrap()),
        bits(&models.2.predict_proba(&f.seq).unwrap()),
    ]
}

fn in_memory(f: &Fitted) -> [Vec<u64>; 3] {
    [
        bits(&f.mlp.predict_proba(&f.x).unwrap()),
        bits(&f.deepsurv.risk(&f.x_surv).unwrap()),
        bits(&f.lstm.predict_proba(&f.seq).unwrap()),
    ]
}

#[test]
fn fitted_networks_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<MlpClassifier>();
    shareable::<DeepSurv>();
    shareable::<SequenceClassifier>();
}

#[test]
fn save_load_predict_is_bit_identical_for_every_network() {
    let f = fitted();
    let want = in_memory(&f);
    let models = reloaded(&f);
    assert_eq!(predict_all(&f, &models), want);
    // The reloaded survival curves too, which go through the cached network.
    use osler_models::survival::ProportionalHazards;
    let times = [365.0, 730.0];
    let a = f.deepsurv.predict_survival(&f.x_surv, &times).unwrap();
    let b = models.1.predict_survival(&f.x_surv, &times).unwrap();
    assert_eq!(a, b);
}

#[test]
fn eight_threads_on_one_loaded_model_get_the_single_thread_numbers() {
    let f = fitted();
    let want = in_memory(&f);
    // A fresh load: the threads race to build the network as well.
    let models = reloaded(&f);
    let start = Barrier::new(8);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    (0..3).map(|_| predict_all(&f, &models)).collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for got in h.join().unwrap() {
                assert_eq!(got, want);
            }
        }
    });
}

#[test]
fn a_prediction_does_not_wait_for_a_training_run() {
    let f = fitted();
    let want = in_memory(&f);
    let models = reloaded(&f);
    // What a training run on another thread holds from seeding to its last epoch.
    let _training = osler_nn::device::fit_lock();
    let (tx, rx) = mpsc::channel();
    // Not a scoped thread: if it blocks, the test fails on the timeout instead of
    // joining it while still holding the lock.
    std::thread::spawn(move || tx.send(predict_all(&f, &models)));
    let got = rx.recv_timeout(Duration::from_secs(120)).expect("prediction blocked by fit_lock");
    assert_eq!(got, want);
}

#[test]
fn replaced_weights_are_used_by_the_next_prediction() {
    let f = fitted();
    let mut other = MlpOptions { train: short(5, 32), ..MlpOptions::default() };
    other.train.seed = 2;
    let (x, y) = common::toy(200, 1);
    let second = MlpClassifier::fit(&x, &y, &other).unwrap();
    let mut m = f.mlp.clone();
    let first = m.predict_proba(&f.x).unwrap();
    m.weights = second.weights.clone();
    assert_eq!(bits(&m.predict_proba(&f.x).unwrap()), bits(&second.predict_proba(&f.x).unwrap()));
    assert_ne!(bits(&first), bits(&second.predict_proba(&f.x).unwrap()));
}
