//! The command line's wording of library errors: the library states the fact,
//! this module adds the flag that fixes it and picks the exit code
//! (2 = bad input or usage, 1 = internal error, as the README says).

use osler_data::DataError;
use osler_data::source::SourceError;
use osler_pipeline::api::{
    ArtifactProblem, ImageTaskError, PipelineError, TimeOption, TreatmentError,
};

use crate::CliError;
use crate::model_errors::model_message;

/// The message for a data error, with the command-line option that fixes it
/// where there is one.
pub fn data_message(e: &DataError) -> String {
    let fact = e.to_string();
    match e {
        DataError::NotANumber { .. } => format!("{fact} (--schema)"),
        DataError::UnmatchedSamples(m) if m.shared == 0 => format!(
            "{fact}; choose another id column with --id, and a matrix with one row per gene \
             needs --transpose"
        ),
        DataError::UnmatchedSamples(_) => {
            format!("{fact}; pass --allow-unmatched to keep only the shared samples")
        }
        DataError::UnknownEventLevel { .. } | DataError::NoNonEvent { .. } => {
            format!("--positive: {fact}")
        }
        DataError::TooManyLevels { .. } => format!(
            "{fact}: keep two with --levels A,B or name the event level(s) with --positive \
             A[,B...] (the others become the non-event)"
        ),
        DataError::AmbiguousEvent { .. } => {
            format!("{fact}; say which one is the event with --positive")
        }
        DataError::NoPredictors => format!("{fact} (see --features and --drop)"),
        DataError::AmbiguousDecimal(_) => {
            format!("{fact}: give the file's mark with --decimal , or --decimal .")
        }
        _ => fact,
    }
}

/// The message for a data-loading error (see [`data_message`]).
pub fn source_message(e: &SourceError) -> String {
    match e {
        SourceError::Data(d) => data_message(d),
        _ => e.to_string(),
    }
}

/// The message for a pipeline error: the library's facts, worded with the
/// command-line options (`--target`, `--cv`, `--force`...) that fix them.
pub fn pipeline_message(e: &PipelineError) -> String {
    match e {
        PipelineError::Data(d) => data_message(d),
        PipelineError::NoOutcome => "no outcome given: use --target COLUMN".into(),
        PipelineError::LevelAbsent { .. } => format!("--levels: {e}"),
        PipelineError::CvFolds { .. } => {
            "--cv must be 0 (no cross-validation) or at least 2".into()
        }
        PipelineError::EventCodedOneTwo { .. } | PipelineError::EventNotBinary { .. } => {
            format!("{e} with --event-level")
        }
        PipelineError::PredictionTime { time } => {
            format!("--times must be finite and non-negative, got {time}")
        }
        PipelineError::ArtifactExists { path } => {
            format!("{path} already exists; choose another --out or pass --force to replace it")
        }
        PipelineError::Artifact { path, problem: ArtifactProblem::NotFound } => format!(
            "artifact {path}: not found (expected a directory written by `osler train --out`)"
        ),
        PipelineError::Treatment(t) => treatment_message(t),
        PipelineError::Image(ImageTaskError::ImageSizeTooSmall { .. }) => {
            format!("--image-size: {e}")
        }
        PipelineError::Model { context, source } => {
            format!("{context}: {}", model_message(source, &[]))
        }
        PipelineError::Fit { model, source, names } => {
            format!("fitting {model}: {}", model_message(source, names))
        }
        _ => e.to_string(),
    }
}

