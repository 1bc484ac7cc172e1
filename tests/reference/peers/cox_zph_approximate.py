"""Survival 2.x's approximate proportional-hazards test on rossi, from lifelines.

Run from the repository root with lifelines 0.30.0:
    python tests/reference/peers/cox_zph_approximate.py
Writes tests/reference/peers/cox_zph_approximate.json. Follows lifelines
tests/test_statistics.py::test_proportional_hazard_test (lifelines'
`proportional_hazard_test` is the Grambsch-Therneau approximation of
survival 2.x). Only identity and log are kept: lifelines' `km` is the
right-continuous weighted curve (R's is left-continuous) and its `rank` is
the running count of deaths (tied deaths get distinct ranks; R averages
them). Statistics are keyed by covariate.
"""

import json

import lifelines
import pandas as pd
from lifelines import CoxPHFitter
from lifelines.statistics import proportional_hazard_test

df = pd.read_csv("tests/reference/data/lifelines_rossi.csv")
cph = CoxPHFitter()
cph.fit(df, "week", "arrest", fit_options={"precision": 1e-14, "step_size": 1.0})
out = {"lifelines": lifelines.__version__, "coef": dict(cph.params_)}
for tr in ["identity", "log"]:
    r = proportional_hazard_test(cph, df, time_transform=tr)
    out[tr] = dict(zip(r.summary.index, r.summary["test_statistic"].values))
with open("tests/reference/peers/cox_zph_approximate.json", "w") as f:
    json.dump(out, f, indent=1)
