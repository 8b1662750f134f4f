#!/usr/bin/env bash
# One small llem Studio campaign end to end on a lent GPU machine (issue #9). Run from the repository root with
# .gpu-bundle/ present (scripts/gpu/pack.sh); everything worth keeping lands in $OUT (≤ 8 files), packed even when
# a step fails. See docs/gpu-run.md.
#
#   device command:  bash scripts/gpu/run-on-device.sh          carry: [".gpu-bundle"]
#   local CPU test:  LOCAL_DRY=1 bash scripts/gpu/run-on-device.sh   (OUT defaults to /tmp/gpu-out-local)
#
# Steps (each timed in device.log and timings.tsv): a. node, wheels, llem launcher, versions; b. the model;
# c. the study YAML; d. `llem-studio run` with NVML telemetry, results, leaderboard export, energy check; e. pack.
set -euo pipefail

# ---- knobs (environment overrides) ------------------------------------------------------------------------------
# Each run costs ~50 s whatever its size (llem start, model load, 5 s baseline, warm-up, the 30 s thermal floor) plus
# its measurement (batch 1: 64 prompts x 64 tokens one at a time, ~1 min on an H100 at a guess; batch 32: seconds).
SWEEP=${SWEEP:-medium}          # full:   batch [1, 32, 8] x dtype [float16, bfloat16] = 6 runs (~7 min; batch 8 last)
                                # medium: batch [1, 32]    x dtype [float16, bfloat16] = 4 runs (~5 min)
                                # small:  batch [1, 32]    x dtype [bfloat16]          = 2 runs (~2.5 min)
case "$SWEEP" in
  full)   BATCHES=${BATCHES:-[1, 32, 8]}; DTYPES=${DTYPES:-[float16, bfloat16]} ;;
  medium) BATCHES=${BATCHES:-[1, 32]};    DTYPES=${DTYPES:-[float16, bfloat16]} ;;
  small)  BATCHES=${BATCHES:-[1, 32]};    DTYPES=${DTYPES:-[bfloat16]} ;;
  *) echo "SWEEP must be full, medium or small (or set BATCHES and DTYPES)" >&2; exit 2 ;;
esac
N_PROMPTS=${N_PROMPTS:-64}
# The folder name is the model name every result, chart and export shows: it says "random weights" itself.
MODEL_DIR=${MODEL_DIR:-/tmp/gpt2-shape-92m-random-weights}
MODEL_ARGS=${MODEL_ARGS:-}      # make_local_model.py options; its default is 12 layers x 768 (~92M parameters)
TELEMETRY=${TELEMETRY:-nvml}    # falls back to auto (nvidia-smi, else off) when doctor finds NVML unusable
RUN_TIMEOUT_S=${RUN_TIMEOUT_S:-240}   # app-side limit for one llem run
DEADLINE_S=${DEADLINE_S:-540}   # the whole script must be done by then: the device command's limit minus ~60 s
PACK_RESERVE_S=${PACK_RESERVE_S:-50}  # kept back from the campaign for results, export, energy check and packing
LOCAL_DRY=${LOCAL_DRY:-0}       # 1: CPU rehearsal here (gpu-venv python, CUDA-check shim, tiny model, replayed telemetry)

cd "$(dirname "$0")/../.."
ROOT=$PWD
export HOME=${HOME:-/tmp/gpu-home}
BUNDLE=$ROOT/.gpu-bundle
WORK=${WORK:-/tmp/gpu-work}
DATA=$WORK/data
SITE=/tmp/site
NODE_DIR=/tmp/node
LLEM_BIN=$WORK/bin/llem
PY=python3
if [[ $LOCAL_DRY == 1 ]]; then
  OUT=${OUT:-/tmp/gpu-out-local}
  PY=${LOCAL_PY:-$ROOT/.cache/gpu-venv/bin/python}
  SITE=$WORK/site-py312     # the cp312 wheels are installed (to test the step) but not used by the 3.11 venv
  NODE_DIR=$WORK/node
  N_PROMPTS=${LOCAL_N_PROMPTS:-4}
  BATCHES=${LOCAL_BATCHES:-[1, 2]}
  DTYPES=${LOCAL_DTYPES:-[float32]}
  MODEL_DIR=$WORK/llem-model
  MODEL_ARGS=${LOCAL_MODEL_ARGS:---layers 2 --width 128 --heads 4 --vocab 2048}
  TELEMETRY=${LOCAL_TELEMETRY:-replay:$WORK/replay.jsonl}
  RUN_TIMEOUT_S=${LOCAL_RUN_TIMEOUT_S:-300}
  DEADLINE_S=${LOCAL_DEADLINE_S:-1500}
