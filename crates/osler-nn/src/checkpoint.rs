//! Weights as safetensors bytes (burn-store), without timestamps or
//! hash-map-ordered metadata, so the same weights always give the same bytes.

use burn::module::Module;
use burn::store::{ModuleSnapshot, SafetensorsStore};

use crate::error::NnError;

/// Version of the weight layout written by this crate.
pub const WEIGHTS_FORMAT_VERSION: &str = "1";

/// Serialises a module's parameters and buffers to safetensors bytes.
pub fn to_bytes<M: Module + ModuleSnapshot>(model: &M) -> Result<Vec<u8>, NnError> {
    let mut store = SafetensorsStore::from_bytes(None)
        .clear_metadata()
        .metadata("osler_nn_weights", WEIGHTS_FORMAT_VERSION);
    let failed = |e: &dyn std::fmt::Display| NnError::WeightsSerialise { reason: e.to_string() };
    model.save_into(&mut store).map_err(|e| failed(&e))?;
    store.get_bytes().map_err(|e| failed(&e))
}

/// Loads safetensors bytes into a module of the same architecture.
pub fn load<M: Module + ModuleSnapshot>(mut model: M, bytes: &[u8]) -> Result<M, NnError> {
    let mut store =
        SafetensorsStore::from_bytes(Some(bytes.to_vec())).validate(true).allow_partial(false);
    let result = model
        .load_from(&mut store)
        .map_err(|e| NnError::WeightsUnreadable { reason: e.to_string() })?;
    if !result.missing.is_empty() || !result.errors.is_empty() {
        return Err(NnError::WeightsMismatch {
            missing: result.missing.len(),
            errors: result.errors.len(),
        });
    }
    Ok(model)
}
