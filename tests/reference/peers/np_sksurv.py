"""Reference values for the "np" slice from scikit-survival 0.28.0: Kaplan-Meier
with entry times (left truncation), the cases of sksurv
tests/test_nonparametric.py::TestKaplanMeier::test_left_truncated_simple{1,2,3}
and ::test_truncated_male / ::test_truncated_female (Channing House data,
copied from sksurv tests/data/channing.csv into np_channing.csv).

Regenerate: <venv with scikit-survival 0.28.0>/bin/python tests/reference/peers/np_sksurv.py \
    > tests/reference/peers/np_sksurv.json
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import sksurv
from sksurv.nonparametric import kaplan_meier_estimator

assert sksurv.__version__ == "0.28.0", sksurv.__version__
HERE = Path(__file__).parent


def case(enter, exit_, event):
    x, y, ci = kaplan_meier_estimator(
        np.asarray(event, dtype=bool), np.asarray(exit_, dtype=float),
        np.asarray(enter, dtype=float), conf_type="log-log"
    )
    return {
        "entry": [float(v) for v in enter], "time": [float(v) for v in exit_],
        "event": [int(v) for v in event], "x": x.tolist(), "surv": y.tolist(),
        "lower": ci[0].tolist(), "upper": ci[1].tolist(),
    }


out = {"sksurv": sksurv.__version__, "km": {}}
out["km"]["left_truncated_simple1"] = case(
    [4, 3, 4, 2, 1, 5, 6, 7], [6, 7, 8, 10, 9, 9, 10, 11], [0, 1, 0, 0, 1, 1, 1, 0])
out["km"]["left_truncated_simple2"] = case(
    [1, 4, 3, 4, 2, 1, 5, 6, 7], [4, 6, 7, 8, 10, 9, 9, 10, 11], [1, 0, 1, 0, 0, 1, 1, 1, 0])
out["km"]["left_truncated_simple3"] = case(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 9], [11, 12, 13, 14, 15, 16, 17, 18, 19, 19],
    [0, 1, 0, 0, 1, 1, 1, 1, 0, 1])
channing = pd.read_csv(HERE / "np_channing.csv")
for sex in ["Male", "Female"]:
    d = channing.query("entry < exit and sex == @sex")
    c = case(d["entry"].to_numpy(), d["exit"].to_numpy(), (d["cens"] == 1).to_numpy())
    out["km"][f"channing_{sex.lower()}"] = {k: c[k] for k in ["x", "surv", "lower", "upper"]}
print(json.dumps(out, indent=1))
