//! `osler train --model mlp|deepsurv`: the neural-network options and output
//! (the training options are shared with `--model lstm|gru`).

use clap::Args;

use osler_pipeline::api::ModelSpec;
use osler_pipeline::api::estimators::{
    DeepSurvOptions, DeepSurvSpec, DeviceChoice, LrSchedule, MlpOptions, MlpSpec, Norm,
    OptimizerKind, StopOn, Ties, TrainOptions,
};

use crate::CliError;
use crate::cmd_train::{TiesArg, TrainArgs};

/// Options of the neural networks (`--model mlp`, `--model deepsurv`; the
/// training options also of `--model lstm`, `--model gru`).
///
/// Unset options take the model's defaults. DeepSurv's are chosen for small
/// clinical survival data (see `DeepSurvOptions`): the whole training
/// set as one batch, so the Cox partial likelihood uses the exact risk sets; one
/// strongly penalised hidden layer, which stays close to a Cox model where the
/// hazard is log-linear; Adam at lr 0.01 since a full batch is one step per epoch.
#[derive(Args, Debug, Clone)]
pub struct NnArgs {
    /// Training epochs at most (early stopping may end sooner) [default: mlp 100, deepsurv 200].
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Rows per mini-batch (0 = all rows in one batch) [default: mlp 64, deepsurv 0: the Cox
    /// partial likelihood of a mini-batch uses only the batch as the risk set].
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Learning rate [default: mlp 0.001, deepsurv 0.01].
    #[arg(long)]
    pub lr: Option<f64>,
    /// Hidden layer widths, e.g. 32,32 [default: mlp 32,32, deepsurv 32: with tens of events
    /// per covariate one penalised layer stays close to a Cox model and bends only where needed].
    #[arg(long, value_delimiter = ',', value_name = "W,W,...")]
    pub hidden: Option<Vec<usize>>,
    /// Dropout probability after each hidden layer [default: 0.1].
    #[arg(long)]
    pub dropout: Option<f64>,
    /// Early stopping: epochs without improvement of the validation loss (0 = off) [default:
    /// mlp 10, deepsurv 20].
    #[arg(long)]
    pub patience: Option<usize>,
    /// Optimiser: adam, adamw or sgd (with momentum 0.9) [default: adam; cnn, resnet18: adamw].
    #[arg(long)]
    pub optimizer: Option<String>,
    /// Weight decay (L2 for adam/sgd, decoupled for adamw) [default: mlp 0, deepsurv 0.1].
    #[arg(long)]
    pub weight_decay: Option<f64>,
    /// Normalisation after hidden layers: none, batch or layer.
    #[arg(long, default_value = "none")]
    pub norm: String,
    /// Learning-rate schedule: constant, step, cosine or plateau [default: constant; cnn,
    /// resnet18: cosine].
    #[arg(long)]
    pub schedule: Option<String>,
    /// Share of the training rows held out for validation / early stopping.
    #[arg(long, default_value_t = 0.2)]
    pub validation: f64,
    /// Device: cpu (default, deterministic) or gpu (needs the `gpu` build feature).
    #[arg(long, default_value = "cpu")]
    pub device: String,
}

pub(crate) fn train_options(
    a: &TrainArgs,
    defaults: TrainOptions,
) -> Result<TrainOptions, CliError> {
    let n = &a.nn;
    let epochs = n.epochs.unwrap_or(defaults.epochs);
    let schedule = match n.schedule.as_deref().unwrap_or("") {
        "" => defaults.schedule,
        "constant" => LrSchedule::Constant,
        "step" => LrSchedule::Step { every: (epochs / 3).max(1), gamma: 0.1 },
        "cosine" => LrSchedule::Cosine { min_lr: 0.0 },
        "plateau" => LrSchedule::Plateau { factor: 0.5, patience: 5, min_lr: 1e-6 },
        o => {
            return Err(CliError::user(format!(
                "--schedule must be constant, step, cosine or plateau, got '{o}'"
            )));
        }
    };
    if !(0.0..0.9).contains(&n.validation) {
        return Err(CliError::user(format!(
            "--validation must lie in [0, 0.9), got {}",
            n.validation
        )));
    }
    Ok(TrainOptions {
        epochs,
        batch_size: n.batch_size.unwrap_or(defaults.batch_size),
        lr: n.lr.unwrap_or(defaults.lr),
        optimizer: match &n.optimizer {
            Some(o) => o.parse::<OptimizerKind>().map_err(CliError::from)?,
            None => defaults.optimizer,
        },
        weight_decay: n.weight_decay.unwrap_or(defaults.weight_decay),
        schedule,
        patience: n.patience.unwrap_or(defaults.patience),
        validation_fraction: n.validation,
        stop_on: StopOn::Loss,
        seed: a.seed,
        device: n.device.parse::<DeviceChoice>().map_err(CliError::from)?,
        progress: crate::progress::epochs(epochs, a.quiet || a.json),
        ..defaults
    })
}

fn norm(s: &str) -> Result<Norm, CliError> {
    match s {
        "none" => Ok(Norm::None),
        "batch" => Ok(Norm::Batch),
        "layer" => Ok(Norm::Layer),
        o => Err(CliError::user(format!("--norm must be none, batch or layer, got '{o}'"))),
    }
}

pub fn mlp_spec(a: &TrainArgs) -> Result<ModelSpec, CliError> {
    let d = MlpOptions::default();
    let options = MlpOptions {
        hidden: a.nn.hidden.clone().unwrap_or(d.hidden.clone()),
        dropout: a.nn.dropout.unwrap_or(d.dropout),
        norm: norm(&a.nn.norm)?,
        train: train_options(a, d.train.clone())?,
        ..d
    };
    Ok(ModelSpec::new(MlpSpec { options }))
}

pub fn deepsurv_spec(a: &TrainArgs) -> Result<ModelSpec, CliError> {
    let d = DeepSurvOptions::default();
    let options = DeepSurvOptions {
        hidden: a.nn.hidden.clone().unwrap_or(d.hidden.clone()),
        dropout: a.nn.dropout.unwrap_or(d.dropout),
        norm: norm(&a.nn.norm)?,
        ties: match a.ties {
            TiesArg::Efron => Ties::Efron,
            TiesArg::Breslow => Ties::Breslow,
            TiesArg::Exact => Ties::Exact,
        },
        train: train_options(a, d.train.clone())?,
    };
    Ok(ModelSpec::new(DeepSurvSpec { options }))
}
