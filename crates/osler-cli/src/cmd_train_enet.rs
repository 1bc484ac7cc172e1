//! `osler train --model enet`: elastic-net logistic regression for wide data
//! (gene expression), its options, JSON fields and report section.

use clap::{Args, ValueEnum};

use osler_models::selection::{Prefilter, PrefilterMethod};
use osler_pipeline::enet::{EnetModel, EnetSpec, LambdaRule};
use osler_pipeline::summary::feature_name;
use osler_pipeline::{Artifact, ModelSpec};
use osler_report::{Plot, Section, Table, bar_chart_horizontal, fmt_num};

use crate::CliError;
use crate::cmd_train::TrainArgs;

/// `--lambda-rule`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LambdaRuleArg {
    /// Smallest mean CV deviance (cv.glmnet `lambda.min`).
    Min,
    /// Largest penalty within one SE of it (`lambda.1se`; sparser).
    #[value(name = "1se")]
    OneSe,
}

/// `--prefilter`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrefilterArg {
    /// Largest variance (ignores the outcome).
    Variance,
    /// Largest |t| of the two-sample t test.
    Ttest,
    /// Largest one-way ANOVA F.
    Ftest,
    /// Largest univariate Cox score statistic (survival).
    Cox,
}

/// Options of the penalised models for wide data (`enet`, `coxnet`).
#[derive(Args, Debug, Clone)]
pub struct EnetArgs {
    /// enet, coxnet: which cross-validated penalty to use.
    #[arg(long, value_enum, default_value = "min")]
    pub lambda_rule: LambdaRuleArg,
    /// enet, coxnet: folds of the inner CV that chooses the penalty on the training rows.
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub inner_cv: usize,
    /// enet: keep only the `--keep` features with the largest univariate
    /// statistic, chosen inside each training fold (so it cannot leak).
    #[arg(long, value_enum, requires = "keep")]
    pub prefilter: Option<PrefilterArg>,
    /// enet: features kept by `--prefilter`.
    #[arg(long, value_name = "K")]
    pub keep: Option<usize>,
    /// enet: stability selection over this many half-size subsamples of the
    /// training rows (0 = off); gives each feature's selection frequency.
    #[arg(long, value_name = "B", default_value_t = 0)]
    pub stability: usize,
}

/// The model spec of `--model enet`.
pub fn enet_spec(a: &TrainArgs) -> Result<ModelSpec, CliError> {
    if !(0.0..=1.0).contains(&a.alpha) {
        return Err(CliError::user(format!("--alpha must lie in [0, 1], got {}", a.alpha)));
    }
    if a.lambda.is_some_and(|l| !(l.is_finite() && l > 0.0)) {
        return Err(CliError::user("--lambda must be a positive number"));
    }
    let e = &a.enet;
    if e.inner_cv < 2 {
        return Err(CliError::user(format!("--inner-cv must be at least 2, got {}", e.inner_cv)));
    }
    let prefilter = prefilter(e, false)?;
    Ok(ModelSpec::Enet(EnetSpec {
        alpha: a.alpha,
        lambda: a.lambda,
        rule: lambda_rule(e),
        inner_folds: e.inner_cv,
        prefilter,
        stability: e.stability,
        seed: a.seed,
    }))
}

/// `--lambda-rule`.
pub fn lambda_rule(e: &EnetArgs) -> LambdaRule {
    match e.lambda_rule {
        LambdaRuleArg::Min => LambdaRule::Min,
        LambdaRuleArg::OneSe => LambdaRule::OneSe,
    }
}

