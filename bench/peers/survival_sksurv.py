"""Peer for the survival benchmarks: scikit-survival (CoxPHSurvivalAnalysis,
concordance_index_censored).

    python peers/survival_sksurv.py --data FILE.csv [--reps 3] [--key MANIFEST_KEY]
                                    [--skip-cox] [--skip-concordance]

Timed, REPS times each, data loading excluded:
  cox:         CoxPHSurvivalAnalysis(ties="efron", n_iter=100, tol=1e-9).fit(X, y)
               (unpenalised: alpha=0 is the default)
  concordance: concordance_index_censored(event, time, risk), risk = the true linear predictor
Prints one JSON object.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import sksurv  # noqa: E402
from sksurv.linear_model import CoxPHSurvivalAnalysis  # noqa: E402
from sksurv.metrics import concordance_index_censored  # noqa: E402
from sksurv.util import Surv  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import common  # noqa: E402


def main() -> None:
    args, x, t, e, names, load_s, fp = common.survival_peer_setup()
    y = Surv.from_arrays(event=e.astype(bool), time=t)
    out = {"peer": "scikit-survival", "version": sksurv.__version__, "n": int(x.shape[0]),
           "p": int(x.shape[1]), "load_seconds": load_s, "fingerprint_ok": fp}
    warnings.simplefilter("ignore")
    with threadpool_limits(limits=1):
        if not args.skip_cox:
            timing, m = common.timed_cpu(
                lambda: CoxPHSurvivalAnalysis(ties="efron", n_iter=100, tol=1e-9).fit(x, y),
                args.reps)
            out["cox"] = {"call": 'CoxPHSurvivalAnalysis(ties="efron", n_iter=100, tol=1e-9)'
                                  ".fit(X, y)",
                          "timing": timing,
                          "coefficients": {k: float(v) for k, v in zip(names, m.coef_)}}
        if not args.skip_concordance:
            risk = common.true_risk(x)
            ev = e.astype(bool)
            timing, res = common.timed_cpu(
                lambda: concordance_index_censored(ev, t, risk), args.reps)
            out["concordance"] = {"call": "concordance_index_censored(event, time, risk)",
                                  "timing": timing, "c": float(res[0]),
                                  "concordant": int(res[1]), "discordant": int(res[2]),
                                  "tied_risk": int(res[3]), "tied_time": int(res[4])}
    common.emit(out)


if __name__ == "__main__":
    main()
