#![allow(clippy::unwrap_used)]

use osler_data::{BinaryLevels, Schema, SplitMix64, Table};

use super::*;
use crate::survival_data::SurvivalOutcome;

fn levels() -> BinaryLevels {
    BinaryLevels { negative: "0".into(), positive: "1".into() }
}

/// Training data with `columns` as the predictors of `outcome`.
fn prepared(columns: Vec<Column>, outcome: Outcome) -> Prepared {
    let n = outcome.len();
    let features = columns.iter().map(|c| c.name.clone()).collect();
    let table = Table {
        source: "test".into(),
        columns,
        lines: (2..n as u64 + 2).collect(),
        sha256: None,
        rows_are_records: false,
        decimal: Default::default(),
        unparsed: Vec::new(),
    };
    let schema = Schema { dataset: None, defaults: None, columns: Vec::new() };
    Prepared { table, schema, target: "y".into(), features, outcome, survival: None, groups: None }
}

fn numeric(name: &str, v: Vec<f64>) -> Column {
    Column { name: name.into(), data: ColumnData::Numeric(v) }
}

/// A text column of the given values (`None` = missing).
fn text<S: AsRef<str>>(name: &str, v: &[Option<S>]) -> Column {
    let mut levels: Vec<String> = Vec::new();
    let codes = v
        .iter()
        .map(|x| match x {
            None => MISSING_CODE,
            Some(s) => match levels.iter().position(|l| l == s.as_ref()) {
                Some(i) => i as u32,
                None => {
                    levels.push(s.as_ref().to_string());
                    (levels.len() - 1) as u32
                }
            },
        })
        .collect();
    Column { name: name.into(), data: ColumnData::Text { codes, levels } }
}

/// 100 rows, the first 40 events.
fn binary_y() -> Vec<f64> {
    (0..100).map(|i| f64::from(u8::from(i < 40))).collect()
}

fn noise(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = SplitMix64::new(seed);
    (0..n).map(|_| rng.next_f64()).collect()
}

fn binary(columns: Vec<Column>) -> Vec<Warning> {
    screen(&prepared(columns, Outcome::Binary { y: binary_y(), levels: levels() }))
}

fn named(w: &[Warning]) -> Vec<(&str, Separation, f64)> {
    w.iter()
        .filter_map(|w| match w {
            Warning::PossibleLeakage { column, statistic, value, .. } => {
                Some((column.as_str(), *statistic, *value))
            }
            Warning::MoreLeakage { .. } => None,
        })
        .collect()
}

#[test]
fn a_copy_of_the_outcome_is_reported_in_either_direction_and_noise_is_not() {
    let y = binary_y();
    // One event ranked below one non-event: 1 discordant pair of 40 x 60.
    let mut almost = y.clone();
    (almost[0], almost[99]) = (0.5, 0.7);
    let reversed: Vec<f64> = y.iter().map(|v| 10.0 - 3.0 * v).collect();
    let w = binary(vec![
        numeric("noise", noise(1, 100)),
        numeric("almost", almost),
        numeric("reversed", reversed),
    ]);
    assert_eq!(
        named(&w),
        [("reversed", Separation::Auroc, 0.0), ("almost", Separation::Auroc, 2399.0 / 2400.0)]
    );
    assert!(
        w[0].message().contains("'reversed' alone separates the outcome"),
        "{}",
        w[0].message()
    );
    assert!(
        w[0].message().contains("AUROC 0.000 on its 100 non-missing rows"),
        "{}",
        w[0].message()
    );
}

#[test]
fn a_category_whose_levels_map_to_the_outcome_is_reported_and_an_id_is_not() {
    // Events: 30 in level "x", 10 each in a level of their own; non-events:
    // 30 "a", 30 "b". The singletons count as unknown (the overall share),
    // which ranks them between the pure levels: AUROC 1.
    let karyotype: Vec<Option<String>> = (0..100)
        .map(|i| match i {
            0..30 => Some("x".to_string()),
            30..40 => Some(format!("x+{i}")),
            40..70 => Some("a".to_string()),
            _ => Some("b".to_string()),
        })
        .collect();
    let ids: Vec<Option<String>> = (0..100).map(|i| Some(format!("id{i}"))).collect();
    let w = binary(vec![text("id", &ids), text("karyotype", &karyotype)]);
    assert_eq!(named(&w), [("karyotype", Separation::LevelAuroc, 1.0)]);
    assert!(w[0].message().contains("the levels of 'karyotype' map to the outcome"));
}

