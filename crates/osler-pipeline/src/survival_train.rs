//! Survival models through the same pipeline as classifiers: preparation,
//! cross-validation with in-fold preprocessing, final fit.

use osler_data::{Matrix, Preprocessor, Schema, SplitMix64, Table};
use osler_eval::survival::{CensoringConvention, harrell_c, integrated_brier_score, uno_c};

use crate::cv::{CvSummary, OutOfFold, repeated_folds, summarize};
use crate::cv_bootstrap::{CvProgress, bootstrap_folds};
use crate::error::PipelineError;
use crate::model::FittedModel;
use crate::outcome::Outcome;
use crate::prepare::{DataSpec, Prepared};
use crate::survival_data::{SurvivalOutcome, SurvivalSpec, survival_outcome};
use crate::train::{TrainSpec, fit_preprocessing, timed_cv, timed_fit};

/// Metrics of a survival model, in this order.
pub const SURVIVAL_METRICS: [&str; 3] = ["harrell_c", "uno_c", "integrated_brier"];

/// Quantiles of the follow-up times that form the integrated-Brier-score grid.
const GRID_QUANTILES: [f64; 8] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

/// Conforms `table` and resolves the survival outcome and the predictors
/// (default: every feature-role column other than the outcome columns).
pub fn prepare_survival(
    table: Table,
    mut schema: Schema,
    data: &DataSpec,
    surv: &SurvivalSpec,
) -> Result<Prepared, PipelineError> {
    let mut outcome_cols: Vec<String> = vec![surv.time.clone(), surv.event.clone()];
    outcome_cols.extend(surv.start.clone());
    let mut required: Vec<&str> = outcome_cols.iter().map(String::as_str).collect();
    required.extend(data.group.as_deref());
    // As in `prepare`: the saved schema lists every column it covers.
    schema.expand_defaults(&table);
    schema.ignore(&data.dropped(&required));
    let table = schema.conform(table, &required, false)?;
    for c in &mut schema.columns {
        if c.name == surv.time || surv.start.as_deref() == Some(c.name.as_str()) {
            c.role = osler_data::Role::Time;
        } else if c.name == surv.event {
            c.role = osler_data::Role::Event;
        } else if data.group.as_deref() == Some(c.name.as_str()) {
            c.role = osler_data::Role::Group;
        }
    }
    let outcome = survival_outcome(&table, &schema, surv)?;
    outcome.require_events(&table, surv)?;
    let mut drop = data.drop.clone();
    drop.extend(outcome_cols.iter().cloned());
    let features = match &data.features {
        Some(f) => {
            if let Some(bad) = f.iter().find(|c| outcome_cols.contains(c)) {
                return Err(PipelineError::SurvivalOutcomeAsPredictor { column: bad.clone() });
            }
            osler_data::target::select_features(&table, &schema, &surv.time, Some(f), &data.drop)?
        }
        None => osler_data::target::select_features(&table, &schema, &surv.time, None, &drop)?,
    };
    let groups = crate::prepare::group_labels(&table, data.group.as_deref())?;
    Ok(Prepared {
        table,
        schema,
        target: surv.time.clone(),
        features,
        outcome: Outcome::Survival(outcome),
        groups,
        survival: Some(surv.clone()),
    })
}

/// Preprocessing and a survival model fitted on some rows.
#[derive(Debug, Clone)]
pub struct FittedSurvival {
    /// Imputation and encoding (with missing indicators), fitted on the same rows as the model.
    pub preprocessor: Preprocessor,
    /// The fitted survival estimator.
    pub model: FittedModel,
    /// Seconds spent in the estimator's fit alone (preprocessing excluded).
    pub model_seconds: f64,
}

impl FittedSurvival {
    fn design(&self, data: &Prepared, rows: &[usize]) -> Result<Matrix, PipelineError> {
        Ok(self.preprocessor.transform(&data.table, Some(rows))?)
    }
}

