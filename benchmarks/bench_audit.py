"""`sharecheck audit` over every real release in ../shared/datasets, in one command.

Measures wall time and CPU time (the audit process and its worker processes, from
`resource.getrusage(RUSAGE_CHILDREN)`), and the machine's load average before and after, because
the wall time on a shared machine says more about the neighbours than about the code. Runs:

* the full audit (scan every release, join-check each release's best partners);
* the scans alone (`--max-partners 0`), to split the time between scans and pair checks;
* threads against processes for the scans of a subset of releases (the `--jobs` choice).

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
    return {"command": "sharecheck audit " + " ".join(command[5:6] + list(extra)), "wall": wall, "cpu": cpu,
            "load": (load_before, os.getloadavg()[0]), "exit": result.returncode, "metrics": document["metrics"],
            "releases": document["releases"]}


def threads_vs_processes(datasets: Path, count: int = 12) -> list[tuple[str, float, float]]:
    """Scan the same releases with 2 worker processes and with 2 threads in one process."""
    from concurrent.futures import ThreadPoolExecutor

    from sharecheck.audit import _pool, _scan_all
    from sharecheck.audit.files import audit_files
    from sharecheck.audit.worker import initialise

    files = sorted(audit_files([datasets]), key=lambda p: p.stat().st_size)
    files = files[len(files) // 2 - count // 2: len(files) // 2 + count // 2]  # mid-sized releases
    rows = []
    for label in ("2 processes", "2 threads"):
        start, cpu = time.perf_counter(), time.process_time() + _children_cpu()
        if label == "2 threads":
            initialise(None, {}, worker=False)
            with ThreadPoolExecutor(max_workers=2) as pool:
                _scan_all(files, pool, lambda item: None)
        else:
            with _pool(2, None, {}) as pool:
                _scan_all(files, pool, lambda item: None)
        rows.append((label, time.perf_counter() - start, time.process_time() + _children_cpu() - cpu))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=Path, default=SHARED_DATASETS)
    parser.add_argument("--skip-threads", action="store_true")
    args = parser.parse_args()
    if not args.datasets.is_dir():
        raise SystemExit(f"{args.datasets}: no real releases here")
    full = run_cli(args.datasets)
    scans = run_cli(args.datasets, "--max-partners", "0")
    m = full["metrics"]
    lines = [
        "## Audit of every real release (`benchmarks/bench_audit.py`)", "",
        f"Machine: {machine_line()}. The machine is shared: the 1-minute load average is given before and after each "
        "run; with a load above the 2 cores the wall time is mostly waiting, and the CPU time is the figure to compare.", "",
        "| run | releases | pairs checked | wall s | CPU s (all processes) | load before → after | exit |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for name, run in (("full audit", full), ("scans only", scans)):
        lines.append(f"| `{run['command']}` ({name}) | {run['metrics']['releases']} | {run['metrics']['pairs_checked']} | "
                     f"{run['wall']:.1f} | {run['cpu']:.1f} | {run['load'][0]:.1f} → {run['load'][1]:.1f} | {run['exit']} |")
    lines += ["", f"Full audit: {m['releases']} releases in {m['files']} files, {m['failing']} failing, {m['unreadable']} unreadable; "
              f"{m['pairs_checked']} pairs join-checked, {m['pairs_linking']} linking records one to one, {m['pairs_failing']} failing. "
              "Before the audit, one `sharecheck scan` process per file took 171 s for the same releases "
              "(section `scan` below), most of it start-up.", ""]
    slowest = sorted(full["releases"], key=lambda r: -r["seconds"])[:5]
    lines.append("Slowest releases (wall s inside a worker): " + ", ".join(f"{r['release']} {r['seconds']:.1f}" for r in slowest) + ".")
    if not args.skip_threads:
        lines += ["", "Scans of 12 mid-sized releases, the same work in two ways:", "",
                  "| pool | wall s | CPU s |", "|---|---:|---:|"]
        lines += [f"| {label} | {wall:.1f} | {cpu:.1f} |" for label, wall, cpu in threads_vs_processes(args.datasets)]
    update_section("audit", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
