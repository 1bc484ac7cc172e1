//! Shared plumbing of the tabular networks: input standardisation, tensors of
//! selected rows, rebuilding a network from its weights.

use burn::prelude::*;
use osler_data::Matrix;
use serde::{Deserialize, Serialize};

use crate::device::tensor;
use crate::error::NnError;
use crate::layers::{MlpArch, MlpNet};

/// Column centring and scaling (mean, population SD; SD 0 -> 1) fitted on training rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    /// Column means of the training rows.
    pub center: Vec<f64>,
    /// Column population standard deviations of the training rows (1 where the SD is 0).
    pub scale: Vec<f64>,
}

impl Standardizer {
    /// Fits on all rows of `x`: mean and population SD `sqrt(sum (x - mean)^2 / n)` per column;
    /// an error when a value is missing or not finite.
    pub fn fit(x: &Matrix) -> Result<Self, NnError> {
        check_finite(x)?;
        let n = x.rows().max(1) as f64;
        let (mut center, mut scale) = (Vec::new(), Vec::new());
        for j in 0..x.cols() {
            let c = x.col(j);
            let m = c.iter().sum::<f64>() / n;
            let v = c.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n;
            center.push(m);
            scale.push(if v > 0.0 { v.sqrt() } else { 1.0 });
        }
        Ok(Standardizer { center, scale })
    }

    /// Standardised rows `rows` (all when `None`) of `x`, row-major.
    pub fn apply(&self, x: &Matrix, rows: Option<&[usize]>) -> Result<Vec<f64>, NnError> {
        if x.cols() != self.center.len() {
            return Err(NnError::FeatureCount { found: x.cols(), expected: self.center.len() });
        }
        check_finite(x)?;
        let all: Vec<usize>;
        let rows = match rows {
            Some(r) => r,
            None => {
                all = (0..x.rows()).collect();
                &all
            }
        };
        let p = x.cols();
        let mut out = Vec::with_capacity(rows.len() * p);
        for &i in rows {
            for j in 0..p {
                out.push((x.get(i, j) - self.center[j]) / self.scale[j]);
            }
        }
        Ok(out)
    }

    /// `[rows, p]` tensor of standardised rows.
    pub fn tensor(
        &self,
        x: &Matrix,
        rows: Option<&[usize]>,
        device: &Device,
    ) -> Result<Tensor<2>, NnError> {
        let v = self.apply(x, rows)?;
        let n = rows.map_or(x.rows(), <[usize]>::len);
        Ok(tensor(v, [n, x.cols()], device))
    }
}

/// Missing or infinite inputs are errors (the pipeline imputes before the network).
pub fn check_finite(x: &Matrix) -> Result<(), NnError> {
    for j in 0..x.cols() {
        if let Some(i) = x.col(j).iter().position(|v| !v.is_finite()) {
            return Err(NnError::NonFiniteInput { row: i, column: j });
        }
    }
    Ok(())
}

/// A network of architecture `arch` with the given safetensors weights, in evaluation mode.
pub fn load_mlp(arch: &MlpArch, weights: &[u8], device: &Device) -> Result<MlpNet, NnError> {
    if weights.is_empty() {
        return Err(NnError::WeightsMissing { file: "weights.safetensors" });
    }
    // A shell of zeros draws nothing from burn's global RNG, so loading needs no
    // lock and never waits for (or disturbs) a fit on another thread.
    Ok(burn::module::Module::valid(&crate::checkpoint::load(MlpNet::shell(arch, device), weights)?))
}

/// Row indices of `idx` as an integer tensor.
pub fn index(idx: &[usize], device: &Device) -> Tensor<1, Int> {
    crate::device::int_tensor(idx.iter().map(|&i| i as i64).collect(), device)
}
