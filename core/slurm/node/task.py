"""One llem Studio SLURM array task (runs on the compute node with llem's own Python; no Node, no SQLite).

    python task.py BUNDLE_DIR INDEX

Runs `llem run experiments/NNNN.json --output <attempt>/output -vv` with the GPU sampler beside it and writes
plain files into BUNDLE_DIR/tasks/NNNN/<job id>[-r<restart>]/: started.json (at once), llem.stdout,
llem.stderr, gpus.json, samples.csv and task.json (last, atomically: its presence means the task ended).
On SIGTERM (time limit, scancel, preemption: SLURM's KillWait warning) llem gets SIGINT, a few seconds to stop,
then SIGKILL, and the record still gets written.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from sampler import Sampler  # noqa: E402

SLURM_VARS = ["SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_RESTART_COUNT", "SLURM_JOB_PARTITION", "SLURM_JOB_ACCOUNT", "SLURMD_NODENAME", "SLURM_JOB_NODELIST"]


class _StoppedBeforeStart(Exception):
    pass


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".%03dZ" % (int(time.time() * 1000) % 1000)


def write_json(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main(argv):
    # Signals first: SLURM may stop the task at any moment, and the record must still be written.
    terminated = {"signal": None, "at": None, "mono": None}
    holder = {}

    def on_term(signum, _frame):
        terminated["signal"] = signal.Signals(signum).name
        terminated["at"] = now_iso()
        terminated["mono"] = time.monotonic()
        running = holder.get("child")
        if running is not None and running.poll() is None:
            try:
                os.killpg(running.pid, signal.SIGINT)  # llem stops cleanly on SIGINT (exit 130)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    bundle, index = os.path.abspath(argv[1]), int(argv[2])
    with open(os.path.join(bundle, "manifest.json")) as f:
        manifest = json.load(f)
    run = next(r for r in manifest["runs"] if r["index"] == index)
    env = os.environ
    job_id = env.get("SLURM_JOB_ID", "local-%d" % os.getpid())
    restart = int(env.get("SLURM_RESTART_COUNT", "0") or "0")
    attempt = job_id if restart == 0 else "%s-r%d" % (job_id, restart)
    task_dir = os.path.join(bundle, "tasks", "%04d" % index, attempt)
    output_dir = os.path.join(task_dir, "output")
    scratch = os.path.join(task_dir, "scratch")
    for d in (task_dir, output_dir, scratch):
        os.makedirs(d, exist_ok=True)

    record = {
        "format": 1,
        "campaign_id": manifest["campaign_id"],
        "index": index,
        "config_hash": run["config_hash"],
        "attempt": attempt,
        "host": socket.gethostname(),
        "cuda_visible_devices": env.get("CUDA_VISIBLE_DEVICES"),
        "slurm": {k: env.get(k) for k in SLURM_VARS},
        "started_at": now_iso(),
        "output_dir": output_dir,
    }
    write_json(os.path.join(task_dir, "started.json"), record)

    sampler = Sampler(task_dir, float(manifest.get("sample_interval_s", 0.1)), visible=env.get("CUDA_VISIBLE_DEVICES")).start()
    llem = manifest["llem"]
    command = (llem if isinstance(llem, list) else [llem]) + ["run", os.path.join(bundle, run["file"]), "--output", output_dir, "-vv"]
    child_env = dict(env, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
    pin = run.get("runner_pin")
    if pin:  # run the engine here, not in llem's Docker images (the sampler watches this process's GPU)
        child_env["LLEM_RUNNER_%s" % pin["engine"].upper()] = pin["mode"]

    started = time.monotonic()
    spawn_error = None
    code = None
    try:
        with open(os.path.join(task_dir, "llem.stdout"), "wb") as out, open(os.path.join(task_dir, "llem.stderr"), "wb") as err:
            if terminated["signal"]:
                raise _StoppedBeforeStart()
            child = subprocess.Popen(command, cwd=scratch, env=child_env, stdout=out, stderr=err, start_new_session=True)
            holder["child"] = child
            if terminated["signal"]:  # the signal came between the check above and the start
                os.killpg(child.pid, signal.SIGINT)
            while True:
                try:
                    code = child.wait(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    if terminated["signal"] and time.monotonic() - terminated["mono"] > 5:
                        os.killpg(child.pid, signal.SIGKILL)
    except _StoppedBeforeStart:
        pass  # stopped by SLURM before llem was started: exit_code stays null, terminated_by says why
    except OSError as e:
        spawn_error = str(e)
    gpu_info = sampler.stop()
    record.update(
        {
            "ended_at": now_iso(),
            "duration_s": round(time.monotonic() - started, 3),
            "exit_code": code if code is None or code >= 0 else None,
            "exit_signal": signal.Signals(-code).name if code is not None and code < 0 else None,
            "spawn_error": spawn_error,
            "terminated_by": terminated["signal"],
            "gpus": gpu_info["gpus"],
            "gpu_uuid": ",".join(g["uuid"] for g in gpu_info["gpus"]) or None,
            "sampler": {"available": gpu_info["available"], "problems": gpu_info["problems"], "sample_count": gpu_info["sample_count"]},
        }
    )
    write_json(os.path.join(task_dir, "task.json"), record)
    shutil.rmtree(scratch, ignore_errors=True)  # llem's ./results litter (the real output is in output/)
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
