"""Helpers shared by the peer scripts in bench/peers/ (standard library + numpy/pandas).

Every peer script loads its CSVs first (not timed), then times only the model fit, repeats it
``--reps`` times in the same process, and prints ONE JSON object on stdout.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

BENCH_DIR = Path(__file__).resolve().parent
MANIFEST = BENCH_DIR.parent / "tests" / "reference" / "synth_manifest.json"


def load_xy(path: str, target: str = "y") -> tuple[np.ndarray, np.ndarray, list[str], float]:
    """Reads a CSV written by `osler synth` exactly (round-trip float parsing).

    Returns X (float64, C order), y (int32), the feature names and the load time in seconds.
    """
    t0 = time.perf_counter()
    df = pd.read_csv(path, float_precision="round_trip")
    features = [c for c in df.columns if c != target]
    x = np.ascontiguousarray(df[features].to_numpy(dtype=np.float64))
    y = df[target].to_numpy(dtype=np.int32)
    return x, y, features, time.perf_counter() - t0


def load_survival(path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], float]:
    """Reads an `osler synth survival` CSV (x0..x{p-1},time,event) exactly.

    Returns X (float64, C order), time (float64), event (int32), the feature names and the
    load time in seconds.
    """
    t0 = time.perf_counter()
    df = pd.read_csv(path, float_precision="round_trip")
    features = [c for c in df.columns if c not in ("time", "event")]
    x = np.ascontiguousarray(df[features].to_numpy(dtype=np.float64))
    t = df["time"].to_numpy(dtype=np.float64)
    e = df["event"].to_numpy(dtype=np.int32)
    return x, t, e, features, time.perf_counter() - t0


def true_risk(x: np.ndarray) -> np.ndarray:
    """The recipe's linear predictor sum_j x_j * BETA_j, accumulated column by column with a
    separate multiply and add (bit-identical to osler_data::synth)."""
    lp = np.zeros(x.shape[0])
    for j in range(x.shape[1]):
        b = (-1.0) ** j * 2.0 ** -(1 + j // 2) if j < 10 else 0.0
        lp = lp + x[:, j] * b
    return lp


def survival_fingerprint_matches(key: str | None, x: np.ndarray, t: np.ndarray,
                                 e: np.ndarray) -> bool | None:
    """Like fingerprint_matches, for a survival data set (X, time, event)."""
    if not key or not MANIFEST.exists():
        return None
    entry = json.loads(MANIFEST.read_text())["datasets"].get(key)
    if entry is None:
        return None
    fp = entry["fingerprint"]

    def sha(a: np.ndarray, dtype: str) -> str:
        return hashlib.sha256(a.astype(dtype, copy=False).tobytes(order="C")).hexdigest()

    return (sha(x, "<f8") == fp["X"]["sha256_le_rowmajor"]
            and sha(t, "<f8") == fp["time"]["sha256_le_rowmajor"]
            and sha(e, "<i4") == fp["event"]["sha256_le_rowmajor"])


def fingerprint_matches(key: str | None, x: np.ndarray, y: np.ndarray) -> bool | None:
    """Compares the loaded data with the manifest's SHA-256 fingerprints of data set `key`.

    None when no key is given or the manifest has no such data set (for example at a
    different N): the check only proves that `osler synth` + CSV + pandas reproduce the
    reference arrays bit for bit when the sizes match the manifest's.
    """
    if not key or not MANIFEST.exists():
        return None
    entry = json.loads(MANIFEST.read_text())["datasets"].get(key)
    if entry is None:
        return None
    fp = entry["fingerprint"]
    got_x = hashlib.sha256(x.astype("<f8", copy=False).tobytes(order="C")).hexdigest()
    got_y = hashlib.sha256(y.astype("<i4", copy=False).tobytes()).hexdigest()
    return got_x == fp["X"]["sha256_le_rowmajor"] and got_y == fp["y"]["sha256_le_rowmajor"]


def timed(fn, reps: int):
    """Calls `fn()` `reps` times; returns (list of wall seconds, last return value)."""
    seconds, result = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - t0)
    return seconds, result


def timed_cpu(fn, reps: int):
    """Like `timed`, also measuring this process's CPU time (user + system) per call.

    Returns ({"fit_seconds": [...], "cpu_seconds": [...], "median": ..., "cpu_median": ...},
    last return value).
    """
    wall, cpu, result = [], [], None
    for _ in range(reps):
        c0, t0 = time.process_time(), time.perf_counter()
        result = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"fit_seconds": wall, "cpu_seconds": cpu, "median": statistics.median(wall),
            "cpu_median": statistics.median(cpu)}, result


def emit(obj: dict) -> None:
    """Prints the result object (adds the median of a top-level fit_seconds) as one JSON line."""
    if "fit_seconds" in obj:
        obj["fit_seconds_median"] = statistics.median(obj["fit_seconds"])
    json.dump(obj, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()


def survival_peer_setup():
    """Parse the survival peers' shared arguments and load the data once.

    Returns (args, x, time, event, column names, load seconds, fingerprint ok)."""
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--key", default=None)
    ap.add_argument("--skip-cox", action="store_true")
    ap.add_argument("--skip-concordance", action="store_true")
    args = ap.parse_args()
    x, t, e, names, load_s = load_survival(args.data)
    return args, x, t, e, names, load_s, survival_fingerprint_matches(args.key, x, t, e)
