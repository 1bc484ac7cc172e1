//! Device selection and host <-> tensor conversions.
//!
//! The CPU device is burn's pure-Rust `flex` backend, built without its
//! `rayon` feature: every kernel runs on the calling thread, so reductions
//! happen in a fixed order and training is bitwise reproducible for a seed.
//! A GPU (burn's `wgpu` backend) is only compiled with the crate feature `gpu`.

use std::sync::{Mutex, MutexGuard};

use burn::prelude::*;
use burn::tensor::TensorData;
use serde::{Deserialize, Serialize};

use crate::error::NnError;

/// Where tensors live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// burn-flex on the CPU (deterministic).
    #[default]
    Cpu,
    /// burn-wgpu (needs the `gpu` cargo feature; not bitwise deterministic).
    Gpu,
}

impl std::str::FromStr for DeviceChoice {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s.to_ascii_lowercase().as_str() {
            "cpu" => Ok(DeviceChoice::Cpu),
            "gpu" => Ok(DeviceChoice::Gpu),
            other => Err(NnError::InvalidOption {
                option: "device",
                value: format!("'{other}'"),
                expected: "be cpu or gpu",
            }),
        }
    }
}

/// The burn device for a choice (without autodiff).
pub fn device(choice: DeviceChoice) -> Result<Device, NnError> {
    match choice {
        DeviceChoice::Cpu => Ok(Device::flex()),
        DeviceChoice::Gpu => gpu_device(),
    }
}

#[cfg(feature = "gpu")]
fn gpu_device() -> Result<Device, NnError> {
    Ok(Device::wgpu(Default::default()))
}

#[cfg(not(feature = "gpu"))]
fn gpu_device() -> Result<Device, NnError> {
    Err(NnError::DeviceUnavailable {
        device: "gpu",
        reason: "this build is CPU-only; build osler-cli with the `gpu` cargo feature",
    })
}

static FIT_LOCK: Mutex<()> = Mutex::new(());

/// Serialises training runs within a process. burn's random number generator
/// (weight initialisation, dropout masks) is global per backend and seeded per
/// fit, so two fits on different threads would interleave their draws; holding
/// this lock from seeding to the end of a fit keeps every fit reproducible.
/// Only training takes it: predictions build their network from a shell of
/// zeros ([`crate::layers::MlpNet::shell`]) that draws nothing from the RNG.
pub fn fit_lock() -> MutexGuard<'static, ()> {
    FIT_LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A rank-`D` float tensor from row-major host values (converted to the device's float type).
pub fn tensor<const D: usize>(values: Vec<f64>, shape: [usize; D], device: &Device) -> Tensor<D> {
    Tensor::from_data(TensorData::new(values, shape), device)
}

/// A rank-1 integer tensor.
pub fn int_tensor(values: Vec<i64>, device: &Device) -> Tensor<1, Int> {
    let n = values.len();
    Tensor::from_data(TensorData::new(values, [n]), device)
}

/// Host copy of a tensor as `f64`, row-major.
pub fn to_vec<const D: usize>(t: Tensor<D>) -> Result<Vec<f64>, NnError> {
    t.try_into_vec_as::<f64>().map_err(|e| NnError::TensorRead { reason: format!("{e:?}") })
}

/// The single value of a one-element tensor.
pub fn scalar(t: Tensor<1>) -> Result<f64, NnError> {
    to_vec(t)?.first().copied().ok_or_else(|| NnError::TensorRead { reason: "empty tensor".into() })
}