fi
: "${OUT:?OUT must be set (the device sets it)}"
mkdir -p "$OUT"
rm -rf "$WORK"
mkdir -p "$WORK/bin" "$DATA"
LOG=$OUT/device.log
TIMINGS=$OUT/timings.tsv
: > "$LOG"
printf 'step\tstatus\tseconds\n' > "$TIMINGS"
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
export TOKENIZERS_PARALLELISM=false
# NVML for the app (koffi) and llem (pynvml) is dlopen()ed by name: make sure the loader can find it.
if ! ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml\.so\.1'; then
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64; do
    if [[ -e $d/libnvidia-ml.so.1 ]]; then export LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; break; fi
  done
fi
NODE=$NODE_DIR/bin/node
APP_DIR=$BUNDLE/app
[[ -f $APP_DIR/node_modules/better-sqlite3/build/Release/better_sqlite3.node && -f $APP_DIR/out/cli/index.mjs ]] || APP_DIR=$WORK/app
APP=$APP_DIR/llem-studio.mjs

log() { printf '[%s +%4ds] %s\n' "$(date -u +%H:%M:%S)" "$SECONDS" "$*" | tee -a "$LOG" >&2; }
# step NAME CMD...: runs CMD with its output in device.log; times it; a failure stops the script (trap packs).
step() {
  local name=$1; shift
  local t=$SECONDS rc=0
  log "BEGIN $name"
  # A subshell outside any `||` context, so `set -e` holds inside the step's function too.
  set +e
  ( set -e; "$@" ) >> "$LOG" 2>&1
  rc=$?
  set -e
  printf '%s\t%s\t%d\n' "$name" "$([[ $rc == 0 ]] && echo ok || echo "rc=$rc")" "$((SECONDS - t))" >> "$TIMINGS"
  log "END   $name: $([[ $rc == 0 ]] && echo ok || echo "FAILED rc=$rc") in $((SECONDS - t)) s"
  return "$rc"
}
# try NAME CMD...: the same, but a failure is logged and the script goes on.
try() { step "$@" || true; }

PACKED=0
pack() {
  [[ $PACKED == 1 ]] && return 0
  PACKED=1
  set +e
  local t=$SECONDS
  log "BEGIN pack"
  # Data dir (SQLite store + per-run folders: experiment file, llem stdout/stderr, llem's output tree), the study,
  # small text outputs from the work dir, the model's config (not its weights), llem's baseline cache.
  local cache=${XDG_CACHE_HOME:-$HOME/.cache}/llenergymeasure
  local items=(data bin study.yaml plan.txt doctor.json install.json model.json)
  local have=()
  for i in "${items[@]}"; do [[ -e $WORK/$i ]] && have+=("$i"); done
  mkdir -p "$WORK/extra"
  [[ -d $MODEL_DIR ]] && cp "$MODEL_DIR"/*.json "$MODEL_DIR"/*.txt "$WORK/extra/" 2>/dev/null
  [[ -d $cache ]] && cp -r "$cache" "$WORK/extra/llenergymeasure-cache" 2>/dev/null
  have+=(extra)
  tar -C "$WORK" -czf "$OUT/data.tar.gz" --exclude='*/scratch' "${have[@]}" 2>> "$LOG"
  if (( $(stat -c %s "$OUT/data.tar.gz" 2>/dev/null || echo 0) > 16000000 )); then
    log "data.tar.gz over 16 MB: keeping only the last 2 MB of each llem log"
    find "$WORK/data" -name '*.log' -size +2M -exec sh -c 'tail -c 2000000 "$1" > "$1.tail" && mv "$1.tail" "$1"' _ {} \;
    tar -C "$WORK" -cJf "$OUT/data.tar.gz" --exclude='*/scratch' "${have[@]}" 2>> "$LOG"
  fi
  if [[ -d $WORK/leaderboard ]]; then tar -C "$WORK" -czf "$OUT/leaderboard.tar.gz" leaderboard 2>> "$LOG"; fi
  printf 'pack\tok\t%d\n' "$((SECONDS - t))" >> "$TIMINGS"
  log "END   pack in $((SECONDS - t)) s; total $SECONDS s"
  ls -la "$OUT" >> "$LOG" 2>&1
}
on_exit() {
  local rc=$?
  [[ $rc != 0 ]] && log "stopped with exit status $rc (see the last FAILED step above)"
  pack
  exit "$rc"
}
trap on_exit EXIT
trap 'log "signal: TERM"; exit 143' TERM
trap 'log "signal: INT"; exit 130' INT

