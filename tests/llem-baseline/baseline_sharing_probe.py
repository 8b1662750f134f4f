"""Does the REAL llem 0.7.0 let run 2 of an llem Studio campaign reuse run 1's baseline? (issue 19)

Driven by tests/integration/llem-baseline/baselineSharing.test.ts, with the venv's Python. It runs llem's own
CLI entry (`llenergymeasure.cli:app`, what the `llem` console script calls) in-process, with exactly the argv and
directory layout the app's runner produces (core/runner/experimentProcess.ts: `llem run <attempt>/experiment.json
--output <attempt>/output -vv`, one attempt folder per run under runs/<campaign>/), and reports what llem's own
code did about the baseline.

Only the hardware boundary is replaced, because there is no GPU, torch or Docker here: the study preflight
(returns the process runner the app pins with LLEM_RUNNER_TRANSFORMERS=process), the engine import, the GPU
memory check, the environment snapshot, and `MeasurementHarness.run` (records how llem called it, then stops the
run). Everything that decides where the study folder goes, whether `--resume-dir` applies, which cache file is
read and whether a study-level baseline is handed to the harness is llem's real code, spied on, not replaced.

argv: <spec.json>, written by the test from the app's own code:
  {"campaignRoot": str, "run1": Attempt, "run2": Attempt, "run2Retry": Attempt}
  Attempt = {"args": [...llem run arguments...], "cwd": str, "configPath": str, "outputDir": str}
Prints one JSON object on stdout.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


class _StopAtHarness(Exception):
    """Raised from the harness stand-in once llem has made every baseline decision for the run."""


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    root = Path(spec["campaignRoot"])
    run1_file = Path(spec["run1"]["configPath"])
    run2_file = Path(spec["run2"]["configPath"])

    import llenergymeasure
    import llenergymeasure.engines as engines
    import llenergymeasure.harness as harness_pkg
    import llenergymeasure.harness.baseline as harness_baseline
    import llenergymeasure.harness.environment as environment
    import llenergymeasure.harness.preflight as harness_preflight
    import llenergymeasure.study.gpu_memory as gpu_memory
    import llenergymeasure.study.orchestration as orchestration
    from llenergymeasure.cli import app
    from llenergymeasure.config.runner_spec import RunnerSpec
    from llenergymeasure.study.baseline_measure import _BaselineMixin

    calls: dict[str, list] = {"harness_run": [], "load_baseline_cache": [], "get_baseline": [], "cache_path": []}

    # --- hardware boundary (no GPU / torch / Docker here) -----------------------------------------------------
    orchestration._resolve_runner_specs = lambda study, *a, **k: (
        {e.engine: RunnerSpec(mode="process", image=None, source="env") for e in study.experiments},
        {},
    )
    harness_preflight.run_preflight = lambda config: None
    engines.get_engine = lambda name: object()
    gpu_memory.check_gpu_memory_residual = lambda *a, **k: None
    environment.collect_environment_snapshot = lambda *a, **k: None

    def harness_run(self, engine, config, **kwargs):
        calls["harness_run"].append(
            {
                "baseline_given": kwargs.get("baseline") is not None,
                "baseline_kwarg_present": "baseline" in kwargs,
                "strategy": config.measurement.baseline.strategy,
                "ttl_s": config.measurement.baseline.cache_ttl_seconds,
            }
        )
        raise _StopAtHarness()

    harness_pkg.MeasurementHarness.run = harness_run

    # --- spies on llem's real baseline-cache code ---------------------------------------------------------------
    real_load = harness_baseline.load_baseline_cache

    def spy_load(path, ttl=1800.0):
        found = real_load(path, ttl=ttl)
        calls["load_baseline_cache"].append({"path": str(path), "found": found is not None})
        return found

    harness_baseline.load_baseline_cache = spy_load
    real_get = _BaselineMixin._get_baseline

    def spy_get(self, config):
        calls["get_baseline"].append(str(self.study_dir))
        return real_get(self, config)

    _BaselineMixin._get_baseline = spy_get
    real_path = _BaselineMixin._get_baseline_cache_path

    def spy_path(self, key):
        p = real_path(self, key)
        calls["cache_path"].append(str(p))
        return p

    _BaselineMixin._get_baseline_cache_path = spy_path

    def llem_run(argv: list[str]) -> dict:
        """One `llem run …` as the console script would run it, in-process."""
        from io import StringIO
        import contextlib

        snapshot = {k: len(v) for k, v in calls.items()}
        err = StringIO()
        code = None
        error = None
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(StringIO()):
            try:
                code = app(argv, standalone_mode=False) or 0
            except _StopAtHarness:
                code = "stopped-at-harness"
            except SystemExit as e:  # typer/click exits
                code = e.code
            except Exception as e:  # noqa: BLE001 - reported, the test decides
                error = f"{type(e).__name__}: {e}"
                code = "error"
        new_calls = {k: v[snapshot[k]:] for k, v in calls.items()}
        return {
            "argv": argv,
            # llem's CLI turns any exception into an exit code; reaching the harness is what counts here.
            "reached_harness": len(new_calls["harness_run"]) > 0,
            "exit": code,
            "error": error,
            "stderr_tail": err.getvalue()[-2000:],
            "calls": new_calls,
        }

    def attempt_argv(attempt: dict, extra: list[str] | None = None) -> list[str]:
        """The app's argv for this attempt, run from the app's scratch folder (as the runner spawns llem)."""
        Path(attempt["outputDir"]).mkdir(parents=True, exist_ok=True)
        Path(attempt["cwd"]).mkdir(parents=True, exist_ok=True)
        os.chdir(attempt["cwd"])
        return [*attempt["args"], *(extra or [])]

    def study_dirs(attempt: dict) -> list[str]:
        out = Path(attempt["outputDir"])
        return sorted(str(p) for p in out.iterdir() if p.is_dir()) if out.is_dir() else []

    report: dict = {"llem_version": getattr(llenergymeasure, "__version__", "?")}

    # Run 1, then run 2, exactly as the app starts them.
    report["run1"] = llem_run(attempt_argv(spec["run1"]))
    report["run1"]["study_dirs"] = study_dirs(spec["run1"])
    # Whatever baseline cache llem could have left for run 1, anywhere under the campaign folder.
    report["run1_cache_files"] = sorted(str(p) for p in root.rglob("baseline_cache_*.json"))

    # Give run 1 the cache file llem's own StudyRunner would write for it (llem's save_baseline_cache, llem's
    # path, a fresh timestamp): the best case for sharing, so a miss below is llem's lookup, not a missing file.
    run1_study = Path(report["run1"]["study_dirs"][0]) if report["run1"]["study_dirs"] else None
    seeded = None
    if run1_study is not None:
        seeded = run1_study / "_study-artefacts" / "baseline_cache_local_transformers.json"
        harness_baseline.save_baseline_cache(
            seeded,
            harness_baseline.BaselineCache(
                power_w=68.6, timestamp=time.time(), gpu_indices=[0], sample_count=50, duration_sec=5.0
            ),
        )
        # Control: llem's own loader accepts that file within the TTL, so the format and age are right.
        report["seeded_cache_loads"] = real_load(seeded, ttl=7200.0) is not None
    report["seeded_cache"] = str(seeded) if seeded else None

    report["run2"] = llem_run(attempt_argv(spec["run2"]))
    report["run2"]["study_dirs"] = study_dirs(spec["run2"])

    # Run 2 again (its second attempt folder), pointed at run 1's study folder with --resume-dir: the only llem
    # option that names an existing folder to run in.
    retry = spec["run2Retry"]
    Path(retry["configPath"]).parent.mkdir(parents=True, exist_ok=True)
    Path(retry["configPath"]).write_bytes(run2_file.read_bytes())
    extra = ["--resume-dir", str(run1_study)] if run1_study else []
    report["run2_resume"] = llem_run(attempt_argv(retry, extra))
    report["run2_resume"]["study_dirs"] = study_dirs(retry)

    # The same two configs as llem *study* files (`experiments: [cfg]`), run 2 resumed into run 1's study: llem's
    # resume checks the study design hash first.
    from llenergymeasure.api import load_study
    from llenergymeasure.study.resume import load_resume_state, validate_config_drift

    def as_study(cfg: Path, name: str) -> Path:
        import yaml

        text = {"study_name": name, "experiments": [json.loads(cfg.read_text())]}
        p = cfg.parent / f"{name}.yaml"
        p.write_text(yaml.safe_dump(text))
        return p

    s1 = as_study(run1_file, "campaign")
    s2 = as_study(run2_file, "campaign")
    drift = {"study1_hash": None, "study2_hash": None, "error": None}
    try:
        st1 = load_study(s1)
        st2 = load_study(s2)
        drift["study1_hash"] = st1.study_design_hash
        drift["study2_hash"] = st2.study_design_hash
        if run1_study is not None:
            manifest, _ = load_resume_state(run1_study)
            # Run 1 as a study file would have recorded study 1's design hash; resuming it with run 2's study:
            manifest = manifest.model_copy(update={"study_design_hash": st1.study_design_hash})
            validate_config_drift(manifest, st2)
    except Exception as e:  # noqa: BLE001
        drift["error"] = f"{type(e).__name__}: {e}"
    report["study_resume_drift"] = drift

    # llem's StudyRunner cache lookup itself (the only code that reads a baseline from disk), asked for the
    # engine's key with run 1's and with run 2's study folder: it only ever looks inside the folder it runs in.
    def lookup(study_dir: str | None) -> dict:
        if study_dir is None:
            return {"path": None, "found": False}
        probe = _BaselineMixin.__new__(_BaselineMixin)
        probe.study_dir = Path(study_dir)
        path = real_path(probe, "local_transformers")
        return {"path": str(path), "found": real_load(path, ttl=7200.0) is not None}

    report["lookup_run1_dir"] = lookup(str(run1_study) if run1_study else None)
    run2_dirs = report["run2"]["study_dirs"]
    report["lookup_run2_dir"] = lookup(run2_dirs[0] if run2_dirs else None)

    print(json.dumps(report))


if __name__ == "__main__":
    main()
