//! `osler_data::synth` against the reference manifest: generator test vectors, SHA-256
//! fingerprints of every array, exact sums, first/last values, and a CSV round trip.
//!
//! Data sets with n <= 200,000 run by default; the 1M-row sets are `#[ignore]`d (run them with
//! `cargo test --release -p osler-data --test synth_fingerprints -- --ignored`).

use std::io::BufRead;

use osler_data::synth::{self, SynthBinary, SynthSurvival};
use osler_data::{Matrix, SplitMix64};
use serde_json::Value;
use sha2::{Digest, Sha256};

const MANIFEST: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/reference/synth_manifest.json"));

fn manifest() -> Value {
    serde_json::from_str(MANIFEST).expect("manifest is valid JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn u(v: &Value) -> u64 {
    v.as_u64().expect("unsigned integer")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Correctly rounded sum (Shewchuk's algorithm, as Python's `math.fsum`).
fn fsum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut partials: Vec<f64> = Vec::new();
    for mut x in values {
        let mut i = 0;
        for k in 0..partials.len() {
            let mut y = partials[k];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        partials.push(x);
    }
    // Final round, with the half-way correction of CPython's math.fsum.
    let mut hi = 0.0;
    if let Some(mut n) = partials.len().checked_sub(1) {
        hi = partials[n];
        let mut lo = 0.0;
        while n > 0 {
            n -= 1;
            let x = hi;
            let y = partials[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    hi
}

/// An array flattened as the reference fingerprints it: row-major values plus its dtype.
enum Flat {
    F64(Vec<f64>),
    I32(Vec<i32>),
}

impl Flat {
    fn rowmajor(x: &Matrix) -> Flat {
        let mut v = Vec::with_capacity(x.rows() * x.cols());
        for i in 0..x.rows() {
            for j in 0..x.cols() {
                v.push(x.get(i, j));
            }
        }
        Flat::F64(v)
    }

    fn ints(v: &[u8]) -> Flat {
        Flat::I32(v.iter().map(|&b| i32::from(b)).collect())
    }

    fn dtype(&self) -> &'static str {
        match self {
            Flat::F64(_) => "float64",
            Flat::I32(_) => "int32",
        }
    }

    fn len(&self) -> usize {
        match self {
            Flat::F64(v) => v.len(),
            Flat::I32(v) => v.len(),
        }
    }

    fn as_f64(&self) -> Vec<f64> {
        match self {
            Flat::F64(v) => v.clone(),
            Flat::I32(v) => v.iter().map(|&i| f64::from(i)).collect(),
        }
    }

    fn sha256(&self) -> String {
        let mut h = Sha256::new();
        match self {
            Flat::F64(v) => v.iter().for_each(|x| h.update(x.to_le_bytes())),
            Flat::I32(v) => v.iter().for_each(|x| h.update(x.to_le_bytes())),
        }
        hex(&h.finalize())
    }
}

/// Checks one array against its manifest fingerprint.
fn check(name: &str, field: &str, got: &Flat, fp: &Value) {
    let what = format!("{name}.{field}");
    assert_eq!(fp["dtype"].as_str(), Some(got.dtype()), "{what}: dtype");
    let shape: Vec<u64> = fp["shape"].as_array().expect("shape").iter().map(u).collect();
    assert_eq!(shape.iter().product::<u64>() as usize, got.len(), "{what}: shape {shape:?}");
    let vals = got.as_f64();
    let first: Vec<f64> = fp["first"].as_array().expect("first").iter().map(f).collect();
    let last: Vec<f64> = fp["last"].as_array().expect("last").iter().map(f).collect();
    assert_eq!(vals[..first.len()], first[..], "{what}: first values");
    assert_eq!(vals[vals.len() - last.len()..], last[..], "{what}: last values");
    let sum = fsum(vals.iter().copied());
    assert_eq!(sum.to_bits(), f(&fp["fsum"]).to_bits(), "{what}: fsum {sum} vs {}", fp["fsum"]);
    assert_eq!(got.sha256(), fp["sha256_le_rowmajor"].as_str().expect("sha"), "{what}: SHA-256");
}

fn check_dataset(name: &str) {
    let m = manifest();
    let d = &m["datasets"][name];
    assert!(d.is_object(), "no data set {name} in the manifest");
    let (n, p, seed) = (u(&d["n"]) as usize, u(&d["p"]) as usize, u(&d["seed"]));
    let fp = &d["fingerprint"];
    match d["kind"].as_str() {
        Some("binary") => {
            let s = synth::binary(n, p, seed);
            assert_eq!((s.x.rows(), s.x.cols(), s.y.len()), (n, p, n));
            check(name, "X", &Flat::rowmajor(&s.x), &fp["X"]);
            check(name, "y", &Flat::ints(&s.y), &fp["y"]);
            let prevalence = s.y.iter().map(|&v| usize::from(v)).sum::<usize>() as f64 / n as f64;
            assert!((prevalence - f(&d["prevalence"])).abs() < 1e-12, "{name}: prevalence");
        }
        Some("surv") => {
            let s = synth::survival(n, p, seed);
            assert_eq!((s.x.rows(), s.x.cols(), s.time.len(), s.event.len()), (n, p, n, n));
            check(name, "X", &Flat::rowmajor(&s.x), &fp["X"]);
            check(name, "time", &Flat::F64(s.time.clone()), &fp["time"]);
            check(name, "event", &Flat::ints(&s.event), &fp["event"]);
            let censored = s.event.iter().filter(|&&e| e == 0).count() as f64 / n as f64;
            assert!((censored - f(&d["censored_fraction"])).abs() < 1e-12, "{name}: censoring");
        }
        other => panic!("{name}: unknown kind {other:?}"),
    }
}

#[test]
fn synth_generator_test_vectors() {
    let m = manifest();
    let tv = &m["test_vectors"];
    let seed = u(&tv["seed"]);
    let want = tv["out_0_hex"].as_str().expect("hex").trim_start_matches("0x");
    assert_eq!(format!("{:016x}", synth::raw(seed, 0)), want);
    for (k, w) in tv["u_0_1_2"].as_array().expect("u").iter().enumerate() {
        assert_eq!(synth::uniform(seed, k as u64).to_bits(), f(w).to_bits(), "u_{k}");
    }
    let seq = tv["splitmix64_seed_1234567_first5_u64"].as_array().expect("seq");
    for (k, w) in seq.iter().enumerate() {
        assert_eq!(synth::raw(1_234_567, k as u64), u(w), "out_{k} for seed 1234567");
    }
}

#[test]
fn synth_constants_match_the_manifest() {
    let m = manifest();
    let c = &m["constants"];
    assert_eq!(f(&c["LAMBDA0"]).to_bits(), synth::LAMBDA0.to_bits());
    assert_eq!(f(&c["MU"]).to_bits(), synth::MU.to_bits());
    assert_eq!(f(&c["B0"]).to_bits(), synth::B0.to_bits());
    assert_eq!(f(&c["SQRT3"]).to_bits(), synth::SQRT3.to_bits());
    assert_eq!(synth::SQRT3.to_bits(), 3f64.sqrt().to_bits());
    for (j, b) in c["BETA_p30"].as_array().expect("beta").iter().enumerate() {
        assert_eq!(f(b).to_bits(), synth::beta(j).to_bits(), "BETA[{j}]");
    }
    let seeds = &c["SEEDS"];
    assert_eq!(u(&seeds["binary20"]), 20_240_602);
    assert_eq!(u(&seeds["binary30"]), 20_240_603);
    assert_eq!(u(&seeds["binary30_test"]), 20_240_604);
}

#[test]
fn synth_every_small_dataset_is_listed_and_checked() {
    // Guards the explicit tests below against the manifest growing new small data sets.
    let m = manifest();
    let mut small: Vec<&str> = m["datasets"]
        .as_object()
        .expect("datasets")
        .iter()
        .filter(|(_, d)| u(&d["n"]) <= 200_000)
        .map(|(k, _)| k.as_str())
        .collect();
    small.sort_unstable();
    assert_eq!(small, ["binary30_test_n200000_p30", "surv_n100000_p20", "surv_n10000_p20"]);
}

#[test]
fn synth_fingerprint_surv_n10000_p20() {
    check_dataset("surv_n10000_p20");
}

#[test]
fn synth_fingerprint_surv_n100000_p20() {
    check_dataset("surv_n100000_p20");
}

#[test]
fn synth_fingerprint_binary30_test_n200000_p30() {
    check_dataset("binary30_test_n200000_p30");
}

#[test]
#[ignore = "1M rows: run in release with --ignored"]
fn synth_fingerprint_surv_n1000000_p20() {
    check_dataset("surv_n1000000_p20");
}

#[test]
#[ignore = "1M rows: run in release with --ignored"]
fn synth_fingerprint_binary20_n1000000_p20() {
    check_dataset("binary20_n1000000_p20");
}

#[test]
#[ignore = "1M rows: run in release with --ignored"]
fn synth_fingerprint_binary30_n1000000_p30() {
    check_dataset("binary30_n1000000_p30");
}

/// Parses a CSV written by the synth writers back into (header, rows of fields).
fn parse_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = bytes.lines();
    let header = lines.next().expect("header").expect("utf-8");
    let rows = lines.map(|l| l.expect("utf-8").split(',').map(str::to_owned).collect()).collect();
    (header.split(',').map(str::to_owned).collect(), rows)
}

fn bits(s: &str) -> u64 {
    s.parse::<f64>().expect("float").to_bits()
}

#[test]
fn synth_binary_csv_round_trips_bit_for_bit() {
    let d: SynthBinary = synth::binary(2_000, 12, 20_240_602);
    let mut out = Vec::new();
    synth::write_binary_csv(&d, &mut out).expect("write");
    assert!(out.ends_with(b"\n"));
    let (header, rows) = parse_csv(&out);
    let want: Vec<String> =
        (0..12).map(|j| format!("x{j}")).chain(std::iter::once("y".to_owned())).collect();
    assert_eq!(header, want);
    assert_eq!(rows.len(), 2_000);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), 13, "row {i}");
        for (j, field) in r[..12].iter().enumerate() {
            assert_eq!(bits(field), d.x.get(i, j).to_bits(), "row {i} col {j}: {field}");
        }
        assert_eq!(r[12], d.y[i].to_string());
    }
}

