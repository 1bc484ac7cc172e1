//! Every pipeline, treatment and analysis error: its exit code, a library
//! message free of option names, and the CLI's wording where it adds one.

use std::io;

use osler_pipeline::api::estimators::ModelError;
use osler_pipeline::api::{
    AnalysisError, ArtifactProblem, ImageTaskError, PipelineError, SequenceError,
    SurvivalRowProblem, TimeOption, TreatmentError,
};

use crate::CliError;

fn s(x: &str) -> String {
    x.to_string()
}

fn levels() -> Vec<String> {
    vec![s("A"), s("B"), s("C")]
}

fn artifact(problem: ArtifactProblem) -> PipelineError {
    PipelineError::Artifact { path: s("m"), problem }
}

fn row(problem: SurvivalRowProblem) -> PipelineError {
    PipelineError::SurvivalRow {
        source_name: s("d.csv"),
        location: s("line 3"),
        column: s("time"),
        problem,
    }
}

/// Position of a variant in [`every_pipeline_error`]; no wildcard arm, so a
/// new variant (or problem) does not compile until it is listed with its code.
fn pipeline_variant(e: &PipelineError) -> usize {
    match e {
        PipelineError::Data(_) => 0,
        PipelineError::Model { .. } => 1,
        PipelineError::Eval(_) => 2,
        PipelineError::NoOutcome => 3,
        PipelineError::MissingColumn { .. } => 4,
        PipelineError::ColumnNotNumeric { .. } => 5,
        PipelineError::LevelAbsent { .. } => 6,
        PipelineError::CvFolds { .. } => 7,
        PipelineError::SingleClassFold { .. } => 8,
        PipelineError::Fit { .. } => 9,
        PipelineError::SurvivalRow { problem, .. } => match problem {
            SurvivalRowProblem::MissingTime => 10,
            SurvivalRowProblem::NegativeTime { .. } => 11,
            SurvivalRowProblem::MissingStart => 12,
            SurvivalRowProblem::EmptyInterval { .. } => 13,
            SurvivalRowProblem::MissingEvent => 14,
            SurvivalRowProblem::TooManyEventValues { .. } => 15,
            SurvivalRowProblem::ZeroTime => 63,
            SurvivalRowProblem::MissingWeight => 64,
            SurvivalRowProblem::BadWeight { .. } => 65,
        },
        PipelineError::NoEvents { .. } => 16,
        PipelineError::EventLevelAbsent { .. } => 17,
        PipelineError::EventCodedOneTwo { .. } => 18,
        PipelineError::EventNotBinary { .. } => 19,
        PipelineError::SurvivalOutcomeAsPredictor { .. } => 20,
        PipelineError::UnknownOutcomeValue { .. } => 21,
        PipelineError::PredictionTime { .. } => 22,
        PipelineError::UnknownClass { .. } => 23,
        PipelineError::WrongArtifactTask { .. } => 24,
        PipelineError::ArtifactExists { .. } => 25,
        PipelineError::Treatment(t) => 26 + treatment_variant(t),
        PipelineError::Artifact { problem, .. } => match problem {
            ArtifactProblem::NotFound => 46,
            ArtifactProblem::Unreadable { .. } => 47,
            ArtifactProblem::NotJson { .. } => 48,
            ArtifactProblem::NotAManifest { .. } => 49,
            ArtifactProblem::Version { .. } => 50,
            ArtifactProblem::ManifestFields { .. } => 51,
            ArtifactProblem::Unlisted { .. } => 52,
            ArtifactProblem::HashMismatch { .. } => 53,
            ArtifactProblem::Corrupt { .. } => 54,
        },
        PipelineError::Write { .. } => 55,
        PipelineError::Serialise { .. } => 56,
        PipelineError::Sequence(q) => match q {
            SequenceError::ZeroSteps => 57,
            SequenceError::NoPatients { .. } => 58,
            SequenceError::NotASequenceModel { .. } => 59,
            SequenceError::NotASequenceArtifact => 60,
            SequenceError::ColumnTwice { .. } => 61,
        },
        PipelineError::OutcomeMismatch { .. } => 62,
        PipelineError::MissingValue { .. } => 66,
        PipelineError::Image(i) => match i {
            ImageTaskError::Read(_) => 67,
            ImageTaskError::WrongSize { .. } => 68,
            ImageTaskError::WrongChannels { .. } => 69,
            ImageTaskError::MultiFrame { .. } => 70,
            ImageTaskError::NoInput => 71,
            ImageTaskError::Dataset { .. } => 72,
            ImageTaskError::UnknownDataset { .. } => 73,
            ImageTaskError::ImageSizeTooSmall { .. } => 74,
            ImageTaskError::NotAnImageArtifact => 75,
        },
    }
}

