"""Reference values for Firth's penalised Cox regression (issue 12, slice rob).

R's reference implementation (package coxphf) is not available here, so this
is an independent implementation written for the test: it maximises
    l*(b) = l(b) + 0.5 log det I(b)
(Heinze & Schemper 2001) with l the Breslow or Efron log partial likelihood
over explicitly enumerated risk sets, I(b) its information (closed form), and
the gradient of l* taken by complex-step differentiation of l* itself (exact
to rounding, no third derivatives coded), then Newton steps with a
finite-difference Hessian of that gradient until |grad| < 1e-13.

Regenerate (numpy only):
    /work/main/bench/.venv/bin/python tests/reference/peers/rob_firth.py
It reads the rob_*.csv data sets next to it and writes rob_firth.json.
"""
import csv
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def read(name, time, event, covs, start=None, event_level=1):
    rows = list(csv.DictReader(open(os.path.join(HERE, name))))
    keep = [r for r in rows if all(r[c] != "" for c in [time, event] + covs + ([start] if start else []))]
    t = np.array([float(r[time]) for r in keep])
    e = np.array([float(r[event]) == event_level for r in keep])
    x = np.array([[float(r[c]) for c in covs] for r in keep])
    s = np.array([float(r[start]) for r in keep]) if start else None
    return t, e, x, s


def loglik_info(b, t, e, x, s, ties):
    """Log partial likelihood and information at b (complex-safe)."""
    p = x.shape[1]
    eta = x @ b
    r = np.exp(eta)
    ll = 0.0 + 0.0j
    info = np.zeros((p, p), dtype=complex)
    for tk in np.unique(t[e]):
        risk = (t >= tk) & ((s < tk) if s is not None else True)
        dead = (t == tk) & e
        d = dead.sum()
        S0 = r[risk].sum()
        S1 = (r[risk, None] * x[risk]).sum(0)
        S2 = np.einsum("i,ij,ik->jk", r[risk], x[risk], x[risk])
        E0 = r[dead].sum()
        E1 = (r[dead, None] * x[dead]).sum(0)
        E2 = np.einsum("i,ij,ik->jk", r[dead], x[dead], x[dead])
        ll += eta[dead].sum()
        fr = [k / d for k in range(d)] if ties == "efron" else [0.0] * d
        for f in fr:
            A0, A1, A2 = S0 - f * E0, S1 - f * E1, S2 - f * E2
            ll -= np.log(A0)
            info += A2 / A0 - np.outer(A1, A1) / A0**2
    return ll, info


def penalized(b, *data):
    ll, info = loglik_info(b, *data)
    sign, logabs = np.linalg.slogdet(info)
    return ll + 0.5 * (np.log(sign) + logabs)


def grad(b, *data):
    h = 1e-30
    p = len(b)
    return np.array([penalized(b + 1j * h * np.eye(p)[k], *data).imag / h for k in range(p)])


def firth(*data):
    p = data[2].shape[1]
    b = np.zeros(p)
    for _ in range(500):
        g = grad(b, *data)
        if np.max(np.abs(g)) < 1e-13:
            break
        h = 1e-6
        H = np.array([(grad(b + h * np.eye(p)[k], *data) - grad(b - h * np.eye(p)[k], *data)) / (2 * h)
                      for k in range(p)])
        step = -np.linalg.solve((H + H.T) / 2, g)
        lam = 1.0
        f0 = penalized(b, *data).real
        while penalized(b + lam * step, *data).real < f0 - 1e-14 * abs(f0) and lam > 1e-8:
            lam /= 2
        b = b + lam * step
    else:
        raise RuntimeError("no convergence")
    _, info = loglik_info(b.astype(complex), *data)
    cov = np.linalg.inv(info.real)
    return {
        "coef": b.tolist(),
        "se": np.sqrt(np.diag(cov)).tolist(),
        "penalized_loglik": penalized(b.astype(complex), *data).real,
        "penalized_loglik_null": penalized(np.zeros(p, dtype=complex), *data).real,
        "max_abs_gradient": float(np.max(np.abs(grad(b, *data)))),
    }


CASES = {
    # R survival tests/infcox.R: x1 and x2 both separate the events.
    "infcox": ("rob_infcox.csv", "futime", "fustat", ["x1", "x2"], None),
    # ovarian with sep = fustat (a covariate equal to the event indicator).
    "ovarian_sep": ("rob_ovarian_sep.csv", "futime", "fustat", ["age", "sep"], None),
    # R survival tests/singtest.R's (start, stop] data (status NA rows dropped),
    # tied event times within each epoch.
    "singtest_x": ("rob_singtest.csv", "stop", "status", ["x", "x_epoch2"], "start"),
    # The examples of coxphf's own documentation (man/coxphf.Rd): `sim`, three
    # events with a monotone likelihood in x, and `test2`, (start, stop] rows.
    "coxphf_sim": ("rob_coxphf_sim.csv", "time", "cens", ["x"], None),
    "coxphf_test2": ("rob_coxphf_test2.csv", "stop", "event", ["x"], "start"),
}

out = {}
for name, (f, time, event, covs, start) in CASES.items():
    t, e, x, s = read(f, time, event, covs, start)
    for ties in ["efron", "breslow"]:
        out[f"{name}_{ties}"] = firth(t, e, x.astype(float), s, ties)
json.dump(out, open(os.path.join(HERE, "rob_firth.json"), "w"), indent=1)
print(json.dumps(out, indent=1))
