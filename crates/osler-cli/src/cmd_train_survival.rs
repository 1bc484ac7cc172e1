//! `osler train --task survival`: cross-validated survival models as artifacts.

use std::time::Instant;

use osler_pipeline::survival_data::SurvivalSpec;
use osler_pipeline::survival_train::{prepare_survival, train_survival as run};
use osler_pipeline::{DataSpec, Timing, TrainSpec, build_survival_artifact};

use crate::cmd_train::{TrainArgs, output_dir, print_human, report_json};
use crate::input::Loaded;
use crate::output::print_json;
use crate::{CliError, CliResult};

pub fn train_survival(
    a: &TrainArgs,
    spec: TrainSpec,
    loaded: Loaded,
    data_spec: DataSpec,
    t_read: Instant,
) -> CliResult {
    let (Some(time), Some(event)) = (a.time.clone(), a.event.clone()) else {
        return Err(CliError::user("--task survival needs --time COL and --event COL"));
    };
    if a.target.is_some() {
        return Err(CliError::user("--task survival takes --time and --event, not --target"));
    }
    let surv =
        SurvivalSpec { time, event, event_level: a.event_level.clone(), start: a.start.clone() };
    let source = loaded.table.source.clone();
    let sha256 = loaded.table.sha256.clone().unwrap_or_default();
    let prepared = prepare_survival(loaded.table, loaded.schema, &data_spec, &surv)?;
    let read_seconds = t_read.elapsed().as_secs_f64();
    let (out, overwrite) = output_dir(a, &loaded.stem, spec.model.name())?;
    let steps = (spec.cv_folds * spec.cv_repeats) as u64;
    let bar = crate::progress::bar(steps, "cross-validating", a.quiet || a.json || steps == 0);
    let outcome = run(&prepared, &spec, &mut || crate::progress::step(&bar))?;
    bar.finish_and_clear();
    let timing = Timing {
        read_seconds,
        preprocess_seconds: None,
        fit_seconds: outcome.fit_seconds,
        cv_seconds: outcome.cv_seconds,
    };
    let info = prepared.data_info(source, sha256);
    let mut artifact = build_survival_artifact(&prepared, &spec, outcome, info);
    artifact.save(&out, overwrite)?;
    if let Some(path) = &a.report {
        crate::cmd_report::write_report(&artifact, &out, path)?;
    }
    let summary = report_json(&artifact, &out, timing)?;
    if a.json {
        return print_json(&summary);
    }
    print_human(&artifact, &summary);
    Ok(())
}