const PIPELINE_VARIANTS: usize = 76;

fn treatment_variant(e: &TreatmentError) -> usize {
    match e {
        TreatmentError::TimeOptionsOnBinary => 0,
        TreatmentError::TooFewFolds { .. } => 1,
        TreatmentError::NoGroups => 2,
        TreatmentError::StartStopOutcome => 3,
        TreatmentError::CovariateIsOutcome { .. } => 4,
        TreatmentError::ArmMissing { .. } => 5,
        TreatmentError::NoRows { .. } => 6,
        TreatmentError::SingleArm { .. } => 7,
        TreatmentError::TooManyArms { .. } => 8,
        TreatmentError::ReferenceAbsent { .. } => 9,
        TreatmentError::CovariateTwice { .. } => 10,
        TreatmentError::CovariateSingleLevel { .. } => 11,
        TreatmentError::TooFewCompleteCases { .. } => 12,
        TreatmentError::NoEventsInArm { .. } => 13,
        TreatmentError::TimeNotPositive { .. } => 14,
        TreatmentError::TimeBeyondFollowUp { .. } => 15,
        TreatmentError::Fit { .. } => 16,
        TreatmentError::BenefitFit { .. } => 17,
        TreatmentError::Internal { .. } => 18,
        TreatmentError::ControlAmbiguous { .. } => 19,
    }
}

fn treatment(e: TreatmentError) -> PipelineError {
    e.into()
}

fn serde_error() -> serde_json::Error {
    <serde_json::Error as serde::ser::Error>::custom("a map key that is not a string")
}

