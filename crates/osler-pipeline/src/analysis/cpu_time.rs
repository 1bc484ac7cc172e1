//! CPU time of the calling thread, for benchmark timings that stay
//! meaningful on a loaded machine (wall time counts time spent waiting for
//! a core; CPU time does not).

use std::time::Instant;

/// Seconds this thread has run on a CPU, from Linux's
/// `/proc/thread-self/schedstat` (nanoseconds; first field). `None` where
/// that file does not exist (other systems).
pub fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 * 1e-9)
}

/// A started stopwatch of wall and thread CPU time.
pub(crate) struct Stopwatch {
    wall: Instant,
    cpu: Option<f64>,
}

impl Stopwatch {
    /// Starts both clocks now.
    pub(crate) fn start() -> Self {
        Stopwatch { wall: Instant::now(), cpu: thread_cpu_seconds() }
    }

    /// Wall seconds and CPU seconds (`None` without a CPU clock) since the start.
    pub(crate) fn stop(self) -> (f64, Option<f64>) {
        let cpu = self.cpu.zip(thread_cpu_seconds()).map(|(a, b)| b - a);
        (self.wall.elapsed().as_secs_f64(), cpu)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cpu_time_advances_with_work() {
        let Some(t0) = super::thread_cpu_seconds() else { return };
        let mut x = 1.0f64;
        for i in 0..20_000_000 {
            x = (x * 1.000_000_1 + i as f64).sqrt();
        }
        assert!(x.is_finite());
        let t1 = super::thread_cpu_seconds().expect("readable once");
        assert!(t1 > t0, "{t0} -> {t1}");
    }
}
