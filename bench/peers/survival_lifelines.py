"""Peer for the survival benchmarks: lifelines (CoxPHFitter, concordance_index).

    python peers/survival_lifelines.py --data FILE.csv [--reps 3] [--key MANIFEST_KEY]
                                       [--skip-cox] [--skip-concordance]

Timed, REPS times each, data loading excluded:
  cox:         CoxPHFitter().fit(df, duration_col="time", event_col="event")  (Efron ties,
               lifelines' only method; the timed call includes what lifelines' fit computes
               after the Newton iterations: standard errors and the baseline hazard)
  concordance: lifelines.utils.concordance_index(time, -risk, event), risk = the true linear
               predictor (lifelines scores "higher = longer survival", hence the minus)
Prints one JSON object.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lifelines  # noqa: E402
import pandas as pd  # noqa: E402
from lifelines import CoxPHFitter  # noqa: E402
from lifelines.utils import concordance_index  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import common  # noqa: E402


def main() -> None:
    args, x, t, e, names, load_s, fp = common.survival_peer_setup()
    df = pd.DataFrame(x, columns=names)
    df["time"], df["event"] = t, e
    out = {"peer": "lifelines", "version": lifelines.__version__, "n": int(x.shape[0]),
           "p": int(x.shape[1]), "load_seconds": load_s, "fingerprint_ok": fp}
    warnings.simplefilter("ignore")
    with threadpool_limits(limits=1):
        if not args.skip_cox:
            timing, cph = common.timed_cpu(
                lambda: CoxPHFitter().fit(df, duration_col="time", event_col="event"), args.reps)
            out["cox"] = {"call": 'CoxPHFitter().fit(df, duration_col="time", event_col="event")',
                          "timing": timing,
                          "coefficients": {k: float(v) for k, v in cph.params_.items()},
                          "se": {k: float(v) for k, v in cph.standard_errors_.items()},
                          "loglik": float(cph.log_likelihood_)}
        if not args.skip_concordance:
            risk = common.true_risk(x)
            timing, c = common.timed_cpu(lambda: concordance_index(t, -risk, e), args.reps)
            out["concordance"] = {"call": "lifelines.utils.concordance_index(time, -risk, event)",
                                  "timing": timing, "c": float(c)}
    common.emit(out)


if __name__ == "__main__":
    main()
