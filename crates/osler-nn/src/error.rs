//! Errors of the neural-network engine. Messages name the problem and, where
//! possible, the remedy; they never contain patient values.

use thiserror::Error;

/// A weights checkpoint: the epoch it was taken at and its safetensors bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// Epoch (1-based) whose end-of-epoch weights these are.
    pub epoch: usize,
    /// The network's weights as safetensors bytes.
    pub weights: Vec<u8>,
}

/// Everything that can go wrong while building, training or applying a network.
#[derive(Debug, Error)]
pub enum NnError {
    /// An option is out of range or inconsistent with the data.
    #[error("{0}")]
    InvalidOption(String),
    /// Input data of the wrong shape or with non-finite values.
    #[error("{0}")]
    BadData(String),
    /// The training loss became NaN or infinite.
    #[error(
        "training diverged: the loss became {value} at epoch {epoch} (learning rate {lr}); try a lower --lr (e.g. {suggested}){}",
        last_good.as_ref().map_or(String::new(), |c| format!("; the last good checkpoint is from epoch {}", c.epoch))
    )]
    NonFiniteLoss {
        /// Epoch (1-based) in which the loss stopped being finite.
        epoch: usize,
        /// Learning rate of that epoch (after the schedule).
        lr: f64,
        /// A lower learning rate to try: a tenth of `lr`.
        suggested: f64,
        /// The offending loss as text: `NaN`, `inf`, or an exploded epoch mean next to the initial loss.
        value: String,
        /// Weights at the end of the last epoch whose losses were all finite.
        last_good: Option<Box<Checkpoint>>,
    },
    /// The requested device is not available in this build or on this machine.
    #[error("{0}")]
    Device(String),
    /// Saving or loading weights failed.
    #[error("model weights: {0}")]
    Weights(String),
    /// A tensor could not be read back from the device.
    #[error("reading a tensor from the device failed: {0}")]
    Read(String),
}
