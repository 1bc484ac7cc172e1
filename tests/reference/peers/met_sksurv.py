"""Reference values for the survival metrics of osler (issue 12, items 12 and 14).

Peers: scikit-survival 0.28.0 and lifelines 0.30.0 (Python venv of the bench).
Regenerate from the repository root:

    /work/main/bench/.venv/bin/python tests/reference/peers/met_sksurv.py

Writes met_sksurv.json (hand-made tie cases of scikit-survival's tests/test_metrics.py,
ConcordanceIndexCases and UnoCCases with train = test) and met_surv_preds.csv (a small
seeded data set with tied times, tied risks and survival columns surv_<t>) with the values
of every `osler metrics --task survival` field on it.
"""

import json
import os

import numpy as np
import sksurv
import lifelines
from lifelines.utils import concordance_index
from sksurv.metrics import (
    brier_score,
    concordance_index_censored,
    concordance_index_ipcw,
    cumulative_dynamic_auc,
    integrated_brier_score,
)
from sksurv.util import Surv

HERE = os.path.dirname(os.path.abspath(__file__))

# scikit-survival tests/test_metrics.py::ConcordanceIndexCases (test_concordance_index).
T = [1, 5, 6, 11, 34, 45, 46, 50]
E_ = [5, 8, 11, 34, 12, 3, 9, 12]
T_TIED = [1, 5, 6, 11, 11, 34, 45, 45, 50]
E_TIED = [5, 8, 11, 19, 34, 12, 3, 9, 12]
HARRELL = {
    "no_censoring_all_correct": ([True] * 8, T, list(range(8))[::-1]),
    "no_censoring_all_wrong": ([True] * 8, T, list(range(8))),
    "no_ties": ([False, True, True, False, False, True, False, False], T, E_),
    "with_tied_time": ([False, True, True, False, True, False, True, False, False], T_TIED, E_TIED),
    "with_tied_time2": ([False, True, True, False, False, False, True, False, False], T_TIED, E_TIED),
    "with_tied_event": ([False, True, False, True, True, False, True, False, False], T_TIED, E_TIED),
    "with_tied_risk": ([False, True, True, False, True, True, False, False], T, [5, 15, 11, 34, 12, 3, 9, 12]),
    "with_tied_event_and_time": (
        [True, False, False, False, True, False, True, True, False, False, False, True],
        [34, 11, 11, 5, 1, 89, 13, 45, 7, 13, 9, 13],
        [1, 19, 13, 13, 15, 14, 19, 23, 11, 10, 11, 1],
    ),
}

# scikit-survival tests/test_metrics.py::UnoCCases (test_uno_c), the cases with train = test.
Y_TIES = ([0, 1, 1, 0, 1, 0, 1, 0, 0, 1], [1, 5, 6, 10, 11, 34, 45, 46, 50, 56])
UNO = {
    "no_ties": (Y_TIES, [5, 8, 11, 19, 34, 12, 3, 9, 12, 20], None),
    "tied_risk_1": (Y_TIES, [5, 8, 11, 11, 34, 12, 3, 9, 12, 20], None),
    "tied_risk_2": (Y_TIES, [5, 8, 11, 11, 34, 12, 11, 9, 12, 20], None),
    "truncated_2": (
        ([0, 1, 1, 0, 1, 0, 1, 1, 1, 1], [1, 5, 6, 10, 11, 34, 45, 46, 50, 56]),
        [5, 8, 11, 19, 34, 12, 3, 9, 12, 18],
        45.25,
    ),
    "tied_event": (
        ([0, 1, 0, 1, 1, 0, 1, 0, 0, 1], [1, 5, 6, 11, 11, 34, 45, 45, 50, 55]),
        [5, 8, 11, 19, 34, 12, 3, 9, 12, 18],
        None,
    ),
    "tied_event_and_time": (
        ([1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1], [34, 11, 11, 5, 1, 89, 13, 45, 7, 13, 9, 13, 90]),
        [1, 19, 13, 13, 15, 14, 19, 23, 11, 10, 11, 1, 18],
        None,
    ),
}