/// Fits preprocessing then the survival model on `rows` only.
pub fn fit_survival_on_rows(
    data: &Prepared,
    spec: &TrainSpec,
    rows: &[usize],
) -> Result<FittedSurvival, PipelineError> {
    let (_, outcome) = data.survival()?;
    let (preprocessor, x, names) =
        fit_preprocessing(&data.table, &data.schema, &data.features, spec, rows)?;
    let outcome = outcome.select(rows);
    let (model, model_seconds) = timed_fit(spec, &names, || spec.model.fit_survival(&x, &outcome))?;
    Ok(FittedSurvival { preprocessor, model, model_seconds })
}

/// The integrated-Brier-score grid: the 10%, 20%, ..., 80% quantiles of the
/// observed follow-up times (censored or not), so the grid spans the follow-up.
pub fn eval_grid(outcome: &SurvivalOutcome) -> Vec<f64> {
    let mut t: Vec<f64> = outcome.time.clone();
    t.sort_by(f64::total_cmp);
    let mut grid: Vec<f64> =
        GRID_QUANTILES.iter().filter_map(|q| osler_eval::quantile_linear(&t, *q)).collect();
    grid.dedup();
    grid
}

/// Harrell's C, Uno's C (censoring weights at T-, no tau) and the integrated
/// Brier score over `grid` (restricted to the data's follow-up range) of
/// risk scores and survival predictions; undefined metrics are NaN.
pub fn survival_metrics(
    time: &[f64],
    event: &[bool],
    risk: &[f64],
    surv: &Matrix,
    grid: &[f64],
) -> Vec<f64> {
    let conv = CensoringConvention::LeftLimit;
    let c = harrell_c(time, event, risk).map_or(f64::NAN, |c| c.c);
    let u = uno_c(time, event, risk, None, conv).map_or(f64::NAN, |c| c.c);
    let (lo, hi) =
        time.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &t| (a.min(t), b.max(t)));
    let keep: Vec<usize> = (0..grid.len()).filter(|&k| grid[k] >= lo && grid[k] < hi).collect();
    let ibs = if keep.len() >= 2 {
        let times: Vec<f64> = keep.iter().map(|&k| grid[k]).collect();
        let cols: Vec<Vec<f64>> = keep.iter().map(|&k| surv.col(k).to_vec()).collect();
        Matrix::from_columns(&cols)
            .ok()
            .and_then(|m| integrated_brier_score(time, event, &m, &times, conv).ok())
            .map_or(f64::NAN, |b| b.ibs)
    } else {
        f64::NAN
    };
    vec![c, u, ibs]
}

/// Result of a survival training run.
pub struct SurvivalOutcomeRun {
    /// The final pipeline, fitted on all rows.
    pub fitted: FittedSurvival,
    /// Cross-validation summary and out-of-fold predictions; `None` without CV.
    pub cv: Option<(CvSummary, OutOfFold)>,
    /// Seconds spent in the final model's estimator fit (preprocessing and CV excluded).
    pub fit_seconds: f64,
    /// Wall-clock seconds spent in cross-validation.
    pub cv_seconds: f64,
}

/// Cross-validates (stratified by event; grouped with `--group`), then fits on all rows.
pub fn train_survival(
    data: &Prepared,
    spec: &TrainSpec,
    on_fold: &mut dyn CvProgress,
) -> Result<SurvivalOutcomeRun, PipelineError> {
    data.survival()?;
    let (cv, cv_seconds) = timed_cv(spec, || cross_validate_survival(data, spec, on_fold))?;
    let all: Vec<usize> = (0..data.outcome.len()).collect();
    let fitted = fit_survival_on_rows(data, spec, &all)?;
    Ok(SurvivalOutcomeRun { fit_seconds: fitted.model_seconds, fitted, cv, cv_seconds })
}

/// A test fold's outcomes and out-of-fold predictions.
struct FoldPredictions {
    time: Vec<f64>,
    event: Vec<bool>,
    risk: Vec<f64>,
    /// `S(t | x)` on the evaluation grid, one row per patient.
    surv: Matrix,
}

