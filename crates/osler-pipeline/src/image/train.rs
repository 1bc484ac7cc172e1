//! Training an image classifier on a MedMNIST data set: fit on the official
//! training split, keep the epoch with the best validation AUROC, evaluate on
//! the official test split, and assemble the artifact with its image contract.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use sha2::{Digest, Sha256};

use osler_data::{BinaryLevels, PreprocessOptions, Preprocessor, Schema};
use osler_eval::binary_metrics;
use osler_imaging::{MedMnistSplit, read_medmnist_bytes};
use osler_nn::trainer::TrainSummary;
use osler_nn::{Geometry, ImageClassifier, ImageOptions, Images};

use super::contract::ORIENTATION;
use super::{DicomScaling, ImageContract, ImageTaskError, Normalisation};
use crate::analysis::intervals::{IntervalSpec, binary_intervals};
use crate::analysis::prediction::EvaluationReport;
use crate::artifact::{Artifact, DataInfo, HeldOutMetrics, InputContract, Manifest};
use crate::contract::nn_error;
use crate::error::PipelineError;
use crate::model::{FittedModel, ModelSpec};
use crate::registry::Task;

/// The decision threshold of the image classifiers' class predictions.
const THRESHOLD: f64 = 0.5;

/// A MedMNIST `.npz` and the names of its classes 0 and 1.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageDataSource {
    /// The `.npz` file (MedMNIST layout: `train_`, `val_`, `test_` images and
    /// labels); for a shipped data set, its path in the repository.
    pub path: PathBuf,
    /// The archive's bytes when it ships inside the binary; `None`: read `path`.
    pub shipped: Option<&'static [u8]>,
    /// Name of class 0 and class 1.
    pub levels: BinaryLevels,
}

/// PneumoniaMNIST (MedMNIST v2), built into the binary as the tabular
/// datasets are, so `--dataset pneumoniamnist` works wherever osler runs.
const PNEUMONIAMNIST: &[u8] =
    include_bytes!("../../../../datasets/pneumoniamnist/pneumoniamnist.npz");

/// The shipped image data set called `name` (`pneumoniamnist`: PneumoniaMNIST,
/// MedMNIST v2, classes `normal` and `pneumonia`; see its `PROVENANCE.md`).
pub fn image_dataset(name: &str) -> Result<ImageDataSource, ImageTaskError> {
    match name {
        "pneumoniamnist" => Ok(ImageDataSource {
            path: PathBuf::from("datasets/pneumoniamnist/pneumoniamnist.npz"),
            shipped: Some(PNEUMONIAMNIST),
            levels: BinaryLevels { negative: "normal".into(), positive: "pneumonia".into() },
        }),
        _ => Err(ImageTaskError::UnknownDataset { name: name.into() }),
    }
}

/// What to train on and how.
#[derive(Debug, Clone)]
pub struct ImageTrainSpec {
    /// The data set.
    pub data: ImageDataSource,
    /// The network and its training options (augmentation included).
    pub options: ImageOptions,
    /// Side of the network's input: the data set's side, or larger (bilinear upsampling).
    pub image_size: usize,
    /// Use only the first `n` training images (a quick run); `None`: all.
    pub train_limit: Option<usize>,
    /// Bootstrap replicates of the metrics' 95% intervals (the AUROC's is DeLong's).
    pub bootstrap: usize,
}

/// One split's metrics at threshold 0.5 with their 95% intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageEvaluation {
    /// Which split (`validation`, `test`).
    pub split: &'static str,
    /// The metric panel and intervals.
    #[serde(flatten)]
    pub report: EvaluationReport,
}

