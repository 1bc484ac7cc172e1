//! Plain-text renderings of osler's typed results: the tables a terminal
//! front end prints, as strings, so every front end (the command line, a
//! service's text endpoint, a notebook) shows a result the same way.
//!
//! Each renderer takes the serialisable value a library analysis returns and
//! gives the complete text, one `\n`-terminated line per row:
//!
//! * survival analyses: [`km`], [`logrank`], [`cox`];
//! * a training run: [`training`];
//! * an artifact's predictions and metrics: [`predictions`], [`evaluation`];
//! * a two-arm trial: [`treatment`];
//! * prediction metrics: [`metrics`], [`metrics_with_intervals`], [`prediction_metrics`],
//!   [`survival_prediction_metrics`];
//! * the shipped datasets: [`dataset_list`], [`dataset`].
//!
//! Numbers use the table formatting of [`crate::format`] ([`fmt_num`](crate::fmt_num)
//! with a per-column number of significant digits, [`fmt_p`](crate::fmt_p)
//! for p-values in the style of R's `format.pval`), so the text and the HTML
//! reports agree digit for digit.

mod artifact_use;
mod dataset;
mod metrics;
mod survival;
mod survival_metrics;
mod training;
mod treatment;

pub use artifact_use::{evaluation, predictions};
pub use dataset::{dataset, dataset_list};
use metrics::metric_line;
pub use metrics::{metrics, metrics_with_intervals, prediction_metrics};
pub use survival::{cox, km, logrank};
pub use survival_metrics::survival_prediction_metrics;
pub use training::training;
pub use treatment::treatment;

/// A number as its JSON value prints (`432.0` for a whole number held as
/// floating point, `null` for NaN): the form earlier versions showed for
/// counts that the analyses hold as `f64` (weighted counts need not be whole).
pub fn json_num(x: f64) -> String {
    serde_json::Value::from(x).to_string()
}

#[cfg(test)]
mod tests {
    use super::json_num;

    #[test]
    fn json_num_prints_counts_as_json() {
        assert_eq!(json_num(432.0), "432.0");
        assert_eq!(json_num(2.5), "2.5");
        assert_eq!(json_num(f64::NAN), "null");
    }
}
