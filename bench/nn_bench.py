"""osler-nn (burn, CPU) against PyTorch and pycox, run by hand (not CI).

    bench/.venv/bin/pip install -r bench/requirements-nn.txt     # torch, pycox, torchtuples
    bench/.venv/bin/python bench/nn_bench.py [--osler target/release/osler] [--n 100000]

One run does two things and writes bench/out/nn_results.json and bench/out/nn_results.md:

1. Epoch times. osler trains through the CLI (`osler train --cv 0 --validation 0 --patience 0`,
   so every epoch is training only) and the per-epoch seconds are read from its `--json`
   output (`epoch_seconds`); PyTorch trains the same layers (Linear-ReLU-Dropout, output bias only
   for the MLP), the same batch size, Adam with the same learning rate, L2 weight decay and
   per-tensor gradient-norm clipping at 5, on the same standardised matrix, with
   `torch.set_num_threads(1)` (osler-nn is single-threaded). An epoch = shuffle + all
   mini-batches (forward, loss, backward, step). The figure is the median over epochs 2..E.
   PyTorch is also timed without the clipping (its per-tensor loop is Python overhead).
   Cases: MLP on pima-diabetes (osler's imputation medians from the artifact), MLP on
   `osler synth binary`, DeepSurv (Breslow partial likelihood; pycox's `cox_ph_loss` on the
   PyTorch side) on whas500 and on `osler synth survival`, full batch (the default) and 256.
2. Discrimination under external validation: DeepSurv with osler's defaults trained on the
   node-positive rotterdam patients (recurrence-free survival) and evaluated on gbsg through
   `osler train` / `osler evaluate`, against pycox's CoxPH (DeepSurv) with the same net,
   optimiser, full batch, 200 epochs, early stopping (patience 20) on a 20% validation split
   stratified by event; Harrell's C (scikit-survival's `concordance_index_censored`), seeds 1-3,
   with osler's Cox model for reference.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATASETS = ROOT / "datasets"


def osler(binary: str, *args: str) -> dict:
    p = subprocess.run([binary, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"osler {' '.join(args)} failed ({p.returncode}): {p.stderr[-2000:]}")
    return json.loads(p.stdout) if "--json" in args else {}


def epoch_seconds(train_json: dict) -> list[float]:
    # Per-epoch wall times are in `osler train --json` (the saved log has none, so that
    # an artifact is byte-identical for a seed).
    return [float(s) for s in train_json["epoch_seconds"]]


def median_after_first(s: list[float]) -> float:
    return statistics.median(s[1:] if len(s) > 1 else s)


# ---------------------------------------------------------------- data


def pima_matrix(binary: str, tmp: Path) -> tuple[np.ndarray, np.ndarray]:
    """Pima as osler's MLP sees it: missing codes -> median imputation (values from a fitted
    artifact's manifest), then standardisation (population SD) inside the network."""
    art = tmp / "pima-prep"
    osler(binary, "train", "--dataset", "pima-diabetes", "--model", "mlp", "--cv", "0",
          "--epochs", "1", "--out", str(art), "--force", "--quiet", "--json")
    manifest = json.loads((art / "manifest.json").read_text())
    df = pd.read_csv(DATASETS / "pima-diabetes" / "data.csv")
    missing = {c["name"]: c.get("missing", []) for c in manifest["schema"]["columns"]}
    cols = []
    for step in manifest["preprocessing"]["steps"]:
        v = df[step["column"]].to_numpy(dtype=float, copy=True)
        for code in missing[step["column"]]:
            v[v == float(code)] = np.nan
        v[np.isnan(v)] = step["impute"]
        cols.append(v)
    y = (df["diabetes"] == "pos").to_numpy(dtype=np.float32)
    return np.column_stack(cols), y


def synth(binary: str, kind: str, n: int, seed: int) -> Path:
    path = BENCH / "data" / f"{kind}_n{n}_p20_seed{seed}.csv"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        osler(binary, "synth", kind, "--n", str(n), "--p", "20", "--seed", str(seed),
              "--out", str(path))
    return path


def standardise(x: np.ndarray, ref: np.ndarray | None = None) -> np.ndarray:
    ref = x if ref is None else ref
    mu, sd = ref.mean(0), ref.std(0)
    sd[sd == 0] = 1.0
    return ((x - mu) / sd).astype(np.float32)


def rotterdam_gbsg(tmp: Path) -> tuple[Path, Path]:
    """R survival's 'validate' split as two CSVs with the same numeric columns."""
    size = {"<=20": 0, "20-50": 1, ">50": 2}
    rot = pd.read_csv(DATASETS / "rotterdam" / "data.csv")
    rot = rot[rot["nodes"] > 0].copy()
    rot["size"] = rot["size"].map(size)
    rot["time"] = np.where(rot["recur"] == 1, rot["rtime"], rot["dtime"])
    rot["event"] = ((rot["recur"] == 1) | (rot["death"] == 1)).astype(int)
    gb = pd.read_csv(DATASETS / "gbsg" / "data.csv")
    gb["size"] = np.select([gb["size"] <= 20, gb["size"] <= 50], [0, 1], 2)
    gb = gb.rename(columns={"rfstime": "time", "status": "event"})
    cols = ["hormon", "age", "meno", "size", "grade", "nodes", "pgr", "er", "time", "event"]
    train, test = tmp / "rotterdam_rfs.csv", tmp / "gbsg.csv"
    rot[cols].to_csv(train, index=False)
    gb[cols].to_csv(test, index=False)
    return train, test


