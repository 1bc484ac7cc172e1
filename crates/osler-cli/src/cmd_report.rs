//! `osler report`: one self-contained HTML file describing an artifact,
//! composed by `osler_report::artifact_report`.

use std::path::{Path, PathBuf};

use clap::Args;

use osler_pipeline::api::Artifact;
use osler_report::ReportError;

use crate::output::write_atomic;
use crate::{CliError, CliResult};

#[derive(Args)]
pub struct ReportArgs {
    /// Artifact directory written by `osler train`.
    pub artifact: PathBuf,
    /// HTML file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub fn report(a: ReportArgs) -> CliResult {
    let art = Artifact::load(&a.artifact)?;
    write_report(&art, &a.artifact, &a.out)
}

/// Renders the report of `art` (found at `dir`) into `out`.
pub fn write_report(art: &Artifact, dir: &Path, out: &Path) -> CliResult {
    let html = osler_report::artifact_report(art, dir)?;
    write_atomic(out, html.as_bytes())
}

/// Every report error comes from the artifact's contents (bad input, exit
/// code 2) except a failing bin interval, which valid counts never give.
impl From<ReportError> for CliError {
    fn from(e: ReportError) -> Self {
        let code = match e {
            ReportError::Metric { .. }
            | ReportError::MissingSurvivalPredictions
            | ReportError::KaplanMeier { .. } => 2,
            ReportError::BinInterval { .. } => 1,
        };
        CliError { code, message: e.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use osler_pipeline::api::estimators::{BinomialError, EvalError, ModelError};
    use osler_report::ReportError;

    use crate::CliError;

    #[test]
    fn every_report_error_maps_to_its_exit_code() {
        let cases = [
            (ReportError::Metric { figure: "ROC curve", source: EvalError::ZeroBins }, 2),
            (ReportError::MissingSurvivalPredictions, 2),
            (ReportError::KaplanMeier { group: "high risk", source: ModelError::Empty }, 2),
            (ReportError::BinInterval { bin: 3, source: BinomialError::NoTrials }, 1),
        ];
        for (e, code) in cases {
            let message = e.to_string();
            let cli = CliError::from(e);
            assert_eq!(cli.code, code, "{message}");
            assert_eq!(cli.message, message);
        }
    }
}