/// `--prefilter METHOD --keep K` (`survival`: for the Cox model).
pub fn prefilter(e: &EnetArgs, survival: bool) -> Result<Option<Prefilter>, CliError> {
    let method = match (e.prefilter, e.keep) {
        (Some(_), Some(0)) => return Err(CliError::user("--keep must be at least 1")),
        (None, Some(_)) => return Err(CliError::user("--keep needs --prefilter")),
        (None, None) => return Ok(None),
        (Some(m), _) => m,
    };
    let method = match (method, survival) {
        (PrefilterArg::Variance, _) => PrefilterMethod::Variance,
        (PrefilterArg::Ttest, false) => PrefilterMethod::TTest,
        (PrefilterArg::Ftest, false) => PrefilterMethod::FTest,
        (PrefilterArg::Cox, true) => PrefilterMethod::CoxScore,
        (PrefilterArg::Cox, false) => {
            return Err(CliError::user(
                "--prefilter cox needs a survival outcome; use ttest, ftest or variance",
            ));
        }
        (_, true) => {
            return Err(CliError::user(
                "a survival model is pre-filtered by --prefilter cox (univariate Cox score) or variance",
            ));
        }
    };
    Ok(e.keep.map(|keep| Prefilter { method, keep }))
}

/// One-line description for the report header.
pub fn description(m: &EnetModel) -> String {
    let nz = m.model.coefficients().iter().filter(|&&b| b != 0.0).count();
    let choice = match m.rule {
        Some(LambdaRule::Min) => "lambda.min of the inner CV",
        Some(LambdaRule::OneSe) => "lambda.1se of the inner CV",
        None => "fixed lambda",
    };
    format!(
        "elastic-net logistic regression (glmnet binomial), alpha {}, lambda {} ({choice}); {nz} of {} features selected",
        fmt_num(m.alpha, 2),
        fmt_num(m.lambda, 4),
        m.model.coefficients().len()
    )
}

/// The report's model section: selected features, coefficient path, CV
/// curve and selection frequencies.
pub fn report_section(s: &mut Section, art: &Artifact, m: &EnetModel) {
    let names = &art.manifest.feature_names;
    let rows = m.selected(names);
    let mut t = Table::new(["feature", "coef", "odds ratio", "selection frequency"])
        .numeric_columns([1, 2, 3]);
    for (name, coef, f) in rows.iter().take(60) {
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
    let mut order: Vec<usize> = (0..p.features.len()).collect();
    let peak: Vec<f64> = (0..p.features.len())
        .map(|k| p.coefs.iter().map(|c| c[k].abs()).fold(0.0, f64::max))
        .collect();
    order.sort_by(|&a, &b| peak[b].total_cmp(&peak[a]));
    let mut plot = Plot::new("Coefficient path")
        .x_label("log10(lambda)")
        .y_label("coefficient (log-odds per unit)")
        .legend(order.len() <= 12);
    for &k in order.iter().take(20) {
        let pts: Vec<(f64, f64)> =
            p.lambdas.iter().zip(&p.coefs).map(|(&l, c)| (log(l), c[k])).collect();
        plot = plot.line(feature_name(names, p.features[k]), &pts);
    }
    let (lo, hi) =
        p.coefs.iter().flatten().fold((0.0f64, 0.0f64), |(a, b), &v| (a.min(v), b.max(v)));
    plot = plot.reference_line("chosen lambda", (log(m.lambda), lo), (log(m.lambda), hi));
    s.figure(plot.render(), "Coefficients along the penalty path (largest penalty on the right), for the 20 features that reach the largest |coefficient|; the vertical line marks the model's penalty.");
    if let Some(cv) = &m.cv {
        let pts: Vec<osler_report::ErrorPoint> = cv
            .lambdas
            .iter()
            .zip(cv.cvm.iter().zip(&cv.cvsd))
            .map(|(&l, (&mean, &sd))| osler_report::ErrorPoint {
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
        top.truncate(30);
        let labels: Vec<String> = top.iter().map(|&(j, _)| feature_name(names, j)).collect();
        let values: Vec<f64> = top.iter().map(|&(_, f)| f).collect();
        s.figure(
            bar_chart_horizontal("Selection frequency", &labels, &values, "max frequency over the penalty path"),
            format!("Stability selection (Meinshausen & Bühlmann 2010): the fraction of {} subsamples of {} rows in which each feature enters the model, maximised over the penalty path; 30 most frequent features. On average {:.1} features entered somewhere on the path.", st.subsamples, st.subsample_size, st.mean_union),
        );
    }
}
