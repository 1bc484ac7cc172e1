//! `osler train`: cross-validate, fit the final model, write the artifact.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};

use osler_pipeline::api::estimators::{
    CnnKind, CoxSpec, CoxnetSpec, GbdtOptions, GbdtSpec, ImageSpec, LogisticOptions, LogisticSpec,
    Penalty, RsfOptions, RsfSpec, Ties,
};
use osler_pipeline::api::{
    Cell, DataSpec, ModelSpec, SurvivalSpec, TaskInput, ThresholdRule, TrainSpec, TrainingJob,
    run_training,
};

use crate::input::DataArgs;
use crate::output::print_json;
use crate::{CliError, CliResult};

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum Task {
    /// A binary outcome (diagnosis): probabilities.
    Binary,
    /// An outcome of several classes (e.g. a disease subtype): a probability per class
    /// (--model enet or mlp).
    Multiclass,
    /// Time to event with censoring (prognosis): risk scores and survival curves.
    Survival,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelKind {
    /// Logistic regression (unpenalised with SEs and odds ratios, or elastic net).
    Logistic,
    /// Histogram gradient-boosted trees (missing values routed natively).
    Gbdt,
    /// Cox proportional hazards (survival).
    Cox,
    /// Random survival forest (survival; log-rank splitting).
    Rsf,
    /// Elastic-net Cox (survival; lambda by inner 5-fold CV unless --lambda).
    Coxnet,
    /// Elastic-net logistic regression for wide data (gene expression): penalty by
    /// inner CV on the training rows, optional in-fold pre-filter, stability selection.
    Enet,
    /// Multilayer perceptron (burn; --hidden, --epochs, --lr, ...).
    Mlp,
    /// DeepSurv: neural Cox model (survival; burn).
    Deepsurv,
    /// LSTM over each patient's visits (long-format data: --id COL --time COL; burn).
    Lstm,
    /// GRU over each patient's visits (long-format data: --id COL --time COL; burn).
    Gru,
    /// Small CNN image classifier (MedMNIST data: --dataset pneumoniamnist; burn).
    Cnn,
    /// ResNet-18 image classifier, CIFAR-style stem (MedMNIST data; burn).
    Resnet18,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TiesArg {
    Efron,
    Breslow,
    /// The exact partial likelihood (R `ties = "exact"`): small data with heavy ties only,
    /// its cost grows with the tied deaths times the risk set at each time.
    Exact,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum PenaltyArg {
    /// Unpenalised if the MLE exists, else ridge with lambda = 1/n (recorded in the artifact).
    Auto,
    None,
    L2,
    L1,
    Elasticnet,
}

#[derive(Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// What is predicted.
    #[arg(long, value_enum, default_value = "binary")]
    pub task: Task,
    /// Outcome column (default: the schema's target).
    #[arg(long, value_name = "COL")]
    pub target: Option<String>,
    /// Survival: follow-up time column. Sequence models (lstm, gru): the visit-time column
    /// that orders each patient's rows.
    #[arg(long, value_name = "COL")]
    pub time: Option<String>,
    /// Survival: event indicator column (0/1).
    #[arg(long, value_name = "COL")]
    pub event: Option<String>,
    /// Survival: value of the event column that means the event happened.
    #[arg(long, value_name = "VALUE")]
    pub event_level: Option<String>,
    /// Survival: start-time column of (start, stop] rows.
    #[arg(long, value_name = "COL")]
    pub start: Option<String>,
    /// Cox: handling of tied event times.
    #[arg(long, value_enum, default_value = "efron")]
    pub ties: TiesArg,
    /// Level of the outcome that is the event (e.g. `pos`, `malignant`), or several
    /// separated by commas (e.g. `T,T1,T2,T3,T4`: every other level is the non-event).
    #[arg(long, value_name = "LEVEL[,LEVEL...]")]
    pub positive: Option<String>,
    /// Keep only the rows whose outcome is one of these levels (e.g. `BCR/ABL,NEG`).
    #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
    pub levels: Option<Vec<String>>,
    /// Predictors (comma-separated); default: every column with role `feature`.
    #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
    pub features: Option<Vec<String>>,
    /// Columns to leave out of the predictors.
    #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
    pub drop: Vec<String>,
    /// Patient/cluster column: all its rows stay in one CV fold.
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,
    /// Model (default: logistic for binary, cox for survival).
    #[arg(long, value_enum)]
    pub model: Option<ModelKind>,
    /// Logistic penalty.
    #[arg(long, value_enum, default_value = "auto")]
    pub penalty: PenaltyArg,
    /// Penalty strength (glmnet scale: -(1/n) loglik + lambda * penalty); default 1/n.
    #[arg(long)]
    pub lambda: Option<f64>,
    /// Elastic-net mixing (1 = lasso, 0 = ridge).
    #[arg(long, default_value_t = 0.5)]
    pub alpha: f64,
    /// Add missing-indicator columns for features with missing values (logistic).
    #[arg(long)]
    pub missing_indicators: bool,
    /// GBDT: maximum number of trees (fewer with early stopping; default 500).
    /// RSF: number of trees (default 200).
    #[arg(long)]
    pub trees: Option<usize>,
    /// GBDT: learning rate.
    #[arg(long, default_value_t = 0.05)]
    pub learning_rate: f64,
    /// GBDT: maximum leaves per tree.
    #[arg(long, default_value_t = 15)]
    pub max_leaves: usize,
    /// GBDT: maximum depth.
    #[arg(long)]
    pub max_depth: Option<usize>,
    /// GBDT: minimum rows per leaf (default 20). RSF: minimum in-bag rows per leaf (default 15).
    #[arg(long)]
    pub min_leaf: Option<usize>,
    /// GBDT: L2 penalty on leaf values.
    #[arg(long, default_value_t = 1.0)]
    pub lambda_l2: f64,
    /// GBDT: stop after this many rounds without improvement of the log loss on a
    /// stratified 10% validation split of the training rows; 0 = off (all rows train).
    #[arg(long, value_name = "ROUNDS", default_value_t = 20)]
    pub early_stopping: usize,
    /// Cross-validation folds (0 = none).
    #[arg(long, default_value_t = 5)]
    pub cv: usize,
    /// Cross-validation repeats.
    #[arg(long, default_value_t = 1)]
    pub repeats: usize,
    /// Bootstrap replicates of the 95% CI of the mean over folds of each CV metric
    /// (percentile bootstrap of the mean over test folds; 0 = no intervals).
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: usize,
    /// Decision threshold: a probability, or `youden` (chosen on training folds).
    #[arg(long, default_value = "0.5")]
    pub threshold: String,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Artifact directory (default: osler-models/<data>-<model>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace an existing artifact directory.
    #[arg(long)]
    pub force: bool,
    /// Also write the HTML report here.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Penalised models for wide data (enet, coxnet): options.
    #[command(flatten)]
    pub enet: crate::cmd_train_enet::EnetArgs,
    /// Neural networks (mlp, deepsurv, lstm, gru): options.
    #[command(flatten)]
    pub nn: crate::cmd_train_nn::NnArgs,
    /// Sequence models (lstm, gru): options.
    #[command(flatten)]
    pub seq: crate::cmd_train_sequence::SequenceArgs,
    /// Image classifiers (cnn, resnet18): options.
    #[command(flatten)]
    pub image: crate::cmd_train_image::ImageArgs,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

fn model_spec(a: &TrainArgs) -> Result<ModelSpec, CliError> {
    let kind = a.model.unwrap_or(match a.task {
        Task::Binary => ModelKind::Logistic,
        Task::Multiclass => ModelKind::Enet,
        Task::Survival => ModelKind::Cox,
    });
    if kind != ModelKind::Enet && a.enet.stability > 0 {
        return Err(CliError::user("--stability is an option of --model enet"));
    }
    if !matches!(kind, ModelKind::Enet | ModelKind::Coxnet)
        && a.enet.lambda_rule != crate::cmd_train_enet::LambdaRuleArg::Min
    {
        return Err(CliError::user("--lambda-rule is an option of --model enet and coxnet"));
    }
    if a.enet.no_standardize && kind != ModelKind::Coxnet {
        return Err(CliError::user("--no-standardize is an option of --model coxnet"));
    }
    if a.enet.prefilter.is_some() && !matches!(kind, ModelKind::Enet | ModelKind::Coxnet) {
        return Err(CliError::user("--prefilter is an option of --model enet and coxnet"));
    }
    Ok(match kind {
        ModelKind::Logistic => {
            let penalty = match a.penalty {
                PenaltyArg::Auto | PenaltyArg::None => Penalty::None,
                PenaltyArg::L2 => Penalty::L2,
                PenaltyArg::L1 => Penalty::L1,
                PenaltyArg::Elasticnet => Penalty::ElasticNet,
            };
            if penalty == Penalty::None && a.lambda.is_some() {
                return Err(CliError::user("--lambda needs --penalty l2, l1 or elasticnet"));
            }
            let options = LogisticOptions {
                penalty,
                // 0 means "1/n of the training rows", resolved at fit time.
                lambda: a.lambda.unwrap_or(0.0),
                alpha: a.alpha,
                ..LogisticOptions::default()
            };
            ModelSpec::new(LogisticSpec { options, auto_penalty: a.penalty == PenaltyArg::Auto })
        }
        ModelKind::Gbdt => ModelSpec::new(GbdtSpec {
            options: GbdtOptions {
                n_trees: a.trees.unwrap_or(500),
                learning_rate: a.learning_rate,
                max_leaves: a.max_leaves,
                max_depth: a.max_depth,
                min_leaf: a.min_leaf.unwrap_or(20),
                lambda_l2: a.lambda_l2,
                early_stopping_rounds: (a.early_stopping > 0).then_some(a.early_stopping),
                seed: a.seed,
                ..GbdtOptions::default()
            },
        }),
        ModelKind::Rsf => ModelSpec::new(RsfSpec {
            options: RsfOptions {
                n_trees: a.trees.unwrap_or(200),
                min_leaf: a.min_leaf.unwrap_or(15),
                max_depth: a.max_depth,
                seed: a.seed,
                ..RsfOptions::default()
            },
        }),
        ModelKind::Coxnet => {
            if !(0.0..=1.0).contains(&a.alpha) {
                return Err(CliError::user(format!("--alpha must lie in [0, 1], got {}", a.alpha)));
            }
            ModelSpec::new(CoxnetSpec {
                alpha: a.alpha,
                lambda: a.lambda,
                inner_folds: a.enet.inner_cv,
                seed: a.seed,
                prefilter: crate::cmd_train_enet::prefilter(&a.enet, true)?,
                rule: crate::cmd_train_enet::lambda_rule(&a.enet),
                standardize: !a.enet.no_standardize,
            })
        }
        ModelKind::Enet => crate::cmd_train_enet::enet_spec(a)?,
        ModelKind::Mlp => crate::cmd_train_nn::mlp_spec(a)?,
        ModelKind::Deepsurv => crate::cmd_train_nn::deepsurv_spec(a)?,
        ModelKind::Lstm => crate::cmd_train_sequence::sequence_spec(a, Cell::Lstm)?,
        ModelKind::Gru => crate::cmd_train_sequence::sequence_spec(a, Cell::Gru)?,
        ModelKind::Cnn | ModelKind::Resnet18 => {
            let model = if kind == ModelKind::Cnn { CnnKind::Cnn } else { CnnKind::ResNet18 };
            ModelSpec::new(ImageSpec { options: crate::cmd_train_image::image_options(a, model)? })
        }
        ModelKind::Cox => ModelSpec::new(CoxSpec {
            ties: match a.ties {
                TiesArg::Efron => Ties::Efron,
                TiesArg::Breslow => Ties::Breslow,
                TiesArg::Exact => Ties::Exact,
            },
        }),
    })
}

fn threshold_rule(s: &str) -> Result<ThresholdRule, CliError> {
    if s.eq_ignore_ascii_case("youden") {
        return Ok(ThresholdRule::Youden);
    }
    match s.parse::<f64>() {
        Ok(t) if t > 0.0 && t < 1.0 => Ok(ThresholdRule::Fixed(t)),
        _ => Err(CliError::user(format!(
            "--threshold must be a probability in (0, 1) or 'youden', got '{s}'"
        ))),
    }
}

/// The training spec common to both tasks.
pub fn train_spec(a: &TrainArgs) -> Result<TrainSpec, CliError> {
    Ok(TrainSpec {
        model: model_spec(a)?,
        missing_indicators: a.missing_indicators,
        cv_folds: a.cv,
        cv_repeats: a.repeats.max(1),
        seed: a.seed,
        threshold: threshold_rule(&a.threshold)?,
        bootstrap: a.bootstrap,
    })
}

/// What to predict from which columns, as the flags say.
fn data_spec(a: &TrainArgs) -> DataSpec {
    DataSpec {
        target: a.target.clone(),
        positive: a.positive.clone(),
        multiclass: a.task == Task::Multiclass,
        levels: a.levels.clone(),
        features: a.features.clone(),
        drop: a.drop.clone(),
        group: a.group.clone(),
    }
}

pub fn train(a: TrainArgs) -> CliResult {
    match a.model {
        Some(ModelKind::Cnn) => return crate::cmd_train_image::train_image(&a, CnnKind::Cnn),
        Some(ModelKind::Resnet18) => {
            return crate::cmd_train_image::train_image(&a, CnnKind::ResNet18);
        }
        _ => {}
    }
    let spec = train_spec(&a)?;
    let task = match a.task {
        Task::Binary => osler_pipeline::api::Task::Binary,
        Task::Multiclass => osler_pipeline::api::Task::Multiclass,
        Task::Survival => osler_pipeline::api::Task::Survival,
    };
    if !spec.model.kind().fits(task) {
        let fitting: Vec<&str> =
            osler_pipeline::api::kinds().iter().filter(|k| k.fits(task)).map(|k| k.name).collect();
        return Err(CliError::user(format!(
            "model '{}' does not fit --task {}; use --model {}",
            spec.model.name(),
            task.name(),
            fitting.join(", ")
        )));
    }
    if task == osler_pipeline::api::Task::Multiclass && a.positive.is_some() {
        return Err(CliError::user(
            "--positive names the event of a binary outcome; a multiclass outcome keeps every class",
        ));
    }
    if task == osler_pipeline::api::Task::Multiclass && a.threshold != "0.5" {
        return Err(CliError::user(
            "--threshold applies to a binary outcome; a multiclass prediction is the most probable class",
        ));
    }
    let (input, data_args) = match spec.model.sequence() {
        Some(_) => crate::cmd_train_sequence::sequence_input(&a)?,
        None => (survival_input(&a)?, a.data.clone()),
    };
    let t_read = Instant::now();
    let loaded = data_args.load_unparsed(input.unparsed(&data_spec(&a)))?;
    let (out, overwrite) = output_dir(&a, &loaded.stem, spec.model.name())?;
    let steps = (spec.cv_folds * spec.cv_repeats) as u64;
    let mut progress = crate::progress::Training::new(steps, a.quiet || a.json);
    let job = TrainingJob { data: data_spec(&a), input, spec, out, overwrite };
    let read_seconds = t_read.elapsed().as_secs_f64();
    let trained = run_training(loaded, read_seconds, &job, &mut progress);
    progress.finish();
    let (artifact, report) = trained?;
    if let Some(path) = &a.report {
        crate::cmd_report::write_report(&artifact, &job.out, path)?;
    }
    if a.json {
        return print_json(&report);
    }
    print!("{}", osler_report::text::training(&report));
    if let Some(note) = &artifact.manifest.model_note {
        eprintln!("note: {note}");
    }
    Ok(())
}

/// The data layout of a tabular model: one row per patient with a class
/// outcome, or with the survival outcome of `--task survival` (which takes
/// `--time` and `--event`, not `--target`).
fn survival_input(a: &TrainArgs) -> Result<TaskInput, CliError> {
    if a.task != Task::Survival {
        return Ok(TaskInput::Rows);
    }
    let (Some(time), Some(event)) = (a.time.clone(), a.event.clone()) else {
        return Err(CliError::user("--task survival needs --time COL and --event COL"));
    };
    if a.target.is_some() {
        return Err(CliError::user("--task survival takes --time and --event, not --target"));
    }
    let event_level = a.event_level.clone();
    Ok(TaskInput::Survival(SurvivalSpec { time, event, event_level, start: a.start.clone() }))
}

/// The artifact directory and whether it may replace an existing one: an
/// existing directory, the default one included, is replaced only with
/// `--force` (two runs of one data set and model would otherwise share the
/// default folder, and the first run's report would describe the second model).
pub fn output_dir(a: &TrainArgs, stem: &str, model: &str) -> Result<(PathBuf, bool), CliError> {
    let default = || PathBuf::from("osler-models").join(format!("{stem}-{model}"));
    let out = a.out.clone().unwrap_or_else(default);
    if out.exists() && !a.force {
        let which =
            if a.out.is_none() { " (the default --out of this data and model)" } else { "" };
        return Err(CliError::user(format!(
            "{}{which} already exists; choose another --out or pass --force to replace it",
            out.display()
        )));
    }
    Ok((out, a.force))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_value_is_a_registered_kind_and_back() {
        let values: Vec<String> = ModelKind::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        let registered: Vec<String> =
            osler_pipeline::api::kinds().iter().map(|k| k.name.to_string()).collect();
        let (mut a, mut b) = (values.clone(), registered.clone());
        a.sort();
        b.sort();
        assert_eq!(a, b, "--model values {values:?} vs registered kinds {registered:?}");
    }
}
