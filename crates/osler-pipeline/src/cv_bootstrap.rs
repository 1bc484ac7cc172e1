//! The bootstrap behind every cross-validated `ci95`, and how a training run
//! reports its progress through cross-validation and that bootstrap.

use osler_data::SplitMix64;
use osler_eval::resample;

/// What a front end hears while a model is cross-validated: each fit, and
/// how far the bootstrap of the metrics' intervals has come. Any `FnMut()`
/// is one that hears the fits only.
pub trait CvProgress {
    /// One cross-validation fit (one fold of one repeat) is done.
    fn fold_done(&mut self);

    /// `done` of the `total` bootstrap replicates of the metrics are done
    /// (called after every batch of replicates, lastly with `done == total`).
    fn bootstrap(&mut self, done: usize, total: usize) {
        let _ = (done, total);
    }
}

impl<F: FnMut()> CvProgress for F {
    fn fold_done(&mut self) {
        self()
    }
}

/// At most this many threads compute replicates at once.
const MAX_THREADS: usize = 8;

/// Replicates per thread between two progress reports.
const BATCH_PER_THREAD: usize = 8;

/// Bootstrap replicates of the mean over folds of `n_metrics` metrics: each
/// replicate resamples the rows of every test fold with replacement
/// (`metrics(fold, resampled row indices, scratch)`) and averages the defined
/// values over folds. Returns each metric's replicates in replicate order; a
/// replicate where the metric is undefined in every fold is left out (none
/// without replicates).
///
/// The draws are those of one stream, `rng`, taken in order: replicate `r`
/// draws fold after fold, starting `r * (sum of fold_sizes)` draws into the
/// stream. Each replicate jumps to its starting point, so replicates run on
/// several threads (each with its own `scratch`) and the result does not
/// depend on how many. `progress` hears each finished batch of replicates.
pub(crate) fn bootstrap_folds<S: Default>(
    fold_sizes: &[usize],
    n_metrics: usize,
    replicates: usize,
    rng: SplitMix64,
    progress: &mut dyn CvProgress,
    metrics: impl Fn(usize, &[usize], &mut S) -> Option<Vec<f64>> + Sync,
) -> Vec<Vec<f64>> {
    let draws_per_replicate: usize = fold_sizes.iter().sum();
    let replicate = |r: usize, idx: &mut Vec<usize>, scratch: &mut S| {
        let mut rng = rng.clone();
        rng.advance((r as u64).wrapping_mul(draws_per_replicate as u64));
        let mut sums = vec![(0.0f64, 0usize); n_metrics];
        for (f, &n) in fold_sizes.iter().enumerate() {
            idx.clear();
            idx.extend(resample(&mut rng, n));
            if let Some(values) = metrics(f, idx, scratch) {
                for (k, v) in values.into_iter().enumerate().take(n_metrics) {
                    if v.is_finite() {
                        sums[k].0 += v;
                        sums[k].1 += 1;
                    }
                }
            }
        }
        sums.into_iter().map(|(sum, count)| (count > 0).then(|| sum / count as f64)).collect()
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_THREADS);
    let mut means: Vec<Vec<Option<f64>>> = Vec::with_capacity(replicates);
    while means.len() < replicates {
        let start = means.len();
        let end = (start + threads * BATCH_PER_THREAD).min(replicates);
        let replicate = &replicate;
        let per_thread: Vec<Vec<Vec<Option<f64>>>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads.min(end - start))
                .map(|t| {
                    s.spawn(move || {
                        let (mut idx, mut scratch) = (Vec::new(), S::default());
                        (start + t..end)
                            .step_by(threads)
                            .map(|r| replicate(r, &mut idx, &mut scratch))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        });
        // Replicate start + t + j * threads is the j-th of thread t.
        let mut per_thread: Vec<_> = per_thread.into_iter().map(Vec::into_iter).collect();
        for r in 0..end - start {
            if let Some(m) = per_thread[r % threads].next() {
                means.push(m);
            }
        }
        progress.bootstrap(means.len(), replicates);
    }
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(replicates); n_metrics];
    for m in means {
        for (k, v) in m.into_iter().enumerate() {
            draws[k].extend(v);
        }
    }
    draws
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The replicates as one thread drawing the stream in order makes them.
    fn sequential(sizes: &[usize], replicates: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut rng = SplitMix64::new(seed);
        let mut draws = vec![Vec::new(); 2];
        for _ in 0..replicates {
            let mut sums = [0.0; 2];
            for &n in sizes {
                let idx: Vec<usize> = resample(&mut rng, n).collect();
                sums[0] += idx.iter().sum::<usize>() as f64;
                sums[1] += idx[0] as f64;
            }
            for (d, sum) in draws.iter_mut().zip(sums) {
                d.push(sum / sizes.len() as f64);
            }
        }
        draws
    }

    #[test]
    fn parallel_replicates_are_the_sequential_stream_in_order() {
        let sizes = [7, 3, 11];
        let mut reports = Vec::new();
        let got = bootstrap_folds(
            &sizes,
            2,
            101,
            SplitMix64::new(9),
            &mut Reports(&mut reports),
            |_, idx, _: &mut ()| Some(vec![idx.iter().sum::<usize>() as f64, idx[0] as f64]),
        );
        assert_eq!(got, sequential(&sizes, 101, 9));
        assert_eq!(reports.last(), Some(&(101, 101)));
        assert!(reports.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn undefined_metrics_are_left_out_of_the_replicate_and_the_mean() {
        let got =
            bootstrap_folds(&[4, 4], 2, 10, SplitMix64::new(1), &mut || {}, |f, _, _: &mut ()| {
                Some(vec![f as f64, f64::NAN])
            });
        assert_eq!(got, vec![vec![0.5; 10], vec![]]);
        let none =
            bootstrap_folds(&[4], 1, 0, SplitMix64::new(1), &mut || {}, |_, _, _: &mut ()| None);
        assert_eq!(none, vec![Vec::<f64>::new()]);
    }

    struct Reports<'a>(&'a mut Vec<(usize, usize)>);

    impl CvProgress for Reports<'_> {
        fn fold_done(&mut self) {}

        fn bootstrap(&mut self, done: usize, total: usize) {
            self.0.push((done, total));
        }
    }
}
