#!/usr/bin/env python3
"""llem Studio's adaptive-campaign sidecar: Optuna ask-and-tell over a finite set of valid configurations.

Runs in the same venv as llem (installed and pinned by scripts/setup-adaptive-sidecar.sh). Talks JSON lines on
stdin/stdout, one request per line, one answer per request, in order:

    -> {"id": 1, "op": "init", ...}             <- {"id": 1, "ok": true, "result": {...}}
    -> not json / unknown op / bad field        <- {"id": <id or null>, "ok": false, "error": {"code", "message", "path"}}

A bad message is answered with an error and the sidecar keeps serving; only EOF on stdin or `shutdown` ends it.
Nothing but protocol lines is written to stdout (Optuna's logging goes to stderr, warnings too).

Why the space is a candidate list and not just distributions: a campaign's valid configurations are a subset of
the cartesian product of its dimensions (llem rejects some combinations, explicit experiments add others). The
sampler proposes a point in the product; when that point is not a valid, not-yet-measured configuration, the
proposal is told as FAIL (samplers ignore failed trials, so the landscape they learn is only real measurements)
and the nearest valid unmeasured candidate is measured instead (enqueued, then asked, so Optuna records it as an
ordinary trial). `why` says which of the two happened.

Determinism: given the same init (seed included) and the same sequence of tells, the proposals are the same.
`replay` relies on it: it re-asks and checks each stored trial against what the sampler proposes, so a resumed
study continues exactly as the uninterrupted one would have (and falls back to enqueueing a stored trial when it
does not match, e.g. runs stored by an older version).
"""
from __future__ import annotations

import json
import logging
import math
import random
import sys
import warnings
from typing import Any

PROTOCOL_VERSION = 1
MAX_LINE_BYTES = 8 * 1024 * 1024
MAX_CANDIDATES = 200_000
MAX_DIMENSIONS = 64
MAX_CHOICES = 10_000
# Proposals a sampler may make per ask that are invalid or already measured before the sidecar picks the nearest
# valid unmeasured configuration itself. Each is told FAIL (ignored by the samplers) and costs no llem run; fresh
# draws follow the sampler's own preference, whereas snapping at once turns the search into a local one around
# whatever the sampler keeps proposing.
MAX_PROPOSALS_PER_ASK = 32

try:
    import optuna
    from optuna.distributions import CategoricalDistribution, IntDistribution
    from optuna.trial import TrialState

    OPTUNA_IMPORT_ERROR = None
except Exception as exc:  # noqa: BLE001 - reported to the client as a protocol error, never a crash
    optuna = None
    OPTUNA_IMPORT_ERROR = f"{type(exc).__name__}: {exc}"


class ProtocolError(Exception):
    def __init__(self, code: str, message: str, path: str | None = None):
        super().__init__(message)
        self.code = code
        self.path = path


def _require(cond: bool, message: str, path: str, code: str = "bad-message") -> None:
    if not cond:
        raise ProtocolError(code, message, path)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) and math.isfinite(v)


def _check_keys(obj: dict, allowed: set[str], required: set[str], path: str) -> None:
    extra = sorted(set(obj) - allowed)
    _require(not extra, f"unknown field(s) {extra}", path)
    missing = sorted(required - set(obj))
    _require(not missing, f"missing field(s) {missing}", path)


SAMPLERS = ("nsga2", "tpe", "random")


def _tpe_gamma_multiobjective(n_trials: int) -> int:
    """How many of the trials told so far form TPE's "good" density (see Study.__init__)."""
    return math.ceil(0.25 * n_trials)


