//! Progress feedback on stderr: a bar for long work, hidden with `--quiet`,
//! `--json`, or when stderr is not a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use osler_pipeline::api::estimators::{ProgressObserver, TrainEvent};

/// Advances `bar` by one step, clearing it after the last (so that what
/// follows, e.g. the final fit's epoch bar, has the line).
pub fn step(bar: &ProgressBar) {
    bar.inc(1);
    if bar.length().is_some_and(|n| bar.position() >= n) {
        bar.finish_and_clear();
    }
}

/// Creates a bar of `total` steps, or a hidden one.
pub fn bar(total: u64, message: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    let pb = ProgressBar::new(total);
    let style = ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} {elapsed}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_message(message.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

/// An observer drawing a network's epochs as a bar (epoch, training loss,
/// validation loss and metric), cleared when the run ends; no observer when
/// `quiet` or stderr is not a terminal.
pub fn epochs(total: usize, quiet: bool) -> ProgressObserver {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressObserver::default();
    }
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template("training [{bar:30}] epoch {pos}/{len} {msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    ProgressObserver::new(move |event| match event {
        TrainEvent::Epoch(e) => {
            bar.set_position(e.epoch as u64);
            bar.set_message(format!(
                "loss {:.4}  val loss {:.4}  val metric {:.4}",
                e.train_loss, e.val_loss, e.val_metric
            ));
        }
        TrainEvent::Finished => bar.finish_and_clear(),
    })
}
