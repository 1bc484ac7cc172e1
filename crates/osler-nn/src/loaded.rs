//! The inference network of a fitted model, built from its safetensors weights
//! once and then shared by every prediction, on every thread.
//!
//! Rebuilding a network parses the safetensors bytes and allocates every
//! tensor again; a served model predicts one row at a time, so that cost would
//! dominate. The cache remembers the weights it was built from and rebuilds
//! only when a model's (public) `weights` were replaced since.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use crate::error::NnError;

/// A network built from the weights it remembers.
struct Built<N> {
    weights: Vec<u8>,
    net: Arc<N>,
}

/// Lazily built inference network of a fitted model.
///
/// Derived state, not part of the model: it is not serialised (`#[serde(skip)]`
/// gives an empty one), a clone shares the built network (it is only used for
/// the same weights), and every two caches compare equal.
pub struct NetCache<N> {
    slot: RwLock<Option<Built<N>>>,
}

impl<N> NetCache<N> {
    /// The network for `weights`: the cached one when it was built from these
    /// bytes, otherwise `build()`'s result, cached for the next call.
    ///
    /// Readers share the lock; only a (re)build takes it exclusively, so
    /// concurrent first predictions build the network once.
    pub fn get(
        &self,
        weights: &[u8],
        build: impl FnOnce() -> Result<N, NnError>,
    ) -> Result<Arc<N>, NnError> {
        if let Some(net) =
            Self::matching(&self.slot.read().unwrap_or_else(PoisonError::into_inner), weights)
        {
            return Ok(net);
        }
        let mut slot = self.slot.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(net) = Self::matching(&slot, weights) {
            return Ok(net);
        }
        let net = Arc::new(build()?);
        *slot = Some(Built { weights: weights.to_vec(), net: Arc::clone(&net) });
        Ok(net)
    }

    fn matching(slot: &Option<Built<N>>, weights: &[u8]) -> Option<Arc<N>> {
        slot.as_ref().filter(|b| b.weights == weights).map(|b| Arc::clone(&b.net))
    }
}

impl<N> Default for NetCache<N> {
    fn default() -> Self {
        NetCache { slot: RwLock::new(None) }
    }
}

impl<N> Clone for NetCache<N> {
    fn clone(&self) -> Self {
        let slot = self.slot.read().unwrap_or_else(PoisonError::into_inner);
        let copy =
            slot.as_ref().map(|b| Built { weights: b.weights.clone(), net: Arc::clone(&b.net) });
        NetCache { slot: RwLock::new(copy) }
    }
}

impl<N> PartialEq for NetCache<N> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<N> fmt::Debug for NetCache<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let built = self.slot.read().unwrap_or_else(PoisonError::into_inner).is_some();
        f.debug_struct("NetCache").field("built", &built).finish()
    }
}
