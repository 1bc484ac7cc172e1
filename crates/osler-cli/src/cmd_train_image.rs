//! `osler train --model cnn|resnet18`: image classifiers trained on a MedMNIST
//! data set (`--dataset pneumoniamnist` or `--data FILE.npz`) with its
//! official train / validation / test splits.

use clap::Args;

use osler_pipeline::PipelineError;
use osler_pipeline::api::estimators::{Augment, CnnKind, ImageOptions};
use osler_pipeline::image::{ImageDataSource, ImageTrainSpec, image_dataset, train_images};

use crate::cmd_train::TrainArgs;
use crate::output::print_json;
use crate::{CliError, CliResult};

/// Options of the image classifiers (`--model cnn`, `--model resnet18`).
#[derive(Args, Debug, Clone)]
pub struct ImageArgs {
    /// Side of the network's input in pixels: the data set's (28) or larger, e.g. 64
    /// (bilinear upsampling, recorded in the artifact's image contract).
    #[arg(long, value_name = "PX")]
    pub image_size: Option<usize>,
    /// Train on the first N training images only (a quick run).
    #[arg(long, value_name = "N")]
    pub train_limit: Option<usize>,
    /// Switch off the training augmentation (on by default for images: flips,
    /// +-10 degree rotations, +-2 px shifts, 10% intensity jitter).
    #[arg(long)]
    pub no_augment: bool,
    /// Filters of the small CNN's first stage [default: 16].
    #[arg(long, value_name = "N")]
    pub width: Option<usize>,
}

/// The image classifier's options from the flags: AdamW with a cosine
/// schedule (the image defaults; `--optimizer` and `--schedule` are the
/// tabular networks' flags), `--epochs`, `--batch-size`, `--lr`,
/// `--weight-decay` and `--patience` as given.
pub fn image_options(a: &TrainArgs, model: CnnKind) -> Result<ImageOptions, CliError> {
    let d = ImageOptions::default();
    let mut train = crate::cmd_train_nn::train_options(a, d.train.clone())?;
    train.validation_fraction = 0.0;
    Ok(ImageOptions {
        model,
        width: a.image.width.unwrap_or(d.width),
        augment: if a.image.no_augment { Augment::default() } else { Augment::standard() },
        train,
        ..d
    })
}

/// Trains, evaluates on the test split, saves the artifact and prints the report.
pub fn train_image(a: &TrainArgs, model: CnnKind) -> CliResult {
    let data = match (&a.data.table.dataset, &a.data.table.data) {
        (Some(name), _) => image_dataset(name).map_err(PipelineError::from)?,
        (None, Some(path)) => ImageDataSource {
            path: path.clone(),
            shipped: None,
            levels: osler_data::BinaryLevels { negative: "0".into(), positive: "1".into() },
        },
        (None, None) => {
            return Err(CliError::user(
                "--model cnn|resnet18 needs --dataset NAME or --data FILE.npz",
            ));
        }
    };
    let stem = data.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = if model == CnnKind::Cnn { "cnn" } else { "resnet18" };
    let (out, overwrite) = crate::cmd_train::output_dir(a, &stem, name)?;
    let spec = ImageTrainSpec {
        data,
        options: image_options(a, model)?,
        image_size: a.image.image_size.unwrap_or(28),
        train_limit: a.image.train_limit,
        bootstrap: a.bootstrap,
    };
    let (mut artifact, report) = train_images(&spec)?;
    artifact.save(&out, overwrite)?;
    let mut json = serde_json::to_value(&report)
        .map_err(|e| CliError { code: 1, message: format!("cannot render JSON: {e}") })?;
    json["artifact"] = serde_json::Value::String(out.display().to_string());
    if a.json {
        return print_json(&json);
    }
    let (v, t) = (&report.validation.report.metrics, &report.test.report.metrics);
    println!(
        "model {name}, {} epochs (best {:?}), seed {}",
        report.epochs, report.training.best_epoch, report.seed
    );
    println!("validation AUROC {:.4}  accuracy {:.4}", v.auroc, v.accuracy);
    println!(
        "test AUROC {:.4}  accuracy {:.4}  sensitivity {:.4}  specificity {:.4}  Brier {:.4}",
        t.auroc, t.accuracy, t.sensitivity, t.specificity, t.brier
    );
    println!("artifact {}", out.display());
    Ok(())
}
