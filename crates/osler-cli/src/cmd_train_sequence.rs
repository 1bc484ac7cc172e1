//! `osler train --model lstm|gru --id COL --time COL`: sequence models of
//! long-format data (one row per patient per visit).

use std::time::Instant;

use clap::Args;

use osler_pipeline::sequence::{
    Cell, SequenceOptions, SequenceSpec, build_sequence_artifact, prepare_sequences,
    train_sequences,
};
use osler_pipeline::{ModelSpec, Timing, TrainSpec};

use crate::cmd_train::{Task, TrainArgs, data_spec, output_dir, print_human, report_json};
use crate::input::{DataArgs, ExpressionArgs};
use crate::output::print_json;
use crate::{CliError, CliResult};

/// Options of the sequence models (`--model lstm`, `--model gru`).
#[derive(Args, Debug, Clone)]
pub struct SequenceArgs {
    /// Sequence models (lstm, gru): visits per patient the network reads, each patient's latest
    /// (fewer are padded) [default: the most visits of any training patient, at most 50].
    #[arg(long, value_name = "N")]
    pub steps: Option<usize>,
}

/// The LSTM or GRU spec from the neural-network flags: one recurrent layer
/// of `--hidden` units (default 32), `--dropout` on its last state.
pub fn sequence_spec(a: &TrainArgs, cell: Cell) -> Result<ModelSpec, CliError> {
    let d = SequenceOptions::default();
    let hidden = match a.nn.hidden.as_deref() {
        None => d.hidden,
        Some([h]) if *h > 0 => *h,
        Some(_) => {
            return Err(CliError::user(
                "--hidden takes one positive width for --model lstm and gru (one recurrent layer)",
            ));
        }
    };
    if a.nn.norm != "none" {
        return Err(CliError::user("--norm is an option of --model mlp and deepsurv"));
    }
    let options = SequenceOptions {
        hidden,
        dropout: a.nn.dropout.unwrap_or(d.dropout),
        train: crate::cmd_train_nn::train_options(a, d.train.clone())?,
    };
    Ok(match cell {
        Cell::Lstm => ModelSpec::Lstm { options },
        Cell::Gru => ModelSpec::Gru { options },
    })
}

/// The flags of the other tasks that a sequence model does not take.
fn refuse_other_flags(a: &TrainArgs) -> Result<(), CliError> {
    let refused = [
        (a.task == Task::Survival, "--task survival"),
        (a.data.genes.expression.is_some(), "--expression"),
        (a.group.is_some(), "--group (the patients of --id are the groups)"),
        (a.event.is_some(), "--event"),
        (a.event_level.is_some(), "--event-level"),
        (a.start.is_some(), "--start"),
    ];
    match refused.iter().find(|(given, _)| *given) {
        Some((_, flag)) => Err(CliError::user(format!(
            "{flag} does not apply to --model lstm or gru (a binary outcome per patient from long-format visits)"
        ))),
        None => Ok(()),
    }
}

/// Trains an LSTM or GRU on a long-format table: `--id` names the patient,
/// `--time` orders the visits, `--target` is one value per patient.
pub fn train_sequence(a: &TrainArgs, spec: TrainSpec) -> CliResult {
    refuse_other_flags(a)?;
    let (Some(id), Some(time)) = (a.data.genes.id.clone(), a.time.clone()) else {
        return Err(CliError::user(
            "--model lstm and gru read long-format data (one row per patient per visit): give --id COL (the patient id) and --time COL (the visit time)",
        ));
    };
    let t_read = Instant::now();
    // `--id` names the patient here, not the sample id of an expression join.
    let data = DataArgs { genes: ExpressionArgs::default(), ..a.data.clone() };
    let loaded = data.load()?;
    let source = loaded.table.source.clone();
    let sha256 = loaded.table.sha256.clone().unwrap_or_default();
    let seq = SequenceSpec { id, time, steps: a.seq.steps };
    let prepared = prepare_sequences(loaded.table, loaded.schema, &data_spec(a), &seq)?;
    let read_seconds = t_read.elapsed().as_secs_f64();
    let (out, overwrite) = output_dir(a, &loaded.stem, spec.model.name())?;
    let steps = (spec.cv_folds * spec.cv_repeats) as u64;
    let bar = crate::progress::bar(steps, "cross-validating", a.quiet || a.json || steps == 0);
    let outcome = train_sequences(&prepared, &spec, &mut || crate::progress::step(&bar))?;
    bar.finish_and_clear();
    let timing = Timing {
        read_seconds,
        preprocess_seconds: Some(outcome.preprocess_seconds),
        fit_seconds: outcome.fit_seconds,
        cv_seconds: outcome.cv_seconds,
    };
    let info = prepared.data_info(source, sha256);
    let mut artifact = build_sequence_artifact(&prepared, &spec, outcome, info);
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