fn cross_validate_survival(
    data: &Prepared,
    spec: &TrainSpec,
    on_fold: &mut dyn CvProgress,
) -> Result<(CvSummary, OutOfFold), PipelineError> {
    let (k, repeats) = (spec.cv_folds, spec.cv_repeats.max(1));
    let cv_spec = TrainSpec { model: spec.model.for_cv(), ..spec.clone() };
    let spec = &cv_spec;
    let (_, o) = data.survival()?;
    let n = o.time.len();
    let grid = eval_grid(o);
    let mut rng = SplitMix64::new(spec.seed);
    let mut risk_sum = vec![0.0; n];
    let mut surv_sum = vec![vec![0.0; grid.len()]; n];
    let mut per_fold: Vec<Vec<f64>> = Vec::new();
    let mut fold_data: Vec<FoldPredictions> = Vec::new();
    let first_fold = repeated_folds(
        &o.event,
        data.groups.as_deref(),
        k,
        repeats,
        &mut rng,
        |_, train, test| {
            let fitted = fit_survival_on_rows(data, spec, train)?;
            let x = fitted.design(data, test)?;
            let risk = fitted.model.risk(&x).map_err(|e| PipelineError::model("predict", e))?;
            let surv =
                fitted.model.survival(&x, &grid).map_err(|e| PipelineError::model("predict", e))?;
            let time: Vec<f64> = test.iter().map(|&i| o.time[i]).collect();
            let event: Vec<bool> = test.iter().map(|&i| o.event[i] == 1.0).collect();
            per_fold.push(survival_metrics(&time, &event, &risk, &surv, &grid));
            for (r, (&i, &v)) in test.iter().zip(&risk).enumerate() {
                risk_sum[i] += v;
                for (k, acc) in surv_sum[i].iter_mut().enumerate() {
                    *acc += surv.get(r, k);
                }
            }
            fold_data.push(FoldPredictions { time, event, risk, surv });
            on_fold.fold_done();
            Ok(())
        },
    )?;
    let risk: Vec<f64> = risk_sum.iter().map(|s| s / repeats as f64).collect();
    let event: Vec<bool> = o.event.iter().map(|&e| e == 1.0).collect();
    // Pooled risk scores are comparable across folds only for the rank metrics.
    let pooled = vec![
        harrell_c(&o.time, &event, &risk).map_or(f64::NAN, |c| c.c),
        uno_c(&o.time, &event, &risk, None, CensoringConvention::LeftLimit)
            .map_or(f64::NAN, |c| c.c),
        f64::NAN,
    ];
    let sizes: Vec<usize> = fold_data.iter().map(|f| f.time.len()).collect();
    let draws = bootstrap_folds(
        &sizes,
        SURVIVAL_METRICS.len(),
        spec.bootstrap,
        rng.fork(),
        on_fold,
        |f, idx, _: &mut ()| {
            let FoldPredictions { time: t, event: e, risk: r, surv: s } = &fold_data[f];
            let tb: Vec<f64> = idx.iter().map(|&i| t[i]).collect();
            let eb: Vec<bool> = idx.iter().map(|&i| e[i]).collect();
            let rb: Vec<f64> = idx.iter().map(|&i| r[i]).collect();
            Some(survival_metrics(&tb, &eb, &rb, &s.select_rows(idx), &grid))
        },
    );
    let metrics = summarize(&SURVIVAL_METRICS, &per_fold, &pooled, draws, spec.bootstrap);
    let summary = CvSummary {
        eval_times: Some(grid),
        ..CvSummary::new(spec, data.groups.is_some(), metrics)
    };
    let survival = surv_sum
        .into_iter()
        .map(|row| row.into_iter().map(|v| v / repeats as f64).collect())
        .collect();
    let oof = OutOfFold {
        time: Some(o.time.clone()),
        survival: Some(survival),
        ..OutOfFold::new(o.event.clone(), risk, first_fold)
    };
    Ok((summary, oof))
}