/// One error of every variant, with the exit code the CLI must give it.
fn every_pipeline_error() -> Vec<(PipelineError, u8)> {
    let tau = TimeOption::Tau;
    vec![
        (PipelineError::Data(osler_data::DataError::NoPredictors), 2),
        (PipelineError::Model { context: s("predict"), source: ModelError::Empty }, 2),
        (
            PipelineError::Eval(osler_pipeline::api::estimators::EvalError::LengthMismatch {
                what: "p",
                y: 2,
                other: 3,
            }),
            2,
        ),
        (PipelineError::NoOutcome, 2),
        (
            PipelineError::MissingColumn { source_name: s("d.csv"), what: "group", column: s("g") },
            2,
        ),
        (
            PipelineError::ColumnNotNumeric {
                source_name: s("d.csv"),
                what: "time",
                column: s("t"),
            },
            2,
        ),
        (PipelineError::LevelAbsent { level: s("Z"), column: s("y"), seen: levels() }, 2),
        (PipelineError::CvFolds { folds: 1 }, 2),
        (PipelineError::SingleClassFold { fold: 3, rarer_class: 4, unit: "rows" }, 2),
        (
            PipelineError::Fit {
                model: "logistic",
                source: ModelError::Empty,
                names: vec![s("x")],
            },
            2,
        ),
        (row(SurvivalRowProblem::MissingTime), 2),
        (row(SurvivalRowProblem::NegativeTime { time: -1.0 }), 2),
        (row(SurvivalRowProblem::MissingStart), 2),
        (row(SurvivalRowProblem::EmptyInterval { start: 5.0, stop: 5.0 }), 2),
        (row(SurvivalRowProblem::MissingEvent), 2),
        (row(SurvivalRowProblem::TooManyEventValues { values: levels() }), 2),
        (row(SurvivalRowProblem::ZeroTime), 2),
        (row(SurvivalRowProblem::MissingWeight), 2),
        (row(SurvivalRowProblem::BadWeight { weight: -1.0 }), 2),
        (
            PipelineError::MissingValue {
                source_name: s("d.csv"),
                location: s("line 3"),
                column: s("age"),
            },
            2,
        ),
        (PipelineError::NoEvents { source_name: s("d.csv"), column: s("e"), level: s("1") }, 2),
        (
            PipelineError::EventLevelAbsent {
                source_name: s("d.csv"),
                level: s("9"),
                column: s("e"),
                values: levels(),
            },
            2,
        ),
        (PipelineError::EventCodedOneTwo { source_name: s("d.csv"), column: s("e") }, 2),
        (
            PipelineError::EventNotBinary {
                source_name: s("d.csv"),
                column: s("e"),
                values: levels(),
            },
            2,
        ),
        (PipelineError::SurvivalOutcomeAsPredictor { column: s("time") }, 2),
        (
            PipelineError::UnknownOutcomeValue {
                source_name: s("d.csv"),
                line: 4,
                column: s("y"),
                value: None,
                expected: Box::new([s("0"), s("1")]),
            },
            2,
        ),
        (PipelineError::PredictionTime { time: -2.0 }, 2),
        (
            PipelineError::UnknownClass {
                source_name: s("d.csv"),
                location: s("record 2"),
                column: s("y"),
                value: Some(s("D")),
                classes: levels(),
            },
            2,
        ),
        (PipelineError::WrongArtifactTask { holds: s("classifier"), wanted: "survival model" }, 2),
        (PipelineError::ArtifactExists { path: s("m") }, 2),
        (treatment(TreatmentError::TimeOptionsOnBinary), 2),
        (treatment(TreatmentError::TooFewFolds { folds: 1 }), 2),
        (treatment(TreatmentError::NoGroups), 2),
        (treatment(TreatmentError::StartStopOutcome), 2),
        (treatment(TreatmentError::CovariateIsOutcome { covariate: s("arm") }), 2),
        (
            treatment(TreatmentError::ArmMissing {
                source_name: s("d.csv"),
                location: s("line 3"),
                column: s("arm"),
                missing: 1,
                rows: 4,
            }),
            2,
        ),
        (treatment(TreatmentError::NoRows { source_name: s("d.csv") }), 2),
        (treatment(TreatmentError::SingleArm { column: s("arm"), level: s("A"), rows: 4 }), 2),
        (treatment(TreatmentError::TooManyArms { column: s("arm"), levels: levels() }), 2),
        (
            treatment(TreatmentError::ReferenceAbsent {
                reference: s("Z"),
                column: s("arm"),
                levels: levels(),
            }),
            2,
        ),
        (treatment(TreatmentError::CovariateTwice { covariate: s("age") }), 2),
        (treatment(TreatmentError::CovariateSingleLevel { covariate: s("sex") }), 2),
        (
            treatment(TreatmentError::TooFewCompleteCases {
                complete: 3,
                covariates: vec![s("age")],
            }),
            2,
        ),
        (treatment(TreatmentError::NoEventsInArm { arm: s("A"), column: s("arm") }), 2),
        (treatment(TreatmentError::TimeNotPositive { option: tau, time: 0.0 }), 2),
        (
            treatment(TreatmentError::TimeBeyondFollowUp {
                option: tau,
                time: 9.0,
                arm: s("A"),
                last: 5.0,
                limit: 5.0,
            }),
            2,
        ),
        (
            treatment(TreatmentError::Fit {
                step: s("Cox model"),
                source: ModelError::Empty,
                names: vec![],
            }),
            2,
        ),
        (
            treatment(TreatmentError::BenefitFit {
                arm: s("A"),
                fold: 1,
                folds: 5,
                patients: 0,
                source: ModelError::Empty,
                names: vec![],
            }),
            2,
        ),
        (treatment(TreatmentError::Internal { invariant: "two arms expected" }), 1),
        (
            treatment(TreatmentError::ControlAmbiguous {
                column: s("arm"),
                levels: vec![s("A"), s("B")],
            }),
            2,
        ),
        (artifact(ArtifactProblem::NotFound), 2),
        (
            artifact(ArtifactProblem::Unreadable {
                file: s("model.json"),
                source: io::Error::from(io::ErrorKind::NotFound),
            }),
            2,
        ),
        (artifact(ArtifactProblem::NotJson { file: "manifest.json", reason: s("eof") }), 2),
        (artifact(ArtifactProblem::NotAManifest { file: "manifest.json" }), 2),
        (artifact(ArtifactProblem::Version { found: Some(99), expected: 1 }), 2),
        (
            artifact(ArtifactProblem::ManifestFields {
                file: "manifest.json",
                version: 1,
                reason: s("missing field"),
            }),
            2,
        ),
        (artifact(ArtifactProblem::Unlisted { manifest: "manifest.json", file: s("w") }), 2),
        (artifact(ArtifactProblem::HashMismatch { manifest: "manifest.json", file: s("w") }), 2),
        (artifact(ArtifactProblem::Corrupt { file: "model.json", reason: s("eof") }), 2),
        (
            PipelineError::Write {
                path: s("/out"),
                source: io::Error::from(io::ErrorKind::PermissionDenied),
            },
            1,
        ),
        (PipelineError::Serialise { source: serde_error() }, 1),
        (PipelineError::OutcomeMismatch { has: "a survival", needs: "a binary or multiclass" }, 2),
        (SequenceError::ZeroSteps.into(), 2),
        (
            ImageTaskError::Read(osler_imaging::ImagingError::Empty { path: "a.dcm".into() })
                .into(),
            2,
        ),
        (
            ImageTaskError::WrongSize {
                path: "a.png".into(),
                rows: 32,
                columns: 32,
                expected_rows: 28,
                expected_columns: 28,
            }
            .into(),
            2,
        ),
        (
            ImageTaskError::WrongChannels { path: "a.png".into(), channels: 3, expected: 1 }.into(),
            2,
        ),
        (ImageTaskError::MultiFrame { path: "a.dcm".into(), frames: 10 }.into(), 2),
        (ImageTaskError::NoInput.into(), 2),
        (ImageTaskError::Dataset { path: "d.npz".into(), reason: s("label 2") }.into(), 2),
        (ImageTaskError::UnknownDataset { name: s("chestmnist") }.into(), 2),
        (ImageTaskError::ImageSizeTooSmall { size: 20, side: 28 }.into(), 2),
        (ImageTaskError::NotAnImageArtifact.into(), 2),
        (SequenceError::NoPatients { source_name: s("v.csv") }.into(), 2),
        (SequenceError::NotASequenceModel { model: "gbdt" }.into(), 2),
        (SequenceError::NotASequenceArtifact.into(), 2),
        (
            SequenceError::ColumnTwice { column: s("day"), role: "visit time", other: "outcome" }
                .into(),
            2,
        ),
    ]
}

