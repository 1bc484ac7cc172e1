"""Reference values for the "np" slice from lifelines 0.30.0 (Python).

Regenerate: /path/to/venv/bin/python tests/reference/peers/np_lifelines.py \
    > tests/reference/peers/np_lifelines.json
The data sets are lifelines' own test data (named at each case).
"""

import json
from pathlib import Path

import lifelines
import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter, NelsonAalenFitter
from lifelines.statistics import logrank_test, multivariate_logrank_test

assert lifelines.__version__ == "0.30.0", lifelines.__version__
HERE = Path(__file__).parent
out = {"lifelines": lifelines.__version__, "logrank": {}, "km": {}}

# lifelines datasets/anderson.csv (load_leukemia), used by lifelines
# tests/test_statistics.py::test_{wilcoxon,tarone_ware,peto}_weighted_logrank_on_leukemia_dataset.
leuk = pd.read_csv(HERE / "np_anderson.csv")
a, b = leuk[leuk["Rx"] == 0], leuk[leuk["Rx"] == 1]
weightings = {
    "logrank": {},
    "wilcoxon": {"weightings": "wilcoxon"},
    "tarone-ware": {"weightings": "tarone-ware"},
    "peto": {"weightings": "peto"},
    "fh_1_0": {"weightings": "fleming-harrington", "p": 1, "q": 0},
    "fh_0_1": {"weightings": "fleming-harrington", "p": 0, "q": 1},
    "fh_1_1": {"weightings": "fleming-harrington", "p": 1, "q": 1},
    "fh_0.5_2": {"weightings": "fleming-harrington", "p": 0.5, "q": 2},
}
for name, kw in weightings.items():
    r = logrank_test(a["t"], b["t"], a["status"], b["status"], **kw)
    out["logrank"][f"anderson_{name}"] = {"chisq": r.test_statistic, "p": r.p_value}

# The docstring example of multivariate_logrank_test (three groups).
G = [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2]
T = [5, 3, 9, 8, 7, 4, 4, 3, 2, 5, 6, 7]
E = [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0]
out["three_groups"] = {"group": G, "time": T, "event": E}
for name, kw in weightings.items():
    r = multivariate_logrank_test(T, G, E, **kw)
    out["logrank"][f"three_groups_{name}"] = {"chisq": r.test_statistic, "df": r.degrees_of_freedom}

# Case weights: lifelines tests/test_statistics.py::
# test_log_rank_test_on_waltons_dataset_with_case_weights uses the counts of
# identical rows as weights; here non-integer weights on the three-group data
# (weights_A / weights_B of logrank_test, groups 0 and 1).
W = [1.5, 2.0, 0.5, 1.0, 2.5, 0.25, 1.0, 3.0, 0.75, 1.0, 2.0, 0.5]
out["three_groups"]["weight"] = W
ia = [i for i in range(12) if G[i] == 0]
ib = [i for i in range(12) if G[i] == 1]
pick = lambda v, ix: np.array([v[i] for i in ix], dtype=float)
for name in ["logrank", "wilcoxon", "tarone-ware", "peto"]:
    r = logrank_test(
        pick(T, ia), pick(T, ib), pick(E, ia), pick(E, ib),
        weights_A=pick(W, ia), weights_B=pick(W, ib), **weightings[name]
    )
    out["logrank"][f"weighted_groups_0_1_{name}"] = {"chisq": r.test_statistic}

# Kaplan-Meier and Nelson-Aalen with non-integer weights: lifelines
# tests/test_estimation.py::test_weights_with_unaligned_index.
t, y, w = [0.6, 0.4, 0.8, 0.9], [0, 1, 1, 0], [1.5, 2.0, 0.8, 0.9]
W_ARR = np.array(w)
kmf = KaplanMeierFitter().fit(t, y, weights=W_ARR)
naf = NelsonAalenFitter(nelson_aalen_smoothing=False).fit(t, y, weights=W_ARR)
out["km"]["weights_unaligned_index"] = {
    "time": t, "event": y, "weight": w,
    "timeline": kmf.survival_function_.index.tolist(),
    "surv": kmf.survival_function_["KM_estimate"].tolist(),
    "at_risk": kmf.event_table["at_risk"].tolist(),
    "cumhaz": naf.cumulative_hazard_.iloc[:, 0].tolist(),
}
# Late entry: lifelines tests/test_estimation.py::test_late_entry_with_against_R.
entry, T2 = [1, 2, 4, 0, 0], [2, 10, 5, 4, 3]
kmf = KaplanMeierFitter().fit(T2, entry=entry)
out["km"]["late_entry"] = {
    "timeline": kmf.survival_function_.index.tolist(),
    "surv": kmf.survival_function_["KM_estimate"].tolist(),
    "median": kmf.median_survival_time_,
}
print(json.dumps(out, indent=1))
