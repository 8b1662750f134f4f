#!/usr/bin/env bash
# Issue 19's check on a lent GPU machine: the NVML sampler's CPU share at 10 Hz under a matmul load, today's sampler
# and the new one (worker thread, counter at 1 Hz + phase boundaries), and the counter-vs-bridged energy over 60 s
# (bench/sampler-gpu.ts). With CAMPAIGN=1 it then runs a two-run campaign through the real llem
# (run-on-device.sh SWEEP=small), whose `llem-studio run` summary prints the campaign efficiency and writes
# runs/<campaign>/campaign-time.json — compare with the 38.5 % of the 2026-11-26 campaign (docs/telemetry.md).
#
#   device command:  bash scripts/gpu/sampler-check.sh            carry: [".gpu-bundle"]   timeout_s: 420
#                    CAMPAIGN=1 bash scripts/gpu/sampler-check.sh  timeout_s: 600 (~2.5 min + ~5 min)
#   rehearsal here:  LOCAL_DRY=1 bash scripts/gpu/sampler-check.sh   (fake NVML with a 4 ms energy call, no load;
#                    builds the app bundle into /tmp, so the bundled worker thread is what is tested)
# Device time: ~2.5 min (5 s ramp-up, 5 s idle, 2 × 30 s CPU, 60 s energy) + node unpack; see docs/gpu-run.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
LOCAL_DRY=${LOCAL_DRY:-0}
CAMPAIGN=${CAMPAIGN:-0}
WORK=${SAMPLER_WORK:-/tmp/sampler-work}
if [[ $LOCAL_DRY == 1 ]]; then
  OUT=${OUT:-/tmp/sampler-out-local}
  export SAMPLER_GPU_FAKE=1
  export SAMPLER_GPU_CPU_SECONDS=${SAMPLER_GPU_CPU_SECONDS:-10} SAMPLER_GPU_ENERGY_SECONDS=${SAMPLER_GPU_ENERGY_SECONDS:-15}
fi
: "${OUT:?OUT must be set (the device sets it)}"
mkdir -p "$OUT" "$WORK"
LOG=$OUT/sampler-check.txt
: > "$LOG"
log() { printf '[%s +%4ds] %s\n' "$(date -u +%H:%M:%S)" "$SECONDS" "$*" | tee -a "$LOG" >&2; }
# NVML is dlopen()ed by name: make sure the loader can find it (as run-on-device.sh does).
if ! ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml\.so\.1'; then
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64; do
    if [[ -e $d/libnvidia-ml.so.1 ]]; then export LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; break; fi
  done
fi

if [[ $LOCAL_DRY == 1 ]]; then
  NODE=$(command -v node)
  APP_DIR=$WORK/app
  log "LOCAL_DRY: building the app bundle into $APP_DIR"
  node scripts/gpu/build-app.mjs "$APP_DIR" >> "$LOG" 2>&1
else
  NODE=/tmp/node/bin/node
  APP_DIR=$ROOT/.gpu-bundle/app
  [[ -f $APP_DIR/sampler-gpu.mjs ]] || { tar -C "$WORK" -xzf "$ROOT/.gpu-bundle/app.tar.gz"; APP_DIR=$WORK/app; }
  if [[ ! -x $NODE ]]; then
    mkdir -p /tmp/node/bin
    if command -v xz >/dev/null; then xz -dc "$ROOT/.gpu-bundle/node.xz" > "$NODE"
    else python3 -c "import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], 'wb'))" "$ROOT/.gpu-bundle/node.xz" "$NODE"; fi
    chmod +x "$NODE"
  fi
  nvidia-smi --query-gpu=name,uuid,driver_version,power.limit --format=csv >> "$LOG" 2>&1 || log "nvidia-smi: not available"
fi
log "node $("$NODE" --version); sampler check (LOCAL_DRY=$LOCAL_DRY)"
SAMPLER_GPU_JSON=$OUT/sampler-check.json PYTHON=${PYTHON:-python3} "$NODE" "$APP_DIR/sampler-gpu.mjs" 2>&1 | tee -a "$LOG"
log "sampler check done"

if [[ $CAMPAIGN == 1 ]]; then
  log "campaign: run-on-device.sh SWEEP=small (its own device.log, timings.tsv, results in \$OUT)"
  SWEEP=small DEADLINE_S=${CAMPAIGN_DEADLINE_S:-$((540 - SECONDS))} bash scripts/gpu/run-on-device.sh || log "campaign: run-on-device.sh exited with $?"
  grep -h -E 'Campaign efficiency|Per-run time breakdown' "$OUT/device.log" 2>/dev/null | tee -a "$LOG" || true
fi
