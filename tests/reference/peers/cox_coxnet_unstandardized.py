"""Elastic-net Cox without standardisation on rossi, from scikit-survival.

Run from the repository root with scikit-survival 0.28.0:
    python tests/reference/peers/cox_coxnet_unstandardized.py
Writes tests/reference/peers/cox_coxnet_unstandardized.json.

scikit-survival's CoxnetSurvivalAnalysis(normalize=False) (glmnet's
standardize = FALSE) minimises, over the raw covariates,
    -(1/n) logPL_Breslow(b) + lambda (l1_ratio |b|_1 + (1 - l1_ratio)/2 |b|_2^2).
Its coordinate descent stops at a loose tolerance, so its solution is then
polished by Newton's method on its active set (the signs kept) until the
KKT conditions hold to rounding; the polished coefficients are the
reference and the distance from scikit-survival's is recorded. The
penalties follow sksurv tests/test_coxnet.py (fixed `alphas`, normalize
False), at fractions of lambda_max = max_j |dlogPL/db_j(0)| / (n l1_ratio).
"""

import json

import numpy as np
import pandas as pd
import sksurv
from sksurv.linear_model import CoxnetSurvivalAnalysis
from sksurv.util import Surv

COLS = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
df = pd.read_csv("tests/reference/data/lifelines_rossi.csv")
X = df[COLS].to_numpy(float)
time = df["week"].to_numpy(float)
event = df["arrest"].to_numpy(float)
n, p = X.shape
y = Surv.from_arrays(event.astype(bool), time)
event_times = np.unique(time[event == 1])


def breslow(b):
    """Log partial likelihood (Breslow), gradient and Hessian."""
    eta = X @ b
    r = np.exp(eta - eta.max())
    ll, g, h = float(event @ eta), X.T @ event, np.zeros((p, p))
    for t in event_times:
        risk = time >= t
        d = float(((time == t) & (event == 1)).sum())
        s0 = r[risk].sum()
        xr = X[risk]
        s1 = xr.T @ r[risk]
        s2 = (xr * r[risk, None]).T @ xr
        ll -= d * (np.log(s0) + eta.max())
        g -= d * s1 / s0
        h -= d * (s2 / s0 - np.outer(s1, s1) / s0**2)
    return ll, g, h


def polish(b, lam, l1):
    """Newton on the active set of `b`: -(1/n) g + lam l1 sign + lam (1-l1) b = 0."""
    act = b != 0
    s = np.sign(b[act])
    b = b.copy()
    for _ in range(50):
        _, g, h = breslow(b)
        grad = -g[act] / n + lam * l1 * s + lam * (1 - l1) * b[act]
        hess = -h[np.ix_(act, act)] / n + lam * (1 - l1) * np.eye(act.sum())
        b[act] -= np.linalg.solve(hess, grad)
    _, g, _ = breslow(b)
    kkt_active = np.abs(-g[act] / n + lam * l1 * s + lam * (1 - l1) * b[act]).max(initial=0)
    kkt_zero = (np.abs(g[~act] / n) - lam * l1).max(initial=-1)
    assert kkt_zero <= 0, "a zero coefficient violates the KKT conditions"
    assert np.all(np.sign(b[act]) == s), "the polish changed a sign"
    return b, float(kkt_active)


_, g0, _ = breslow(np.zeros(p))
out = {"sksurv": sksurv.__version__, "covariates": COLS, "fits": []}
for l1 in [0.5, 1.0]:
    lam_max = np.abs(g0).max() / (n * l1)
    lams = [float(f"{lam_max * f:.6g}") for f in (0.5, 0.1, 0.01)]
    est = CoxnetSurvivalAnalysis(l1_ratio=l1, alphas=lams, normalize=False, tol=1e-14, max_iter=1_000_000)
    est.fit(X, y)
    for k, lam in enumerate(est.alphas_):
        b0 = est.coef_[:, k]
        b, kkt = polish(b0, lam, l1)
        out["fits"].append({
            "l1_ratio": l1,
            "lambda": float(lam),
            "coef": b.tolist(),
            "sksurv_coef": b0.tolist(),
            "max_abs_diff_from_sksurv": float(np.abs(b - b0).max()),
            "kkt": kkt,
        })
with open("tests/reference/peers/cox_coxnet_unstandardized.json", "w") as f:
    json.dump(out, f, indent=1)
