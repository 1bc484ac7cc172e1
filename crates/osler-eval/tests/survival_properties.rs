//! Property tests of the survival metrics: brute-force O(n^2) definitions on
//! small data with heavy ties in time and risk, and invariances.
#![allow(clippy::unwrap_used)]

use osler_eval::survival::*;
use proptest::prelude::*;

use CensoringConvention::{AtTime, LeftLimit};

/// Small survival data sets: integer times in `0..8` and integer risks in
/// `-5..=5` (so ties in both are common), with at least one event.
fn survival_data() -> impl Strategy<Value = (Vec<f64>, Vec<bool>, Vec<f64>)> {
    (2usize..50)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(0u8..8, n),
                prop::collection::vec(any::<bool>(), n),
                prop::collection::vec(-5i8..=5, n),
            )
        })
        .prop_filter("an event", |(_, e, _)| e.contains(&true))
        .prop_map(|(t, e, r)| {
            (t.into_iter().map(f64::from).collect(), e, r.into_iter().map(f64::from).collect())
        })
}

/// Pair counts straight from the definition: (concordant, discordant, tied risk, tied time).
fn brute_pairs(time: &[f64], event: &[bool], risk: &[f64]) -> (u64, u64, u64, u64) {
    let (mut con, mut dis, mut tie, mut tt) = (0, 0, 0, 0);
    for i in 0..time.len() {
        for j in 0..time.len() {
            let comparable = event[i] && (time[i] < time[j] || (time[i] == time[j] && !event[j]));
            if !comparable {
                continue;
            }
            tt += u64::from(time[i] == time[j]);
            if risk[i] > risk[j] {
                con += 1;
            } else if risk[i] < risk[j] {
                dis += 1;
            } else {
                tie += 1;
            }
        }
    }
    (con, dis, tie, tt)
}

/// Reverse KM with events leaving first, evaluated at `t` (right-continuous)
/// or just before `t`, by direct products over distinct times.
fn brute_g(time: &[f64], event: &[bool], t: f64, left: bool) -> f64 {
    let mut distinct: Vec<f64> = time.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let mut g = 1.0;
    for &u in distinct.iter().filter(|&&u| if left { u < t } else { u <= t }) {
        let n = time.iter().filter(|&&x| x >= u).count();
        let d = (0..time.len()).filter(|&i| time[i] == u && event[i]).count();
        let c = (0..time.len()).filter(|&i| time[i] == u && !event[i]).count();
        if n > d {
            g *= 1.0 - c as f64 / (n - d) as f64;
        }
    }
    g
}

fn event_g(time: &[f64], event: &[bool], t: f64, conv: CensoringConvention) -> f64 {
    brute_g(time, event, t, conv == LeftLimit)
}

/// Uno's C from the definition (no tau).
fn brute_uno(time: &[f64], event: &[bool], risk: &[f64], conv: CensoringConvention) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for i in (0..time.len()).filter(|&i| event[i]) {
        let g = event_g(time, event, time[i], conv);
        let w = 1.0 / (g * g);
        for j in 0..time.len() {
            if time[i] < time[j] || (time[i] == time[j] && !event[j]) {
                den += w;
                num += w * if risk[i] > risk[j] {
                    1.0
                } else if risk[i] == risk[j] {
                    0.5
                } else {
                    0.0
                };
            }
        }
    }
    num / den
}

/// Cumulative/dynamic AUC at `t` from the definition.
fn brute_auc(time: &[f64], event: &[bool], risk: &[f64], t: f64, conv: CensoringConvention) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for i in (0..time.len()).filter(|&i| event[i] && time[i] <= t) {
        let w = 1.0 / event_g(time, event, time[i], conv);
        for j in (0..time.len()).filter(|&j| time[j] > t) {
            den += w;
            num += w * if risk[i] > risk[j] {
                1.0
            } else if risk[i] == risk[j] {
                0.5
            } else {
                0.0
            };
        }
    }
    num / den
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + b.abs())
}

