//! Survival micro-benchmarks in one process, data loading excluded:
//!
//! * Harrell's C of the true linear predictor with `osler_eval::survival::harrell_c`,
//! * the same C with the crates.io `survival` crate (`concordancefit`, R's algorithm),
//! * a Cox fit (Efron) with the `survival` crate (`CoxphFitResult::fit`, R's `coxph.fit`).
//!
//!     osler-survival-bench --data FILE.csv [--reps 3] [--skip-cox] [--skip-crate]
//!
//! FILE is an `osler synth survival` CSV (x0..x{p-1},time,event). Prints one JSON object
//! with wall and CPU seconds per repetition. Single-threaded: the `survival` crate uses rayon
//! in places, so run it with RAYON_NUM_THREADS=1 (bench/run.sh does).

use std::time::Instant;

use ndarray::Array2;
use serde_json::{Value, json};

/// CPU time of this process (user + system), seconds.
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime failed");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Runs `f` once; returns its wall and CPU seconds and its result.
fn timed_once<T>(f: impl FnOnce() -> T) -> (f64, f64, T) {
    let (c0, t0) = (cpu_seconds(), Instant::now());
    let r = std::hint::black_box(f());
    (t0.elapsed().as_secs_f64(), cpu_seconds() - c0, r)
}

/// Runs `f` `reps` times; returns the wall and CPU seconds of each run and the last result.
fn timed<T>(reps: usize, mut f: impl FnMut() -> T) -> (Vec<f64>, Vec<f64>, T) {
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..reps {
        let (c0, t0) = (cpu_seconds(), Instant::now());
        let r = std::hint::black_box(f());
        wall.push(t0.elapsed().as_secs_f64());
        cpu.push(cpu_seconds() - c0);
        last = Some(r);
    }
    (wall, cpu, last.expect("reps >= 1"))
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    if s.len() % 2 == 1 { s[m] } else { 0.5 * (s[m - 1] + s[m]) }
}

fn timing(wall: &[f64], cpu: &[f64]) -> Value {
    json!({"fit_seconds": wall, "cpu_seconds": cpu, "median": median(wall),
           "cpu_median": median(cpu)})
}

struct Data {
    names: Vec<String>,
    /// Row-major n x p.
    x: Vec<f64>,
    time: Vec<f64>,
    event: Vec<bool>,
    p: usize,
}