log "issue #9 GPU run: SWEEP=$SWEEP batches=$BATCHES dtypes=$DTYPES n_prompts=$N_PROMPTS telemetry=$TELEMETRY LOCAL_DRY=$LOCAL_DRY"
log "repo $(cat "$BUNDLE/MANIFEST.txt" 2>/dev/null | sed -n 1p)"

# ---- a. node, wheels, llem, versions ----------------------------------------------------------------------------
unpack_node() {
  if [[ $APP_DIR == "$WORK/app" ]]; then
    echo "$BUNDLE/app is incomplete here: using app.tar.gz (unpacked to $WORK/app)"
    tar -C "$WORK" -xzf "$BUNDLE/app.tar.gz"
  fi
  mkdir -p "$NODE_DIR/bin"
  if command -v xz >/dev/null; then xz -dc "$BUNDLE/node.xz" > "$NODE"
  else "$PY" -c "import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], 'wb'))" "$BUNDLE/node.xz" "$NODE"; fi
  chmod +x "$NODE"
  "$NODE" --version
  # The native modules need this glibc (better-sqlite3 was built here); fail early and clearly if too old.
  ldd --version 2>&1 | sed -n 1p
  "$NODE" -e "const { createRequire } = require('node:module'); const r = createRequire('$APP_DIR/out/cli/index.mjs'); const D = r('better-sqlite3'); new D(':memory:').close(); console.log('better-sqlite3 loads');"
}
install_wheels() {
  local extra
  if [[ $LOCAL_DRY == 1 ]]; then
    # Install step rehearsal only: cp312 wheels into a scratch target, no import probe (the venv is 3.11).
    extra=(--no-probe --pip-arg --python-version --pip-arg 3.12 --pip-arg --only-binary=:all: --pip-arg --implementation --pip-arg cp
           --pip-arg --platform --pip-arg manylinux2014_x86_64)
    python3 "$ROOT/scripts/gpu/install_wheels.py" "$BUNDLE/wheels" "$SITE" "${extra[@]}" > "$WORK/install.json"
  else
    "$PY" "$ROOT/scripts/gpu/install_wheels.py" "$BUNDLE/wheels" "$SITE" > "$WORK/install.json"
  fi
  cat "$WORK/install.json"
}
make_llem_launcher() {
  # llem's console script is `llem = llenergymeasure.cli:app` (entry_points.txt of the 0.7.0 wheel).
  local pp=$SITE
  [[ $LOCAL_DRY == 1 ]] && pp=$WORK/cpu-shim   # the venv has llem; the shim lets its CUDA pre-flight pass on CPU
  cat > "$LLEM_BIN" <<EOF
#!/bin/sh
PYTHONPATH="$pp\${PYTHONPATH:+:\$PYTHONPATH}" exec "$(command -v "$PY")" -c 'import sys; sys.argv[0] = "llem"; from llenergymeasure.cli import app; sys.exit(app())' "\$@"
EOF
  chmod +x "$LLEM_BIN"
  "$LLEM_BIN" --version
}
record_versions() {
  uname -a; nproc; free -g 2>/dev/null | sed -n 1,2p; df -h /tmp | tail -1
  nvidia-smi || echo "nvidia-smi: not available"
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"; ldconfig -p 2>/dev/null | grep -i 'nvidia-ml' || echo "libnvidia-ml: not in the ld cache"
  nvidia-smi --query-gpu=name,driver_version,power.limit,power.draw,temperature.gpu,clocks.sm,persistence_mode --format=csv 2>/dev/null || true
  PYTHONPATH=$( [[ $LOCAL_DRY == 1 ]] && echo "$WORK/cpu-shim" || echo "$SITE" ) "$PY" - <<'EOF'
import importlib, sys
print("python", sys.version.split()[0], sys.executable)
for m in ["torch", "transformers", "accelerate", "tokenizers", "pydantic", "pydantic_core", "typer", "rich", "pynvml", "pyarrow", "numpy", "typing_extensions", "llenergymeasure"]:
    try:
        mod = importlib.import_module(m)
        print(f"{m} {getattr(mod, '__version__', '?')} {getattr(mod, '__file__', '')}")
    except Exception as e:
        print(f"{m} NOT IMPORTABLE: {type(e).__name__}: {e}")
import torch
print("cuda available", torch.cuda.is_available(), "cuda", torch.version.cuda, "devices", torch.cuda.device_count())
if torch.cuda.is_available():
    print("device 0", torch.cuda.get_device_name(0), torch.cuda.get_device_capability(0))
EOF
  "$LLEM_BIN" --version
}
if [[ $LOCAL_DRY == 1 ]]; then
  # CPU rehearsal only: llem 0.7.0 refuses to start without CUDA; this makes its pre-flight check pass. Never on a GPU.
  mkdir -p "$WORK/cpu-shim"
  cat > "$WORK/cpu-shim/sitecustomize.py" <<'EOF'