/// The outcome of [`train_images`], as `osler train --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageTrainingReport {
    /// Always `binary`.
    pub task: &'static str,
    /// Always `image`.
    pub input: &'static str,
    /// The model kind (`cnn`, `resnet18`).
    pub model: &'static str,
    /// The `.npz` file.
    pub data: String,
    /// The seed of initialisation, batch order and augmentation.
    pub seed: u64,
    /// Epochs asked for (the best validation epoch is kept).
    pub epochs: usize,
    /// Training images used.
    pub train_images: usize,
    /// The image input contract written to the manifest.
    pub contract: ImageContract,
    /// Epochs run, best epoch, and counts.
    pub training: TrainSummary,
    /// Seconds of each epoch.
    pub epoch_seconds: Vec<f64>,
    /// Seconds of the fit (all epochs and validations).
    pub fit_seconds: f64,
    /// Metrics of the kept epoch on the validation split.
    pub validation: ImageEvaluation,
    /// Metrics on the official test split.
    pub test: ImageEvaluation,
}

/// `n` indices of `0..len` spread evenly over it (all of them when `n >= len`):
/// a quick run's subset keeps the split's mix of classes wherever they lie.
fn spread(len: usize, n: usize) -> Vec<usize> {
    let n = n.min(len);
    (0..n).map(|i| i * len / n).collect()
}

/// Network inputs of images `rows` of `split` (grey), through `contract`.
fn split_images(
    split: &MedMnistSplit,
    contract: &ImageContract,
    rows: &[usize],
) -> Result<Images, PipelineError> {
    let len = rows.len();
    let mut values = Vec::with_capacity(len * contract.input_rows * contract.input_columns);
    for image in rows.iter().filter_map(|&i| split.image(i)) {
        let grey: Vec<f64> = image.iter().map(|&g| f64::from(g)).collect();
        values.extend(contract.inputs(&grey));
    }
    let geometry =
        Geometry { channels: 1, height: contract.input_rows, width: contract.input_columns };
    Images::new(values, len, geometry).map_err(|e| PipelineError::model("images", nn_error(e)))
}

/// The labels of images `rows` of `split`, checked to be 0 or 1.
fn split_labels(
    split: &MedMnistSplit,
    rows: &[usize],
    path: &Path,
) -> Result<Vec<usize>, ImageTaskError> {
    rows.iter()
        .filter_map(|&i| split.labels.get(i).copied())
        .map(|l| match l {
            0 | 1 => Ok(usize::from(l)),
            other => Err(ImageTaskError::Dataset {
                path: path.into(),
                reason: format!("label {other}: only two-class (0/1) data sets are supported"),
            }),
        })
        .collect()
}

fn evaluate(
    split: &'static str,
    model: &ImageClassifier,
    images: &Images,
    labels: &[usize],
    intervals: IntervalSpec,
) -> Result<ImageEvaluation, PipelineError> {
    let p = model.predict_proba(images).map_err(|e| PipelineError::model(split, nn_error(e)))?;
    let y: Vec<bool> = labels.iter().map(|&c| c == 1).collect();
    let metrics = binary_metrics(&y, &p, THRESHOLD)?;
    let ci = binary_intervals(&y, &p, &metrics, intervals);
    Ok(ImageEvaluation { split, report: EvaluationReport::new(metrics, &ci) })
}

/// The manifest's record of one split's evaluation.
fn held_out(e: &ImageEvaluation) -> HeldOutMetrics {
    let r = &e.report;
    HeldOutMetrics {
        split: e.split.into(),
        n: r.n,
        events: r.events,
        metrics: r
            .metrics
            .values()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.is_finite().then_some(v)))
            .collect(),
        ci95: r.ci95.clone(),
        ci_method: r.ci_method.clone(),
    }
}