# ---------------------------------------------------------------- PyTorch side


def torch_epochs(x, y, hidden, batch, lr, wd, epochs, survival, clip=True, seed=1):
    import torch
    from pycox.models.loss import cox_ph_loss

    torch.manual_seed(seed)
    layers, width = [], x.shape[1]
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU(), torch.nn.Dropout(0.1)]
        width = h
    layers.append(torch.nn.Linear(width, 1, bias=not survival))
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=wd)
    xt = torch.from_numpy(x)
    if survival:
        t, e = (torch.from_numpy(v.astype(np.float32)) for v in y)
    else:
        yt = torch.from_numpy(y)
    n = x.shape[0]
    size = n if batch == 0 else batch
    gen = torch.Generator().manual_seed(seed)
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n, generator=gen)
        chunks = list(perm.split(size))
        if len(chunks) > 1 and len(chunks[-1]) < 2:  # osler merges a last batch below min
            chunks[-2] = torch.cat(chunks[-2:])
            chunks.pop()
        for idx in chunks:
            opt.zero_grad()
            out = net(xt[idx]).squeeze(1)
            if survival:
                loss = cox_ph_loss(out, t[idx], e[idx])
            else:
                loss = torch.nn.functional.binary_cross_entropy_with_logits(out, yt[idx])
            loss.backward()
            if clip:
                for p in net.parameters():
                    torch.nn.utils.clip_grad_norm_([p], 5.0)
            opt.step()
        times.append(time.perf_counter() - t0)
    return times


