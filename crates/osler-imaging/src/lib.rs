//! Medical image input for osler: DICOM (single and multi-frame, modality
//! LUT to Hounsfield units, MONOCHROME1 display inversion, windowing), PNG
//! and JPEG through the `image` crate, and NumPy `.npz` datasets in the
//! MedMNIST layout; heat maps drawn over their image as PNG ([`overlay`]).
//!
//! Readers return pixel values in the file's modality units (Hounsfield
//! units for CT), the metadata a prediction needs to reproduce a transform
//! (spacing, orientation, window), and typed errors that name the file.
//! Nothing here prints or draws progress; no pixel values are logged.

pub mod dicom;
pub mod error;
pub mod info;
pub mod npz;
pub mod overlay;
pub mod raster;
pub mod window;

pub use dicom::{DicomImage, DicomMeta, read_dicom};
pub use error::ImagingError;
pub use info::{AnyImage, ImageInfo, image_info, read_image, write_preview};
pub use npz::{
    MedMnist, MedMnistSplit, NpyArray, read_medmnist, read_medmnist_bytes, read_npz, read_npz_bytes,
};
pub use overlay::{OverlayOptions, write_heatmap_overlay};
pub use raster::{ImageFormat, RasterImage, read_raster};
pub use window::{Preset, Window, WindowChoice};
