//! Training progress as events for an observer: the library reports, a front
//! end (the CLI's progress bar, a service's status endpoint) displays.

use std::fmt;
use std::sync::Arc;

/// One finished epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochProgress {
    /// The epoch just finished (1-based).
    pub epoch: usize,
    /// The most epochs the run may take (early stopping may end it sooner).
    pub epochs: usize,
    /// Mean training loss of the epoch.
    pub train_loss: f64,
    /// Validation loss (NaN without validation rows).
    pub val_loss: f64,
    /// Validation metric: AUROC, accuracy or Harrell's C (NaN without validation rows).
    pub val_metric: f64,
}

/// What a training run reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TrainEvent {
    /// An epoch finished.
    Epoch(EpochProgress),
    /// The run ended (all epochs, early stopping or an error); no event follows.
    Finished,
}

/// The callback type of a [`ProgressObserver`].
pub type ProgressFn = dyn Fn(&TrainEvent) + Send + Sync;

/// An optional receiver of [`TrainEvent`]s, carried in the training options.
///
/// A display choice, not a hyperparameter: it is not serialised (the default
/// observes nothing), and any two observers compare equal so that options
/// differing only in who watches are the same options.
#[derive(Clone, Default)]
pub struct ProgressObserver(Option<Arc<ProgressFn>>);

impl ProgressObserver {
    /// An observer that calls `f` for every event.
    pub fn new(f: impl Fn(&TrainEvent) + Send + Sync + 'static) -> Self {
        ProgressObserver(Some(Arc::new(f)))
    }

    /// Whether a callback is attached.
    pub fn is_active(&self) -> bool {
        self.0.is_some()
    }

    /// Passes `event` to the callback, if any.
    pub fn notify(&self, event: &TrainEvent) {
        if let Some(f) = &self.0 {
            f(event);
        }
    }
}

impl fmt::Debug for ProgressObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_active() {
            "ProgressObserver(active)"
        } else {
            "ProgressObserver(none)"
        })
    }
}

impl PartialEq for ProgressObserver {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