#[test]
fn synth_survival_csv_round_trips_bit_for_bit() {
    let d: SynthSurvival = synth::survival(2_000, 3, 20_240_601);
    let mut out = Vec::new();
    synth::write_survival_csv(&d, &mut out).expect("write");
    let (header, rows) = parse_csv(&out);
    assert_eq!(header, ["x0", "x1", "x2", "time", "event"]);
    assert_eq!(rows.len(), 2_000);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), 5, "row {i}");
        for (j, field) in r[..3].iter().enumerate() {
            assert_eq!(bits(field), d.x.get(i, j).to_bits(), "row {i} col {j}: {field}");
        }
        assert_eq!(bits(&r[3]), d.time[i].to_bits(), "row {i} time: {}", r[3]);
        assert_eq!(r[4], d.event[i].to_string());
    }
}

#[test]
fn synth_csv_of_the_reference_survival_set_has_the_reference_size() {
    // Floats are printed as Python's repr prints them, so the CSV is the reference
    // generator's CSV byte for byte; the manifest records its size.
    let m = manifest();
    let d = &m["datasets"]["surv_n10000_p20"];
    let s = synth::survival(10_000, 20, 20_240_601);
    let mut out = Vec::new();
    synth::write_survival_csv(&s, &mut out).expect("write");
    assert_eq!(out.len() as u64, u(&d["csv_bytes"]));
}

#[test]
fn synth_arbitrary_floats_round_trip_through_the_csv_writer() {
    // Random bit patterns (all magnitudes, subnormals) plus edge cases, through the public
    // writer: every finite value must parse back to the same bits.
    let mut r = SplitMix64::new(42);
    let mut vals = vec![
        0.0,
        -0.0,
        f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        f64::MAX,
        f64::MIN,
        1e-5,
        1e-4,
        0.000_099_999_999_999_999_99,
        1e16,
        9_999_999_999_999_998.0,
        0.1,
        123.0,
    ];
    while vals.len() < 60_000 {
        let v = f64::from_bits(r.next_u64());
        if v.is_finite() {
            vals.push(v);
        }
    }
    let p = 4;
    let n = vals.len() / p;
    let d = SynthBinary { x: Matrix::from_row_major(n, p, &vals[..n * p]), y: vec![1; n] };
    let mut out = Vec::new();
    synth::write_binary_csv(&d, &mut out).expect("write");
    let (_, rows) = parse_csv(&out);
    assert_eq!(rows.len(), n);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), p + 1, "row {i}");
        for (j, field) in r[..p].iter().enumerate() {
            assert_eq!(bits(field), d.x.get(i, j).to_bits(), "{field}");
        }
    }
}