class Study:
    """One Optuna study over a finite candidate set, plus the bookkeeping of what was measured."""

    def __init__(self, msg: dict):
        _check_keys(msg, {"id", "op", "protocol", "seed", "sampler", "objectives", "constraints", "dimensions", "candidates", "options"},
                    {"id", "op", "protocol", "seed", "sampler", "objectives", "dimensions", "candidates"}, "init")
        _require(msg["protocol"] == PROTOCOL_VERSION, f"protocol {msg['protocol']!r} is not {PROTOCOL_VERSION}", "init.protocol", "protocol-mismatch")
        _require(_is_int(msg["seed"]) and 0 <= msg["seed"] < 2**32, "seed must be an integer in [0, 2^32)", "init.seed")
        _require(msg["sampler"] in SAMPLERS, f"sampler must be one of {list(SAMPLERS)}", "init.sampler")
        objectives = msg["objectives"]
        _require(isinstance(objectives, list) and 1 <= len(objectives) <= 4, "objectives must be a list of 1 to 4", "init.objectives")
        self.directions: list[str] = []
        for i, o in enumerate(objectives):
            p = f"init.objectives[{i}]"
            _require(isinstance(o, dict), "must be an object", p)
            _check_keys(o, {"name", "direction"}, {"name", "direction"}, p)
            _require(isinstance(o["name"], str) and o["name"], "name must be a non-empty string", p + ".name")
            _require(o["direction"] in ("minimize", "maximize"), "direction must be minimize or maximize", p + ".direction")
            self.directions.append(o["direction"])
        constraints = msg.get("constraints", [])
        _require(isinstance(constraints, list) and len(constraints) <= 16, "constraints must be a list (at most 16)", "init.constraints")
        for i, c in enumerate(constraints):
            _require(isinstance(c, str) and c != "", "each constraint is a non-empty name", f"init.constraints[{i}]")
        # Constraint 0 is always "the run succeeded": a failed run (OOM, crash) is infeasible, never a zero.
        self.constraint_names = ["run-succeeded", *constraints]

        dims = msg["dimensions"]
        _require(isinstance(dims, list) and 1 <= len(dims) <= MAX_DIMENSIONS, f"dimensions must be a list of 1 to {MAX_DIMENSIONS}", "init.dimensions")
        self.dims: list[tuple[str, str, list]] = []  # (name, kind, choices)
        seen_names: set[str] = set()
        for i, d in enumerate(dims):
            p = f"init.dimensions[{i}]"
            _require(isinstance(d, dict), "must be an object", p)
            _check_keys(d, {"name", "kind", "choices"}, {"name", "kind", "choices"}, p)
            _require(isinstance(d["name"], str) and d["name"] and d["name"] not in seen_names, "name must be a unique non-empty string", p + ".name")
            _require(d["kind"] in ("categorical", "ordinal"), "kind must be categorical or ordinal", p + ".kind")
            ch = d["choices"]
            _require(isinstance(ch, list) and 1 <= len(ch) <= MAX_CHOICES, f"choices must be a list of 1 to {MAX_CHOICES}", p + ".choices")
            _require(all(isinstance(c, str) for c in ch), "choices must be strings (the client encodes values)", p + ".choices")
            _require(len(set(ch)) == len(ch), "choices must be distinct", p + ".choices")
            seen_names.add(d["name"])
            self.dims.append((d["name"], d["kind"], list(ch)))

        cands = msg["candidates"]
        _require(isinstance(cands, list) and 1 <= len(cands) <= MAX_CANDIDATES, f"candidates must be a list of 1 to {MAX_CANDIDATES}", "init.candidates")
        self.keys: list[str] = []
        self.vectors: list[tuple[int, ...]] = []  # choice index per dimension
        self.by_key: dict[str, int] = {}
        self.by_vector: dict[tuple[int, ...], int] = {}
        choice_index = [{c: j for j, c in enumerate(ch)} for (_, _, ch) in self.dims]
        for i, c in enumerate(cands):
            p = f"init.candidates[{i}]"
            _require(isinstance(c, dict), "must be an object", p)
            _check_keys(c, {"key", "params"}, {"key", "params"}, p)
            _require(isinstance(c["key"], str) and c["key"] and c["key"] not in self.by_key, "key must be a unique non-empty string", p + ".key")
            params = c["params"]
            _require(isinstance(params, dict) and set(params) == seen_names, "params must give exactly one value per dimension", p + ".params")
            vec = []
            for j, (name, _, _) in enumerate(self.dims):
                idx = choice_index[j].get(params[name])
                _require(idx is not None, f"value {params[name]!r} is not a choice of {name}", f"{p}.params.{name}")
                vec.append(idx)
            vt = tuple(vec)
            _require(vt not in self.by_vector, "two candidates with the same parameters", p + ".params")
            self.by_key[c["key"]] = len(self.keys)
            self.by_vector[vt] = len(self.keys)
            self.keys.append(c["key"])
            self.vectors.append(vt)

        options = msg.get("options", {})
        _require(isinstance(options, dict), "options must be an object", "init.options")
        _check_keys(options, {"population_size", "n_startup_trials", "n_ei_candidates"}, set(), "init.options")
        for k in ("population_size", "n_startup_trials", "n_ei_candidates"):
            if k in options:
                _require(_is_int(options[k]) and 1 <= options[k] <= 10_000, f"{k} must be an integer in [1, 10000]", f"init.options.{k}")

        if optuna is None:
            raise ProtocolError("optuna-missing", f"optuna cannot be imported in {sys.executable}: {OPTUNA_IMPORT_ERROR}")
        self.seed = msg["seed"]
        self.rng = random.Random(self.seed)  # tie-breaks of the nearest-candidate fallback
        self.sampler_name = msg["sampler"]
        n = len(self.keys)
        if self.sampler_name == "nsga2":
            # Optuna's default population (50) is larger than a whole 30 %-of-grid budget on most campaigns;
            # a population of ~10 % of the space (4..50) lets NSGA-II get past its random first generation.
            pop = options.get("population_size", max(4, min(50, n // 10)))
            self.startup_trials = pop  # NSGA-II's first generation is sampled at random
            sampler = optuna.samplers.NSGAIISampler(population_size=pop, seed=self.seed, constraints_func=self._constraints)
        elif self.sampler_name == "tpe":
            startup = options.get("n_startup_trials", max(4, min(10, n // 20)))
            self.startup_trials = startup
            # n_ei_candidates 4, not Optuna's 24: on a finite space TPE's best-of-24 draw keeps landing on configurations
            # already measured (then the sidecar has to pick for it); best-of-4 keeps TPE's preference but varies its
            # proposals. bench/adaptive-pareto.ts measured it: gpqa H100 energy-vs-latency, median HV 82 % -> 97 %.
            # gamma: TPE splits the trials told so far into a "good" density l(x) (the best gamma(n) by non-domination
            # rank, ties broken by hypervolume contribution) and a "bad" one g(x), and proposes where l/g is high.
            # Optuna 5.1's multi-objective default is ceil(0.1 n): 2-3 trials at a 30 %-of-grid budget, too few to
            # stand for a whole Pareto front, so TPE kept refining one end of it. The best quarter (hyperopt's classic
            # gamma = 0.25) lets l(x) cover the front. bench/adaptive-pareto.ts, J/token vs latency, 8 seeds: gpqa H100
            # 92.6 % -> 99.7 %, v2 code A100 93.2 % -> 99.6 % median HV. (`gamma` is deprecated since Optuna 4.9 and
            # goes in 6.0; setup-adaptive-sidecar.sh pins 5.1.0.)
            sampler = optuna.samplers.TPESampler(n_startup_trials=startup, n_ei_candidates=options.get("n_ei_candidates", 4), seed=self.seed,
                                                 multivariate=True, gamma=_tpe_gamma_multiobjective, constraints_func=self._constraints)
        else:
            self.startup_trials = 0
            sampler = optuna.samplers.RandomSampler(seed=self.seed)
        self.study = optuna.create_study(directions=self.directions, sampler=sampler)
        self.distributions = {
            name: (IntDistribution(0, len(ch) - 1) if kind == "ordinal" else CategoricalDistribution(list(range(len(ch)))))
            for (name, kind, ch) in self.dims
        }
        self.measured: dict[int, int] = {}  # candidate index -> optuna trial number
        self.pending: dict[int, int] = {}  # optuna trial number -> candidate index (asked, not told)
        self.worst: list[float | None] = [None] * len(self.directions)

    def _constraints(self, frozen) -> list[float]:
        # Every told trial carries its constraints; anything else (not expected to be asked) counts as satisfied.
        return list(frozen.user_attrs.get("constraints", [0.0] * len(self.constraint_names)))

    # --- ask -------------------------------------------------------------------------------------------------
    def _vector_of(self, params: dict) -> tuple[int, ...]:
        return tuple(int(params[name]) for (name, _, _) in self.dims)

    def _nearest_unmeasured(self, vec: tuple[int, ...]) -> int | None:
        best: list[int] = []
        best_d = math.inf
        for ci, cv in enumerate(self.vectors):
            if ci in self.measured or ci in self.pending.values():
                continue
            d = 0.0
            for j, (_, kind, ch) in enumerate(self.dims):
                if kind == "ordinal":
                    d += abs(cv[j] - vec[j]) / max(1, len(ch) - 1)
                elif cv[j] != vec[j]:
                    d += 1.0
            if d < best_d - 1e-12:
                best_d, best = d, [ci]
            elif abs(d - best_d) <= 1e-12:
                best.append(ci)
        if not best:
            return None
        return best[0] if len(best) == 1 else self.rng.choice(best)

    def ask(self) -> dict:
        if len(self.measured) + len(self.pending) >= len(self.keys):
            return {"exhausted": True, "measured": len(self.measured)}
        sampler_label = {"nsga2": "NSGA-II", "tpe": "TPE", "random": "random"}[self.sampler_name]
        busy = set(self.measured) | set(self.pending.values())
        misses = {"invalid": 0, "measured": 0}
        # What drives this proposal (stored with it, so the app can say why a configuration ran): the sampler's
        # random start-up trials until it has been told startup_trials results, then its model of them.
        told = len(self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
        mode = "random" if self.sampler_name == "random" else ("startup" if told < self.startup_trials else "model")
        for _ in range(MAX_PROPOSALS_PER_ASK):
            trial = self.study.ask(self.distributions)
            vec = self._vector_of(trial.params)
            ci = self.by_vector.get(vec)
            if ci is not None and ci not in busy:
                skipped = sum(misses.values())
                why = f"{sampler_label} proposal (trial {trial.number})" + (
                    f", after {skipped} proposal(s) that were invalid ({misses['invalid']}) or already measured ({misses['measured']})" if skipped else "")
                break
            misses["invalid" if ci is None else "measured"] += 1
            self.study.tell(trial, state=TrialState.FAIL)
        else:
            ci = self._nearest_unmeasured(vec)
            assert ci is not None  # guarded by the exhausted check above
            self.study.enqueue_trial({name: self.vectors[ci][j] for j, (name, _, _) in enumerate(self.dims)})
            trial = self.study.ask(self.distributions)
            got = self._vector_of(trial.params)
            if got != self.vectors[ci]:
                raise ProtocolError("internal", f"enqueued candidate came back as {got}, expected {self.vectors[ci]}")
            why = (f"{sampler_label} made {MAX_PROPOSALS_PER_ASK} proposals that were invalid ({misses['invalid']}) or already measured "
                   f"({misses['measured']}); measuring the valid unmeasured configuration nearest to the last one (trial {trial.number})")
            mode = "nearest"
        self.pending[trial.number] = ci
        return {"trial": trial.number, "key": self.keys[ci], "why": why, "mode": mode}

    # --- tell ------------------------------------------------------------------------------------------------
    def tell(self, msg: dict, path: str = "tell") -> dict:
        _check_keys(msg, {"id", "op", "trial", "status", "values", "violations", "reason"}, {"trial", "status"}, path)
        _require(_is_int(msg["trial"]), "trial must be an integer", path + ".trial")
        number = msg["trial"]
        _require(number in self.pending, f"trial {number} is not waiting for a result", path + ".trial", "unknown-trial")
        status = msg["status"]
        _require(status in ("ok", "failed"), "status must be ok or failed", path + ".status")
        n_user = len(self.constraint_names) - 1
        if status == "ok":
            values = msg.get("values")
            _require(isinstance(values, list) and len(values) == len(self.directions) and all(_is_number(v) for v in values),
                     f"values must be {len(self.directions)} finite numbers", path + ".values")
            violations = msg.get("violations", [0.0] * n_user)
            _require(isinstance(violations, list) and len(violations) == n_user and all(_is_number(v) for v in violations),
                     f"violations must be {n_user} finite numbers (<= 0 means satisfied)", path + ".violations")
            constraints = [0.0, *[float(v) for v in violations]]
            for i, v in enumerate(values):
                w = self.worst[i]
                if w is None or (v > w if self.directions[i] == "minimize" else v < w):
                    self.worst[i] = float(v)
        else:
            _require("values" not in msg and "violations" not in msg, "a failed run has no values", path)
            # The values of an infeasible trial are never compared by the constrained samplers (feasible trials
            # dominate infeasible ones, infeasible ones rank by violation); Optuna still wants numbers, so the
            # worst values seen so far stand in (1.0 when nothing succeeded yet).
            values = [w if w is not None else 1.0 for w in self.worst]
            constraints = [1.0, *([0.0] * n_user)]
        reason = msg.get("reason")
        _require(reason is None or (isinstance(reason, str) and len(reason) <= 2000), "reason must be a string", path + ".reason")
        trial_id = self._trial_id(number)
        self.study._storage.set_trial_user_attr(trial_id, "constraints", constraints)
        if reason:
            self.study._storage.set_trial_user_attr(trial_id, "failure", reason)
        self.study.tell(number, values)
        ci = self.pending.pop(number)
        self.measured[ci] = number
        return {"trial": number, "key": self.keys[ci], "feasible": all(c <= 0 for c in constraints)}

    def _trial_id(self, number: int) -> int:
        return self.study._storage.get_trial_id_from_study_id_trial_number(self.study._study_id, number)

    # --- replay (resume) --------------------------------------------------------------------------------------
    def replay(self, msg: dict) -> dict:
        _check_keys(msg, {"id", "op", "trials"}, {"trials"}, "replay")
        trials = msg["trials"]
        _require(isinstance(trials, list), "trials must be a list", "replay.trials")
        _require(not self.pending and not self.measured, "replay only right after init", "replay", "bad-state")
        matched = 0
        for i, t in enumerate(trials):
            p = f"replay.trials[{i}]"
            _require(isinstance(t, dict) and isinstance(t.get("key"), str), "each trial is an object with a key", p)
            ci = self.by_key.get(t["key"])
            _require(ci is not None, f"key {t['key']!r} is not a candidate", p + ".key", "unknown-key")
            _require(ci not in self.measured, f"key {t['key']!r} appears twice", p + ".key")
            asked = self.ask()
            if asked.get("key") == t["key"]:
                matched += 1
                number = asked["trial"]
            else:
                # Not what this seed would propose now: withdraw the proposal, record the stored trial as it was.
                if "trial" in asked:
                    self.pending.pop(asked["trial"])
                    self.study.tell(asked["trial"], state=TrialState.FAIL)
                self.study.enqueue_trial({name: self.vectors[ci][j] for j, (name, _, _) in enumerate(self.dims)})
                number = self.study.ask(self.distributions).number
                self.pending[number] = ci
            told = {k: v for k, v in t.items() if k != "key"}
            told["trial"] = number
            self.tell(told, p)
        return {"replayed": len(trials), "matched": matched}


def handle(state: dict, msg: Any) -> dict:
    _require(isinstance(msg, dict), "a message is a JSON object", "")
    mid = msg.get("id")
    _require(_is_int(mid) and mid >= 0, "id must be a non-negative integer", "id")
    op = msg.get("op")
    if op == "hello":
        _check_keys(msg, {"id", "op"}, set(), "hello")
        return {"protocol": PROTOCOL_VERSION, "optuna": getattr(optuna, "__version__", None), "optunaError": OPTUNA_IMPORT_ERROR,
                "python": sys.version.split()[0]}
    if op == "init":
        state["study"] = Study(msg)
        s = state["study"]
        return {"optuna": optuna.__version__, "sampler": type(s.study.sampler).__name__, "candidates": len(s.keys)}
    if op == "shutdown":
        _check_keys(msg, {"id", "op"}, set(), "shutdown")
        state["stop"] = True
        return {}
    study: Study | None = state.get("study")
    _require(op in ("ask", "tell", "replay"), f"unknown op {op!r}", "op", "unknown-op")
    _require(study is not None, f"{op} before init", "op", "bad-state")
    if op == "ask":
        _check_keys(msg, {"id", "op"}, set(), "ask")
        return study.ask()
    if op == "tell":
        return study.tell(msg)
    return study.replay(msg)


def main() -> int:
    # stdout carries the protocol only: Optuna logs (and Python warnings) go to stderr.
    if optuna is not None:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    logging.basicConfig(stream=sys.stderr)
    # Optuna marks constraints_func experimental; the warning says nothing a user can act on.
    warnings.filterwarnings("ignore", module="optuna")
    state: dict = {}
    out = sys.stdout
    for raw in sys.stdin.buffer:
        mid = None
        try:
            if len(raw) > MAX_LINE_BYTES:
                raise ProtocolError("too-long", f"message of {len(raw)} bytes exceeds {MAX_LINE_BYTES}")
            text = raw.decode("utf-8").strip()
            if not text:
                continue
            try:
                msg = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ProtocolError("bad-json", f"{c} is not JSON")))
            except json.JSONDecodeError as e:
                raise ProtocolError("bad-json", f"not JSON: {e.msg} at column {e.colno}") from None
            if isinstance(msg, dict) and _is_int(msg.get("id")):
                mid = msg["id"]
            reply = {"id": mid, "ok": True, "result": handle(state, msg)}
        except ProtocolError as e:
            reply = {"id": mid, "ok": False, "error": {"code": e.code, "message": str(e), **({"path": e.path} if e.path else {})}}
        except UnicodeDecodeError:
            reply = {"id": None, "ok": False, "error": {"code": "bad-encoding", "message": "message is not UTF-8"}}
        except Exception as e:  # noqa: BLE001 - one bad request must not end the study
            reply = {"id": mid, "ok": False, "error": {"code": "internal", "message": f"{type(e).__name__}: {e}"}}
        out.write(json.dumps(reply, allow_nan=False) + "\n")
        out.flush()
        if state.get("stop"):
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
