#!/usr/bin/env bash
# Side-by-side benchmark of osler against scikit-learn and LightGBM (logistic, GBDT) and against
# R survival, the `survival` crate, lifelines and scikit-survival (Cox, Harrell's C).
# Run by hand, not in CI.
#
#   bench/run.sh                      # N=1,000,000 rows, 3 repetitions (needs ~4 GB disk, ~16 GB RAM)
#   N=100000 bench/run.sh             # quick check of the harness
#   ONLY=gbdt REPS=5 bench/run.sh     # one benchmark, more repetitions
#   ONLY=survival SURV_N=10000,100000 bench/run.sh   # survival: R, survival crate, lifelines, sksurv
#
# Environment: N (rows, default 1000000), N_TEST (GBDT test rows, default N), REPS (default 3),
# ONLY (logistic | gbdt | survival), SURV_N (survival sizes, default 10000,100000,1000000),
# SURV_BUDGET (skip a survival peer where one run would take longer, default 300 s), SURV_PYTHON_PEERS=0 (skip lifelines/sksurv), PYTHON (interpreter for the venv, default python3, needs >= 3.11),
# PIN_CPU (pin every process to this CPU number), OSLER_BIN (skip the build, use this binary).
# Results: bench/out/results.json and bench/out/results.md (table for docs/benchmarks.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
cd "$ROOT"

N="${N:-1000000}"
N_TEST="${N_TEST:-$N}"
REPS="${REPS:-3}"
PYTHON="${PYTHON:-python3}"
VENV="$BENCH/.venv"

say() { printf '[bench] %s\n' "$*" >&2; }

# 1. osler, release build.
if [[ -n "${OSLER_BIN:-}" ]]; then
    OSLER="$OSLER_BIN"
else
    say "building osler (release)"
    cargo build --release -p osler-cli
    TARGET_DIR="$(cargo metadata --format-version 1 --no-deps |
        "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
    OSLER="$TARGET_DIR/release/osler"
fi
[[ -x "$OSLER" ]] || { say "no osler binary at $OSLER"; exit 1; }

# 1b. The Rust survival bench (bench/rust: osler-eval's harrell_c and the crates.io `survival`
#     crate), a separate cargo project with its own gitignored target dir.
SURV_BENCH=""
if [[ -z "${ONLY:-}" || "${ONLY:-}" == survival ]]; then
    say "building bench/rust (osler-survival-bench, release)"
    if cargo build --release --manifest-path "$BENCH/rust/Cargo.toml" \
        --target-dir "$BENCH/rust/target"; then
        SURV_BENCH="$BENCH/rust/target/release/osler-survival-bench"
    else
        say "bench/rust did not build: Harrell's C and the survival crate are skipped"
    fi
    command -v Rscript >/dev/null ||
        say "Rscript not found: the R survival peer is skipped (apt-get install r-base-core r-cran-survival)"
fi

# 2. The peers' virtual environment (bench/.venv, gitignored), reinstalled when
#    requirements.txt changes.
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    { say "$PYTHON is older than 3.11, which the pinned numpy/pandas/scikit-learn need"; exit 1; }
if [[ ! -x "$VENV/bin/python" ]]; then
    say "creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
if ! cmp -s "$BENCH/requirements.txt" "$VENV/.requirements.installed"; then
    say "installing the pinned peers (bench/requirements.txt)"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install --quiet \
        -r "$BENCH/requirements.txt"
    cp "$BENCH/requirements.txt" "$VENV/.requirements.installed"
fi

# 3. One thread everywhere: BLAS/OpenMP pools of numpy, scipy, scikit-learn and LightGBM
#    (LightGBM also gets num_threads=1), and any rayon pool on the osler side.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 BLIS_NUM_THREADS=1 \
    VECLIB_MAXIMUM_THREADS=1 NUMEXPR_NUM_THREADS=1 RAYON_NUM_THREADS=1
export PYTHONHASHSEED=0
[[ -n "${PIN_CPU:-}" ]] && export PIN_CPU

# 4. Data (osler synth, cached in bench/data/), runs, medians, tables.
args=(--osler "$OSLER" --python "$VENV/bin/python" --n "$N" --n-test "$N_TEST" --reps "$REPS"
    --data-dir "$BENCH/data" --out-dir "$BENCH/out")
[[ -n "${ONLY:-}" ]] && args+=(--only "$ONLY")
[[ -n "${SURV_N:-}" ]] && args+=(--survival-n "$SURV_N")
[[ -n "${SURV_BUDGET:-}" ]] && args+=(--survival-budget "$SURV_BUDGET")
[[ "${SURV_PYTHON_PEERS:-1}" == 0 ]] && args+=(--no-python-peers)
[[ -n "$SURV_BENCH" ]] && args+=(--survival-bench "$SURV_BENCH")
exec "$VENV/bin/python" "$BENCH/harness.py" "${args[@]}"
