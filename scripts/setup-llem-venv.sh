#!/usr/bin/env bash
# Create (idempotently) the Python venv that holds the REAL llem, installed from
# PyPI, used by tests/llem-oracle/oracle.py as a test oracle.
#
#   scripts/setup-llem-venv.sh [VENV_DIR]        (default: .cache/llem-venv)
#
# Why --no-deps plus a hand-picked list: llenergymeasure declares numpy, pyarrow,
# huggingface-hub, nvidia-ml-py and filelock too, but the config/study loaders,
# the hashes and `llem --version` never import them (numpy is the exception: cycle ordering uses it)
# (verified: see docs/llem-pypi-release.md). Skipping them keeps the venv at
# ~60 MB instead of ~330 MB. Every package is pinned so the oracle's answers
# cannot drift with a new upstream release.
#
# Env: LLEM_VERSION (default below), LLEM_PYTHON (interpreter, default python3).
set -euo pipefail

LLEM_VERSION="${LLEM_VERSION:-0.7.0}"
PYTHON="${LLEM_PYTHON:-python3}"

# Light runtime deps of the loaders and the CLI entry point, pinned to the set
# this oracle was verified with (pydantic/pydantic_core must move together).
LIGHT_DEPS=(
  "pydantic==2.14.4"
  "pydantic_core==2.50.5"
  "annotated-types==0.8.0"
  "typing_extensions==4.16.0"
  "typing-inspection==0.4.5"
  "PyYAML==6.0.4"
  "typer==0.29.2"
  "click==8.5.1"
  "rich==15.0.0"
  "markdown-it-py==4.3.0"
  "mdurl==0.1.2"
  "Pygments==2.21.0"
  "shellingham==1.5.4"
  "annotated-doc==0.0.7"
  "platformdirs==4.14.8"
  "python-dotenv==1.2.4"
  # The cycle-ordering code imports numpy for `sequential` order with n_cycles > 1.
  "numpy==2.3.5"
)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_dir="${1:-$repo_root/.cache/llem-venv}"
case "$venv_dir" in /*) ;; *) venv_dir="$PWD/$venv_dir" ;; esac

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
  echo "setup-llem-venv: need Python >= 3.10 (llenergymeasure requires it); '$PYTHON' is missing or older." >&2
  echo "  set LLEM_PYTHON to a suitable interpreter." >&2
  exit 1
fi

# The stamp records exactly what was installed; any change (version, pins,
# interpreter) forces a clean rebuild instead of a half-updated venv.
py_id="$("$PYTHON" -c 'import sys; print(sys.version.split()[0], sys.executable)')"
wanted_stamp="llenergymeasure==$LLEM_VERSION ${LIGHT_DEPS[*]} python=$py_id"
stamp_file="$venv_dir/.llem-oracle-stamp"
venv_python="$venv_dir/bin/python"
llem_bin="$venv_dir/bin/llem"

if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$wanted_stamp" && -x "$llem_bin" ]] \
  && version_line="$("$llem_bin" --version 2>/dev/null)"; then
  echo "setup-llem-venv: cached venv at $venv_dir"
  echo "$version_line"
  exit 0
fi

echo "setup-llem-venv: building $venv_dir (llenergymeasure==$LLEM_VERSION, $py_id)"
rm -rf "$venv_dir"
mkdir -p "$(dirname "$venv_dir")"
"$PYTHON" -m venv "$venv_dir"
"$venv_python" -m pip install --quiet --disable-pip-version-check --no-input --no-deps \
  "llenergymeasure==$LLEM_VERSION" "${LIGHT_DEPS[@]}"

# Prove the pieces the oracle relies on import and agree on the version.
"$venv_python" - "$LLEM_VERSION" <<'PY'
import sys
from importlib.metadata import version
import llenergymeasure.api, llenergymeasure.cli  # noqa: F401  (CLI + loaders + study finalisation)
from llenergymeasure.config.loader import load_experiment_config, load_study_config  # noqa: F401
from llenergymeasure.domain.experiment import compute_declared_config_hash  # noqa: F401
from llenergymeasure.config.grid import compute_study_design_hash  # noqa: F401
from llenergymeasure.config.cycle_ordering import apply_cycles  # noqa: F401
installed = version("llenergymeasure")
if installed != sys.argv[1]:
    sys.exit(f"setup-llem-venv: expected llenergymeasure {sys.argv[1]}, got {installed}")
PY

version_line="$("$llem_bin" --version)"
printf '%s' "$wanted_stamp" > "$stamp_file"
echo "setup-llem-venv: installed"
echo "$version_line"