/// Fits `spec.options` on the training split (validation split for model
/// selection), evaluates on the test split, and returns the artifact (not
/// yet saved) and the report.
pub fn train_images(
    spec: &ImageTrainSpec,
) -> Result<(Artifact, ImageTrainingReport), PipelineError> {
    let path = &spec.data.path;
    let bytes: Cow<'static, [u8]> = match spec.data.shipped {
        Some(b) => Cow::Borrowed(b),
        None => Cow::Owned(std::fs::read(path).map_err(|e| {
            ImageTaskError::Read(osler_imaging::ImagingError::Io { path: path.clone(), source: e })
        })?),
    };
    let data = read_medmnist_bytes(path, &bytes).map_err(ImageTaskError::from)?;
    let bad = |reason: String| ImageTaskError::Dataset { path: path.clone(), reason };
    if data.train.channels != 1 {
        return Err(bad(format!(
            "{} channels per pixel; only grey-scale data sets are supported",
            data.train.channels
        ))
        .into());
    }
    let side = data.train.rows;
    if data.train.columns != side {
        return Err(bad(format!(
            "images of {side} x {} pixels; square images expected",
            data.train.columns
        ))
        .into());
    }
    if spec.image_size < side {
        return Err(ImageTaskError::ImageSizeTooSmall { size: spec.image_size, side }.into());
    }
    let contract = ImageContract {
        channels: 1,
        rows: side,
        columns: side,
        input_rows: spec.image_size,
        input_columns: spec.image_size,
        normalisation: Normalisation { mean: 0.5, std: 0.5 },
        dicom: DicomScaling { lower: 0.0, upper: 255.0 },
        orientation: ORIENTATION.into(),
    };
    let train_rows = spread(data.train.len, spec.train_limit.unwrap_or(data.train.len));
    let n_train = train_rows.len();
    let train = split_images(&data.train, &contract, &train_rows)?;
    let y_train = split_labels(&data.train, &train_rows, path)?;
    let all = |split: &MedMnistSplit| spread(split.len, split.len);
    let validation = split_images(&data.validation, &contract, &all(&data.validation))?;
    let y_validation = split_labels(&data.validation, &all(&data.validation), path)?;
    let test = split_images(&data.test, &contract, &all(&data.test))?;
    let y_test = split_labels(&data.test, &all(&data.test), path)?;

    let t0 = Instant::now();
    let model =
        ImageClassifier::fit(&train, &y_train, Some((&validation, &y_validation)), &spec.options)
            .map_err(|e| PipelineError::model("image classifier", nn_error(e)))?;
    let fit_seconds = t0.elapsed().as_secs_f64();
    let seed = spec.options.train.seed;
    let intervals = IntervalSpec { replicates: spec.bootstrap, seed };
    let validation = evaluate("validation", &model, &validation, &y_validation, intervals)?;
    let test = evaluate("test", &model, &test, &y_test, intervals)?;

    let model_spec =
        ModelSpec::new(super::super::kinds::image::ImageSpec { options: spec.options.clone() });
    let kind = model_spec.name();
    let report = ImageTrainingReport {
        task: Task::Binary.name(),
        input: "image",
        model: kind,
        data: path.display().to_string(),
        seed,
        epochs: spec.options.train.epochs,
        train_images: n_train,
        contract: contract.clone(),
        training: model.summary.clone(),
        epoch_seconds: model.log.iter().map(|e| e.seconds).collect(),
        fit_seconds,
        validation,
        test,
    };
    let manifest = Manifest {
        format: crate::artifact::FORMAT.into(),
        format_version: crate::artifact::FORMAT_VERSION,
        osler_version: env!("CARGO_PKG_VERSION").into(),
        task: Task::Binary.name().into(),
        model: model_spec,
        model_note: None,
        target: "label".into(),
        levels: spec.data.levels.clone(),
        classes: None,
        features: Vec::new(),
        feature_names: Vec::new(),
        schema: Schema::new(Vec::new()),
        preprocessing: Preprocessor {
            options: PreprocessOptions {
                impute: false,
                missing_indicators: false,
                standardize: false,
            },
            steps: Vec::new(),
        },
        threshold: THRESHOLD,
        seed,
        data: DataInfo {
            source: path.display().to_string(),
            sha256: osler_data::csv_reader::hex(&Sha256::digest(&bytes)),
            rows: n_train,
            events: y_train.iter().filter(|&&c| c == 1).count(),
            columns: Vec::new(),
        },
        cv: None,
        survival: None,
        input: InputContract::Image(contract),
        warnings: Vec::new(),
        held_out: vec![held_out(&report.validation), held_out(&report.test)],
        files: Default::default(),
    };
    let artifact = Artifact { manifest, model: FittedModel::new(model), out_of_fold: None };
    Ok((artifact, report))
}
