//! Helpers shared by the CLI end-to-end tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The `osler` binary built by cargo for these tests.
pub fn osler() -> Command {
    Command::cargo_bin("osler").expect("osler binary")
}

/// Path of a file in the repository's `tests/reference/`.
pub fn reference(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/reference").join(rel)
}

/// Runs `osler` with `args`, expects success, parses stdout as JSON.
pub fn json_ok(args: &[&str]) -> Value {
    let out = osler().args(args).output().expect("run osler");
    assert!(
        out.status.success(),
        "osler {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

/// Runs `osler` with `args`, expects exit code 2, returns stderr.
pub fn user_error(args: &[&str]) -> String {
    let out = osler().args(args).output().expect("run osler");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "osler {args:?}: expected exit 2, stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(
        out.stdout.is_empty(),
        "no stdout on error, got {}",
        String::from_utf8_lossy(&out.stdout)
    );
    err
}

pub fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}
