"""CPU and wall time of each NVML call the app's sampler makes per sample (core/telemetry/sources/nvml.ts).

Finding what makes 10 Hz sampling cost ~5 % of a core on an H100 (bench/runner-gpu-energy.ts). The driver's work
happens in the calling process (ioctls), so process CPU time is the cost the app pays. Usage: python3 nvml_call_costs.py
"""
import json
import time

import pynvml as n

N = 200
n.nvmlInit()
h = n.nvmlDeviceGetHandleByIndex(0)
calls = {
    "power_usage": lambda: n.nvmlDeviceGetPowerUsage(h),
    "total_energy": lambda: n.nvmlDeviceGetTotalEnergyConsumption(h),
    "temperature": lambda: n.nvmlDeviceGetTemperature(h, 0),
    "utilization": lambda: n.nvmlDeviceGetUtilizationRates(h),
    "memory_info": lambda: n.nvmlDeviceGetMemoryInfo(h),
    "clock_sm": lambda: n.nvmlDeviceGetClockInfo(h, 1),
    "clock_mem": lambda: n.nvmlDeviceGetClockInfo(h, 2),
    "clock_event_reasons": lambda: n.nvmlDeviceGetCurrentClocksEventReasons(h),
    "field_power_instant": lambda: n.nvmlDeviceGetFieldValues(h, [186]),
}
out = {}
for name, fn in calls.items():
    fn()
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(N):
        fn()
    c1, w1 = time.process_time(), time.perf_counter()
    out[name] = {"cpu_us": round((c1 - c0) / N * 1e6, 1), "wall_us": round((w1 - w0) / N * 1e6, 1)}
total = sum(v["cpu_us"] for v in out.values())
out["_per_sample_cpu_us"] = round(total, 1)
out["_at_10hz_pct_of_core"] = round(total * 10 / 1e6 * 100, 2)
print(json.dumps(out, indent=1))
n.nvmlShutdown()
