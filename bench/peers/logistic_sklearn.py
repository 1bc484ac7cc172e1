"""Peer for benchmark 1: unpenalised logistic regression with scikit-learn (lbfgs).

    python peers/logistic_sklearn.py --train FILE.csv [--reps 3] [--key MANIFEST_KEY]

Prints one JSON object: fit_seconds (one per repetition; fit only, data loading excluded),
coefficients {name: value} with the intercept under "intercept", n_iter, versions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import common  # noqa: E402


def make_model() -> LogisticRegression:
    # C=inf is the unpenalised fit (scikit-learn >= 1.8 deprecates penalty=None for it).
    return LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-8, max_iter=10_000)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--key", default=None, help="manifest data set to check the data against")
    args = ap.parse_args()

    x, y, names, load_s = common.load_xy(args.train)
    fingerprint = common.fingerprint_matches(args.key, x, y)
    with threadpool_limits(limits=1):
        seconds, model = common.timed(lambda: make_model().fit(x, y), args.reps)

    coefs = {n: float(c) for n, c in zip(names, model.coef_[0])}
    coefs["intercept"] = float(model.intercept_[0])
    common.emit(
        {
            "peer": "scikit-learn",
            "version": sklearn.__version__,
            "model": "LogisticRegression(C=inf, solver='lbfgs', tol=1e-8, max_iter=10000)",
            "n": int(x.shape[0]),
            "p": int(x.shape[1]),
            "load_seconds": load_s,
            "fingerprint_ok": fingerprint,
            "fit_seconds": seconds,
            "n_iter": int(np.max(model.n_iter_)),
            "coefficients": coefs,
        }
    )


if __name__ == "__main__":
    main()
