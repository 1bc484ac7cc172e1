//! The command line's wording of model and network errors: the libraries
//! name their options (`lambda`, `n_trees`, `lr`), this module names the flag
//! the user typed and keeps the exit code's split between the user's errors
//! (2) and internal failures (1).

use osler_pipeline::api::estimators::{ModelError, NnError};

use crate::CliError;
use crate::errors::exit_code;

/// Library option names (models and networks) and the command-line flag that
/// sets each; options the command line does not expose keep their library name.
const OPTION_FLAGS: &[(&str, &str)] = &[
    ("lambda", "--lambda"),
    ("alpha", "--alpha"),
    ("n_trees", "--trees"),
    ("learning_rate", "--learning-rate"),
    ("max_leaves", "--max-leaves"),
    ("max_depth", "--max-depth"),
    ("min_leaf", "--min-leaf"),
    ("lambda_l2", "--lambda-l2"),
    ("early_stopping_rounds", "--early-stopping"),
    ("keep", "--keep"),
    ("prefilter", "--prefilter"),
    ("subsamples", "--stability"),
    ("tau", "--tau"),
    ("rho", "--rho"),
    ("lr", "--lr"),
    ("epochs", "--epochs"),
    ("dropout", "--dropout"),
    ("hidden", "--hidden"),
    ("optimizer", "--optimizer"),
    ("device", "--device"),
];

/// The command-line flag that sets the library option `option`, if any.
fn option_flag(option: &str) -> Option<&'static str> {
    OPTION_FLAGS.iter().find(|(name, _)| *name == option).map(|(_, flag)| *flag)
}

/// The message for a model error, with feature indices replaced by `names`
/// and the command-line option that fixes it where there is one.
pub fn model_message(e: &ModelError, names: &[String]) -> String {
    let fact = osler_pipeline::api::name_features(e, names);
    match e {
        ModelError::InvalidOption { option, value, expected } => match option_flag(option) {
            Some(flag) => format!("{flag} must {expected}, got {value}"),
            None => fact,
        },
        ModelError::Folds { .. } => format!("{fact}; set the inner folds with --inner-cv"),
        ModelError::TauBeyondFollowUp { .. } => format!("--tau: {fact}"),
        ModelError::NeedsSurvivalOutcome { model } => format!(
            "{model} is a survival model: it needs a survival outcome (--task survival --time COL \
             --event COL)"
        ),
        ModelError::NeedsClassOutcome { model } => format!(
            "model '{model}' is a classifier; survival outcomes need --model cox, coxnet, rsf or \
             deepsurv"
        ),
        ModelError::RightCensoredOnly { model } => {
            format!("{model} takes right-censored data, not (start, stop] rows; use --model cox")
        }
        ModelError::NoExplanations { model } => format!("--explain is not available for {model}"),
        ModelError::Diverged { .. } => {
            fact.replacen("try a lower learning rate", "try a lower --lr", 1)
        }
        _ => fact,
    }
}

impl From<ModelError> for CliError {
    fn from(e: ModelError) -> Self {
        CliError { code: exit_code(e.is_user_error()), message: model_message(&e, &[]) }
    }
}

impl From<NnError> for CliError {
    fn from(e: NnError) -> Self {
        CliError::from(ModelError::from(e))
    }
}

#[cfg(test)]
mod tests {
    use osler_pipeline::api::AnalysisError;

    use super::*;

    fn s(x: &str) -> String {
        x.to_string()
    }

    /// Position of a variant in [`every_model_error`]; no wildcard arm, so a
    /// new variant does not compile until it is listed there with its code.
    fn model_variant(e: &ModelError) -> usize {
        match e {
            ModelError::Empty => 0,
            ModelError::LengthMismatch { .. } => 1,
            ModelError::NonFinite { .. } => 2,
            ModelError::BadLabel { .. } => 3,
            ModelError::SingleClass { .. } => 4,
            ModelError::InvalidOption { .. } => 5,
            ModelError::TooFew { .. } => 6,
            ModelError::TooManyRows { .. } => 7,
            ModelError::Folds { .. } => 8,
            ModelError::NoValidationRows { .. } => 9,
            ModelError::NoPath { .. } => 10,
            ModelError::CvUndefined => 11,
            ModelError::FoldWithoutEvents { .. } => 12,
            ModelError::FoldMissingClass { .. } => 13,
            ModelError::EmptyClass { .. } => 14,
            ModelError::PathIndex { .. } => 15,
            ModelError::Singular { .. } => 16,
            ModelError::UnknownStratum { .. } => 17,
            ModelError::StrataRequired => 18,
            ModelError::TauBeyondFollowUp { .. } => 19,
            ModelError::NeedsSurvivalOutcome { .. } => 20,
            ModelError::NeedsClassOutcome { .. } => 21,
            ModelError::RightCensoredOnly { .. } => 22,
            ModelError::NotAClassifier => 23,
            ModelError::NotASurvivalModel => 24,
            ModelError::NoExplanations { .. } => 25,
            ModelError::Diverged { .. } => 26,
            ModelError::Network { .. } => 27,
            ModelError::Degenerate { .. } => 28,
            ModelError::NotConverged { .. } => 29,
            ModelError::FeatureCount { .. } => 30,
            ModelError::BadWeight { .. } => 31,
            ModelError::ZeroWeights => 32,
            ModelError::BadTime { .. } => 33,
            ModelError::BadInterval { .. } => 34,
            ModelError::NoEvents => 35,
            ModelError::Diverges { .. } => 36,
            ModelError::BadPredictionTime { .. } => 37,
            ModelError::NotBinary { .. } => 38,
            ModelError::TwoClassesOnly { .. } => 39,
            ModelError::NeedsSequences => 40,
            ModelError::NeedsImages => 41,
        }
    }

