"""What the prefetch child buys on a cold book build and a cold test session, as ratios.

    python benchmarks/bench_prefetch.py build pytest [--rounds 2] [--out results.jsonl]
    python benchmarks/bench_prefetch.py --report results.jsonl

Each round runs every configuration once, in the same order (A B A B ...: the machine is shared and
its load drifts), each with an empty result cache (a fresh ``H20_CACHE_DIR``) and, for the build,
no ``_build``. The configurations are the same command with ``H20_PREFETCH`` unset ("on") and
``H20_PREFETCH=0`` ("off"). For each run it records the wall time, the CPU time of the run's
processes and the load average before and after (``/proc/loadavg``); at the end it prints, per
command, the median wall times and the saving ``1 - on / off``. Nothing here asserts a time.

Commands (run in this checkout, with this checkout first on ``PYTHONPATH``):

* ``build``: ``jupyter-book build . --all -W -n --keep-going``
* ``pytest``: ``pytest -x -q -m "not slow and not browser"`` (the default tier minus the browser tests; a bare
  ``-m "not browser"`` would replace the default ``-m "not slow"`` and run the slow tier too)
* ``notebooks``: ``pytest -q notebooks`` (nbval on the chapters only)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COMMANDS: dict[str, list[str]] = {
    "build": [str(BIN / "jupyter-book"), "build", ".", "--all", "-W", "-n", "--keep-going"],
    "pytest": [str(BIN / "pytest"), "-x", "-q", "-p", "no:cacheprovider", "-m", "not slow and not browser"],
    "notebooks": [str(BIN / "pytest"), "-q", "-p", "no:cacheprovider", "notebooks"],
}
CONFIGS: dict[str, dict[str, str]] = {"on": {}, "off": {"H20_PREFETCH": "0"}}


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_once(command: str, config: str) -> dict[str, object]:
    """One cold run of ``command`` under ``config``: its wall and CPU times, load averages and exit code."""
    cache = tempfile.mkdtemp(prefix="h20-bench-cache-")
    if command == "build":
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "H20_PREFETCH"}
    env.update(CONFIGS[config])
    env["H20_CACHE_DIR"] = cache
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)])
    before_load, before_cpu = loadavg(), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(COMMANDS[command], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after_cpu.ru_utime - before_cpu.ru_utime) + (after_cpu.ru_stime - before_cpu.ru_stime)
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-1:] or [""]
    shutil.rmtree(cache, ignore_errors=True)
    return {
        "command": command,
        "config": config,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "load_before": before_load,
        "load_after": loadavg(),
        "rc": proc.returncode,
        "tail": tail[0][-200:],
        "at": time.strftime("%H:%M:%S"),
    }


def report(rows: list[dict[str, object]]) -> None:
    """Per command: each run, the median wall time per configuration and the saving of "on" against "off"."""
    for command in dict.fromkeys(r["command"] for r in rows):
        runs = [r for r in rows if r["command"] == command]
        print(f"\n{command} (each run: the time it ended, wall and CPU time, load average before -> after)")
        for r in runs:
            print(
                f"  {r['at']} {r['config']:>3}: {r['wall_s']:7.1f} s wall, {r['cpu_s']:7.1f} s CPU, "
                f"load {r['load_before']} -> {r['load_after']}, rc {r['rc']}"
            )
        med = {c: statistics.median(r["wall_s"] for r in runs if r["config"] == c) for c in CONFIGS}
        if all(any(r["config"] == c for r in runs) for c in CONFIGS):
            print(
                f"  median on {med['on']:.1f} s, off {med['off']:.1f} s: on/off = {med['on'] / med['off']:.3f}, "
                f"saving {1 - med['on'] / med['off']:+.1%}"
            )
            pairs = [
                (a["wall_s"], b["wall_s"])
                for a, b in zip(
                    [r for r in runs if r["config"] == "on"], [r for r in runs if r["config"] == "off"], strict=False
                )
            ]
            print("  per round on/off: " + ", ".join(f"{a / b:.3f}" for a, b in pairs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("commands", nargs="*", metavar="COMMAND", help=f"any of {', '.join(COMMANDS)}")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--first", choices=list(CONFIGS), default="on", help="the configuration each round starts with")
    parser.add_argument("--out", type=Path, help="append each run as a JSON line here")
    parser.add_argument("--report", type=Path, help="only print the report of a results file")
    args = parser.parse_args()
    if args.report:
        report([json.loads(line) for line in args.report.read_text().splitlines() if line.strip()])
        return
    unknown = [c for c in args.commands if c not in COMMANDS]
    if unknown or not args.commands:
        parser.error(f"give one or more of {', '.join(COMMANDS)} (got {' '.join(args.commands) or 'none'})")
    order = [args.first, *(c for c in CONFIGS if c != args.first)]
    rows: list[dict[str, object]] = []
    for command in args.commands:
        for i in range(args.rounds):
            for config in order:
                row = run_once(command, config)
                rows.append(row)
                print(json.dumps(row), flush=True)
                if args.out:
                    with args.out.open("a") as f:
                        f.write(json.dumps(row) + "\n")
    report(rows)


if __name__ == "__main__":
    main()
