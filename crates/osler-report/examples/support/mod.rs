//! What the osler-report examples share: where they write, the training
//! settings, and how they save an artifact and print its cross-validated metric.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use osler_pipeline::{Artifact, ModelSpec, PipelineError, ThresholdRule, TrainSpec};

/// 5-fold CV (one repeat, seed 1, 200 bootstrap replicates) of `model`; the
/// Youden threshold matters to classifiers only.
pub fn cv_spec(model: ModelSpec, missing_indicators: bool) -> TrainSpec {
    TrainSpec {
        model,
        missing_indicators,
        cv_folds: 5,
        cv_repeats: 1,
        seed: 1,
        threshold: ThresholdRule::Youden,
        bootstrap: 200,
    }
}

/// Saves `artifact` as `dir/name` (replacing an earlier run's) and prints its
/// cross-validated `metric` and folder; returns the folder.
pub fn save(
    artifact: &mut Artifact,
    dir: &Path,
    name: &str,
    metric: &str,
) -> Result<PathBuf, PipelineError> {
    let model_dir = dir.join(name);
    artifact.save(&model_dir, true)?;
    println!("{}", cv_line(artifact, metric));
    println!("artifact: {}", model_dir.display());
    Ok(model_dir)
}

/// The folder an example writes into: its first argument, or a fresh folder
/// under the system's temporary directory (named by example, process and
/// clock, so two runs never share one). The folder is created.
pub fn output_dir(example: &str) -> std::io::Result<PathBuf> {
    let dir = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            std::env::temp_dir().join(format!("osler-{example}-{}-{nanos}", std::process::id()))
        }
    };
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// One line with a cross-validated metric of `artifact`: the mean over
/// folds, its bootstrap 95% interval and the number of folds.
fn cv_line(artifact: &Artifact, metric: &str) -> String {
    let cv = artifact.manifest.cv.as_ref();
    match cv.and_then(|cv| cv.metrics.get(metric).map(|m| (cv.folds, m))) {
        Some((folds, m)) => format!(
            "{folds}-fold CV {metric}: {} ({} {})",
            osler_report::fmt_num(m.mean, 3),
            osler_pipeline::cv::CI_LABEL,
            osler_report::fmt_interval(m.ci95, 3)
        ),
        None => format!("{metric}: not cross-validated"),
    }
}