#[test]
fn an_impure_category_is_not_reported() {
    // Three levels, each half events: leave-one-out shares rank every row's
    // own class lower, far from a map in either direction.
    let v: Vec<Option<&str>> = (0..100).map(|i| Some(["a", "b", "c"][i % 3])).collect();
    assert!(binary(vec![text("mixed", &v)]).is_empty());
}

#[test]
fn a_column_observed_in_too_few_rows_of_a_class_is_not_judged() {
    // Perfect on its non-missing rows, but only 9 of them are events.
    let v: Vec<f64> =
        binary_y().iter().enumerate().map(|(i, &y)| if i < 31 { f64::NAN } else { y }).collect();
    assert!(binary(vec![numeric("sparse", v)]).is_empty());
    // 10 events and 60 non-events observed: judged, on its 70 rows.
    let v: Vec<f64> =
        binary_y().iter().enumerate().map(|(i, &y)| if i < 30 { f64::NAN } else { y }).collect();
    let w = binary(vec![numeric("enough", v)]);
    assert!(matches!(&w[..], [Warning::PossibleLeakage { rows: 70, .. }]), "{w:?}");
}

#[test]
fn many_separating_columns_are_named_up_to_the_cap_and_counted() {
    let y = binary_y();
    // The last column is the only perfect one, so it comes first.
    let columns: Vec<Column> = (0..(MAX_NAMED + 5))
        .map(|j| {
            let mut v = y.clone();
            if j < MAX_NAMED + 4 {
                (v[0], v[99]) = (0.5, 0.7);
            }
            numeric(&format!("c{j:02}"), v)
        })
        .collect();
    let w = binary(columns);
    assert_eq!(w.len(), MAX_NAMED + 1);
    assert_eq!(named(&w)[0].0, format!("c{:02}", MAX_NAMED + 4));
    assert_eq!(named(&w)[1].0, "c00");
    let Some(Warning::MoreLeakage { columns, message }) = w.last() else { panic!("{w:?}") };
    assert_eq!(*columns, 5);
    assert!(message.contains("5 more columns"), "{message}");
}

#[test]
fn multiclass_outcomes_are_screened_by_their_level_map_only() {
    let y: Vec<f64> = (0..90).map(|i| (i / 30) as f64).collect();
    let subtype: Vec<Option<&str>> = y.iter().map(|&c| Some(["p", "q", "r"][c as usize])).collect();
    let outcome =
        Outcome::Multiclass { y: y.clone(), classes: vec!["A".into(), "B".into(), "C".into()] };
    let w = screen(&prepared(vec![numeric("code", y), text("subtype", &subtype)], outcome));
    assert_eq!(named(&w), [("subtype", Separation::LevelAuroc, 1.0)]);
}

#[test]
fn survival_outcomes_are_screened_by_harrell_c() {
    let time: Vec<f64> = (1..=100).map(f64::from).collect();
    let event: Vec<f64> = (0..100).map(|i| f64::from(u8::from(i % 2 == 0))).collect();
    let s = SurvivalOutcome { time: time.clone(), event, start: None, levels: levels() };
    let columns = || vec![numeric("follow_up", time.clone()), numeric("noise", noise(2, 100))];
    let w = screen(&prepared(columns(), Outcome::Survival(s.clone())));
    assert_eq!(named(&w), [("follow_up", Separation::HarrellC, 0.0)]);
    assert!(w[0].message().contains("orders the survival times"), "{}", w[0].message());
    // (start, stop] rows repeat patients: not screened.
    let counting = SurvivalOutcome { start: Some(vec![0.0; 100]), ..s };
    assert!(screen(&prepared(columns(), Outcome::Survival(counting))).is_empty());
}

#[test]
fn warnings_serialise_with_their_kind_and_statistic() {
    let w = binary(vec![numeric("copy", binary_y())]);
    let json = serde_json::to_value(&w).unwrap();
    assert_eq!(json[0]["kind"], "possible_leakage");
    assert_eq!(json[0]["column"], "copy");
    assert_eq!(json[0]["statistic"], "auroc");
    assert_eq!(json[0]["value"], 1.0);
    let back: Vec<Warning> = serde_json::from_value(json).unwrap();
    assert_eq!(back, w);
}
