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


def emit(obj: dict) -> None:
    """Prints the result object (adds the median fit time) as one JSON line."""
    obj["fit_seconds_median"] = statistics.median(obj["fit_seconds"])
    json.dump(obj, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()
