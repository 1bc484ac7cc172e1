"""Peer for benchmark 2: gradient-boosted trees with LightGBM, 100 trees, single thread.

    python peers/gbdt_lightgbm.py --train TRAIN.csv --test TEST.csv [--reps 3]
                                  [--train-key KEY] [--test-key KEY]

Timed region: building the LightGBM Dataset (feature binning) plus boosting, i.e. everything
from an in-memory float matrix to a fitted model, as osler's fit time covers. Prints one JSON
object: fit_seconds (one per repetition), auroc on the test set (scikit-learn roc_auc_score
of the last fitted model), versions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lightgbm as lgb  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

import common  # noqa: E402

PARAMS = {
    "objective": "binary",
    "num_leaves": 31,
    "learning_rate": 0.1,
    "max_bin": 255,
    "min_data_in_leaf": 20,
    "lambda_l2": 0.0,
    "num_threads": 1,
    "deterministic": True,
    "force_col_wise": True,  # skip LightGBM's row/col-wise timing probe (needed for determinism)
    "seed": 1,
    "verbosity": -1,
}
TREES = 100


def fit(x, y):
    data = lgb.Dataset(x, label=y, params={"max_bin": PARAMS["max_bin"], "verbosity": -1})
    return lgb.train(PARAMS, data, num_boost_round=TREES)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--train-key", default=None)
    ap.add_argument("--test-key", default=None)
    args = ap.parse_args()

    x, y, _, load_train = common.load_xy(args.train)
    xt, yt, _, load_test = common.load_xy(args.test)
    fp_train = common.fingerprint_matches(args.train_key, x, y)
    fp_test = common.fingerprint_matches(args.test_key, xt, yt)

    seconds, booster = common.timed(lambda: fit(x, y), args.reps)
    auroc = float(roc_auc_score(yt, booster.predict(xt, num_threads=1)))
    common.emit(
        {
            "peer": "LightGBM",
            "version": lgb.__version__,
            "model": f"lgb.train({PARAMS}, num_boost_round={TREES})",
            "n": int(x.shape[0]),
            "n_test": int(xt.shape[0]),
            "p": int(x.shape[1]),
            "load_seconds": load_train + load_test,
            "fingerprint_ok": None if fp_train is None and fp_test is None else
            all(v is not False for v in (fp_train, fp_test)),
            "fit_seconds": seconds,
            "trees": booster.num_trees(),
            "auroc": auroc,
        }
    )


if __name__ == "__main__":
    main()