#[test]
fn every_pipeline_error_variant_has_its_exit_code_and_a_flag_free_library_message() {
    let all = every_pipeline_error();
    let mut seen: Vec<usize> = all.iter().map(|(e, _)| pipeline_variant(e)).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..PIPELINE_VARIANTS).collect::<Vec<_>>(), "each variant listed once");
    for (e, code) in all {
        let what = format!("{e:?}");
        let fact = e.to_string();
        assert!(!fact.is_empty() && !fact.contains("--"), "{what}: {fact}");
        let cli = CliError::from(e);
        assert_eq!(cli.code, code, "{what}");
        assert!(!cli.message.is_empty(), "{what}");
    }
}

/// The CLI's wording of the errors it can name an option for: the messages
/// `osler` printed when the library spelled the flags itself.
#[test]
fn the_cli_names_the_option_that_fixes_the_error() {
    let tau = TimeOption::Tau;
    let horizon = TimeOption::Horizon;
    let cases = [
        (PipelineError::NoOutcome, "no outcome given: use --target COLUMN"),
        (
            PipelineError::LevelAbsent { level: s("Z"), column: s("y"), seen: levels() },
            "--levels: 'Z' is not a value of outcome 'y' (values: A, B, C)",
        ),
        (PipelineError::CvFolds { folds: 1 }, "--cv must be 0 (no cross-validation) or at least 2"),
        (
            PipelineError::EventCodedOneTwo { source_name: s("d.csv"), column: s("status") },
            "d.csv: event column 'status' is coded 1/2 (R's 1 = censored, 2 = event?); say which \
             value is the event with --event-level",
        ),
        (
            PipelineError::EventNotBinary {
                source_name: s("d.csv"),
                column: s("e"),
                values: levels(),
            },
            "d.csv: event column 'e' has values A, B, C; it must be 0/1, or say which value is \
             the event with --event-level",
        ),
        (
            PipelineError::PredictionTime { time: -2.0 },
            "--times must be finite and non-negative, got -2",
        ),
        (
            PipelineError::ArtifactExists { path: s("m") },
            "m already exists; choose another --out or pass --force to replace it",
        ),
        (
            artifact(ArtifactProblem::NotFound),
            "artifact m: not found (expected a directory written by `osler train --out`)",
        ),
        (
            treatment(TreatmentError::TimeOptionsOnBinary),
            "--tau and --horizon apply to survival outcomes (--time/--event), not to a binary \
             --outcome",
        ),
        (treatment(TreatmentError::TooFewFolds { folds: 1 }), "--folds must be at least 2, got 1"),
        (treatment(TreatmentError::NoGroups), "--groups must be at least 1"),
        (
            treatment(TreatmentError::TooManyArms { column: s("arm"), levels: levels() }),
            "arm column 'arm' has 3 levels (A, B, C); osler treatment compares exactly two arms: \
             keep the rows of two of them",
        ),
        (
            treatment(TreatmentError::ReferenceAbsent {
                reference: s("maybe"),
                column: s("horTh"),
                levels: vec![s("no"), s("yes")],
            }),
            "--control/--reference 'maybe' is not a level of arm column 'horTh' (levels: no, \
             yes)",
        ),
        (
            treatment(TreatmentError::ControlAmbiguous {
                column: s("arm"),
                levels: vec![s("placebo"), s("usual care")],
            }),
            "arm column 'arm' has levels placebo and usual care: neither is recognisably the \
             control arm (0 of 0/1, no of no/yes, false of false/true, or control, placebo, \
             standard, none or usual care against another level); name the control level with \
             --control placebo or --control 'usual care'",
        ),
        (
            treatment(TreatmentError::TimeNotPositive { option: horizon, time: -1.0 }),
            "--horizon must be a positive time, got -1",
        ),
        (
            treatment(TreatmentError::TimeBeyondFollowUp {
                option: tau,
                time: 3000.0,
                arm: s("no"),
                last: 2563.0,
                limit: 2563.0,
            }),
            "--tau 3000 is beyond the last follow-up time of arm 'no' (2563): the restricted mean \
             is not estimated there (survRM2::rmst2 refuses such a tau; R survival would silently \
             carry the last value forward); use --tau <= 2563",
        ),
    ];
    for (e, want) in cases {
        let cli = CliError::from(e);
        assert_eq!((cli.code, cli.message.as_str()), (2, want));
    }
}

