"""GPU sampler for one llem Studio SLURM task (runs on the compute node, beside `llem run`).

Needs only nvidia-ml-py (`import pynvml`), which llem already depends on. Maps CUDA_VISIBLE_DEVICES to NVML
devices by UUID (CUDA's numbering and NVML's can differ; UUIDs cannot), refuses MIG slices (whole GPUs only),
and appends one CSV line per GPU per interval. Usable as a module (task.py runs it in a thread) or alone:
    python sampler.py OUT_DIR [INTERVAL_S]      (stops on SIGTERM/SIGINT)
"""
import csv
import json
import os
import signal
import sys
import threading
import time

CSV_COLUMNS = ["t_ms", "gpu_uuid", "power_w", "energy_mj", "temperature_c", "sm_util_pct", "memory_used_mb", "sm_clock_mhz"]


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def map_visible_devices(nvml, visible):
    """CUDA_VISIBLE_DEVICES (None = unset) -> (list of {cuda_index, nvml_index, uuid, name}, problems).

    Entries may be NVML indices ("0,1"), full or prefix UUIDs ("GPU-8f3a..."), or MIG slices ("MIG-..."),
    which are refused: llem Studio measures whole GPUs only. An unset variable means every GPU is visible.
    """
    count = nvml.nvmlDeviceGetCount()
    devices = []
    for i in range(count):
        handle = nvml.nvmlDeviceGetHandleByIndex(i)
        devices.append({"nvml_index": i, "uuid": _text(nvml.nvmlDeviceGetUUID(handle)), "name": _text(nvml.nvmlDeviceGetName(handle)), "handle": handle})
    problems = []
    if visible is None:
        entries = [str(d["nvml_index"]) for d in devices]
    else:
        entries = [e.strip() for e in visible.split(",") if e.strip() != ""]
    mapped = []
    for cuda_index, entry in enumerate(entries):
        if entry.startswith("MIG-"):
            problems.append("CUDA_VISIBLE_DEVICES names a MIG slice (%s): llem Studio measures whole GPUs only" % entry)
            continue
        match = None
        if entry.isdigit():
            n = int(entry)
            match = next((d for d in devices if d["nvml_index"] == n), None)
        else:
            hits = [d for d in devices if d["uuid"].startswith(entry)]
            match = hits[0] if len(hits) == 1 else None
        if match is None:
            problems.append("CUDA_VISIBLE_DEVICES entry %r matches no NVML device" % entry)
            continue
        try:
            current, _pending = nvml.nvmlDeviceGetMigMode(match["handle"])
            if current == 1:
                problems.append("GPU %s has MIG mode on: llem Studio measures whole GPUs only" % match["uuid"])
        except Exception:  # not supported on this GPU: no MIG
            pass
        mapped.append({"cuda_index": cuda_index, "nvml_index": match["nvml_index"], "uuid": match["uuid"], "name": match["name"], "handle": match["handle"]})
    return mapped, problems


def _read(fn, *args):
    try:
        return fn(*args)
    except Exception:
        return None


def sample_once(nvml, gpu):
    h = gpu["handle"]
    power = _read(nvml.nvmlDeviceGetPowerUsage, h)
    energy = _read(nvml.nvmlDeviceGetTotalEnergyConsumption, h)
    temp = _read(nvml.nvmlDeviceGetTemperature, h, 0)
    util = _read(nvml.nvmlDeviceGetUtilizationRates, h)
    mem = _read(nvml.nvmlDeviceGetMemoryInfo, h)
    clock = _read(nvml.nvmlDeviceGetClockInfo, h, 1)
    return [
        int(time.time() * 1000),
        gpu["uuid"],
        "" if power is None else power / 1000.0,  # NVML: milliwatts
        "" if energy is None else energy,  # NVML: millijoules since driver load
        "" if temp is None else temp,
        "" if util is None else util.gpu,
        "" if mem is None else mem.used / (1024 * 1024),
        "" if clock is None else clock,
    ]


class Sampler:
    """Samples the task's GPUs every `interval_s` into OUT_DIR/samples.csv; writes OUT_DIR/gpus.json first."""

    def __init__(self, out_dir, interval_s=0.1, nvml=None, visible=None):
        self.out_dir = out_dir
        self.interval_s = interval_s
        self.nvml = nvml
        self.visible = visible
        self.stop_event = threading.Event()
        self.thread = None
        self.info = {"available": False, "gpus": [], "problems": [], "sample_count": 0}

    def start(self):
        try:
            if self.nvml is None:
                import pynvml  # nvidia-ml-py

                self.nvml = pynvml
            self.nvml.nvmlInit()
        except Exception as e:  # no driver, no GPU, no nvidia-ml-py: llem still runs; the record says why
            self.info["problems"].append("GPU sampler unavailable: %s" % e)
            self._write_info()
            return self
        try:
            gpus, problems = map_visible_devices(self.nvml, self.visible)
        except Exception as e:
            gpus, problems = [], ["NVML device query failed: %s" % e]
        self.gpus = gpus
        self.info.update({"available": True, "gpus": [{k: g[k] for k in ("cuda_index", "nvml_index", "uuid", "name")} for g in gpus], "problems": problems})
        self._write_info()
        self.thread = threading.Thread(target=self._loop, name="gpu-sampler", daemon=True)
        self.thread.start()
        return self

    def _write_info(self):
        tmp = os.path.join(self.out_dir, "gpus.json.tmp")
        with open(tmp, "w") as f:
            json.dump(self.info, f)
        os.replace(tmp, os.path.join(self.out_dir, "gpus.json"))

    def _loop(self):
        with open(os.path.join(self.out_dir, "samples.csv"), "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            while True:
                for gpu in self.gpus:
                    writer.writerow(sample_once(self.nvml, gpu))
                    self.info["sample_count"] += 1
                f.flush()
                if self.stop_event.wait(self.interval_s):
                    break

    def stop(self):
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
        if self.info["available"]:
            try:
                self.nvml.nvmlShutdown()
            except Exception:
                pass
        self._write_info()
        return self.info


if __name__ == "__main__":
    out = sys.argv[1]
    interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
    s = Sampler(out, interval, visible=os.environ.get("CUDA_VISIBLE_DEVICES")).start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    s.stop()
