#!/usr/bin/env bash
# Prepares .gpu-bundle/ (git-ignored through .git/info/exclude) for the one-shot GPU run of issue #9:
#
#   .gpu-bundle/node.xz          this machine's node (v20, x86-64 glibc), stripped, xz -9
#   .gpu-bundle/app/             the headless CLI with every pure-JS dependency bundled (scripts/gpu/build-app.mjs),
#                                the native modules (better-sqlite3, koffi linux-x64) and resources/site
#   .gpu-bundle/wheels/          llenergymeasure 0.7.0 + the deps the GPU machine lacks (cp312 manylinux x86-64)
#   .gpu-bundle/wheels/fallback/ typer/rich/pyyaml stacks, installed there only if the machine's are missing
#   .gpu-bundle/MANIFEST.txt     what is inside, sizes, sha256, the git revision it was built from
#
# Usage: bash scripts/gpu/pack.sh        (then: bash scripts/gpu/selftest.sh; docs/gpu-run.md)
# Env:   NODE_BIN (default /usr/bin/node)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=$ROOT/.gpu-bundle
NODE_BIN=${NODE_BIN:-/usr/bin/node}
t0=$SECONDS
say() { printf '[pack +%3ds] %s\n' "$((SECONDS - t0))" "$*"; }

# Keep the bundle out of git without touching .gitignore.
mkdir -p .git/info
grep -qxF '/.gpu-bundle/' .git/info/exclude 2>/dev/null || echo '/.gpu-bundle/' >> .git/info/exclude
mkdir -p "$B"

# 1. node: strip the symbol table (the dynamic symbols native addons link against stay), then xz -9.
#    Rebuilt only when the binary changed (the compression takes about a minute).
node_id="$(sha256sum "$NODE_BIN" | cut -c1-64) $("$NODE_BIN" --version)"
if [[ ! -s $B/node.xz || "$(cat "$B/node.id" 2>/dev/null)" != "$node_id" ]]; then
  say "node: strip + xz -9 -T2 $NODE_BIN ($(stat -c %s "$NODE_BIN") bytes)"
  tmp=$(mktemp -d)
  timeout 120 strip -o "$tmp/node" "$NODE_BIN"
  "$tmp/node" --version >/dev/null
  timeout 600 xz -9 -T2 -c "$tmp/node" > "$B/node.xz.part"
  mv "$B/node.xz.part" "$B/node.xz"
  echo "$node_id" > "$B/node.id"
  rm -rf "$tmp"
else
  say "node: up to date"
fi
say "node.xz: $(stat -c %s "$B/node.xz") bytes"

# 2. the app bundle (esbuild, a second or two).
say "app: esbuild core/cli/index.ts + scripts/gpu/energy-check.ts"
timeout 300 node scripts/gpu/build-app.mjs "$B/app"
# The same as one archive: the device script falls back to it if the copy to the machine ever drops app/'s
# node_modules/ or out/ (both names are .gitignore patterns; the whole folder is ignored anyway, so it should not).
tar -C "$B" -czf "$B/app.tar.gz" app

# 3. wheels. Versions: the set resolved together in .cache/gpu-venv (pydantic 2.14.4 pins pydantic-core 2.50.5 and
#    needs typing-extensions >= 4.16, newer than torch needs, so that one ships too and shadows the machine's).
WHEELS=(
  llenergymeasure==0.7.0
  pydantic==2.14.4 pydantic-core==2.50.5 annotated-types==0.8.0 typing-inspection==0.4.5 typing-extensions==4.16.0
  platformdirs==4.14.8 python-dotenv==1.2.4
)
FALLBACK=(
  typer==0.29.2 click==8.5.1 shellingham==1.5.4 annotated-doc==0.0.7
  rich==15.0.0 markdown-it-py==4.3.0 mdurl==0.1.2 pygments==2.21.0 pyyaml==6.0.4 filelock==4.3.1
)
download() { # DIR SPEC...
  local dir=$1; shift
  mkdir -p "$dir"
  local need=()
  for spec in "$@"; do
    local name=${spec%%==*} ver=${spec##*==}
    local norm; norm=$(echo "$name" | tr 'A-Z-' 'a-z_')
    compgen -G "$dir/${norm}-${ver}-*.whl" >/dev/null || compgen -G "$dir/$(echo "$name" | tr '-' '_')-${ver}-*.whl" >/dev/null || need+=("$spec")
  done
  if ((${#need[@]})); then
    say "wheels: downloading ${need[*]}"
    timeout 600 python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
      --python-version 3.12 --implementation cp \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
      -d "$dir" "${need[@]}"
  fi
}
download "$B/wheels" "${WHEELS[@]}"
download "$B/wheels/fallback" "${FALLBACK[@]}"
n_main=$(ls "$B"/wheels/*.whl | wc -l)
n_fb=$(ls "$B"/wheels/fallback/*.whl | wc -l)
[[ $n_main -eq ${#WHEELS[@]} && $n_fb -eq ${#FALLBACK[@]} ]] || { say "wheels: expected ${#WHEELS[@]}+${#FALLBACK[@]}, found $n_main+$n_fb (stale files in $B/wheels?)"; exit 1; }

# 4. manifest + sizes.
{
  echo "llem Studio GPU bundle (issue #9), built $(date -u +%FT%TZ) from $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- core contract scripts/gpu package.json || echo '+uncommitted')"
  echo "node: $("$NODE_BIN" --version) $(uname -m), glibc needed by better_sqlite3.node: $(objdump -T "$B/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)"
  echo
  (cd "$B" && find . -type f ! -name MANIFEST.txt ! -name node.id -print0 | sort -z | xargs -0 sha256sum)
} > "$B/MANIFEST.txt"

bundle=$(du -sb "$B" | cut -f1)
tracked=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
untracked=$(git ls-files -z -o --exclude-standard | xargs -0 -r du -cb 2>/dev/null | tail -1 | cut -f1)
total=$((bundle + tracked + ${untracked:-0}))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
say "bundle $(mib "$bundle") (node.xz $(mib "$(stat -c %s "$B/node.xz")"), app $(mib "$(du -sb "$B/app" | cut -f1)"), wheels $(mib "$(du -sb "$B/wheels" | cut -f1)"))"
say "working tree: tracked $(mib "$tracked") + untracked $(mib "${untracked:-0}"); with the bundle: $(mib "$total") of the 64 MiB the device copies"
if ((total > 56 * 1048576)); then say "TOO BIG: over 56 MiB"; exit 1; fi
say "done: carry [\".gpu-bundle\"]"
