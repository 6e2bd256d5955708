"""`sharecheck audit` over every real release in ../shared/datasets, in one command.

Measures wall time and CPU time (the audit process and its worker processes, from
`resource.getrusage(RUSAGE_CHILDREN)`), and the machine's load average before and after, because
the wall time on a shared machine says more about the neighbours than about the code. Runs:

* the full audit (scan every release, join-check each release's best partners);
* the scans alone (`--max-partners 0`), to split the time between scans and pair checks;
* the scans in 2 threads of one process (`--pool thread`) against 2 worker processes.

    python benchmarks/bench_audit.py [--skip-threads] [--datasets DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._results import SHARED_DATASETS, machine_line, update_section  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(datasets: Path, *extra: str) -> dict:
    """One `sharecheck audit` in a fresh process, as a user runs it."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        command = [sys.executable, "-m", "sharecheck", "audit", str(datasets), "-q", "--format", "json", "-o", str(out), *extra]
        load_before = os.getloadavg()[0]
        cpu, start = _children_cpu(), time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
                                env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
        wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
        if result.returncode not in (0, 1, 2) or not out.exists():
            raise SystemExit(f"audit failed ({result.returncode}): {result.stderr[-500:]}")
        document = json.loads(out.read_text(encoding="utf-8"))
    return {"command": "sharecheck audit ../shared/datasets " + " ".join(["-q", *extra]), "wall": wall, "cpu": cpu,
            "load": (load_before, os.getloadavg()[0]), "exit": result.returncode, "metrics": document["metrics"],
            "releases": document["releases"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=Path, default=SHARED_DATASETS)
    parser.add_argument("--skip-threads", action="store_true")
    args = parser.parse_args()
    if not args.datasets.is_dir():
        raise SystemExit(f"{args.datasets}: no real releases here")
    full = run_cli(args.datasets)
    scans = run_cli(args.datasets, "--max-partners", "0")
    threads = None if args.skip_threads else run_cli(args.datasets, "--max-partners", "0", "--pool", "thread")
    m = full["metrics"]
    lines = [
        "## Audit of every real release (`benchmarks/bench_audit.py`)", "",
        f"Machine: {machine_line()}. The machine is shared: the 1-minute load average is given before and after each "
        "run; with a load above the 2 cores the wall time is mostly waiting, and the CPU time is the figure to compare.", "",
        "| run | releases | pairs checked | wall s | CPU s (all processes) | load before → after | exit |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for name, run in (("full audit", full), ("scans only", scans), ("scans only, 2 threads", threads)):
        if run is None:
            continue
        lines.append(f"| `{run['command']}` ({name}) | {run['metrics']['releases']} | {run['metrics']['pairs_checked']} | "
                     f"{run['wall']:.1f} | {run['cpu']:.1f} | {run['load'][0]:.1f} → {run['load'][1]:.1f} | {run['exit']} |")
    lines += ["", f"Full audit: {m['releases']} releases in {m['files']} files, {m['failing']} failing, {m['unreadable']} unreadable; "
              f"{m['pairs_checked']} pairs join-checked, {m['pairs_linking']} linking records one to one, {m['pairs_failing']} failing. "
              "Before the audit, one `sharecheck scan` process per file took 171 s for the same releases "
              "(section `scan` below), most of it start-up.", ""]
    slowest = sorted(full["releases"], key=lambda r: -r["seconds"])[:5]
    lines.append("Slowest releases (wall s inside a worker): " + ", ".join(f"{r['release']} {r['seconds']:.1f}" for r in slowest) + ".")
    update_section("audit", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
