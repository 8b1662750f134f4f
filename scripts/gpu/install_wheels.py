"""Installs the bundled wheels into a folder for PYTHONPATH, with no network (issue #9, run-on-device.sh).

1. Every wheel in WHEEL_DIR (llenergymeasure 0.7.0 and the dependencies the GPU machine lacks) goes into TARGET:
   with pip (`--no-index --no-deps --target`) when pip is there, else by unpacking the wheels (they are zips).
2. Unless --no-probe: imports what `llem run` needs with this interpreter and PYTHONPATH=TARGET; a module that is
   missing and has a wheel in WHEEL_DIR/fallback/ (typer, rich, pyyaml… in case the machine's are absent) is
   installed the same way, and the probe runs again. Prints one JSON line: what was installed and what is missing.

Usage: python3 install_wheels.py WHEEL_DIR TARGET [--no-probe] [--pip-arg ARG]...
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

#: Imported by `llem --version` / `llem run` (process runner, transformers engine, NVML sampler).
PROBE_MODULES = [
    "llenergymeasure.cli",
    "llenergymeasure.config.loader",
    "pydantic",
    "typer",
    "rich",
    "yaml",
    "platformdirs",
    "dotenv",
    "filelock",
    "numpy",
    "pyarrow",
    "pynvml",
    "huggingface_hub",
    "torch",
    "transformers",
    "accelerate",
    "tokenizers",
]

#: Top-level module → distribution-name prefix of its wheel file in fallback/.
FALLBACK_DIST = {
    "typer": "typer",
    "click": "click",
    "shellingham": "shellingham",
    "annotated_doc": "annotated_doc",
    "rich": "rich",
    "markdown_it": "markdown_it_py",
    "mdurl": "mdurl",
    "pygments": "pygments",
    "yaml": "pyyaml",
    "filelock": "filelock",
}


def install(wheels: list[Path], target: Path, pip_args: list[str]) -> str:
    if not wheels:
        return "none"
    has_pip = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode == 0
    if has_pip:
        cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-compile", "--no-cache-dir",
               "--disable-pip-version-check", "--target", str(target), *pip_args, *map(str, wheels)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode == 0:
            return "pip"
        print(f"install_wheels: pip failed ({r.returncode}): {r.stderr.strip()[-2000:]}; unpacking instead", file=sys.stderr)
    for w in wheels:
        with zipfile.ZipFile(w) as z:
            z.extractall(target)
        # <dist>.data/{purelib,platlib}/… belongs in the target root (scripts/headers are not needed).
        for data in target.glob("*.data"):
            for sub in ("purelib", "platlib"):
                src = data / sub
                if src.is_dir():
                    for item in src.iterdir():
                        dest = target / item.name
                        if dest.exists():
                            shutil.rmtree(dest) if dest.is_dir() else dest.unlink()
                        shutil.move(str(item), str(dest))
            shutil.rmtree(data, ignore_errors=True)
    return "unzip"


def probe(target: Path) -> dict[str, str]:
    """module → error text, for each probe module that does not import."""
    code = (
        "import importlib, json, sys\n"
        f"mods = {PROBE_MODULES!r}\n"
        "bad = {}\n"
        "for m in mods:\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except Exception as e:\n"
        "        bad[m] = f'{type(e).__name__}: {e}'\n"
        "print(json.dumps(bad))\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = str(target) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        return {"<probe>": r.stderr.strip()[-2000:]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> int:
    args = sys.argv[1:]
    no_probe = "--no-probe" in args
    pip_args: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        if args[i] == "--no-probe":
            pass
        elif args[i] == "--pip-arg":
            i += 1
            pip_args.append(args[i])
        else:
            rest.append(args[i])
        i += 1
    if len(rest) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    wheel_dir, target = Path(rest[0]), Path(rest[1])
    target.mkdir(parents=True, exist_ok=True)
    main_wheels = sorted(wheel_dir.glob("*.whl"))
    report: dict[str, object] = {"python": sys.version.split()[0], "target": str(target)}
    report["method"] = install(main_wheels, target, pip_args)
    report["installed"] = [w.name for w in main_wheels]
    if no_probe:
        print(json.dumps(report))
        return 0
    fallback = sorted((wheel_dir / "fallback").glob("*.whl"))
    used: list[str] = []
    bad = probe(target)
    for _ in range(len(FALLBACK_DIST) + 1):
        missing = set()
        for err in bad.values():
            m = re.search(r"No module named '([^'.]+)", err)
            if m:
                missing.add(m.group(1))
        picks = []
        for mod in sorted(missing):
            dist = FALLBACK_DIST.get(mod)
            wheel = next((w for w in fallback if dist and w.name.lower().startswith(dist + "-") and w.name not in used), None)
            if wheel:
                picks.append(wheel)
        if not picks:
            break
        install(picks, target, pip_args)
        used += [w.name for w in picks]
        bad = probe(target)
    report["fallback_installed"] = used
    report["not_importable"] = bad
    print(json.dumps(report))
    return 1 if any(m.startswith("llenergymeasure") or m == "<probe>" for m in bad) else 0


if __name__ == "__main__":
    sys.exit(main())