#[test]
fn analysis_errors_reach_the_pipeline_wording() {
    let cases = [
        (AnalysisError::Pipeline(PipelineError::NoOutcome), 2),
        (AnalysisError::Data(osler_data::DataError::NoPredictors), 2),
        (
            AnalysisError::Eval(osler_pipeline::api::estimators::EvalError::LengthMismatch {
                what: "p",
                y: 1,
                other: 2,
            }),
            2,
        ),
        (AnalysisError::MissingColumn { source_name: s("d.csv"), column: s("g") }, 2),
        (
            AnalysisError::MissingLabel {
                source_name: s("d.csv"),
                location: s("line 2"),
                column: s("g"),
            },
            2,
        ),
        (AnalysisError::ScoreNotNumeric { source_name: s("d.csv"), column: s("p") }, 2),
        (AnalysisError::MissingScore { source_name: s("d.csv"), line: 2, column: s("p") }, 2),
        (
            AnalysisError::NotProbability {
                source_name: s("d.csv"),
                location: s("line 2"),
                column: s("surv_5"),
                value: 1.5,
            },
            2,
        ),
        (AnalysisError::NoCovariates, 2),
        (AnalysisError::Model { source: ModelError::Empty, names: vec![] }, 2),
        (AnalysisError::Pipeline(PipelineError::Serialise { source: serde_error() }), 1),
    ];
    for (e, code) in cases {
        // No wildcard: a new variant must be added to the cases above.
        match &e {
            AnalysisError::Pipeline(_)
            | AnalysisError::Data(_)
            | AnalysisError::Eval(_)
            | AnalysisError::MissingColumn { .. }
            | AnalysisError::MissingLabel { .. }
            | AnalysisError::ScoreNotNumeric { .. }
            | AnalysisError::MissingScore { .. }
            | AnalysisError::NotProbability { .. }
            | AnalysisError::NoCovariates
            | AnalysisError::Model { .. } => {}
        }
        let what = format!("{e:?}");
        assert!(!e.to_string().contains("--"), "{what}");
        assert_eq!(CliError::from(e).code, code, "{what}");
    }
    let e = CliError::from(AnalysisError::Pipeline(PipelineError::CvFolds { folds: 1 }));
    assert_eq!(e.message, "--cv must be 0 (no cross-validation) or at least 2");
}
