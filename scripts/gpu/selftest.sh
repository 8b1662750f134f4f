#!/usr/bin/env bash
# Proves .gpu-bundle/ is self-contained (no repo, no node_modules, no npm): copies it to a scratch folder outside
# the repository, unpacks node there and runs the bundled CLI (--version, plan, doctor --json) and energy-check.
# Usage: bash scripts/gpu/selftest.sh [SCRATCH_DIR]   (default /tmp/bundle-test; wiped first)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
T=${1:-/tmp/bundle-test}
[[ -d .gpu-bundle/app ]] || { echo "selftest: run scripts/gpu/pack.sh first" >&2; exit 1; }
case "$T" in "$ROOT"*) echo "selftest: $T must be outside the repository" >&2; exit 1;; esac
rm -rf "$T"
mkdir -p "$T/bin"
cp -r .gpu-bundle "$T/bundle"
cp scripts/gpu/study-h100.yaml "$T/study.yaml"
python3 -c "import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], 'wb'))" "$T/bundle/node.xz" "$T/bin/node"
chmod +x "$T/bin/node"
cd "$T"
# No PATH node, no NODE_PATH, no repository above: only what the bundle brings.
export PATH=/usr/local/sbin:/usr/sbin:/sbin:/bin:/usr/bin
unset NODE_PATH NODE_OPTIONS
N="$T/bin/node"
A="$T/bundle/app/llem-studio.mjs"
ok() { printf 'selftest: %-44s ok\n' "$1"; }
[[ "$("$N" --version)" == v20.* ]] && ok "node $("$N" --version)"
[[ -n "$(timeout 30 "$N" "$A" --version)" ]] && ok "llem-studio --version ($(timeout 30 "$N" "$A" --version))"
timeout 60 "$N" "$A" plan study.yaml --llem-profile pypi-0.7.0 --json > plan.json
"$N" -e 'const p = JSON.parse(require("fs").readFileSync("plan.json", "utf8")); if (!(p.runs?.length > 0)) { console.error(p); process.exit(1); } console.log("selftest: plan: " + p.runs.length + " runs, study hash " + (p.study_design_hash ?? p.studyDesignHash));'
ok "plan --json"
set +e
timeout 120 "$N" "$A" doctor --json --llem /bin/false > doctor.json 2> doctor.err
rc=$?
set -e
"$N" -e 'JSON.parse(require("fs").readFileSync("doctor.json", "utf8"))' && ok "doctor --json (exit $rc, valid JSON)"
# Native modules from the bundle: better-sqlite3 (a store is created and migrated) and koffi (NVML is tried).
timeout 60 "$N" "$A" results --json --data-dir "$T/data" > results.json
[[ -s "$T/data/llem-studio.sqlite" ]] && ok "better-sqlite3: store created ($(stat -c %s "$T/data/llem-studio.sqlite") bytes)"
timeout 60 "$N" "$T/bundle/app/energy-check.mjs" "$T/data" --json energy.json > energy.txt && ok "energy-check on an empty store"
timeout 60 "$N" --input-type=module -e "import koffi from '$T/bundle/app/node_modules/koffi/index.js'; console.log('selftest: koffi ' + koffi.version + ' loaded')"
timeout 60 "$N" -e "
const { createRequire } = require('node:module');
const r = createRequire('$T/bundle/app/out/cli/index.mjs');
const D = r('better-sqlite3'); const db = new D(':memory:'); console.log('selftest: better-sqlite3 from the bundle, sqlite ' + db.prepare('select sqlite_version() v').get().v);
console.log('selftest: resolved ' + r.resolve('better-sqlite3') + ', ' + r.resolve('koffi'));"
grep -o '"[a-z_]*telemetry[a-z_]*"[^,}]*' doctor.json | head -3 || true
echo "selftest: all passed in $T"
