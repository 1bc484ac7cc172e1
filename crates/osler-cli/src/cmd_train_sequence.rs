//! `osler train --model lstm|gru --id COL --time COL`: sequence models of
//! long-format data (one row per patient per visit).

use clap::Args;

use osler_pipeline::api::estimators::RecurrentSpec;
use osler_pipeline::api::{Cell, ModelSpec, SequenceOptions, SequenceSpec, TaskInput};

use crate::CliError;
use crate::cmd_train::{Task, TrainArgs};
use crate::input::{DataArgs, ExpressionArgs};

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
    Ok(ModelSpec::new(RecurrentSpec { cell, options }))
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

/// The long-format layout of an LSTM or GRU (`--id` names the patient,
/// `--time` orders the visits, `--target` is one value per patient) and the
/// data flags to load with (`--id` is not an expression join's sample id here).
pub fn sequence_input(a: &TrainArgs) -> Result<(TaskInput, DataArgs), CliError> {
    refuse_other_flags(a)?;
    let (Some(id), Some(time)) = (a.data.genes.id.clone(), a.time.clone()) else {
        return Err(CliError::user(
            "--model lstm and gru read long-format data (one row per patient per visit): give --id COL (the patient id) and --time COL (the visit time)",
        ));
    };
    let data = DataArgs { genes: ExpressionArgs::default(), ..a.data.clone() };
    Ok((TaskInput::Sequences(SequenceSpec { id, time, steps: a.seq.steps }), data))
}
