//! Errors of the neural-network engine. Messages name the problem and, where
//! possible, the remedy; they never contain patient values.

use osler_models::ModelError;
use thiserror::Error;

/// A weights checkpoint: the epoch it was taken at and its safetensors bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// Epoch (1-based) whose end-of-epoch weights these are.
    pub epoch: usize,
    /// The network's weights as safetensors bytes.
    pub weights: Vec<u8>,
}

/// Everything that can go wrong while building, training or applying a network.
///
/// Messages state the fact (option, value, expected; rows and columns; device;
/// weights) and never name a command-line flag: front ends add their own
/// wording. They never contain patient values.
#[derive(Debug, Error)]
pub enum NnError {
    /// An option is out of range or not one of the accepted values.
    #[error("{option} must {expected}, got {value}")]
    InvalidOption {
        /// The option's name (e.g. `"device"`, `"lr"`, `"dropout"`).
        option: &'static str,
        /// The value given, as text (text values are quoted).
        value: String,
        /// What the option must be, as a phrase after "must" (e.g. `"be cpu or gpu"`).
        expected: &'static str,
    },
    /// Class weights were given, but none for a class that occurs in the outcome.
    #[error("class {class} has no weight ({given} class weights given)")]
    MissingClassWeight {
        /// The class index (0-based) without a weight.
        class: usize,
        /// How many class weights were given.
        given: usize,
    },
    /// An input's length differs from the number of rows it describes.
    #[error("{rows} rows but {found} {what}")]
    LengthMismatch {
        /// What the input holds (e.g. `"outcomes"`, `"event indicators"`).
        what: &'static str,
        /// Its length.
        found: usize,
        /// The number of rows it should match.
        rows: usize,
    },
    /// The input has another number of feature columns than the network expects.
    #[error("{found} input columns, the network was trained on {expected}")]
    FeatureCount {
        /// Columns (features) given.
        found: usize,
        /// Columns (features) the network was built for.
        expected: usize,
    },
    /// A tabular input value is missing (NaN) or infinite; networks need imputed input.
    #[error("input column {column} of row {row} is missing or not finite; impute it first")]
    NonFiniteInput {
        /// Row index, from 0.
        row: usize,
        /// Column index, from 0.
        column: usize,
    },
    /// An outcome value is not a class index (a non-negative whole number).
    #[error("outcome of row {row} is not a class index (0, 1, ...)")]
    NotAClassIndex {
        /// Row index, from 0.
        row: usize,
    },
    /// A class below the largest class index has no training rows.
    #[error("class {class} has no training rows")]
    EmptyClass {
        /// The class index (0-based) without rows.
        class: usize,
    },
    /// A follow-up time is missing (NaN) or infinite.
    #[error("follow-up time of row {row} is not finite")]
    NonFiniteTime {
        /// Row index, from 0.
        row: usize,
    },
    /// An event indicator is neither 0 nor 1.
    #[error("event indicator of row {row} is not 0/1")]
    BadEvent {
        /// Row index, from 0.
        row: usize,
    },
    /// No training row has an event, so a survival network has nothing to learn.
    #[error("no events in the training rows")]
    NoEvents,
    /// The flat sequence values do not fill `sequences x steps x features`.
    #[error("{values} values for {sequences} sequences x {steps} steps x {features} features")]
    SequenceShape {
        /// Length of the flat value array.
        values: usize,
        /// Number of sequences (patients).
        sequences: usize,
        /// Time steps per sequence (must be at least 1).
        steps: usize,
        /// Features per step.
        features: usize,
    },
    /// A sequence value is missing (NaN) or infinite.
    #[error(
        "value of sequence {sequence}, step {step}, feature {feature} is missing or not finite"
    )]
    NonFiniteSequence {
        /// Sequence (patient) index, from 0.
        sequence: usize,
        /// Time step, from 0.
        step: usize,
        /// Feature index, from 0.
        feature: usize,
    },
    /// The token array does not hold one token per sequence step.
    #[error("{tokens} tokens for {sequences} sequences x {steps} steps")]
    TokenCount {
        /// Length of the token array.
        tokens: usize,
        /// Number of sequences (patients).
        sequences: usize,
        /// Time steps per sequence.
        steps: usize,
    },
    /// A token is negative or not below the vocabulary size.
    #[error("token at position {position} lies outside 0..{vocabulary}")]
    TokenOutOfRange {
        /// Position in the flat token array, from 0.
        position: usize,
        /// Vocabulary size: tokens must lie in `0..vocabulary`.
        vocabulary: usize,
    },
    /// The flat pixel values do not fill `images x channels x height x width`.
    #[error(
        "{values} pixel values for {images} images of {channels} x {height} x {width} (channels x rows x columns)"
    )]
    ImageShape {
        /// Length of the flat value array.
        values: usize,
        /// Number of images.
        images: usize,
        /// Channels per image.
        channels: usize,
        /// Rows per image.
        height: usize,
        /// Columns per image.
        width: usize,
    },
    /// Images of another size or channel count than the network was built for.
    #[error("{what} are {found:?} (channels, rows, columns), the network expects {expected:?}")]
    ImageGeometry {
        /// Which images (e.g. `"validation images"`, `"input images"`).
        what: &'static str,
        /// Their channels, rows and columns.
        found: [usize; 3],
        /// The network's channels, rows and columns.
        expected: [usize; 3],
    },
    /// A set of images that must not be empty is.
    #[error("no {what}")]
    NoImages {
        /// Which set (e.g. `"training images"`).
        what: &'static str,
    },
    /// A pixel value is missing (NaN) or infinite.
    #[error("image {image} has a missing or infinite pixel value")]
    NonFinitePixel {
        /// Image index, from 0.
        image: usize,
    },
    /// The training loss became NaN or infinite.
    #[error(
        "training diverged: the loss became {value} at epoch {epoch} (learning rate {lr}); try a lower learning rate (e.g. {suggested}){}",
        last_good.as_ref().map_or(String::new(), |c| format!("; the last good checkpoint is from epoch {}", c.epoch))
    )]
    NonFiniteLoss {
        /// Epoch (1-based) in which the loss stopped being finite.
        epoch: usize,
        /// Learning rate of that epoch (after the schedule).
        lr: f64,
        /// A lower learning rate to try: a tenth of `lr`.
        suggested: f64,
        /// The offending loss as text: `NaN`, `inf`, or an exploded epoch mean next to the initial loss.
        value: String,
        /// Weights at the end of the last epoch whose losses were all finite.
        last_good: Option<Box<Checkpoint>>,
    },
    /// The requested device is not available in this build or on this machine.
    #[error("device {device} is not available: {reason}")]
    DeviceUnavailable {
        /// The device asked for (e.g. `"gpu"`).
        device: &'static str,
        /// Why not, and how to get it.
        reason: &'static str,
    },
    /// A network was asked for without its weights (an artifact lacks its weights file).
    #[error("the network weights were not loaded (an artifact needs its {file} file)")]
    WeightsMissing {
        /// The weights file an artifact must hold.
        file: &'static str,
    },
    /// Stored weights could not be parsed (a corrupt file, or weights of another architecture).
    #[error("model weights: cannot load (corrupt file or other architecture): {reason}")]
    WeightsUnreadable {
        /// What the safetensors reader reported.
        reason: String,
    },
    /// Stored weights parsed, but tensors are missing or of the wrong shape for the architecture.
    #[error(
        "model weights: the weights do not fit the architecture ({missing} missing tensors, {errors} errors)"
    )]
    WeightsMismatch {
        /// Tensors the architecture has but the weights lack.
        missing: usize,
        /// Tensors present with a wrong shape or type.
        errors: usize,
    },
    /// The network's weights could not be serialised (an internal failure).
    #[error("model weights: cannot serialise: {reason}")]
    WeightsSerialise {
        /// What the serialiser reported.
        reason: String,
    },
    /// A tensor could not be read back from the device (an internal failure).
    #[error("reading a tensor from the device failed: {reason}")]
    TensorRead {
        /// What the backend reported.
        reason: String,
    },
    /// An internal invariant of the training loop failed (a bug, not bad input).
    #[error("internal error: {what}")]
    Internal {
        /// The invariant that failed.
        what: &'static str,
    },
}