    const MODEL_VARIANTS: usize = 42;

    /// One error of every model-error variant, with the exit code the CLI must
    /// give it and the flag its CLI message must name (`None`: no flag fixes it).
    fn every_model_error() -> Vec<(ModelError, u8, Option<&'static str>)> {
        let invalid = |option, value: &str, expected| ModelError::InvalidOption {
            option,
            value: value.into(),
            expected,
        };
        vec![
            (ModelError::Empty, 2, None),
            (ModelError::LengthMismatch { what: "weights", found: 3, expected: 4 }, 2, None),
            (ModelError::NonFinite { feature: 1, row: 2, value: f64::NAN }, 2, None),
            (ModelError::BadLabel { row: 3, value: 2.0 }, 2, None),
            (ModelError::SingleClass { class: 1.0 }, 2, None),
            (invalid("lambda", "-1", "be finite and > 0"), 2, Some("--lambda")),
            (
                ModelError::TooFew { what: "groups for the log-rank test", found: 1, needed: 2 },
                2,
                None,
            ),
            (ModelError::TooManyRows { rows: 1 << 32, max: u32::MAX as usize }, 2, None),
            (ModelError::Folds { folds: 10, rows: 4 }, 2, Some("--inner-cv")),
            (ModelError::NoValidationRows { fraction: 0.01, rows: 20 }, 2, None),
            (ModelError::NoPath { why: "every feature is constant" }, 2, None),
            (ModelError::CvUndefined, 2, None),
            (ModelError::FoldWithoutEvents { fold: 3 }, 2, None),
            (ModelError::FoldMissingClass { fold: 1, class: 2 }, 2, None),
            (ModelError::EmptyClass { class: 1, classes: 3 }, 2, None),
            (ModelError::PathIndex { index: 100, len: 99 }, 2, None),
            (ModelError::Singular { what: "log-rank variance" }, 2, None),
            (ModelError::UnknownStratum { label: 7 }, 2, None),
            (ModelError::StrataRequired, 2, None),
            (
                ModelError::TauBeyondFollowUp { tau: 3000.0, arm: "treated", last: 2563.0 },
                2,
                Some("--tau"),
            ),
            (ModelError::NeedsSurvivalOutcome { model: s("cox") }, 2, Some("--task survival")),
            (ModelError::NeedsClassOutcome { model: s("gbdt") }, 2, Some("--model cox")),
            (ModelError::RightCensoredOnly { model: "DeepSurv" }, 2, Some("--model cox")),
            (ModelError::NotAClassifier, 2, None),
            (ModelError::NotASurvivalModel, 2, None),
            (ModelError::NotBinary { classes: 3 }, 2, None),
            (
                ModelError::TwoClassesOnly {
                    model: s("gbdt"),
                    classes: 4,
                    fitting: s("enet or mlp"),
                },
                2,
                None,
            ),
            (ModelError::NeedsSequences, 2, None),
            (ModelError::NeedsImages, 2, None),
            (ModelError::NoExplanations { model: s("mlp") }, 2, Some("--explain")),
            (
                ModelError::Diverged {
                    epoch: 3,
                    learning_rate: 1e6,
                    suggested: 1e5,
                    loss: s("NaN"),
                    last_good_epoch: Some(2),
                },
                2,
                Some("--lr"),
            ),
            (ModelError::Network { message: s("tensor read failed"), user_error: false }, 1, None),
            (
                ModelError::Degenerate { feature: 0, reason: s("is constant"), with: vec![] },
                2,
                None,
            ),
            (ModelError::NotConverged { iterations: 25, detail: s("Newton") }, 2, None),
            (ModelError::FeatureCount { expected: 3, found: 4 }, 2, None),
            (ModelError::BadWeight { row: 1, value: -1.0 }, 2, None),
            (ModelError::ZeroWeights, 2, None),
            (ModelError::BadTime { row: 1, value: -1.0 }, 2, None),
            (ModelError::BadInterval { row: 1, start: 2.0, stop: 1.0 }, 2, None),
            (ModelError::NoEvents, 2, None),
            (ModelError::Diverges { feature: 0, direction: "+" }, 2, None),
            (ModelError::BadPredictionTime { index: 1, value: f64::NAN }, 2, None),
        ]
    }

