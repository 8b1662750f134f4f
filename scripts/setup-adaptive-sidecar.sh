#!/usr/bin/env bash
# Install (idempotently) the adaptive-campaign sidecar's optimizer, Optuna, into the SAME venv as llem, so that
# resources/adaptive/optuna_sidecar.py runs with the interpreter that runs llem. Run after setup-llem-venv.sh
# (which rebuilds the venv from scratch when its own pins change; this script then installs Optuna again).
#
#   scripts/setup-adaptive-sidecar.sh [VENV_DIR]        (default: .cache/llem-venv)
#
# Every package is pinned, --no-deps, so a new upstream release cannot change which configurations a seeded
# campaign proposes. numpy, PyYAML and typing_extensions come pinned with llem's venv already.
set -euo pipefail

OPTUNA_DEPS=(
  "optuna==5.1.0"
  "alembic==1.20.1"
  "colorlog==6.12.0"
  "Mako==1.4.3"
  "MarkupSafe==3.0.4"
  "packaging==26.4"
  "SQLAlchemy==2.1.9"
  "tqdm==4.70.1"
)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_dir="${1:-$repo_root/.cache/llem-venv}"
case "$venv_dir" in /*) ;; *) venv_dir="$PWD/$venv_dir" ;; esac
venv_python="$venv_dir/bin/python"
if [[ ! -x "$venv_python" ]]; then
  echo "setup-adaptive-sidecar: no venv at $venv_dir; run scripts/setup-llem-venv.sh first." >&2
  exit 1
fi

wanted_stamp="${OPTUNA_DEPS[*]}"
stamp_file="$venv_dir/.adaptive-sidecar-stamp"
if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$wanted_stamp" ]] && "$venv_python" -c 'import optuna' 2>/dev/null; then
  echo "setup-adaptive-sidecar: optuna already installed in $venv_dir"
  exit 0
fi

"$venv_python" -m pip install --quiet --disable-pip-version-check --no-input --no-deps "${OPTUNA_DEPS[@]}"
# Prove the sidecar starts and answers with the pinned version (its hello needs no study).
hello="$(printf '{"id":0,"op":"hello"}\n' | "$venv_python" "$repo_root/resources/adaptive/optuna_sidecar.py")"
case "$hello" in
  *'"optuna": "5.1.0"'*) ;;
  *) echo "setup-adaptive-sidecar: the sidecar did not report optuna 5.1.0: $hello" >&2; exit 1 ;;
esac
printf '%s' "$wanted_stamp" > "$stamp_file"
echo "setup-adaptive-sidecar: installed optuna 5.1.0 in $venv_dir"
