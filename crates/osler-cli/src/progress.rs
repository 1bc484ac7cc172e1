//! Progress feedback on stderr: a bar for long work on a terminal, plain
//! lines (step, percent, elapsed time; one every few seconds at most) when
//! stderr is a file or a pipe, nothing with `--quiet` or `--json`.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use osler_pipeline::api::CvProgress;
use osler_pipeline::api::estimators::{ProgressObserver, TrainEvent};

/// Shortest time between two plain progress lines of one step (its last
/// line, at 100%, is always printed).
const LINE_INTERVAL: Duration = Duration::from_secs(5);

/// One step's progress as plain lines on stderr, for logs and pipes.
struct Lines {
    step: &'static str,
    started: Instant,
    last: Option<Instant>,
}

impl Lines {
    fn new(step: &'static str) -> Self {
        Lines { step, started: Instant::now(), last: None }
    }

    /// Prints `done` of `total` as a line when the step is complete or the
    /// last line is [`LINE_INTERVAL`] old (the step's start, before the first).
    fn report(&mut self, done: u64, total: u64) {
        let now = Instant::now();
        let since = self.last.unwrap_or(self.started);
        if done < total && now.duration_since(since) < LINE_INTERVAL {
            return;
        }
        self.last = Some(now);
        eprintln!("{}", line(self.step, done, total, now.duration_since(self.started)));
    }
}

/// A plain progress line: `"{step}: {percent}% ({done}/{total}), {seconds} s"`.
fn line(step: &str, done: u64, total: u64, elapsed: Duration) -> String {
    let percent = if total == 0 { 100.0 } else { 100.0 * done as f64 / total as f64 };
    format!("{step}: {percent:.0}% ({done}/{total}), {:.1} s", elapsed.as_secs_f64())
}

/// Whether progress is shown, and how.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Hidden,
    Bar,
    Lines,
}

impl Mode {
    fn of(quiet: bool) -> Self {
        if quiet {
            Mode::Hidden
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        }
    }
}

/// One step of known length shown in `mode`.
enum Step {
    Hidden,
    Bar(ProgressBar),
    Lines(Lines, u64),
}

impl Step {
    fn new(mode: Mode, total: u64, step: &'static str) -> Self {
        match mode {
            Mode::Hidden => Step::Hidden,
            Mode::Bar => Step::Bar(bar(total, step)),
            Mode::Lines => Step::Lines(Lines::new(step), total),
        }
    }

    /// `done` steps are complete.
    fn set(&mut self, done: u64) {
        match self {
            Step::Hidden => {}
            Step::Bar(b) => {
                b.set_position(done);
                if b.length().is_some_and(|n| done >= n) {
                    b.finish_and_clear();
                }
            }
            Step::Lines(lines, total) => lines.report(done, *total),
        }
    }
}

/// Progress of a training run's cross-validation (its fits, then the
/// bootstrap of the metrics' intervals), as a bar or plain lines.
pub struct Training {
    mode: Mode,
    folds: Step,
    fitted: u64,
    bootstrap: Option<Step>,
}

impl Training {
    /// Progress of `fits` cross-validation fits; nothing when `quiet` or `fits == 0`.
    pub fn new(fits: u64, quiet: bool) -> Self {
        let mode = if fits == 0 { Mode::Hidden } else { Mode::of(quiet) };
        Training {
            mode,
            folds: Step::new(mode, fits, "cross-validating"),
            fitted: 0,
            bootstrap: None,
        }
    }

    /// Clears a bar still drawn (a run that stopped early).
    pub fn finish(&self) {
        for step in [Some(&self.folds), self.bootstrap.as_ref()].into_iter().flatten() {
            if let Step::Bar(b) = step {
                b.finish_and_clear();
            }
        }
    }
}

impl CvProgress for Training {
    fn fold_done(&mut self) {
        self.fitted += 1;
        self.folds.set(self.fitted);
    }

    fn bootstrap(&mut self, done: usize, total: usize) {
        let mode = self.mode;
        self.bootstrap
            .get_or_insert_with(|| Step::new(mode, total as u64, "bootstrap of the intervals"))
            .set(done as u64);
    }
}

/// A bar of `total` steps drawn on stderr.
fn bar(total: u64, message: &str) -> ProgressBar {
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
/// validation loss and metric), cleared when the run ends, or as plain lines
/// when stderr is not a terminal; no observer when `quiet`.
pub fn epochs(total: usize, quiet: bool) -> ProgressObserver {
    match Mode::of(quiet) {
        Mode::Hidden => return ProgressObserver::default(),
        Mode::Lines => {
            let lines = Mutex::new(Lines::new("training"));
            return ProgressObserver::new(move |event| {
                if let (TrainEvent::Epoch(e), Ok(mut lines)) = (event, lines.lock()) {
                    lines.report(e.epoch as u64, total as u64);
                }
            });
        }
        Mode::Bar => {}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_step_percent_and_elapsed_seconds() {
        let l = line("bootstrap of the intervals", 250, 1000, Duration::from_millis(12_340));
        assert_eq!(l, "bootstrap of the intervals: 25% (250/1000), 12.3 s");
        assert_eq!(line("x", 0, 0, Duration::ZERO), "x: 100% (0/0), 0.0 s");
    }

    #[test]
    fn lines_wait_for_the_interval_except_the_last() {
        let mut lines = Lines::new("cv");
        lines.report(1, 5);
        assert!(lines.last.is_none(), "no line before the interval");
        lines.report(5, 5);
        assert!(lines.last.is_some(), "the last line is printed");
    }
}