import importlib.abc, importlib.machinery, sys
class _Patch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "llenergymeasure.harness.preflight":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        real_exec = spec.loader.exec_module
        def exec_module(module):
            real_exec(module)
            module._check_cuda_available = lambda: True
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, _Patch())
EOF
fi
step node unpack_node
step wheels install_wheels
step llem-launcher make_llem_launcher
try versions record_versions

# ---- b. the model -----------------------------------------------------------------------------------------------
make_model() {
  rm -rf "$MODEL_DIR"
  # shellcheck disable=SC2086
  PYTHONPATH=$( [[ $LOCAL_DRY == 1 ]] && echo "" || echo "$SITE" ) "$PY" "$ROOT/scripts/gpu/make_local_model.py" "$MODEL_DIR" $MODEL_ARGS | tee "$WORK/model.json"
  ls -la "$MODEL_DIR"
}
step model make_model

# ---- c. the study -----------------------------------------------------------------------------------------------
write_study() {
  "$PY" - "$ROOT/scripts/gpu/study-h100.yaml" "$WORK/study.yaml" <<EOF
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
doc["task"]["model"] = "$MODEL_DIR"
doc["task"]["dataset"]["n_prompts"] = int("$N_PROMPTS")
doc["sweep"]["transformers.llem_execution.batch_size"] = yaml.safe_load("$BATCHES")
doc["sweep"]["transformers.engine_params.dtype"] = yaml.safe_load("$DTYPES")
if "$LOCAL_DRY" == "1":
    # CPU: no NVML, no baseline, no warm-up (its thermal floor is 30 s at least), model on the CPU, short prompts.
    doc["measurement"] = {"baseline": {"enabled": False}, "energy_sampler": None}
    doc["offline"] = {"warmup": {"enabled": False}}
    doc["transformers"] = {"engine_params": {"device_map": "cpu"}}
    doc["task"]["max_input_tokens"] = 32
    doc["task"]["max_output_tokens"] = 8
    doc["study_name"] = "gpu-local-dry"
open(sys.argv[2], "w").write("# generated by scripts/gpu/run-on-device.sh from scripts/gpu/study-h100.yaml\n" + yaml.safe_dump(doc, sort_keys=False))
EOF
  cat "$WORK/study.yaml"
  "$NODE" "$APP" plan "$WORK/study.yaml" --llem "$LLEM_BIN" | tee "$WORK/plan.txt"
}
step study write_study