impl NnError {
    /// Whether the user can fix this error by changing the input or the options
    /// (`true`), as opposed to an internal failure of the engine (`false`).
    /// A diverged loss counts as the user's: a lower learning rate fixes it.
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            NnError::WeightsSerialise { .. }
                | NnError::TensorRead { .. }
                | NnError::Internal { .. }
        )
    }
}

/// The model error a network's failure becomes behind the estimator traits:
/// option, feature-count, event and divergence errors keep their facts as
/// fields; the rest keep the network's message and whether the user can fix it.
impl From<NnError> for ModelError {
    fn from(e: NnError) -> Self {
        match e {
            NnError::InvalidOption { option, value, expected } => {
                ModelError::InvalidOption { option, value, expected }
            }
            NnError::FeatureCount { found, expected } => {
                ModelError::FeatureCount { expected, found }
            }
            NnError::NoEvents => ModelError::NoEvents,
            NnError::NonFiniteLoss { epoch, lr, suggested, value, last_good } => {
                ModelError::Diverged {
                    epoch,
                    learning_rate: lr,
                    suggested,
                    loss: value,
                    last_good_epoch: last_good.map(|c| c.epoch),
                }
            }
            other => ModelError::Network {
                user_error: other.is_user_error(),
                message: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every variant, with whether the user can fix it.
    fn every_variant() -> Vec<(NnError, bool)> {
        vec![
            (
                NnError::InvalidOption {
                    option: "device",
                    value: "'tpu'".into(),
                    expected: "be cpu or gpu",
                },
                true,
            ),
            (NnError::MissingClassWeight { class: 2, given: 2 }, true),
            (NnError::LengthMismatch { what: "outcomes", found: 3, rows: 4 }, true),
            (NnError::FeatureCount { found: 3, expected: 4 }, true),
            (NnError::NonFiniteInput { row: 1, column: 2 }, true),
            (NnError::NotAClassIndex { row: 0 }, true),
            (NnError::EmptyClass { class: 1 }, true),
            (NnError::NonFiniteTime { row: 5 }, true),
            (NnError::BadEvent { row: 5 }, true),
            (NnError::NoEvents, true),
            (NnError::SequenceShape { values: 5, sequences: 2, steps: 3, features: 1 }, true),
            (NnError::NonFiniteSequence { sequence: 1, step: 2, feature: 0 }, true),
            (NnError::TokenCount { tokens: 5, sequences: 2, steps: 3 }, true),
            (NnError::TokenOutOfRange { position: 4, vocabulary: 10 }, true),
            (
                NnError::ImageShape { values: 5, images: 2, channels: 1, height: 28, width: 28 },
                true,
            ),
            (
                NnError::ImageGeometry {
                    what: "input images",
                    found: [3, 28, 28],
                    expected: [1, 28, 28],
                },
                true,
            ),
            (NnError::NoImages { what: "training images" }, true),
            (NnError::NonFinitePixel { image: 3 }, true),
            (
                NnError::NonFiniteLoss {
                    epoch: 3,
                    lr: 1.0,
                    suggested: 0.1,
                    value: "NaN".into(),
                    last_good: Some(Box::new(Checkpoint { epoch: 2, weights: Vec::new() })),
                },
                true,
            ),
            (NnError::DeviceUnavailable { device: "gpu", reason: "this build is CPU-only" }, true),
            (NnError::WeightsMissing { file: "weights.safetensors" }, true),
            (NnError::WeightsUnreadable { reason: "truncated header".into() }, true),
            (NnError::WeightsMismatch { missing: 2, errors: 0 }, true),
            (NnError::WeightsSerialise { reason: "out of memory".into() }, false),
            (NnError::TensorRead { reason: "empty tensor".into() }, false),
            (NnError::Internal { what: "no epoch was run" }, false),
        ]
    }

    #[test]
    fn every_variant_says_whether_the_user_can_fix_it() {
        for (e, user) in every_variant() {
            assert_eq!(e.is_user_error(), user, "{e:?}");
        }
    }

    /// Messages state facts and leave command-line flags to the front ends.
    #[test]
    fn messages_name_no_command_line_flag() {
        for (e, _) in every_variant() {
            let msg = e.to_string();
            assert!(!msg.is_empty(), "{e:?}");
            assert!(!msg.contains("--"), "{msg}");
        }
    }

    /// As a model error, every network error keeps its message (the model
    /// error's own wording for options, feature counts and events) and whether
    /// the user can fix it.
    #[test]
    fn model_errors_keep_the_message_and_who_must_act() {
        for (e, user) in every_variant() {
            let msg = e.to_string();
            let m = ModelError::from(e);
            assert_eq!(m.is_user_error(), user, "{m:?}");
            match m {
                ModelError::InvalidOption { .. } => {
                    assert_eq!(m.to_string(), format!("invalid option: {msg}"));
                }
                ModelError::FeatureCount { .. } | ModelError::NoEvents => {}
                _ => assert_eq!(m.to_string(), msg, "{m:?}"),
            }
        }
        let diverged = every_variant().into_iter().find_map(|(e, _)| match ModelError::from(e) {
            m @ ModelError::Diverged { .. } => Some(m),
            _ => None,
        });
        assert_eq!(
            diverged,
            Some(ModelError::Diverged {
                epoch: 3,
                learning_rate: 1.0,
                suggested: 0.1,
                loss: "NaN".into(),
                last_good_epoch: Some(2),
            })
        );
    }

    #[test]
    fn messages_carry_the_facts() {
        let e = NnError::InvalidOption {
            option: "device",
            value: "'tpu'".into(),
            expected: "be cpu or gpu",
        };
        assert_eq!(e.to_string(), "device must be cpu or gpu, got 'tpu'");
        let e = NnError::NonFiniteInput { row: 1, column: 2 };
        assert_eq!(
            e.to_string(),
            "input column 2 of row 1 is missing or not finite; impute it first"
        );
        let e = NnError::LengthMismatch { what: "outcomes", found: 3, rows: 4 };
        assert_eq!(e.to_string(), "4 rows but 3 outcomes");
    }
}