def pycox_external(train: Path, test: Path, seed: int) -> float:
    import torch
    import torchtuples as tt
    from pycox.models import CoxPH
    from sksurv.metrics import concordance_index_censored

    cols = ["hormon", "age", "meno", "size", "grade", "nodes", "pgr", "er"]
    tr, te = pd.read_csv(train), pd.read_csv(test)
    rng = np.random.default_rng(seed)
    val = np.zeros(len(tr), dtype=bool)
    for ev in (0, 1):  # 20% validation, stratified by event, as osler's holdout
        rows = np.flatnonzero(tr["event"].to_numpy() == ev)
        val[rng.choice(rows, int(round(0.2 * len(rows))), replace=False)] = True
    x_all = tr[cols].to_numpy(float)
    x = standardise(x_all)
    xt = standardise(te[cols].to_numpy(float), x_all)
    target = lambda d: (d["time"].to_numpy(np.float32), d["event"].to_numpy(np.float32))
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(len(cols), 32), torch.nn.ReLU(),
                              torch.nn.Dropout(0.1), torch.nn.Linear(32, 1, bias=False))
    model = CoxPH(net, tt.optim.Adam(lr=0.01, weight_decay=0.1))
    fit_rows = ~val
    model.fit(x[fit_rows], target(tr[fit_rows]), batch_size=int(fit_rows.sum()), epochs=200,
              callbacks=[tt.callbacks.EarlyStopping(patience=20)], verbose=False,
              val_data=(x[val], target(tr[val])))
    risk = model.predict(xt).ravel()
    return concordance_index_censored(te["event"].to_numpy(bool), te["time"].to_numpy(float),
                                      risk)[0]


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--osler", default=str(ROOT / "target" / "release" / "osler"))
    ap.add_argument("--n", type=int, default=100000, help="rows of the synthetic sets")
    ap.add_argument("--epochs", type=int, default=20, help="epochs of every timing run")
    args = ap.parse_args()
    try:
        import torch
    except ImportError as e:
        sys.exit(f"PyTorch is not installed ({e}); see bench/requirements-nn.txt")
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    import pycox
    import torchtuples

    b, E = args.osler, args.epochs
    out: dict = {"machine": {"platform": platform.platform(), "python": platform.python_version(),
                             "torch": torch.__version__, "pycox": pycox.__version__,
                             "torchtuples": torchtuples.__version__,
                             "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                             "epochs": E, "n_synth": args.n},
                 "timing": [], "external": {}}
    tmp = Path(tempfile.mkdtemp(prefix="osler-nn-bench-"))
    common = ["--cv", "0", "--validation", "0", "--patience", "0", "--epochs", str(E),
              "--seed", "1", "--force", "--quiet", "--json"]

    xp, yp = pima_matrix(b, tmp)
    fb = synth(b, "binary", args.n, 20240602)
    fs = synth(b, "survival", args.n, 20240601)
    dfb, dfs = pd.read_csv(fb), pd.read_csv(fs)
    xcols = [f"x{j}" for j in range(20)]
    wh = pd.read_csv(DATASETS / "whas500" / "data.csv")
    wcols = [c for c in wh.columns if c not in ("lenfol", "fstat")]
    cases = [
        ("MLP 32,32, batch 64, lr 1e-3", "pima-diabetes (768 x 8)",
         ["--dataset", "pima-diabetes", "--model", "mlp"], standardise(xp), yp, [32, 32], 64,
         1e-3, 0.0, False),
        ("MLP 32,32, batch 64, lr 1e-3", f"synth binary ({args.n:,} x 20)",
         ["--data", str(fb), "--target", "y", "--model", "mlp"],
         standardise(dfb[xcols].to_numpy(float)), dfb["y"].to_numpy(np.float32), [32, 32], 64,
         1e-3, 0.0, False),
    ]
    for batch in (0, 256):
        label = "full batch" if batch == 0 else f"batch {batch}"
        cases.append((f"DeepSurv 32, {label}, lr 0.01, wd 0.1", "whas500 (500 x 14)",
                      ["--dataset", "whas500", "--task", "survival", "--time", "lenfol",
                       "--event", "fstat", "--model", "deepsurv", "--ties", "breslow",
                       "--batch-size", str(batch)],
                      standardise(wh[wcols].to_numpy(float)),
                      (wh["lenfol"].to_numpy(), wh["fstat"].to_numpy()), [32], batch, 0.01, 0.1,
                      True))
        cases.append((f"DeepSurv 32, {label}, lr 0.01, wd 0.1",
                      f"synth survival ({args.n:,} x 20)",
                      ["--data", str(fs), "--task", "survival", "--time", "time", "--event",
                       "event", "--model", "deepsurv", "--ties", "breslow", "--batch-size",
                       str(batch)],
                      standardise(dfs[xcols].to_numpy(float)),
                      (dfs["time"].to_numpy(), dfs["event"].to_numpy()), [32], batch, 0.01, 0.1,
                      True))
    for name, data, oargs, x, y, hidden, batch, lr, wd, surv in cases:
        art = tmp / "timing"
        o = median_after_first(epoch_seconds(osler(b, "train", *oargs, *common, "--out", str(art))))
        p = median_after_first(torch_epochs(x, y, hidden, batch, lr, wd, E, surv))
        q = median_after_first(torch_epochs(x, y, hidden, batch, lr, wd, E, surv, clip=False))
        row = {"model": name, "data": data, "osler_epoch_s": o, "torch_epoch_s": p,
               "osler_over_torch": o / p, "torch_noclip_epoch_s": q,
               "osler_over_torch_noclip": o / q}
        print(json.dumps(row), flush=True)
        out["timing"].append(row)

    train, test = rotterdam_gbsg(tmp)
    ext = out["external"]
    base = ["--data", str(train), "--task", "survival", "--time", "time", "--event", "event",
            "--cv", "0", "--force", "--quiet", "--json"]
    for model in ("cox", "deepsurv"):
        for seed in ((1,) if model == "cox" else (1, 2, 3)):
            art = tmp / f"ext-{model}"
            osler(b, "train", *base, "--model", model, "--seed", str(seed), "--out", str(art))
            ev = osler(b, "evaluate", str(art), "--data", str(test), "--json")
            ext.setdefault(f"osler_{model}", []).append(ev["metrics"]["harrell_c"])
    ext["pycox_deepsurv"] = [pycox_external(train, test, s) for s in (1, 2, 3)]
    print(json.dumps(ext), flush=True)

    dest = BENCH / "out"
    dest.mkdir(exist_ok=True)
    (dest / "nn_results.json").write_text(json.dumps(out, indent=2))
    md = ["| model | data | osler epoch (ms) | PyTorch epoch (ms) | osler / PyTorch "
          "| PyTorch without clipping (ms) | osler / that |", "|---|---|---:|---:|---:|---:|---:|"]
    for r in out["timing"]:
        md.append(f"| {r['model']} | {r['data']} | {1e3 * r['osler_epoch_s']:.3f} | "
                  f"{1e3 * r['torch_epoch_s']:.3f} | {r['osler_over_torch']:.2f} | "
                  f"{1e3 * r['torch_noclip_epoch_s']:.3f} | {r['osler_over_torch_noclip']:.2f} |")
    fmt = lambda v: " / ".join(f"{c:.4f}" for c in v)
    md += ["", "| rotterdam -> gbsg, Harrell C | seeds 1-3 |", "|---|---|",
           f"| osler Cox | {fmt(ext['osler_cox'])} |",
           f"| osler DeepSurv (defaults) | {fmt(ext['osler_deepsurv'])} |",
           f"| pycox CoxPH (same net and training) | {fmt(ext['pycox_deepsurv'])} |"]
    (dest / "nn_results.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