/// The message for a problem of `osler treatment`, with its options.
fn treatment_message(e: &TreatmentError) -> String {
    let flag = |o: &TimeOption| match o {
        TimeOption::Tau => "--tau",
        TimeOption::Horizon => "--horizon",
    };
    match e {
        TreatmentError::TimeOptionsOnBinary => "--tau and --horizon apply to survival outcomes \
                                                (--time/--event), not to a binary --outcome"
            .into(),
        TreatmentError::TooFewFolds { folds } => {
            format!("--folds must be at least 2, got {folds}")
        }
        TreatmentError::NoGroups => "--groups must be at least 1".into(),
        TreatmentError::TooManyArms { column, levels } => format!(
            "arm column '{column}' has {} levels ({}); osler treatment compares exactly two \
             arms: keep the rows of two of them",
            levels.len(),
            levels.join(", ")
        ),
        TreatmentError::ReferenceAbsent { reference, column, levels } => format!(
            "--control/--reference '{reference}' is not a level of arm column '{column}' \
             (levels: {})",
            levels.join(", ")
        ),
        TreatmentError::ControlAmbiguous { levels, .. } => format!(
            "{e} with {}",
            levels
                .iter()
                .map(|l| format!("--control {}", shell_word(l)))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        TreatmentError::TimeNotPositive { option, time } => {
            format!("{} must be a positive time, got {time}", flag(option))
        }
        TreatmentError::TimeBeyondFollowUp { option, time, arm, last, limit } => {
            let f = flag(option);
            format!(
                "{f} {time} is beyond the last follow-up time of arm '{arm}' ({last}): {} is not \
                 estimated there (survRM2::rmst2 refuses such a tau; R survival would silently \
                 carry the last value forward); use {f} <= {limit}",
                option.estimate()
            )
        }
        TreatmentError::Fit { step, source, names } => {
            format!("{step}: {}", model_message(source, names))
        }
        TreatmentError::BenefitFit { arm, fold, folds, patients, source, names } => format!(
            "benefit model for arm '{arm}' (fold {fold} of {folds}, {patients} patients): {}",
            model_message(source, names)
        ),
        _ => e.to_string(),
    }
}

/// `word` as one shell argument: quoted when it holds a space or a shell character.
fn shell_word(word: &str) -> String {
    if word.chars().all(|c| c.is_alphanumeric() || "-_.,/+=:@".contains(c)) && !word.is_empty() {
        word.into()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The exit code of an error that the user can (2) or cannot (1) fix.
pub fn exit_code(user_error: bool) -> u8 {
    if user_error { 2 } else { 1 }
}

impl From<DataError> for CliError {
    fn from(e: DataError) -> Self {
        CliError { code: exit_code(e.is_user_error()), message: data_message(&e) }
    }
}

impl From<SourceError> for CliError {
    fn from(e: SourceError) -> Self {
        CliError { code: exit_code(e.is_user_error()), message: source_message(&e) }
    }
}

impl From<PipelineError> for CliError {
    fn from(e: PipelineError) -> Self {
        CliError { code: exit_code(e.is_user_error()), message: pipeline_message(&e) }
    }
}

impl From<osler_pipeline::api::AnalysisError> for CliError {
    fn from(e: osler_pipeline::api::AnalysisError) -> Self {
        use osler_pipeline::api::AnalysisError;
        let message = match &e {
            AnalysisError::NoCovariates => "no covariates: give --covariates A,B,...".to_string(),
            AnalysisError::Data(d) => data_message(d),
            AnalysisError::Pipeline(p) => pipeline_message(p),
            AnalysisError::Model { source, names } => model_message(source, names),
            _ => e.to_string(),
        };
        CliError { code: exit_code(e.is_user_error()), message }
    }
}

impl From<osler_pipeline::api::estimators::EvalError> for CliError {
    fn from(e: osler_pipeline::api::estimators::EvalError) -> Self {
        CliError::user(e.to_string())
    }
}

#[cfg(test)]
mod pipeline_tests;

#[cfg(test)]
mod tests {
    use super::CliError;
    use osler_pipeline::api::AnalysisError;
    use std::io;
    use std::path::PathBuf;

    use osler_data::Role;
    use osler_data::error::{MixedMarks, PatientRows, SampleMismatch, SchemaProblem};
    use osler_data::matrix::ShapeError;

    use super::*;

    /// Position of a variant in [`every_data_error`]; no wildcard arm, so a
    /// new variant does not compile until it is listed there with its code.
    fn data_variant(e: &DataError) -> usize {
        match e {
            DataError::Io { .. } => 0,
            DataError::EmptyFile { .. } => 1,
            DataError::NoRows { .. } => 2,
            DataError::Csv { .. } => 3,
            DataError::DuplicateColumn { .. } => 4,
            DataError::Cell { .. } => 5,
            DataError::NotANumber { .. } => 6,
            DataError::MissingColumn { .. } => 7,
            DataError::UnknownColumn { .. } => 8,
            DataError::Json { .. } => 9,
            DataError::InvalidSchema { .. } => 10,
            DataError::UnknownDataset { .. } => 11,
            DataError::NoDatasetMetadata { .. } => 12,
            DataError::GeneColumnClash { .. } => 13,
            DataError::UnmatchedSamples(_) => 14,
            DataError::NothingToImpute { .. } => 15,
            DataError::TextWhereNumeric { .. } => 16,
            DataError::Shape(_) => 17,
            DataError::GroupLength { .. } => 18,
            DataError::TooFewFolds { .. } => 19,
            DataError::TooFewRows { .. } => 20,
            DataError::TooFewGroups { .. } => 21,
            DataError::SingleClass { .. } => 22,
            DataError::UnknownEventLevel { .. } => 23,
            DataError::TooManyLevels { .. } => 24,
            DataError::AmbiguousEvent { .. } => 25,
            DataError::NoNonEvent { .. } => 26,
            DataError::OutcomeAsPredictor { .. } => 27,
            DataError::NeverPredictor { .. } => 28,
            DataError::NoPredictors => 29,
            DataError::PatientIdMissing { .. } => 30,
            DataError::VisitTimeNotNumeric { .. } => 31,
            DataError::VisitTimeMissing { .. } => 32,
            DataError::DuplicateVisit(_) => 33,
            DataError::NotConstantPerPatient(_) => 34,
            DataError::AmbiguousDecimal(_) => 35,
        }
    }

    const DATA_VARIANTS: usize = 36;

    fn s(x: &str) -> String {
        x.to_string()
    }

    fn not_found() -> io::Error {
        io::Error::new(io::ErrorKind::NotFound, "gone")
    }

    fn patient_rows(column: &str) -> PatientRows {
        PatientRows {
            source_name: s("d.csv"),
            patient: s("7"),
            column: s(column),
            first: s("line 2"),
            second: s("line 5"),
        }
    }

    /// One error of every variant, with the exit code the CLI must give it.
    fn every_data_error() -> Vec<(DataError, u8)> {
        let src = || s("d.csv");
        let levels = || vec![s("a"), s("b")];
        vec![
            (DataError::Io { path: PathBuf::from("s.toml"), source: not_found() }, 2),
            (DataError::EmptyFile { source_name: src() }, 2),
            (DataError::NoRows { source_name: src() }, 2),
            (DataError::Csv { source_name: src(), line: 3, detail: s("bad quote") }, 2),
            (DataError::DuplicateColumn { source_name: src(), column: s("age") }, 2),
            (
                DataError::Cell {
                    source_name: src(),
                    location: s("line 4"),
                    column: s("age"),
                    problem: s("above the maximum"),
                },
                2,
            ),
            (
                DataError::NotANumber {
                    source_name: src(),
                    location: s("line 5"),
                    column: s("age"),
                    value: s("old"),
                    numeric: 9,
                    total: 10,
                },
                2,
            ),
            (DataError::MissingColumn { source_name: src(), column: s("y"), hint: s("") }, 2),
            (DataError::UnknownColumn { source_name: src(), column: s("z"), known: s("a, b") }, 2),
            (DataError::Json { source_name: src(), detail: s("not an array") }, 2),
            (
                DataError::InvalidSchema {
                    path: Some(PathBuf::from("s.json")),
                    problem: SchemaProblem::EmptyRange { column: s("age"), min: 5.0, max: 1.0 },
                },
                2,
            ),
            (DataError::UnknownDataset { name: s("nope"), hint: s(""), known: levels() }, 2),
            (DataError::NoDatasetMetadata { dataset: s("pima") }, 1),
            (DataError::GeneColumnClash { gene: s("age"), matrix: s("m.csv"), clinical: src() }, 2),
            (
                DataError::UnmatchedSamples(Box::new(SampleMismatch {
                    matrix: s("m.csv"),
                    matrix_samples: 2,
                    clinical: src(),
                    clinical_rows: 2,
                    shared: 1,
                    id_column: s("sample"),
                    missing_from_matrix: vec![s("01")],
                    missing_from_clinical: vec![s("04")],
                })),
                2,
            ),
            (DataError::NothingToImpute { column: s("age") }, 2),
            (DataError::TextWhereNumeric { column: s("age") }, 2),
            (DataError::Shape(ShapeError { column: 1, found: 2, expected: 3 }), 1),
            (DataError::GroupLength { groups: 2, rows: 3 }, 1),
            (DataError::TooFewFolds { folds: 1 }, 2),
            (DataError::TooFewRows { folds: 5, rows: 3 }, 2),
            (DataError::TooFewGroups { groups: 2, folds: 5 }, 2),
            (
                DataError::SingleClass {
                    source_name: src(),
                    column: s("y"),
                    level: s("1"),
                    rows: 9,
                },
                2,
            ),
            (DataError::UnknownEventLevel { column: s("y"), level: s("c"), levels: levels() }, 2),
            (DataError::TooManyLevels { column: s("y"), count: 3, shown: levels() }, 2),
            (DataError::AmbiguousEvent { column: s("y"), first: s("B"), second: s("M") }, 2),
            (DataError::NoNonEvent { column: s("y"), levels: levels() }, 2),
            (DataError::OutcomeAsPredictor { column: s("y") }, 2),
            (DataError::NeverPredictor { column: s("id"), role: Role::Id }, 2),
            (DataError::NoPredictors, 2),
            (
                DataError::PatientIdMissing {
                    source_name: src(),
                    location: s("line 2"),
                    column: s("id"),
                },
                2,
            ),
            (
                DataError::VisitTimeNotNumeric {
                    source_name: src(),
                    location: s("line 3"),
                    column: s("day"),
                },
                2,
            ),
            (
                DataError::VisitTimeMissing {
                    source_name: src(),
                    location: s("line 4"),
                    column: s("day"),
                    patient: s("7"),
                },
                2,
            ),
            (DataError::DuplicateVisit(Box::new(patient_rows("day"))), 2),
            (DataError::NotConstantPerPatient(Box::new(patient_rows("status"))), 2),
            (
                DataError::AmbiguousDecimal(Box::new(MixedMarks {
                    source_name: src(),
                    comma_column: s("mass"),
                    comma_line: 2,
                    point_column: s("pedigree"),
                    point_line: 3,
                })),
                2,
            ),
        ]
    }

    #[test]
    fn every_data_error_variant_has_its_exit_code_and_a_message() {
        let all = every_data_error();
        let mut seen: Vec<usize> = all.iter().map(|(e, _)| data_variant(e)).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..DATA_VARIANTS).collect::<Vec<_>>(), "each variant listed once");
        for (e, code) in all {
            let what = format!("{e:?}");
            let cli = CliError::from(e);
            assert_eq!(cli.code, code, "{what}");
            assert!(!cli.message.is_empty(), "{what}");
        }
    }

    #[test]
    fn every_source_error_variant_has_its_exit_code() {
        let cases = [
            (SourceError::Open { path: PathBuf::from("/no/such.csv"), source: not_found() }, 2),
            (SourceError::Read { source_name: s("<stdin>"), source: not_found() }, 2),
            (SourceError::JsonNotUtf8 { source_name: s("d.json") }, 2),
            (SourceError::Data(DataError::NoRows { source_name: s("d.csv") }), 2),
            (SourceError::Data(DataError::GroupLength { groups: 1, rows: 2 }), 1),
        ];
        for (e, code) in cases {
            // No wildcard: a new variant must be added to the cases above.
            match &e {
                SourceError::Open { .. }
                | SourceError::Read { .. }
                | SourceError::JsonNotUtf8 { .. }
                | SourceError::Data(_) => {}
            }
            let what = format!("{e:?}");
            assert_eq!(CliError::from(e).code, code, "{what}");
        }
    }

    #[test]
    fn library_facts_gain_the_flag_that_fixes_them() {
        let library_text: Vec<String> =
            every_data_error().iter().map(|(e, _)| e.to_string()).collect();
        assert!(library_text.iter().all(|m| !m.contains("--")), "{library_text:?}");
        let msg = |e: DataError| CliError::from(e).message;
        let too_many = DataError::TooManyLevels { column: s("y"), count: 6, shown: vec![s("a")] };
        let m = msg(too_many);
        assert!(
            m.contains("6 distinct values") && m.contains("--levels") && m.contains("--positive"),
            "{m}"
        );
        let unknown =
            DataError::UnknownEventLevel { column: s("y"), level: s("T9"), levels: vec![s("a")] };
        assert!(msg(unknown).starts_with("--positive: event level 'T9' is not a level"));
        let unmatched = |shared| {
            DataError::UnmatchedSamples(Box::new(SampleMismatch {
                matrix: s("m.csv"),
                matrix_samples: 1,
                clinical: s("c.csv"),
                clinical_rows: 1,
                shared,
                id_column: s("sample"),
                missing_from_matrix: vec![],
                missing_from_clinical: vec![],
            }))
        };
        assert!(msg(unmatched(1)).contains("--allow-unmatched"));
        let mixed = MixedMarks {
            source_name: s("d.csv"),
            comma_column: s("mass"),
            comma_line: 2,
            point_column: s("pedigree"),
            point_line: 3,
        };
        let m = msg(DataError::AmbiguousDecimal(Box::new(mixed)));
        assert!(
            m.contains("'mass'") && m.contains("'pedigree'") && m.contains("--decimal ,"),
            "{m}"
        );
        let m = msg(unmatched(0));
        assert!(m.contains("as text") && m.contains("--id") && m.contains("--transpose"), "{m}");
    }

    #[test]
    fn library_errors_map_to_flag_names_and_exit_code_2() {
        let e = CliError::from(AnalysisError::NoCovariates);
        assert_eq!((e.code, e.message.as_str()), (2, "no covariates: give --covariates A,B,..."));
        let open = osler_data::source::SourceError::Open {
            path: "/x.csv".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        let e = CliError::from(open);
        assert_eq!((e.code, e.message.as_str()), (2, "cannot read /x.csv: no such file"));
        let write = osler_pipeline::api::PipelineError::Write {
            path: "/out".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert_eq!(CliError::from(AnalysisError::Pipeline(write)).code, 1);
    }
}
