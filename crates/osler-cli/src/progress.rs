//! Progress feedback on stderr: a bar for long work, hidden with `--quiet`,
//! `--json`, or when stderr is not a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
