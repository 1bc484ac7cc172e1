//! Image classification as a task of the pipeline: a MedMNIST `.npz` data set
//! (official train / validation / test splits) in, a CNN artifact out, whose
//! manifest carries the **image input contract** ([`ImageContract`]): the
//! input size and channels, how grey levels become network inputs, how a
//! DICOM file's values become grey levels, and the orientation handling.
//! Prediction applies exactly that contract to PNG, JPEG or DICOM files, so a
//! PNG and a DICOM of the same image give the same probability, and a file of
//! another size or channel count is refused by name (never resized silently).
//!
//! [`train_images`] fits, selects the epoch on validation AUROC and evaluates
//! on the test split; [`predict_image_files`] predicts files with an artifact.

mod contract;
mod predict;
mod train;

pub use contract::{DicomScaling, ImageContract, Normalisation};
pub use predict::{ImagePrediction, ImagePredictions, predict_image_files};
pub use train::{
    ImageDataSource, ImageEvaluation, ImageTrainSpec, ImageTrainingReport, image_dataset,
    train_images,
};

use std::path::PathBuf;

/// Why image files, an image data set or image options do not fit.
#[derive(Debug, thiserror::Error)]
pub enum ImageTaskError {
    /// A file could not be read or decoded as an image (its reason names the file).
    #[error(transparent)]
    Read(#[from] osler_imaging::ImagingError),
    /// An image's size differs from the contract's (no silent resize).
    #[error(
        "{path}: the image is {rows} x {columns} pixels; this model reads {expected_rows} x {expected_columns} images"
    )]
    WrongSize {
        /// The file.
        path: PathBuf,
        /// Its rows.
        rows: usize,
        /// Its columns.
        columns: usize,
        /// The contract's rows.
        expected_rows: usize,
        /// The contract's columns.
        expected_columns: usize,
    },
    /// An image's channel count differs from the contract's.
    #[error(
        "{path}: the image has {channels} channel(s); this model reads {expected} channel (grey-scale) images"
    )]
    WrongChannels {
        /// The file.
        path: PathBuf,
        /// Its channels (2 grey + alpha, 3 RGB, 4 RGBA).
        channels: usize,
        /// The contract's channels.
        expected: usize,
    },
    /// A multi-frame DICOM given where one image is read.
    #[error("{path}: the DICOM has {frames} frames; give one single-frame image per prediction")]
    MultiFrame {
        /// The file.
        path: PathBuf,
        /// Its frames.
        frames: usize,
    },
    /// No image files were given.
    #[error("no image files given")]
    NoInput,
    /// The data set is not a two-class grey-scale MedMNIST set.
    #[error("{path}: {reason}")]
    Dataset {
        /// The `.npz` file.
        path: PathBuf,
        /// What does not fit.
        reason: String,
    },
    /// An unknown image data set name.
    #[error("unknown image dataset '{name}'; the shipped one is pneumoniamnist")]
    UnknownDataset {
        /// The name given.
        name: String,
    },
    /// A network input smaller than the data set's images (only upsampling is offered).
    #[error("the image size must be at least the data set's image side {side} px, got {size}")]
    ImageSizeTooSmall {
        /// The input side asked for.
        size: usize,
        /// The data set's image side.
        side: usize,
    },
    /// The artifact's model does not read images.
    #[error("this artifact's model reads table rows, not image files")]
    NotAnImageArtifact,
}