# ---- d. the campaign --------------------------------------------------------------------------------------------
make_replay() { # LOCAL_DRY telemetry: 60 s of a synthetic GPU at 10 Hz (power and a consistent energy counter), looped
  "$PY" - "$WORK/replay.jsonl" <<'EOF'
import json, math, sys
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"format": "llem-studio-telemetry-replay", "version": 1, "origin": "synthetic (run-on-device.sh LOCAL_DRY)", "gpus": [{"index": 0, "name": "Synthetic GPU"}]}) + "\n")
    e = 1e6
    prev = None
    for i in range(600):
        t = i * 100
        p = 150 + 100 * math.sin(i / 30)
        if prev is not None:
            e += (prev + p) / 2 * 0.1 * 1000
        prev = p
        f.write(json.dumps({"gpuIndex": 0, "tMs": t, "powerW": round(p, 3), "powerInstant": True, "energyMj": round(e), "temperatureC": 50, "smUtilPct": 90}) + "\n")
EOF
}
doctor() {
  "$NODE" "$APP" doctor --json --llem "$LLEM_BIN" > "$WORK/doctor.json" || true
  cat "$WORK/doctor.json"
}
run_campaign() {
  local budget=$((DEADLINE_S - SECONDS - PACK_RESERVE_S))
  ((budget > 30)) || { echo "no time left for the campaign ($budget s)"; return 1; }
  echo "campaign time budget: $budget s (then Ctrl-C: the current run is cancelled cleanly and the rest stays queued)"
  local telemetry=$TELEMETRY
  if [[ $telemetry == nvml ]] && ! "$NODE" -e 'const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).find((x) => x.id === "nvml"); process.exit(f && f.status === "ok" ? 0 : 1)' "$WORK/doctor.json"; then
    telemetry=auto
    echo "doctor did not find NVML usable (see doctor.json): --telemetry auto instead of nvml"
  fi
  # No LLEM_RUNNER_* here on purpose: the app pins the engine to this machine itself (core/runner/experimentProcess.ts).
  timeout -s INT -k 40 "$budget" \
    "$NODE" "$APP" run "$WORK/study.yaml" --data-dir "$DATA" --llem "$LLEM_BIN" --telemetry "$telemetry" --timeout "$RUN_TIMEOUT_S"
}
results() {
  "$NODE" "$APP" results --json --data-dir "$DATA" > "$OUT/results.json"
  "$NODE" "$APP" results --data-dir "$DATA"
  # The runner links results to runs; if it found none (e.g. an llem output layout it does not know yet), import
  # the output trees directly so the measurements are in the store all the same.
  if [[ "$(tr -d ' \n' < "$OUT/results.json")" == "[]" ]]; then
    echo "no results linked to runs: importing the llem output folders"
    "$NODE" "$APP" import "$DATA/runs" --data-dir "$DATA" || true
    "$NODE" "$APP" results --json --data-dir "$DATA" > "$OUT/results.json"
    "$NODE" "$APP" results --data-dir "$DATA"
  fi
}
export_leaderboard() {
  "$NODE" "$APP" export --format leaderboard --out "$WORK/leaderboard" --data-dir "$DATA"
}
energy_check() {
  "$NODE" "$APP_DIR/energy-check.mjs" "$DATA" --json "$OUT/energy-check.json" | tee "$OUT/energy-check.txt"
}
[[ $LOCAL_DRY == 1 ]] && step replay make_replay
try doctor doctor
try campaign run_campaign
try results results
try export export_leaderboard
try energy-check energy_check
log "done in $SECONDS s"