def harrell_cases():
    out = {}
    for name, (event, time, risk) in HARRELL.items():
        c, conc, disc, tr, tt = concordance_index_censored(np.array(event), np.array(time, float), np.array(risk, float))
        ll = concordance_index(np.array(time, float), -np.array(risk, float), np.array(event))
        out[name] = {
            "time": time, "event": event, "risk": risk,
            "c": c, "concordant": int(conc), "discordant": int(disc),
            "tied_risk": int(tr), "tied_time": int(tt), "lifelines_c": ll,
        }
    return out


def uno_cases():
    out = {}
    for name, ((event, time), risk, tau) in UNO.items():
        y = Surv.from_arrays(np.array(event, bool), np.array(time, float))
        c, conc, disc, tr, tt = concordance_index_ipcw(y, y, np.array(risk, float), tau=tau)
        out[name] = {
            "time": time, "event": [bool(e) for e in event], "risk": risk, "tau": tau,
            "c": c, "concordant": int(conc), "discordant": int(disc),
            "tied_risk": int(tr), "tied_time": int(tt),
        }
    return out


TIMES = [4.0, 8.0, 12.0, 16.0]


def prediction_set():
    """60 seeded subjects, integer times (tied events and censorings), risks with ties."""
    rng = np.random.default_rng(20261208)
    n = 60
    x = np.round(rng.normal(size=n), 1)
    t_event = rng.exponential(scale=10.0 * np.exp(-0.7 * x))
    t_cens = rng.uniform(2.0, 30.0, size=n)
    time = np.maximum(np.ceil(np.minimum(t_event, t_cens)), 1.0)
    event = t_event <= t_cens
    surv = {t: np.exp(-t / 10.0 * np.exp(0.7 * x)) for t in TIMES}
    return x, time, event, surv


def main():
    x, time, event, surv = prediction_set()
    rows = ["time,event,risk," + ",".join(f"surv_{int(t)}" for t in TIMES)]
    for i in range(len(x)):
        vals = [f"{time[i]:.0f}", str(int(event[i])), f"{x[i]:.1f}"]
        vals += [repr(float(surv[t][i])) for t in TIMES]
        rows.append(",".join(vals))
    with open(os.path.join(HERE, "met_surv_preds.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    # Values read back exactly as osler reads them.
    d = np.genfromtxt(os.path.join(HERE, "met_surv_preds.csv"), delimiter=",", names=True)
    y = Surv.from_arrays(d["event"] == 1, d["time"])
    risk = d["risk"]
    s = np.column_stack([d[f"surv_{int(t)}"] for t in TIMES])
    tau = 14.0
    harrell = concordance_index_censored(d["event"] == 1, d["time"], risk)
    uno = concordance_index_ipcw(y, y, risk, tau=tau)
    auc, mean_auc = cumulative_dynamic_auc(y, y, risk, TIMES)
    _, bs = brier_score(y, y, s, TIMES)
    ibs = integrated_brier_score(y, y, s, TIMES)
    preds = {
        "file": "met_surv_preds.csv", "times": TIMES, "tau": tau,
        "harrell_c": harrell[0], "harrell_counts": [int(v) for v in harrell[1:]],
        "lifelines_c": concordance_index(d["time"], -risk, d["event"] == 1),
        "uno_c": uno[0], "auc_t": list(map(float, auc)), "mean_auc": float(mean_auc),
        "brier_t": list(map(float, bs)), "ibs": float(ibs),
    }
    out = {
        "versions": {"scikit-survival": sksurv.__version__, "lifelines": lifelines.__version__,
                     "numpy": np.__version__},
        "harrell": harrell_cases(), "uno": uno_cases(), "predictions": preds,
    }
    with open(os.path.join(HERE, "met_sksurv.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
