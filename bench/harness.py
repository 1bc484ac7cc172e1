"""Side-by-side benchmark of osler against its Python peers (started by bench/run.sh).

Standard library only. Steps: generate the data with `osler synth` (cached in bench/data/),
run each benchmark's osler commands and peer script REPS times (fit time only, single
thread), take medians, and write bench/out/results.json and bench/out/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

SEEDS = {"binary20": 20240602, "binary30": 20240603, "binary30_test": 20240604,
         "surv": 20240601}
INTERCEPT_NAMES = {"intercept", "(intercept)", "_intercept", "const", "bias", "b0"}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str], what: str) -> str:
    """Runs a command, returns its stdout; on failure prints its output and exits."""
    log("$ " + " ".join(cmd))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-4000:] + p.stderr[-4000:])
        sys.exit(f"bench: {what} failed with exit code {p.returncode}")
    return p.stdout


def parse_json(text: str, what: str) -> dict:
    """The JSON object a command printed (tolerates log lines around it)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    start, end = text.find("{"), text.rfind("}")
    if start >= 0 and end > start:
        try:
            return json.loads(text[start : end + 1])
        except json.JSONDecodeError:
            pass
    sys.exit(f"bench: {what} did not print a JSON object:\n{text[:2000]}")


def find(obj, dotted: str, what: str):
    """obj['a']['b'] for 'a.b'; falls back to the first key named 'b' anywhere in obj."""
    cur = obj
    for part in dotted.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            cur = None
            break
    if cur is not None:
        return cur
    leaf = dotted.split(".")[-1]
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, dict):
            if leaf in o and not isinstance(o[leaf], (dict, list)):
                return o[leaf]
            stack.extend(o.values())
        elif isinstance(o, list):
            stack.extend(o)
    sys.exit(f"bench: no '{dotted}' in the JSON of {what}")


def synth(osler: str, data_dir: Path, n: int, p: int, seed: int, kind: str = "binary") -> Path:
    """`osler synth KIND` (binary or survival), cached: the file only appears once complete."""
    path = data_dir / f"{kind}_n{n}_p{p}_seed{seed}.csv"
    if path.exists():
        log(f"reusing {path}")
        return path
    tmp = path.with_suffix(".csv.tmp")
    t0 = time.perf_counter()
    run(
        [osler, "synth", kind, "--n", str(n), "--p", str(p), "--seed", str(seed),
         "--out", str(tmp)],
        "osler synth",
    )
    tmp.rename(path)
    log(f"wrote {path} in {time.perf_counter() - t0:.1f}s")
    return path


def manifest_key(kind: str, n: int, p: int, seed: int) -> str | None:
    """The manifest data set with exactly this recipe, if any (for the fingerprint check)."""
    m = json.loads((ROOT / "tests/reference/synth_manifest.json").read_text())
    for key, d in m["datasets"].items():
        if (d["kind"], d["n"], d["p"], d["seed"]) == (kind, n, p, seed):
            return key
    return None


def peer(python: str, script: str, args: list[str], what: str) -> dict:
    out = run([python, str(BENCH / "peers" / script), *args], what)
    return parse_json(out, what)


def osler_train(osler: str, args: list[str], out_dir: Path, what: str) -> dict:
    if out_dir.exists():
        shutil.rmtree(out_dir)
    t0 = time.perf_counter()
    res = parse_json(run([osler, "train", *args, "--out", str(out_dir), "--json", "--quiet"],
                         what), what)
    res["_wall_seconds"] = time.perf_counter() - t0
    return res


def summary(seconds: list[float]) -> dict:
    return {"fit_seconds": seconds, "median": statistics.median(seconds),
            "min": min(seconds), "max": max(seconds)}


def bench_logistic(a, data: Path) -> dict:
    key = manifest_key("binary", a.n, 20, SEEDS["binary20"])
    runs = []
    for r in range(a.reps):
        runs.append(osler_train(
            a.osler,
            ["--data", str(data), "--target", "y", "--model", "logistic", "--penalty", "none",
             "--cv", "0", "--seed", "1"],
            a.out_dir / "osler_logistic", f"osler train logistic (rep {r + 1})"))
    o_secs = [float(find(x, "timing.fit_seconds", "osler train")) for x in runs]
    o_coef = {}
    for c in find(runs[-1], "coefficients", "osler train"):
        name = str(c.get("name", ""))
        name = "intercept" if name.lower() in INTERCEPT_NAMES else name
        o_coef[name] = float(c.get("coef", c.get("estimate", c.get("value"))))
    pr = peer(a.python, "logistic_sklearn.py",
              ["--train", str(data), "--reps", str(a.reps)] + (["--key", key] if key else []),
              "peer logistic_sklearn.py")
    shared = sorted(set(o_coef) & set(pr["coefficients"]))
    missing = sorted(set(pr["coefficients"]) - set(o_coef))
    diffs = {k: abs(o_coef[k] - pr["coefficients"][k]) for k in shared}
    worst = max(diffs, key=diffs.get) if diffs else None
    o, p = summary(o_secs), summary(pr["fit_seconds"])
    return {
        "name": "logistic",
        "title": "Logistic regression, unpenalised",
        "data": f"binary n={a.n} p=20 seed={SEEDS['binary20']}",
        "shape": f"{a.n:,} x 20",
        "osler": {**o, "wall_seconds_incl_parse": [x["_wall_seconds"] for x in runs],
                  "coefficients": o_coef},
        "peer": {**p, "name": f"scikit-learn {pr['version']}", "detail": pr["model"],
                 "n_iter": pr["n_iter"], "load_seconds": pr["load_seconds"],
                 "coefficients": pr["coefficients"]},
        "ratio_osler_over_peer": o["median"] / p["median"],
        "fingerprint_ok": pr["fingerprint_ok"],
        "agreement": {"coef_max_abs_diff": diffs[worst] if worst else None,
                      "coef_worst": worst, "coefs_compared": len(shared),
                      "coefs_missing_in_osler": missing},
    }


