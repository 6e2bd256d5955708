"""Wide releases: a scan's time and memory as the column count grows to the reading limit.

    python benchmarks/bench_wide.py [--widths 1000,5000,20000] [--rows 30] [--no-write]

Each file is generated (random digits under names c0..cN), scanned in a fresh process (`python -m
sharecheck scan FILE -q`, timed with its peak resident memory) and deleted. Anything that grows
with the square of the width shows here first: 20,000 columns is the default `columns` limit.
Writes the "wide" section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _results import machine_line, update_section  # noqa: E402


def _write(path: Path, width: int, rows: int) -> None:
    generator = random.Random(width)
    with path.open("w") as handle:
        handle.write(",".join(f"c{index}" for index in range(width)) + "\n")
        for _ in range(rows):
            handle.write(",".join(str(generator.randint(0, 9)) for _ in range(width)) + "\n")


def _scan(path: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sharecheck", "scan", str(path), "-q"], capture_output=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", default="1000,5000,20000")
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    lines = ["## Wide releases (`python benchmarks/bench_wide.py`)", "", machine_line(), "",
             f"Random digits, {args.rows} rows; a fresh process per file; peak memory is the largest child's so far.", "",
             "| columns | seconds | peak MiB | exit |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        for width in (int(value) for value in args.widths.split(",")):
            path = Path(folder) / f"wide{width}.csv"
            _write(path, width, args.rows)
            seconds, peak, code = _scan(path)
            path.unlink()
            lines.append(f"| {width:,} | {seconds:.1f} | {peak:.0f} | {code} |")
            print(lines[-1], flush=True)
    if not args.no_write:
        update_section("wide", "\n".join(lines))


if __name__ == "__main__":
    main()
