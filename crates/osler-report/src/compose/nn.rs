//! The neural networks (MLP, DeepSurv, LSTM/GRU) in the report: their description
//! and training loss curves.

use osler_nn::sequence::SequenceClassifier;
use osler_nn::{DeepSurv, MlpClassifier};
use osler_pipeline::FittedModel;
use osler_pipeline::sequence::Cell;

use crate::Plot;

/// The burn release the networks are built with, shown in the description.
const BURN_VERSION: &str = "0.22.1";

/// One line describing a network: layers, optimiser, epochs run, device;
/// `None` for other models.
pub(crate) fn describe(model: &FittedModel) -> Option<String> {
    let (kind, hidden, t, s) = if let Some(m) = model.get::<MlpClassifier>() {
        ("MLP classifier", &m.options.hidden[..], &m.options.train, &m.summary)
    } else if let Some(m) = model.get::<DeepSurv>() {
        ("DeepSurv (Cox partial likelihood)", &m.options.hidden[..], &m.options.train, &m.summary)
    } else if let Some(m) = model.get::<SequenceClassifier>() {
        let kind = match m.arch.cell {
            Cell::Lstm => "LSTM sequence classifier (latest visits)",
            Cell::Gru => "GRU sequence classifier (latest visits)",
        };
        (kind, std::slice::from_ref(&m.arch.hidden), &m.train, &m.summary)
    } else {
        return None;
    };
    Some(format!(
        "{kind}: hidden layers {:?}, {:?} optimiser, learning rate {}, batch {}, {} of at most {} epochs (best epoch {}), burn {} on {:?}",
        hidden,
        t.optimizer,
        t.lr,
        t.batch_size,
        s.epochs_run,
        t.epochs,
        s.best_epoch,
        BURN_VERSION,
        t.device
    ))
}

/// SVG of the training and validation loss per epoch, or `None` for models
/// without a training log.
pub(crate) fn loss_curves(model: &FittedModel) -> Option<String> {
    let log = model.training_log();
    if log.is_empty() {
        return None;
    }
    let train: Vec<(f64, f64)> = log.iter().map(|e| (e.epoch as f64, e.train_loss)).collect();
    let val: Vec<(f64, f64)> = log
        .iter()
        .filter(|e| e.val_loss.is_finite())
        .map(|e| (e.epoch as f64, e.val_loss))
        .collect();
    let mut plot =
        Plot::new("Loss per epoch").x_label("epoch").y_label("loss").line("training", &train);
    if !val.is_empty() {
        plot = plot.line("validation", &val);
    }
    Some(plot.render())
}