    #[test]
    fn every_model_error_variant_has_its_exit_code_and_names_its_flag() {
        let all = every_model_error();
        let mut seen: Vec<usize> = all.iter().map(|(e, _, _)| model_variant(e)).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..MODEL_VARIANTS).collect::<Vec<_>>(), "each variant listed once");
        for (e, code, flag) in all {
            let what = format!("{e:?}");
            let library = e.to_string();
            assert!(!library.is_empty() && !library.contains("--"), "{library}");
            let worded = osler_pipeline::api::name_features(&e, &[]);
            let cli = CliError::from(e);
            assert_eq!(cli.code, code, "{what}");
            match flag {
                Some(f) => assert!(cli.message.contains(f), "{what}: {}", cli.message),
                None => assert_eq!(cli.message, worded, "{what}"),
            }
        }
    }

    #[test]
    fn model_errors_keep_their_wording_through_the_pipeline_and_analysis() {
        let lambda = || ModelError::InvalidOption {
            option: "lambda",
            value: s("-1"),
            expected: "be finite and > 0",
        };
        let e = CliError::from(osler_pipeline::api::PipelineError::Model {
            context: s("fitting enet"),
            source: lambda(),
        });
        assert_eq!(
            (e.code, e.message.as_str()),
            (2, "fitting enet: --lambda must be finite and > 0, got -1")
        );
        let internal = ModelError::Network { message: s("tensor read failed"), user_error: false };
        let e = CliError::from(osler_pipeline::api::PipelineError::Model {
            context: s("predict"),
            source: internal,
        });
        assert_eq!(e.code, 1);
        let constant =
            ModelError::Degenerate { feature: 1, reason: s("is constant"), with: vec![] };
        let e =
            CliError::from(AnalysisError::Model { source: constant, names: vec![s("a"), s("c")] });
        assert!(
            e.code == 2 && e.message.contains("'c'") && e.message.contains("constant"),
            "{}",
            e.message
        );
        let fit = |source| osler_pipeline::api::PipelineError::Fit {
            model: "cox",
            source,
            names: vec![s("age"), s("bmi")],
        };
        let diverges = ModelError::Diverges { feature: 1, direction: "+" };
        let e = CliError::from(fit(diverges));
        assert!(
            e.message.starts_with("fitting cox: ") && e.message.contains("'bmi'"),
            "{}",
            e.message
        );
        let e = CliError::from(fit(ModelError::RightCensoredOnly { model: "DeepSurv" }));
        assert!(e.code == 2 && e.message.ends_with("use --model cox"), "{}", e.message);
        let e =
            CliError::from(fit(ModelError::Network { message: s("tensor"), user_error: false }));
        assert_eq!(e.code, 1);
    }

    #[test]
    fn network_errors_name_the_flag_and_keep_who_must_act() {
        let e = CliError::from(NnError::InvalidOption {
            option: "device",
            value: s("'tpu'"),
            expected: "be cpu or gpu",
        });
        assert_eq!((e.code, e.message.as_str()), (2, "--device must be cpu or gpu, got 'tpu'"));
        let e = CliError::from(NnError::NonFiniteLoss {
            epoch: 2,
            lr: 1e6,
            suggested: 1e5,
            value: s("NaN"),
            last_good: None,
        });
        assert!(
            e.code == 2 && e.message.contains("try a lower --lr (e.g. 100000)"),
            "{}",
            e.message
        );
        assert_eq!(CliError::from(NnError::Internal { what: "no epoch was run" }).code, 1);
    }

    /// Every flag an option maps to is a flag of some subcommand.
    #[test]
    fn option_flags_exist() {
        use clap::CommandFactory;
        fn longs(c: &clap::Command, out: &mut Vec<String>) {
            out.extend(c.get_arguments().filter_map(|a| a.get_long()).map(|l| format!("--{l}")));
            for sub in c.get_subcommands() {
                longs(sub, out);
            }
        }
        let mut all = Vec::new();
        longs(&crate::Cli::command(), &mut all);
        for (option, flag) in OPTION_FLAGS {
            assert!(all.iter().any(|f| f == flag), "{option}: {flag} is not a flag");
        }
    }
}
