//! Every cross-validated interval contains the estimate it is an interval of
//! (the mean over folds), on several datasets, models, fold counts and seeds:
//! ECE's bootstrap replicates all sit above a small fold's ECE, so only its
//! bias-shifted interval passes this.

use osler_data::datasets;
use osler_models::gbdt::GbdtOptions;
use osler_models::linear::LogisticOptions;
use osler_pipeline::api::estimators::{GbdtSpec, LogisticSpec};
use osler_pipeline::cv::{CI_METHOD, ECE_CI_METHOD, RESAMPLING};
use osler_pipeline::{DataSpec, ModelSpec, Prepared, ThresholdRule, TrainSpec, prepare, train};

fn shipped(name: &str) -> Prepared {
    let d = datasets::find(name).expect("shipped");
    prepare(d.table().expect("table"), d.schema().expect("schema"), &DataSpec::default())
        .expect("prepare")
}

fn models() -> [ModelSpec; 2] {
    [
        ModelSpec::new(LogisticSpec { options: LogisticOptions::default(), auto_penalty: true }),
        ModelSpec::new(GbdtSpec {
            options: GbdtOptions {
                n_trees: 40,
                early_stopping_rounds: Some(5),
                ..GbdtOptions::default()
            },
        }),
    ]
}

#[test]
fn every_interval_contains_the_mean_over_folds() {
    let mut checked = 0;
    for dataset in ["pima-diabetes", "breast-cancer-wisconsin"] {
        let data = shipped(dataset);
        for model in models() {
            for (seed, folds) in [(1, 5), (2, 5), (3, 10)] {
                let spec = TrainSpec {
                    model: model.clone(),
                    missing_indicators: true,
                    cv_folds: folds,
                    cv_repeats: 1,
                    seed,
                    threshold: ThresholdRule::Fixed(0.5),
                    bootstrap: 200,
                };
                let outcome = train(&data, &spec, &mut || {}).expect("train");
                let (cv, _) = outcome.cv.expect("cross-validated");
                assert_eq!(
                    cv.ci_method,
                    format!("{CI_METHOD} (200 replicates; {RESAMPLING}); {ECE_CI_METHOD}")
                );
                for (name, m) in &cv.metrics {
                    let [lo, hi] = m.ci95.expect("an interval");
                    assert!(
                        lo <= m.mean && m.mean <= hi,
                        "{dataset} {} seed {seed} {folds} folds: {name} {} outside {lo}-{hi}",
                        model.name(),
                        m.mean
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 2 * 2 * 3 * 12);
}