proptest! {
    #[test]
    fn harrell_matches_brute_force((time, event, risk) in survival_data()) {
        let (con, dis, tie, tt) = brute_pairs(&time, &event, &risk);
        match harrell_c(&time, &event, &risk) {
            Ok(c) => {
                prop_assert_eq!((c.concordant, c.discordant, c.tied_risk, c.tied_time), (con, dis, tie, tt));
                prop_assert_eq!(c.comparable, con + dis + tie);
                prop_assert_eq!(c.c, (con as f64 + 0.5 * tie as f64) / (con + dis + tie) as f64);
            }
            Err(_) => prop_assert_eq!(con + dis + tie, 0),
        }
    }

    #[test]
    fn reversed_risk_gives_one_minus_c((time, event, risk) in survival_data()) {
        if let Ok(c) = harrell_c(&time, &event, &risk) {
            let neg: Vec<f64> = risk.iter().map(|r| -r).collect();
            let r = harrell_c(&time, &event, &neg).unwrap();
            prop_assert_eq!((r.concordant, r.discordant), (c.discordant, c.concordant));
            prop_assert!(close(c.c + r.c, 1.0));
            for conv in [LeftLimit, AtTime] {
                if let Ok(u) = uno_c(&time, &event, &risk, None, conv) {
                    let v = uno_c(&time, &event, &neg, None, conv).unwrap();
                    prop_assert!(close(u.c + v.c, 1.0));
                }
            }
        }
    }

    #[test]
    fn invariant_to_monotone_transforms((time, event, risk) in survival_data()) {
        if let Ok(c) = harrell_c(&time, &event, &risk) {
            // Strictly increasing maps of the risk, and a power-of-2 rescaling of time.
            let cubed: Vec<f64> = risk.iter().map(|r| r * r * r - 7.0).collect();
            let exp: Vec<f64> = risk.iter().map(|r| (r / 3.0).exp()).collect();
            let time2: Vec<f64> = time.iter().map(|t| t * 0.25).collect();
            for (t, r) in [(&time, &cubed), (&time, &exp), (&time2, &risk)] {
                prop_assert_eq!(harrell_c(t, &event, r).unwrap(), c);
            }
            for conv in [LeftLimit, AtTime] {
                let u = uno_c(&time, &event, &risk, None, conv);
                let v = uno_c(&time2, &event, &exp, None, conv);
                match (u, v) {
                    (Ok(u), Ok(v)) => prop_assert!(close(u.c, v.c)),
                    (u, v) => prop_assert_eq!(u.is_err(), v.is_err()),
                }
            }
        }
    }

    #[test]
    fn uno_matches_brute_force((time, event, risk) in survival_data()) {
        if harrell_c(&time, &event, &risk).is_ok() {
            // G(T_i-) > 0 at every event with a comparable partner, so the
            // left-limit weights are always finite.
            let u = uno_c(&time, &event, &risk, None, LeftLimit).unwrap();
            prop_assert!(close(u.c, brute_uno(&time, &event, &risk, LeftLimit)));
            // G(T_i) = 0 when everyone left at T_i beside the events is censored
            // there (scikit-survival raises too).
            match uno_c(&time, &event, &risk, None, AtTime) {
                Ok(u) => prop_assert!(close(u.c, brute_uno(&time, &event, &risk, AtTime))),
                Err(e) => {
                    let zero = (0..time.len())
                        .any(|i| event[i] && brute_g(&time, &event, time[i], false) == 0.0);
                    prop_assert!(zero, "{e}");
                }
            }
        }
    }

    #[test]
    fn auc_matches_brute_force((time, event, risk) in survival_data(), q in 0.0f64..1.0) {
        let max = time.iter().copied().fold(0.0, f64::max);
        let t = (q * max).floor();
        for conv in [LeftLimit, AtTime] {
            match cumulative_dynamic_auc(&time, &event, &risk, &[t], conv) {
                Ok(a) => prop_assert!(close(a.auc[0], brute_auc(&time, &event, &risk, t, conv))),
                Err(e) => {
                    let cases = (0..time.len()).filter(|&i| event[i] && time[i] <= t).count();
                    let controls = time.iter().filter(|&&x| x > t).count();
                    let min = time.iter().copied().fold(f64::INFINITY, f64::min);
                    prop_assert!(cases == 0 || controls == 0 || t < min || t >= max, "{e}");
                }
            }
        }
    }

    #[test]
    fn censoring_km_matches_brute_force((time, event, _r) in survival_data(), t in 0u8..9) {
        let g = CensoringKm::fit(&time, &event).unwrap();
        let t = f64::from(t) - 0.5 * f64::from(t % 2);
        prop_assert!(close(g.at(t), brute_g(&time, &event, t, false)));
        prop_assert!(close(g.before(t), brute_g(&time, &event, t, true)));
    }

    #[test]
    fn perfect_survival_predictions_have_zero_brier(
        (time, event, _r) in survival_data(), q in 0.0f64..1.0,
    ) {
        // S_i(t) = [T_i > t] is right for every uncensored-by-t subject.
        let max = time.iter().copied().fold(0.0, f64::max);
        let min = time.iter().copied().fold(f64::INFINITY, f64::min);
        let t = min + q * (max - min);
        if t < max {
            let s: Vec<f64> = time.iter().map(|&x| f64::from(u8::from(x > t))).collect();
            for conv in [LeftLimit, AtTime] {
                prop_assert_eq!(brier_score(&time, &event, &s, t, conv).unwrap(), 0.0);
            }
        }
    }
}

#[test]
fn uno_with_tau_drops_late_events() {
    // Events at 1, 2, 3; the event at 3 is discordant with the censoring at 4.
    let time = [1.0, 2.0, 3.0, 4.0];
    let event = [true, true, true, false];
    let risk = [4.0, 3.0, 1.0, 2.0];
    let all = uno_c(&time, &event, &risk, None, LeftLimit).unwrap();
    let early = uno_c(&time, &event, &risk, Some(3.0), LeftLimit).unwrap();
    assert_eq!(all.c, 5.0 / 6.0);
    assert_eq!(early.c, 1.0);
    // Counts are always over all comparable pairs.
    assert_eq!(early.comparable, all.comparable);
}
