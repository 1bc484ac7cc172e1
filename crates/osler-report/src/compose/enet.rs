//! The elastic-net logistic model in the report: its one-line description
//! and its model section (selected features, coefficient path, inner CV
//! curve, stability selection).

use osler_pipeline::enet::{EnetModel, LambdaRule};

use super::shared::{descending, feature_name};
use crate::{ErrorPoint, Plot, Section, Table, bar_chart_horizontal, fmt_num};

/// Rows of the selected-feature table shown at most.
const TABLE_ROWS: usize = 60;
/// Features drawn in the coefficient path.
const PATH_LINES: usize = 20;
/// The path's legend is drawn only up to this many features.
const PATH_LEGEND_MAX: usize = 12;
/// Features in the selection-frequency chart.
const FREQUENCY_BARS: usize = 30;

/// One line describing the fitted model and how its penalty was chosen.
pub(crate) fn description(m: &EnetModel) -> String {
    let nz = m.model.coefficients().iter().filter(|&&b| b != 0.0).count();
    let choice = match m.penalty.rule {
        Some(LambdaRule::Min) => "lambda.min of the inner CV",
        Some(LambdaRule::OneSe) => "lambda.1se of the inner CV",
        None => "fixed lambda",
    };
    format!(
        "elastic-net logistic regression (glmnet binomial), alpha {}, lambda {} ({choice}); {nz} of {} features selected",
        fmt_num(m.penalty.alpha, 2),
        fmt_num(m.penalty.lambda, 4),
        m.model.coefficients().len()
    )
}

/// The model section: selected features, coefficient path, inner CV curve
/// and selection frequencies. `names` are the artifact's feature names.
pub(crate) fn model_section(s: &mut Section, names: &[String], m: &EnetModel) {
    let rows = m.selected(names);
    let mut t = Table::new(["feature", "coef", "odds ratio", "selection frequency"])
        .numeric_columns([1, 2, 3]);
    for (name, coef, f) in rows.iter().take(TABLE_ROWS) {
        t = t.row([
            name.clone(),
            fmt_num(*coef, 4),
            fmt_num(coef.exp(), 4),
            f.map_or("—".into(), |v| fmt_num(v, 2)),
        ]);
    }
    s.table(t.caption(format!(
        "{} features with non-zero coefficients at the chosen penalty (largest |coef| first, at most 60 shown); coefficients are log-odds per unit of each input. Penalised estimates are shrunk towards 0 and have no Wald SEs.",
        rows.len()
    )));
    let log = |l: f64| l.log10();
    // Coefficient path of the features with the largest |coef| anywhere.
    let p = &m.path;
    let peak: Vec<f64> = (0..p.features.len())
        .map(|k| p.coefs.iter().filter_map(|c| c.get(k)).fold(0.0f64, |a, v| a.max(v.abs())))
        .collect();
    let order = descending(&peak);
    let mut plot = Plot::new("Coefficient path")
        .x_label("log10(lambda)")
        .y_label("coefficient (log-odds per unit)")
        .legend(order.len() <= PATH_LEGEND_MAX);
    for &k in order.iter().take(PATH_LINES) {
        let pts: Vec<(f64, f64)> = p
            .lambdas
            .iter()
            .zip(&p.coefs)
            .filter_map(|(&l, c)| Some((log(l), *c.get(k)?)))
            .collect();
        plot = plot.line(feature_name(names, p.features[k]), &pts);
    }
    let (lo, hi) =
        p.coefs.iter().flatten().fold((0.0f64, 0.0f64), |(a, b), &v| (a.min(v), b.max(v)));
    plot = plot.reference_line(
        "chosen lambda",
        (log(m.penalty.lambda), lo),
        (log(m.penalty.lambda), hi),
    );
    s.figure(plot.render(), "Coefficients along the penalty path (largest penalty on the right), for the 20 features that reach the largest |coefficient|; the vertical line marks the model's penalty.");
    if let Some(cv) = &m.penalty.cv {
        let pts: Vec<ErrorPoint> = cv
            .lambdas
            .iter()
            .zip(cv.cvm.iter().zip(&cv.cvsd))
            .map(|(&l, (&mean, &sd))| ErrorPoint {
                x: log(l),
                y: mean,
                lo: mean - sd,
                hi: mean + sd,
            })
            .collect();
        let (ylo, yhi) = pts
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), e| (a.min(e.lo), b.max(e.hi)));
        let plot = Plot::new("Inner cross-validation")
            .x_label("log10(lambda)")
            .y_label("binomial deviance (held out)")
            .points_with_error_bars("mean ± SE", &pts)
            .reference_line("lambda.min", (log(cv.lambda_min), ylo), (log(cv.lambda_min), yhi))
            .reference_line("lambda.1se", (log(cv.lambda_1se), ylo), (log(cv.lambda_1se), yhi));
        s.figure(plot.render(), format!("Mean held-out deviance ± 1 SE over {} inner folds of the final fit's training rows (cv.glmnet's curve).", cv.folds));
    }
    if let Some(st) = &m.stability {
        let mut top = st.by_frequency();
        top.truncate(FREQUENCY_BARS);
        let labels: Vec<String> = top.iter().map(|&(j, _)| feature_name(names, j)).collect();
        let values: Vec<f64> = top.iter().map(|&(_, f)| f).collect();
        s.figure(
            bar_chart_horizontal("Selection frequency", &labels, &values, "max frequency over the penalty path"),
            format!("Stability selection (Meinshausen & Bühlmann 2010): the fraction of {} subsamples of {} rows in which each feature enters the model, maximised over the penalty path; 30 most frequent features. On average {:.1} features entered somewhere on the path.", st.subsamples, st.subsample_size, st.mean_union),
        );
    }
}