def bench_gbdt(a, train: Path, test: Path) -> dict:
    k_train = manifest_key("binary", a.n, 30, SEEDS["binary30"])
    k_test = manifest_key("binary", a.n_test, 30, SEEDS["binary30_test"])
    model_dir = a.out_dir / "osler_gbdt"
    runs = []
    for r in range(a.reps):
        runs.append(osler_train(
            a.osler,
            ["--data", str(train), "--target", "y", "--model", "gbdt", "--trees", "100",
             "--learning-rate", "0.1", "--max-leaves", "31", "--min-leaf", "20",
             "--lambda-l2", "0", "--early-stopping", "0", "--cv", "0"],
            model_dir, f"osler train gbdt (rep {r + 1})"))
    o_secs = [float(find(x, "timing.fit_seconds", "osler train")) for x in runs]
    ev = parse_json(run([a.osler, "evaluate", str(model_dir), "--data", str(test), "--json"],
                        "osler evaluate"), "osler evaluate")
    o_auc = float(find(ev, "metrics.auroc", "osler evaluate"))
    args = ["--train", str(train), "--test", str(test), "--reps", str(a.reps)]
    args += (["--train-key", k_train] if k_train else []) + (["--test-key", k_test] if k_test else [])
    pr = peer(a.python, "gbdt_lightgbm.py", args, "peer gbdt_lightgbm.py")
    o, p = summary(o_secs), summary(pr["fit_seconds"])
    return {
        "name": "gbdt",
        "title": "GBDT, 100 trees, 31 leaves, lr 0.1",
        "data": f"binary train n={a.n} p=30 seed={SEEDS['binary30']}, "
                f"test n={a.n_test} seed={SEEDS['binary30_test']}",
        "shape": f"{a.n:,} x 30",
        "osler": {**o, "wall_seconds_incl_parse": [x["_wall_seconds"] for x in runs],
                  "auroc": o_auc},
        "peer": {**p, "name": f"LightGBM {pr['version']}", "detail": pr["model"],
                 "load_seconds": pr["load_seconds"], "auroc": pr["auroc"]},
        "ratio_osler_over_peer": o["median"] / p["median"],
        "fingerprint_ok": pr["fingerprint_ok"],
        "agreement": {"auroc_osler": o_auc, "auroc_peer": pr["auroc"],
                      "auroc_diff": o_auc - pr["auroc"]},
    }


def machine(osler: str, python: str) -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def out(cmd: list[str]) -> str | None:
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               cwd=ROOT)
            return p.stdout.strip() or None if p.returncode == 0 else None
        except OSError:
            return None

    versions = out([python, "-c", "import json, importlib; print(json.dumps({m: "
                    "getattr(importlib.import_module(m), '__version__', None) for m in "
                    "('numpy', 'pandas', 'sklearn', 'lightgbm', 'scipy', 'lifelines', "
                    "'sksurv')}))"])
    dirty = out(["git", "status", "--porcelain"])
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        # `nproc` itself would answer 1 here: GNU nproc honours OMP_NUM_THREADS.
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "os": platform.platform(),
        "python": out([python, "-c", "import platform; print(platform.python_version())"]),
        "packages": json.loads(versions) if versions else None,
        "rustc": out(["rustc", "--version"]),
        "osler": out([osler, "--version"]),
        "git_commit": (out(["git", "rev-parse", "--short", "HEAD"]) or "?")
        + (" (uncommitted changes)" if dirty else ""),
        "threads": "1 (OMP/OpenBLAS/MKL/RAYON_NUM_THREADS=1, LightGBM num_threads=1)",
        "r": out(["Rscript", "-e", "cat(R.version.string, '; survival', "
                  "as.character(packageVersion('survival')))"]),
        "pinned_cpu": os.environ.get("PIN_CPU") or None,
    }


def fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else f"{x:.2f}" if x < 100 else f"{x:.1f}"


def markdown(res: dict) -> str:
    m = res["machine"]
    lines = [
        f"Machine: {m['cpu']}, nproc {m['nproc']}, {m['os']}; {m['date']}; osler "
        f"{m['git_commit']}, {m['rustc']}; Python {m['python']}. Single-threaded everywhere; "
        f"fit time only (data loading excluded), median of {res['reps']} runs.",
        "",
        "| benchmark | data (rows x features) | osler fit (s) | peer | peer fit (s) "
        "| osler / peer | agreement |",
        "|---|---|---:|---|---:|---:|---|",
    ]
    for b in res["benchmarks"]:
        ag = b["agreement"]
        if b["name"] == "logistic":
            d = ag["coef_max_abs_diff"]
            agree = f"max abs coefficient diff {d:.1e} ({ag['coefs_compared']} coefs)" \
                if d is not None else "coefficients not comparable"
        else:
            agree = (f"test AUROC {ag['auroc_osler']:.5f} vs {ag['auroc_peer']:.5f} "
                     f"(diff {ag['auroc_diff']:+.1e})")
        lines.append(
            f"| {b['title']} | {b['shape']} | {fmt_s(b['osler']['median'])} | "
            f"{b['peer']['name']} | {fmt_s(b['peer']['median'])} | "
            f"{b['ratio_osler_over_peer']:.2f} | {agree} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--osler", required=True, help="path of the release osler binary")
    ap.add_argument("--python", default=sys.executable, help="python of the peers' venv")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--n-test", type=int, default=None, help="GBDT test rows (default: --n)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only", choices=["logistic", "gbdt", "survival"], default=None)
    ap.add_argument("--survival-n", default="10000,100000,1000000",
                    help="comma-separated row counts of the survival benchmarks")
    ap.add_argument("--survival-budget", type=float, default=300.0,
                    help="skip a survival peer at a size where one fit is predicted to take "
                         "longer than this many seconds")
    ap.add_argument("--no-python-peers", dest="python_peers", action="store_false",
                    help="skip lifelines and scikit-survival (survival)")
    ap.add_argument("--rscript", default=shutil.which("Rscript"),
                    help="Rscript of the R survival peer (skipped when absent)")
    ap.add_argument("--survival-bench", default=None,
                    help="bench/rust binary osler-survival-bench (skipped when absent)")
    ap.add_argument("--data-dir", type=Path, default=BENCH / "data")
    ap.add_argument("--out-dir", type=Path, default=BENCH / "out")
    a = ap.parse_args()
    a.n_test = a.n_test or a.n
    a.osler = str(Path(a.osler).resolve())
    a.data_dir, a.out_dir = a.data_dir.resolve(), a.out_dir.resolve()
    a.data_dir.mkdir(parents=True, exist_ok=True)
    a.out_dir.mkdir(parents=True, exist_ok=True)
    res = {"n": a.n, "n_test": a.n_test, "reps": a.reps, "machine": machine(a.osler, a.python),
           "benchmarks": []}
    if os.environ.get("PIN_CPU"):
        os.sched_setaffinity(0, {int(os.environ["PIN_CPU"])})  # children inherit it
    if a.only in (None, "logistic"):
        d20 = synth(a.osler, a.data_dir, a.n, 20, SEEDS["binary20"])
        res["benchmarks"].append(bench_logistic(a, d20))
    if a.only in (None, "gbdt"):
        tr = synth(a.osler, a.data_dir, a.n, 30, SEEDS["binary30"])
        te = synth(a.osler, a.data_dir, a.n_test, 30, SEEDS["binary30_test"])
        res["benchmarks"].append(bench_gbdt(a, tr, te))
    if a.only in (None, "survival"):
        import survival_bench  # bench/survival_bench.py

        sizes = [int(float(v)) for v in a.survival_n.split(",") if v.strip()]
        res["survival"] = survival_bench.run_all(a, sizes, synth, manifest_key, log)

    for b in res["benchmarks"]:
        if b["fingerprint_ok"] is False:
            log(f"WARNING: {b['name']}: the data the peer loaded does not match the manifest's "
                "SHA-256 fingerprints (osler synth or CSV round trip is not bit-exact)")
    (a.out_dir / "results.json").write_text(json.dumps(res, indent=2) + "\n")
    md = markdown(res) if res["benchmarks"] else ""
    if "survival" in res:
        import survival_bench

        md += ("\n" if md else "") + survival_bench.markdown(res["survival"], res["machine"],
                                                             a.reps)
    (a.out_dir / "results.md").write_text(md)
    print(md)
    log(f"wrote {a.out_dir / 'results.json'} and {a.out_dir / 'results.md'}")


if __name__ == "__main__":
    main()