/// Reads an `osler synth survival` CSV (Rust's float parser is correctly rounded, so the
/// values are the bits `osler synth` wrote).
fn read_csv(path: &str) -> Data {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().expect("empty file").split(',').map(String::from).collect();
    let t_col = header.iter().position(|h| h == "time").expect("no time column");
    let e_col = header.iter().position(|h| h == "event").expect("no event column");
    let names: Vec<String> =
        header.iter().enumerate().filter(|(j, _)| *j != t_col && *j != e_col).map(|(_, h)| h.clone()).collect();
    let p = names.len();
    let (mut x, mut time, mut event) = (Vec::new(), Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.is_empty()) {
        for (j, field) in line.split(',').enumerate() {
            let v: f64 = field.parse().unwrap_or_else(|e| panic!("bad number {field:?}: {e}"));
            if j == t_col {
                time.push(v);
            } else if j == e_col {
                event.push(v != 0.0);
            } else {
                x.push(v);
            }
        }
    }
    assert_eq!(x.len(), time.len() * p, "ragged CSV");
    Data { names, x, time, event, p }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).map(|i| args[i + 1].clone());
    let path = arg("--data").expect("--data FILE");
    let reps: usize = arg("--reps").map_or(3, |r| r.parse().expect("--reps N"));
    let skip_cox = args.iter().any(|a| a == "--skip-cox");
    let skip_crate = args.iter().any(|a| a == "--skip-crate");
    let seed: Option<u64> = arg("--seed").map(|s| s.parse().expect("--seed N"));

    let t_load = Instant::now();
    let d = read_csv(&path);
    let n = d.time.len();
    let load_seconds = t_load.elapsed().as_secs_f64();

    // Optional bit-exactness check of the CSV against the in-memory generator.
    let matches_synth = seed.map(|s| {
        let g = osler_data::synth::survival(n, d.p, s);
        let x_ok = (0..d.p).all(|j| {
            g.x.col(j).iter().enumerate().all(|(i, v)| v.to_bits() == d.x[i * d.p + j].to_bits())
        });
        let t_ok = g.time.iter().zip(&d.time).all(|(a, b)| a.to_bits() == b.to_bits());
        let e_ok = g.event.iter().zip(&d.event).all(|(a, b)| (*a == 1) == *b);
        x_ok && t_ok && e_ok
    });

    // The true linear predictor, in the recipe's order (separate multiply and add).
    let risk: Vec<f64> = (0..n)
        .map(|i| {
            let mut lp = 0.0;
            for j in 0..d.p {
                lp += d.x[i * d.p + j] * osler_data::synth::beta(j);
            }
            lp
        })
        .collect();

    let mut out = json!({
        "n": n, "p": d.p, "events": d.event.iter().filter(|e| **e).count(),
        "load_seconds": load_seconds, "data_matches_synth": matches_synth,
    });

    // 1. osler-eval Harrell's C.
    let (w, c, res) = timed(reps, || {
        osler_eval::survival::harrell_c(&d.time, &d.event, &risk).expect("harrell_c")
    });
    out["osler_harrell_c"] = json!({"timing": timing(&w, &c), "c": res.c,
        "concordant": res.concordant, "discordant": res.discordant, "tied_risk": res.tied_risk,
        "comparable": res.comparable});

    if !skip_crate {
        use survival::concordance::{ConcordanceOptions, concordancefit};
        use survival::core::strata_order::SurvResponse;
        use survival::data_types::SurvivalData;
        use survival::regression::{CoxphData, CoxphFitResult, CoxphOptions, TieMethod};

        let status: Vec<i32> = d.event.iter().map(|&e| i32::from(e)).collect();
        // 2. survival crate concordance (R's concordancefit(y, x, reverse=TRUE, timefix=FALSE,
        //    std.err=FALSE)).
        let sd = SurvivalData::try_new(d.time.clone(), status.clone()).expect("SurvivalData");
        let xr = Array2::from_shape_vec((n, 1), risk.clone()).expect("shape");
        let opts = ConcordanceOptions { reverse: true, timefix: false, std_err: false,
                                        ..ConcordanceOptions::default() };
        let (w, c, fit) = timed(reps, || {
            concordancefit(SurvResponse::Right(&sd), xr.view(), None, None, None, &opts)
                .expect("concordancefit")
        });
        let k = fit.count[0];
        out["crate_concordance"] = json!({"timing": timing(&w, &c), "c": fit.concordance[0],
            "concordant": k.concordant, "discordant": k.discordant, "tied_x": k.tied_x,
            "options": "ConcordanceOptions { reverse: true, timefix: false, std_err: false, ..default }"});

        // 3. survival crate Cox fit (Efron, R's coxph.fit defaults: eps 1e-9, iter.max 20).
        if !skip_cox {
            let x = Array2::from_shape_vec((n, d.p), d.x.clone()).expect("shape");
            let data = CoxphData::try_new(d.time.clone(), None, status, x, None, None, None)
                .expect("CoxphData");
            let options = CoxphOptions { method: TieMethod::Efron, ..CoxphOptions::default() };
            let (mut w, mut c) = (Vec::new(), Vec::new());
            let mut last = None;
            for _ in 0..reps {
                let (dd, oo) = (data.clone(), options.clone()); // copies not timed
                let (ws, cs, r) =
                    timed_once(move || CoxphFitResult::fit(dd, oo, false).expect("coxph fit"));
                w.push(ws);
                c.push(cs);
                last = Some(r);
            }
            let r = last.expect("reps >= 1");
            let coefs: serde_json::Map<String, Value> =
                d.names.iter().cloned().zip(r.coefficients.iter().map(|v| json!(v))).collect();
            out["crate_cox"] = json!({"timing": timing(&w, &c), "coefficients": coefs,
                "iter": r.iter, "loglik": r.loglik, "flag": r.flag,
                "options": "CoxphOptions { method: Efron, ..default } (eps 1e-9, iter_max 20), resid=false"});
        }
    }
    println!("{out}");
}
