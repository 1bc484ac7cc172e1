//! osler-nn: neural networks for clinical data on burn 0.22 (pure-Rust `flex`
//! CPU backend with autodiff; an optional `gpu` feature adds burn's wgpu backend).
//!
//! * [`mlp::MlpClassifier`]: tabular MLP classifier (binary or multiclass;
//!   cross-entropy with class weights, or focal loss).
//! * [`deepsurv::DeepSurv`]: DeepSurv (Katzman et al. 2018), an MLP risk score trained on
//!   the Cox negative partial log-likelihood ([`loss::cox_nll`], Efron or Breslow ties),
//!   survival curves from the Breslow baseline hazard of the training rows.
//! * [`sequence::SequenceClassifier`]: LSTM/GRU classifier of sequences.
//! * [`image_classifier::ImageClassifier`]: image classifier on a small CNN or a
//!   ResNet-18 with the CIFAR stem ([`cnn`]), seeded training augmentation
//!   ([`augment`]), model selection on validation images; Grad-CAM and
//!   occlusion-sensitivity heat maps per image ([`heatmap`]).
//! * [`trainer::fit`]: the shared loop (seeded shuffling, validation, early stopping
//!   with best-checkpoint restore, clipping, schedules, JSON-lines log, NaN guard).
//!
//! Determinism: on the CPU every kernel runs on the calling thread, the weight
//! initialisation and dropout draw from burn's RNG seeded at the start of each
//! fit (under a process-wide lock, [`device::fit_lock`]), and the mini-batch
//! order comes from `osler_data::SplitMix64`; the same seed gives bitwise the
//! same weights.
//!
//! Serving: predictions never take the fit lock. A fitted model builds its
//! network once from the weights (a shell of zeros that the weights overwrite,
//! no RNG draws; [`loaded::NetCache`]) and shares it across threads; training
//! progress goes to a [`progress::ProgressObserver`], the library draws nothing.

#![warn(missing_docs)]

pub mod augment;
pub mod checkpoint;
pub mod cnn;
pub mod deepsurv;
pub mod device;
pub mod error;
pub mod heatmap;
pub mod image_classifier;
pub mod layers;
pub mod loaded;
pub mod loss;
pub mod mlp;
pub mod optim;
pub mod progress;
pub mod sequence;
pub mod tabular;
pub mod trainer;

pub use augment::{Augment, Geometry};
pub use cnn::CnnKind;
pub use deepsurv::{DeepSurv, DeepSurvOptions};
pub use device::DeviceChoice;
pub use error::NnError;
pub use heatmap::{OcclusionFill, OcclusionOptions, upsample};
pub use image_classifier::{ImageClassifier, ImageOptions, Images};
pub use mlp::{MlpClassifier, MlpOptions};
pub use optim::{LrSchedule, OptimizerKind};
pub use progress::{EpochProgress, ProgressObserver, TrainEvent};
pub use trainer::{EpochLog, StopOn, TrainOptions};
