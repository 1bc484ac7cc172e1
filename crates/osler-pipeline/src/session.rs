//! Whole jobs in one call, for front ends: a training job takes loaded data
//! and a request and returns the saved artifact with its [`TrainingReport`],
//! whatever the task. The command line, a service and the examples call this
//! instead of chaining prepare -> train -> build -> save themselves.

use std::path::PathBuf;
use std::time::Instant;

use osler_data::source::LoadedData;

use crate::apply::{build_artifact, build_survival_artifact};
use crate::artifact::Artifact;
use crate::cv_bootstrap::CvProgress;
use crate::error::PipelineError;
use crate::prepare::{DataSpec, prepare};
use crate::sequence::{SequenceSpec, build_sequence_artifact, prepare_sequences, train_sequences};
use crate::summary::{Timing, TrainingReport};
use crate::survival_data::SurvivalSpec;
use crate::survival_train::{prepare_survival, train_survival};
use crate::train::{TrainSpec, train};

/// How the training table is laid out, beyond its outcome and predictor columns.
#[derive(Debug, Clone)]
pub enum TaskInput {
    /// One row per patient with a binary or multiclass outcome.
    Rows,
    /// One row per patient (or per (start, stop] interval) with a survival outcome.
    Survival(SurvivalSpec),
    /// Long format: one row per patient per visit, one outcome per patient.
    Sequences(SequenceSpec),
}

impl TaskInput {
    /// The columns of `data.drop` a reader may leave unparsed
    /// ([`osler_data::CsvOptions::unparsed`]): every dropped column but the
    /// outcome, group, time, event and patient-id columns this input reads.
    pub fn unparsed(&self, data: &DataSpec) -> Vec<String> {
        let mut used: Vec<&str> =
            data.target.iter().chain(&data.group).map(String::as_str).collect();
        match self {
            TaskInput::Rows => {}
            TaskInput::Survival(s) => {
                used.extend([s.time.as_str(), s.event.as_str()]);
                used.extend(s.start.as_deref());
            }
            TaskInput::Sequences(q) => used.extend([q.id.as_str(), q.time.as_str()]),
        }
        data.dropped(&used).into_iter().map(String::from).collect()
    }
}

/// A training job: what to predict from which columns, the model and CV
/// settings, and where the artifact goes.
#[derive(Debug, Clone)]
pub struct TrainingJob {
    /// Outcome and predictor columns (`multiclass` picks the multiclass task).
    pub data: DataSpec,
    /// The table's layout: rows, a survival outcome, or visit sequences.
    pub input: TaskInput,
    /// Model, preprocessing options, CV, seed, threshold and bootstrap.
    pub spec: TrainSpec,
    /// Artifact directory.
    pub out: PathBuf,
    /// Replace an existing artifact at `out`.
    pub overwrite: bool,
}

/// Prepares `loaded`, cross-validates, fits the final model, saves the
/// artifact to `job.out` atomically and returns it with its report.
/// `read_seconds` is the front end's time spent loading; `on_fold` hears each
/// cross-validation fit and the progress of the intervals' bootstrap.
pub fn run_training(
    loaded: LoadedData,
    read_seconds: f64,
    job: &TrainingJob,
    on_fold: &mut dyn CvProgress,
) -> Result<(Artifact, TrainingReport), PipelineError> {
    let t0 = Instant::now();
    let source = loaded.table.source.clone();
    let sha256 = loaded.table.sha256.clone().unwrap_or_default();
    let spec = &job.spec;
    let (mut artifact, timing) = match &job.input {
        TaskInput::Survival(surv) => {
            let data = prepare_survival(loaded.table, loaded.schema, &job.data, surv)?;
            let read_seconds = read_seconds + t0.elapsed().as_secs_f64();
            let run = train_survival(&data, spec, on_fold)?;
            let timing = Timing {
                read_seconds,
                preprocess_seconds: None,
                fit_seconds: run.fit_seconds,
                cv_seconds: run.cv_seconds,
            };
            let info = data.data_info(source, sha256);
            (build_survival_artifact(&data, spec, run, info)?, timing)
        }
        TaskInput::Rows => {
            let data = prepare(loaded.table, loaded.schema, &job.data)?;
            let read_seconds = read_seconds + t0.elapsed().as_secs_f64();
            let outcome = train(&data, spec, on_fold)?;
            let timing = outcome.timing(read_seconds);
            let info = data.data_info(source, sha256);
            (build_artifact(&data, spec, outcome, info), timing)
        }
        TaskInput::Sequences(seq) => {
            let data = prepare_sequences(loaded.table, loaded.schema, &job.data, seq)?;
            let read_seconds = read_seconds + t0.elapsed().as_secs_f64();
            let outcome = train_sequences(&data, spec, on_fold)?;
            let timing = outcome.timing(read_seconds);
            let info = data.data_info(source, sha256);
            (build_sequence_artifact(&data, spec, outcome, info), timing)
        }
    };
    artifact.save(&job.out, job.overwrite)?;
    let report = TrainingReport::new(&artifact, &job.out, timing);
    Ok((artifact, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use osler_data::{Role, Schema, read_csv_bytes};

    fn spec(drop: &[&str]) -> DataSpec {
        DataSpec {
            target: Some("y".into()),
            group: Some("site".into()),
            drop: drop.iter().map(|d| d.to_string()).collect(),
            ..DataSpec::default()
        }
    }

    #[test]
    fn columns_the_task_reads_stay_parsed_whatever_drop_says() {
        let data = spec(&["pid", "y", "site", "t", "e"]);
        assert_eq!(TaskInput::Rows.unparsed(&data), ["pid", "t", "e"]);
        let surv =
            SurvivalSpec { time: "t".into(), event: "e".into(), event_level: None, start: None };
        assert_eq!(TaskInput::Survival(surv).unparsed(&data), ["pid"]);
        let seq = SequenceSpec { id: "pid".into(), time: "t".into(), steps: None };
        assert_eq!(TaskInput::Sequences(seq).unparsed(&data), ["e"]);
    }

    #[test]
    fn dropped_columns_are_saved_as_ignored_and_not_checked() {
        let t = read_csv_bytes(b"pid,x,site,y\n1,1,a,0\n2,2,a,1\n3,3,b,0\n4,5,b,1\n", "t.csv")
            .expect("csv");
        let mut schema = Schema::infer(&t).expect("infer");
        // A range the dropped column breaks: it is not checked.
        if let Some(pid) = schema.get_mut("pid") {
            pid.max = Some(2.0);
        }
        let data = prepare(t, schema, &spec(&["pid", "y"])).expect("pid is not checked");
        let role = |c: &str| data.schema.get(c).map(|s| s.role);
        assert_eq!(role("pid"), Some(Role::Ignore));
        assert_eq!((role("y"), role("site")), (Some(Role::Target), Some(Role::Group)));
        assert_eq!(data.features, ["x"]);
    }
}
