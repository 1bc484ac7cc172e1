"""Survival benchmarks of bench/harness.py: Cox fit and Harrell's C, osler against R survival,
the crates.io `survival` crate, lifelines and scikit-survival (standard library only).

For every size n (``--survival-n``):

* osler: ``osler survival cox --json`` REPS times (``timing.fit_seconds``: fit only, parsing
  excluded; peak RSS and CPU of each process from ``os.wait4``), and ``bench/rust``'s
  ``osler-survival-bench`` (one process: ``osler_eval::survival::harrell_c`` of the true linear
  predictor, then the `survival` crate's ``concordancefit`` and ``CoxphFitResult::fit``);
* peers: ``peers/survival_r.R``, ``peers/survival_lifelines.py``, ``peers/survival_sksurv.py``.

A peer's task is skipped at a size where one run is predicted (from the smaller sizes, with the
measured growth exponent, or the declared one until two sizes exist) to exceed
``--survival-budget`` seconds; where REPS runs would exceed it, it runs once.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent

# (peer, task) -> declared growth exponent of the run time in n, used until measured.
GROWTH = {
    ("r", "lowlevel"): 1.1, ("r", "full"): 1.1, ("r", "concordance"): 1.1,
    ("crate", "cox"): 1.1, ("crate", "concordance"): 1.1,
    ("lifelines", "cox"): 1.1, ("lifelines", "concordance"): 1.2,
    ("sksurv", "cox"): 1.2, ("sksurv", "concordance"): 2.0,  # pairwise loop over events
}
PROCESS_TIMEOUT = 3600  # seconds; a peer process running longer is killed and recorded


def run_measured(cmd: list[str], what: str, log, env=None, timeout=PROCESS_TIMEOUT) -> dict:
    """Runs cmd; returns stdout, wall seconds, CPU seconds (user + system) and peak RSS (MiB)
    of the process, from os.wait4. On failure, records the error instead of exiting."""
    log("$ " + " ".join(cmd))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                os.wait4(p.pid, 0)
                return {"error": f"timed out after {timeout} s", "wall": timeout}
            time.sleep(0.02)
        p.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if p.returncode != 0:
        sys.stderr.write(stdout[-3000:] + stderr[-3000:])
        log(f"{what} failed with exit code {p.returncode}")
        return {"error": f"exit code {p.returncode}: {stderr[-500:]}", "wall": wall}
    try:
        start, end = stdout.find("{"), stdout.rfind("}")
        obj = json.loads(stdout[start:end + 1])
    except (ValueError, json.JSONDecodeError):
        return {"error": f"no JSON in output: {stdout[:500]}", "wall": wall}
    return {"json": obj, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
            "maxrss_mib": ru.ru_maxrss / 1024.0}


def predict(history: dict, key: tuple, n: int) -> float | None:
    """Predicted seconds of one run of `key` at size n, from its measured medians."""
    pts = sorted(history.get(key, []))
    if not pts:
        return None
    n1, t1 = pts[-1]
    k = GROWTH.get(key, 1.0)
    if len(pts) >= 2:
        n0, t0 = pts[-2]
        if t0 > 0.05 and t1 > 0:  # tiny timings are too noisy for an exponent
            k = max(1.0, math.log(t1 / t0) / math.log(n1 / n0))
    return t1 * (n / n1) ** k


def plan(history: dict, peer: str, tasks: list[str], n: int, reps: int, budget: float):
    """Which tasks of a peer to run at size n, and with how many repetitions."""
    run, skipped, r = [], {}, reps
    for t in tasks:
        pr = predict(history, (peer, t), n)
        if pr is not None and pr > budget:
            skipped[t] = f"skipped: one run predicted to take ~{pr:.0f} s (> {budget:.0f} s)"
        else:
            run.append(t)
            if pr is not None and pr * reps > budget:
                r = 1
    return run, skipped, r


def coef_diff(a: dict | None, b: dict | None) -> float | None:
    if not a or not b:
        return None
    shared = set(a) & set(b)
    return max(abs(a[k] - b[k]) for k in shared) if shared else None


def run_size(a, n: int, data: Path, key: str | None, history: dict, log) -> dict:
    reps, budget = a.reps, a.survival_budget
    env = dict(os.environ)
    row: dict = {"n": n, "data": str(data), "manifest_key": key, "skipped": {}}

    # osler CLI Cox fit.
    runs = []
    for r in range(reps):
        m = run_measured([a.osler, "survival", "cox", "--data", str(data), "--time", "time",
                          "--event", "event", "--json"], f"osler survival cox (rep {r + 1})", log)
        if "error" in m:
            sys.exit(f"bench: osler survival cox failed: {m['error']}")
        runs.append(m)
    j = runs[-1]["json"]
    row["osler_cox"] = {
        "fit_seconds": [float(x["json"]["timing"]["fit_seconds"]) for x in runs],
        "fit_cpu_seconds": [x["json"]["timing"].get("fit_cpu_seconds") for x in runs],
        "concordance_cpu_seconds": [x["json"]["timing"].get("concordance_cpu_seconds")
                                    for x in runs],
        "read_seconds": [float(x["json"]["timing"]["read_seconds"]) for x in runs],
        "process_wall_seconds": [x["wall"] for x in runs],
        "process_cpu_seconds": [x["cpu"] for x in runs],
        "peak_rss_mib": [x["maxrss_mib"] for x in runs],
        "coefficients": {c["name"]: float(c["coef"]) for c in j["coefficients"]},
        "se": {c["name"]: float(c["se"]) for c in j["coefficients"]},
        "concordance": j.get("concordance"), "iterations": j.get("iterations"),
        "loglik": j.get("loglik"), "ties": j.get("ties"),
    }
    row["osler_cox"]["median"] = statistics.median(row["osler_cox"]["fit_seconds"])
    cpus = row["osler_cox"]["fit_cpu_seconds"]
    row["osler_cox"]["cpu_median"] = (statistics.median(cpus)
                                      if all(c is not None for c in cpus) else None)

    # bench/rust: osler-eval harrell_c, then the survival crate (concordance, Cox).
    if a.survival_bench and Path(a.survival_bench).exists():
        tasks, skipped, r = plan(history, "crate", ["concordance", "cox"], n, reps, budget)
        row["skipped"].update({f"crate {k}": v for k, v in skipped.items()})
        cmd = [a.survival_bench, "--data", str(data), "--reps", str(reps),
               "--seed", str(a.surv_seed)]
        if "cox" not in tasks:
            cmd.append("--skip-cox")
        if "concordance" not in tasks and "cox" not in tasks:
            cmd.append("--skip-crate")
        m = run_measured(cmd, "osler-survival-bench", log, env)
        if "error" in m:
            row["rust_error"] = m["error"]
        else:
            jj = m["json"]
            row["osler_harrell_c"] = jj["osler_harrell_c"]
            row["data_matches_synth"] = jj.get("data_matches_synth")
            if "crate_concordance" in jj:
                row["crate_concordance"] = jj["crate_concordance"]
                history.setdefault(("crate", "concordance"), []).append(
                    (n, jj["crate_concordance"]["timing"]["median"]))
            if "crate_cox" in jj:
                row["crate_cox"] = jj["crate_cox"]
                history.setdefault(("crate", "cox"), []).append(
                    (n, jj["crate_cox"]["timing"]["median"]))
    else:
        row["skipped"]["rust"] = "no bench/rust binary (osler-survival-bench)"

    # R survival.
    if a.rscript:
        tasks, skipped, r = plan(history, "r", ["lowlevel", "full", "concordance"], n, reps,
                                 budget)
        row["skipped"].update({f"R {k}": v for k, v in skipped.items()})
        if tasks:
            cmd = [a.rscript, str(BENCH / "peers" / "survival_r.R"), "--data", str(data),
                   "--reps", str(r)]
            cmd += [f"--skip-{t}" for t in ("lowlevel", "full", "concordance") if t not in tasks]
            if "lowlevel" not in tasks:
                cmd.append("--skip-reference")
            m = run_measured(cmd, "peer survival_r.R", log, env)
            if "error" in m:
                row["r_error"] = m["error"]
            else:
                row["r"] = {**m["json"], "process_peak_rss_mib": m["maxrss_mib"]}
                for t in tasks:
                    history.setdefault(("r", t), []).append(
                        (n, m["json"][t]["timing"]["median"]))
    else:
        row["skipped"]["R"] = "Rscript not found"

    # Python peers.
    for peer, script in (("lifelines", "survival_lifelines.py"),
                         ("sksurv", "survival_sksurv.py")):
        if not a.python_peers:
            row["skipped"][peer] = "Python peers off (SURV_PYTHON_PEERS=0)"
            continue
        tasks, skipped, r = plan(history, peer, ["cox", "concordance"], n, reps, budget)
        row["skipped"].update({f"{peer} {k}": v for k, v in skipped.items()})
        if not tasks:
            continue
        cmd = [a.python, str(BENCH / "peers" / script), "--data", str(data), "--reps", str(r)]
        cmd += ["--key", key] if key else []
        cmd += [f"--skip-{t}" for t in ("cox", "concordance") if t not in tasks]
        m = run_measured(cmd, f"peer {script}", log, env)
        if "error" in m:
            row[f"{peer}_error"] = m["error"]
            for t in tasks:  # do not try it again at a larger size
                history.setdefault((peer, t), []).append((n, m["wall"] * 10))
            continue
        row[peer] = {**m["json"], "process_peak_rss_mib": m["maxrss_mib"]}
        for t in tasks:
            history.setdefault((peer, t), []).append((n, m["json"][t]["timing"]["median"]))
    return row


def run_all(a, sizes: list[int], synth, manifest_key, log) -> dict:
    a.surv_seed = 20240601
    history: dict = {}
    rows = []
    for n in sizes:
        data = synth(a.osler, a.data_dir, n, 20, a.surv_seed, "survival")
        key = manifest_key("surv", n, 20, a.surv_seed)
        rows.append(run_size(a, n, data, key, history, log))
        # Keep what we have after every size (a 1e6 run takes a while).
        (a.out_dir / "survival_partial.json").write_text(json.dumps(rows, indent=2) + "\n")
    return {"sizes": sizes, "budget_seconds": a.survival_budget, "rows": rows}


# ----------------------------------------------------------------------------- tables

def _s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.4f}" if x < 0.1 else f"{x:.3f}" if x < 10 else f"{x:.2f}" if x < 100 else f"{x:.1f}"


def _e(x: float | None) -> str:
    return "-" if x is None else f"{x:.1e}"


def markdown(surv: dict, m: dict, reps: int) -> str:
    lines = [
        f"Survival (Cox fit and Harrell's C; `synth survival`, n x 20, seed 20240601, no tied "
        f"times, ~31% censored). Machine: {m['cpu']}, nproc {m['nproc']}; {m['date']}; osler "
        f"{m['git_commit']}; {m.get('r') or 'R absent'}; Python {m['python']}. Single-threaded; "
        f"median of {reps} runs (one run where {reps} would exceed the budget); data loading "
        "excluded. wall = elapsed seconds, CPU = user + system seconds of the timed call; "
        "ratio = peer / osler (above 1: osler is faster).",
        "",
        "| task | n | osler wall (s) | osler CPU (s) | peer | peer wall (s) | peer CPU (s) "
        "| peer/osler wall | peer/osler CPU | agreement with osler |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    prec = []
    mem = []
    for row in surv["rows"]:
        n = row["n"]
        oc = row["osler_cox"]
        o_wall = oc["median"]
        o_cpu_m = oc.get("cpu_median")
        o_coef = oc["coefficients"]

        def cox_line(name, d, coefs):
            if not d:
                return
            t = d["timing"] if "timing" in d else d
            # The fit's own CPU time where the CLI reports it (Linux), else
            # its wall time as an upper bound.
            o_cpu, bound = (o_cpu_m, "") if o_cpu_m else (o_wall, "<= ")
            rw, rc = t["median"] / o_wall, t["cpu_median"] / o_cpu
            lines.append(
                f"| Cox fit (Efron) | {n:,} | {_s(o_wall)} | {bound}{_s(o_cpu)} | {name} | "
                f"{_s(t['median'])} | {_s(t['cpu_median'])} | {rw:.2f} | "
                f"{'>= ' if bound else ''}{rc:.2f} | "
                f"max abs coef diff {_e(coef_diff(o_coef, coefs))} |")

        r = row.get("r", {})
        rv = r.get("version", "")
        cox_line(f"R survival {rv} `coxph.fit`", r.get("lowlevel"),
                 (r.get("lowlevel") or {}).get("coefficients"))
        cox_line(f"R survival {rv} `coxph()`", r.get("full"),
                 (r.get("full") or {}).get("coefficients"))
        cox_line("`survival` crate 2.0.0 `CoxphFitResult::fit`", row.get("crate_cox"),
                 (row.get("crate_cox") or {}).get("coefficients"))
        for peer, label in (("lifelines", "lifelines"), ("sksurv", "scikit-survival")):
            d = row.get(peer, {})
            cox_line(f"{label} {d.get('version', '')} "
                     f"`{'CoxPHFitter' if peer == 'lifelines' else 'CoxPHSurvivalAnalysis'}`",
                     d.get("cox"), (d.get("cox") or {}).get("coefficients"))

        hc = row.get("osler_harrell_c")
        if hc:
            ow, ocpu, oval = hc["timing"]["median"], hc["timing"]["cpu_median"], hc["c"]

            def c_line(name, d):
                if not d:
                    return
                t = d["timing"]
                lines.append(
                    f"| Harrell's C | {n:,} | {_s(ow)} | {_s(ocpu)} | {name} | {_s(t['median'])} "
                    f"| {_s(t['cpu_median'])} | {t['median'] / ow:.1f} | "
                    f"{t['cpu_median'] / max(ocpu, 1e-9):.1f} | C {d['c']:.12f}, "
                    f"diff {_e(abs(d['c'] - oval))} |")

            c_line(f"R survival {rv} `concordancefit`", r.get("concordance"))
            c_line("`survival` crate 2.0.0 `concordancefit`", row.get("crate_concordance"))
            c_line(f"lifelines {row.get('lifelines', {}).get('version', '')} "
                   "`concordance_index`", row.get("lifelines", {}).get("concordance"))
            c_line(f"scikit-survival {row.get('sksurv', {}).get('version', '')} "
                   "`concordance_index_censored`", row.get("sksurv", {}).get("concordance"))
            lines_c = f"osler C {oval:.12f} ({hc['comparable']:,} comparable pairs)"
        else:
            lines_c = "osler C not measured"
        for what, why in row["skipped"].items():
            lines.append(f"| {what} | {n:,} | | | | | | | | {why} |")

        ref = (r.get("reference") or {}).get("coefficients")
        if ref:
            def d_ref(c):
                return _e(coef_diff(c, ref))
            prec.append(
                f"| {n:,} | {d_ref(o_coef)} ({oc['iterations']} it) | "
                f"{d_ref((r.get('lowlevel') or {}).get('coefficients'))} "
                f"({(r.get('lowlevel') or {}).get('iter', '-')} it) | "
                f"{d_ref((row.get('crate_cox') or {}).get('coefficients'))} | "
                f"{d_ref((row.get('lifelines', {}).get('cox') or {}).get('coefficients'))} | "
                f"{d_ref((row.get('sksurv', {}).get('cox') or {}).get('coefficients'))} | "
                f"{_e(coef_diff(o_coef, (r.get('lowlevel') or {}).get('coefficients')))} | "
                f"{lines_c}; coxph C {(r.get('full') or {}).get('concordance', float('nan')):.12f}"
                f" vs osler {oc['concordance']:.12f} |")
        raw = n * 22 * 8 / 1e6
        mem.append(f"| {n:,} | {max(oc['peak_rss_mib']) * 1.048576:.0f} | {raw:.0f} | "
                   f"{max(oc['peak_rss_mib']) * 1.048576 / raw:.2f} | "
                   f"{_s(statistics.median(oc['read_seconds']))} | "
                   f"{_s(statistics.median(oc['process_cpu_seconds']))} |")
    lines += [
        "",
        "osler's Cox CPU time is the fitting thread's own (`timing.fit_cpu_seconds`, from "
        "`/proc/thread-self/schedstat`); it excludes the model's concordance, timed apart "
        "(`timing.concordance_cpu_seconds`), which neither `coxph.fit` nor the crate's "
        "`CoxphFitResult::fit` computes; where the CLI cannot report it, its wall time stands in "
        "as an upper bound and the CPU ratio is a lower bound (`>=`). On a loaded machine the "
        "CPU ratios are the ones to read.",
        "",
        "Precision: max abs difference of each fitter's coefficients from R `coxph.fit` iterated "
        "to full convergence (`coxph.control(eps = 1e-14, iter.max = 100)`, not timed).",
        "",
        "| n | osler | R coxph.fit (default eps 1e-9) | survival crate | lifelines "
        "| scikit-survival | osler vs R default | concordance |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
        *prec,
        "",
        "osler `survival cox` process: peak RSS (from `wait4`, as `/usr/bin/time -v` reports it) "
        "against the raw data size n x 22 x 8 bytes.",
        "",
        "| n | peak RSS (MB) | raw data (MB) | RSS / raw | CSV read (s) | process CPU incl. "
        "read (s) |",
        "|---:|---:|---:|---:|---:|---:|",
        *mem,
    ]
    return "\n".join(lines) + "\n"
