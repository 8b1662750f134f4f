"""Batch test oracle backed by the REAL llem (PyPI ``llenergymeasure``).

Protocol: one JSON request per line on stdin, exactly one JSON response per line
on stdout, in request order. A request may carry an ``id`` (any JSON value); it
is echoed back so a client can detect desynchronisation.

Ops (see docs/llem-pypi-release.md for what the fields mean in this release):

* ``{"op":"version"}``
* ``{"op":"experiment","path":P}`` - llem's own experiment loader + declared hash
* ``{"op":"study","path":P}`` - llem's own study loader/expansion/dedup/hash/order,
  with the ``llem run`` CLI's effective defaults (3 cycles, shuffle when absent)
* ``{"op":"order","n":K,"n_cycles":N,"order":O,"study_design_hash":H,"shuffle_seed":S}``
  - llem's ``apply_cycles`` over the indices 0..K-1
* ``{"op":"shuffle","seed":S,"n":K}`` - CPython ``random.Random(S).shuffle(range(K))``
  (the primitive llem's shuffle order is built on)

Every failure becomes ``{"ok":false,"error_type":...,"message":...}``; one bad
request never ends the process. Only EOF on stdin does.

Determinism: llem reads a user config (``$XDG_CONFIG_HOME/llenergymeasure``),
``LLEM_*`` env vars and a ``.env`` in the CWD. Those describe one user's machine,
not the file under test, so they are neutralised before llem is imported.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

# --- isolate llem from the host's user config before importing it -------------
for _key in [k for k in os.environ if k.startswith("LLEM_")]:
    del os.environ[_key]
_ISOLATED_CONFIG_HOME = tempfile.mkdtemp(prefix="llem-oracle-xdg-")
os.environ["XDG_CONFIG_HOME"] = _ISOLATED_CONFIG_HOME

# Responses go to the real stdout; anything llem prints while working is sent to
# stderr so it can never corrupt the line protocol.
_RESPONSE_OUT = sys.stdout
sys.stdout = sys.stderr

import random  # noqa: E402

import yaml  # noqa: E402
from pydantic import ValidationError  # noqa: E402

from llenergymeasure._version import __version__ as LLEM_VERSION  # noqa: E402
from llenergymeasure.cli._study_defaults import build_study_cli_overrides  # noqa: E402
from llenergymeasure.config.cycle_ordering import ExperimentOrder, apply_cycles  # noqa: E402
from llenergymeasure.config.grid import compute_study_design_hash  # noqa: E402
from llenergymeasure.config.loader import load_experiment_config, load_study_config  # noqa: E402
from llenergymeasure.config.models import ExperimentConfig  # noqa: E402
from llenergymeasure.config.user_config import load_user_config  # noqa: E402
from llenergymeasure.domain.experiment import compute_declared_config_hash  # noqa: E402
from llenergymeasure.study.hashing import resolved_config_hash  # noqa: E402
from llenergymeasure.study.library_resolution import resolve_library_effective  # noqa: E402
from llenergymeasure.study.loading import finalise_study  # noqa: E402
from llenergymeasure.utils.exceptions import ConfigError  # noqa: E402

# The exact exclusion compute_declared_config_hash applies (slo is a post-hoc overlay).
_HASH_EXCLUDE = {"server": {"traffic": {"slo"}}}


class OracleError(Exception):
    """A malformed request, or an internal consistency check that failed."""


def _declared_dump(config: ExperimentConfig) -> Any:
    return config.model_dump(mode="json", exclude=_HASH_EXCLUDE)


def _experiment_entry(config: ExperimentConfig) -> dict[str, Any]:
    dump = _declared_dump(config)
    canonical = json.dumps(dump, sort_keys=True)  # the text llem hashes
    declared = compute_declared_config_hash(config)
    return {
        "measurement_config_hash": declared,
        "resolved_config_hash": resolved_config_hash(config),
        "canonical": canonical,
        "dump": dump,
    }


def _require_path(request: dict[str, Any]) -> Path:
    path = request.get("path")
    if not isinstance(path, str) or not path:
        raise OracleError("request needs a non-empty string 'path'")
    return Path(path)


def op_version(_request: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": True,
        "llem_version": LLEM_VERSION,
        # What `llem --version` prints (cli.version_callback formats it this way).
        "version_line": f"llem v{LLEM_VERSION}",
        "python": sys.version.split()[0],
    }


def op_experiment(request: dict[str, Any]) -> dict[str, Any]:
    config = load_experiment_config(path=_require_path(request))
    return {"ok": True, **_experiment_entry(config)}


def op_study(request: dict[str, Any]) -> dict[str, Any]:
    path = _require_path(request)
    # Mirrors cli/run.py::_run_study_impl: the CLI injects n_cycles=3 and
    # experiment_order=shuffle unless the YAML's study_execution sets them.
    # A file the pre-read cannot parse is left to load_study_config, which
    # reports it as llem's own ConfigError.
    try:
        raw_yaml = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError):
        raw_yaml = None
    yaml_execution = (raw_yaml.get("study_execution") or {}) if isinstance(raw_yaml, dict) else {}
    overrides = build_study_cli_overrides(yaml_execution) or None

    # Same two steps as llenergymeasure.api.load_study, kept separate so the
    # declared (pre-dedup) list stays visible.
    loaded = load_study_config(path, cli_overrides=overrides)
    study = finalise_study(loaded, user_config=load_user_config())
    execution = study.study_execution

    # The unique list U that the study hash covers: llem's own dedup, rerun on
    # the same configs (deterministic), then cross-checked against llem's hash.
    unique = resolve_library_effective(
        loaded.valid_experiments, deduplicate=execution.deduplicate_equivalent
    ).canonical_configs
    if compute_study_design_hash(unique) != study.study_design_hash:
        raise OracleError("oracle could not reconstruct llem's deduplicated experiment list")

    # llem's apply_cycles is element-agnostic, so ordering indices gives the run
    # order as positions in U; cross-check it against llem's own ordered list.
    order = apply_cycles(
        list(range(len(unique))),
        n_cycles=execution.n_cycles,
        experiment_order=ExperimentOrder(execution.experiment_order),
        study_design_hash=study.study_design_hash or "",
        shuffle_seed=execution.shuffle_seed,
    )
    expected = [_declared_dump(e) for e in study.experiments]
    if [_declared_dump(unique[i]) for i in order] != expected:
        raise OracleError("oracle's execution order disagrees with llem's ordered experiment list")

    return {
        "ok": True,
        "study_design_hash": study.study_design_hash,
        "study_name": study.study_name,
        "experiments": [_experiment_entry(e) for e in unique],
        "declared_hashes": [compute_declared_config_hash(e) for e in loaded.valid_experiments],
        "skipped": [
            {"label": s.short_label, "reason": s.reason, "rule_id": s.rule_id}
            for s in loaded.skipped
        ],
        "execution_order": order,
        "execution": execution.model_dump(mode="json"),
        "dedup_mode": study.dedup_mode,
    }


def op_order(request: dict[str, Any]) -> dict[str, Any]:
    n = request.get("n")
    n_cycles = request.get("n_cycles")
    if not isinstance(n, int) or not isinstance(n_cycles, int) or n < 0 or n_cycles < 1:
        raise OracleError("'order' needs integers n >= 0 and n_cycles >= 1")
    order = apply_cycles(
        list(range(n)),
        n_cycles=n_cycles,
        experiment_order=ExperimentOrder(request.get("order", "shuffle")),
        study_design_hash=str(request.get("study_design_hash", "")),
        shuffle_seed=request.get("shuffle_seed"),
    )
    return {"ok": True, "order": order}


def op_shuffle(request: dict[str, Any]) -> dict[str, Any]:
    seed, n = request.get("seed"), request.get("n")
    if not isinstance(seed, int) or not isinstance(n, int) or n < 0:
        raise OracleError("'shuffle' needs an integer seed and an integer n >= 0")
    items = list(range(n))
    random.Random(seed).shuffle(items)
    return {"ok": True, "order": items}


_OPS = {
    "version": op_version,
    "experiment": op_experiment,
    "study": op_study,
    "order": op_order,
    "shuffle": op_shuffle,
}


def _error(exc: BaseException) -> dict[str, Any]:
    response: dict[str, Any] = {
        "ok": False,
        "error_type": type(exc).__name__,
        "message": str(exc),
    }
    if isinstance(exc, ValidationError):
        response["errors"] = [
            {"loc": [str(part) for part in e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
    elif not isinstance(exc, (OracleError, ConfigError, json.JSONDecodeError)):
        # Unexpected failure inside llem or the oracle: keep the stack for debugging.
        response["traceback"] = traceback.format_exc(limit=8)
    return response


def handle_line(line: str) -> dict[str, Any]:
    request_id: Any = None
    try:
        request = json.loads(line)
        if not isinstance(request, dict):
            raise OracleError("request must be a JSON object")
        request_id = request.get("id")
        op = _OPS.get(request.get("op"))  # type: ignore[arg-type]
        if op is None:
            raise OracleError(f"unknown op {request.get('op')!r}; known: {sorted(_OPS)}")
        response = op(request)
    except Exception as exc:  # noqa: BLE001 - every failure is an answer, never a crash
        response = _error(exc)
    if request_id is not None:
        response["id"] = request_id
    return response


def _encode(response: dict[str, Any]) -> str:
    try:
        # allow_nan=False: JSON.parse on the TS side rejects NaN/Infinity.
        return json.dumps(response, allow_nan=False)
    except (TypeError, ValueError) as exc:
        fallback = {"ok": False, "error_type": "EncodingError", "message": str(exc)}
        if "id" in response:
            fallback["id"] = response["id"]
        return json.dumps(fallback)


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        _RESPONSE_OUT.write(_encode(handle_line(line)) + "\n")
        _RESPONSE_OUT.flush()


if __name__ == "__main__":
    main()
