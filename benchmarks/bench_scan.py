"""End-to-end `sharecheck.scan`: a generated 1,000,000-row release, and every real release in
../shared/datasets when present. Each run is a fresh process, so the figures include reading
the file, imports and the offline presidio engine, as a data officer experiences them.

    python benchmarks/bench_scan.py [--rows 1000000]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _results import SHARED_DATASETS, machine_line, update_section  # noqa: E402

_RUNNER = """
import json, resource, sys, time
started = time.perf_counter()
import sharecheck
report = sharecheck.scan(sys.argv[1])
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "records": report.metrics["records"], "k": report.metrics.get("k_anonymity"),
                  "verdict": report.verdict, "codes": sorted({f.code for f in report.findings})}))
"""


def run_scan(path: Path) -> dict:
    completed = subprocess.run([sys.executable, "-c", _RUNNER, str(path)], capture_output=True, text=True, timeout=900)
    if completed.returncode != 0:
        return {"error": (completed.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def generated_release(directory: Path, rows: int) -> Path:
    """A trip-like release: person attributes, places, times, a sensitive attribute, free text."""
    rng = np.random.default_rng(7)
    zips = np.array([f"{z:05d}" for z in rng.integers(1000, 99999, 300)])
    frame = pl.DataFrame({
        "trip_id": np.arange(rows),
        "rider_id": rng.integers(0, rows // 20, rows),
        "start_time": (np.datetime64("2024-01-01T00:00") + rng.integers(0, 525_600, rows).astype("timedelta64[m]")).astype(str),
        "start_station": rng.integers(1, 400, rows),
        "end_station": rng.integers(1, 400, rows),
        "birth_year": rng.integers(1940, 2008, rows),
        "gender": rng.choice(["M", "F", "U"], rows),
        "home_zip": rng.choice(zips, rows),
        "fare": np.round(rng.gamma(2.0, 3.0, rows), 2),
        "payment_type": rng.choice(["card", "cash", "member"], rows),
        "comment": rng.choice(["", "bike ok", "seat broken", "great ride", "brakes squeak"], rows),
    })
    path = directory / "generated_trips.csv"
    frame.write_csv(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    lines = ["## End-to-end scan (`benchmarks/bench_scan.py`)", "", f"Machine: {machine_line()}. One fresh process per "
             "release: reading, imports, the offline presidio engine, profiling, classification, every privacy model "
             "and every rule.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        path = generated_release(Path(tmp), args.rows)
        size_mb = path.stat().st_size / 1e6
        result = run_scan(path)
        print("generated", result)
        lines += [f"Generated trip release, {args.rows:,} rows x 11 columns ({size_mb:.0f} MB CSV): "
                  + (f"{result['seconds']:.1f} s, peak {result['peak_mib']:.0f} MiB, k = {result['k']}, "
                     f"findings {', '.join(result['codes'])}." if "error" not in result else f"error: {result['error']}"), ""]
    if SHARED_DATASETS.is_dir():
        lines += ["| release | records | seconds | rows/s | peak MiB | verdict | findings |", "|---|---|---|---|---|---|---|"]
        total_rows = total_seconds = 0.0
        for path in sorted(SHARED_DATASETS.rglob("*.csv")):
            if "arx_hierarchies" in path.parts:
                continue  # generalisation hierarchies, not releases
            result = run_scan(path)
            relative = path.relative_to(SHARED_DATASETS)
            print(relative, result)
            if "error" in result:
                lines.append(f"| {relative} | | | | | error | {result['error']} |")
                continue
            total_rows += result["records"]
            total_seconds += result["seconds"]
            lines.append(f"| {relative} | {result['records']:,} | {result['seconds']:.1f} | "
                         f"{result['records'] / result['seconds']:,.0f} | {result['peak_mib']:.0f} | {result['verdict']} | "
                         f"{', '.join(result['codes'])} |")
        lines += ["", f"All real releases: {total_rows:,.0f} rows in {total_seconds:.0f} s "
                      f"({total_rows / total_seconds:,.0f} rows/s including per-process start-up)."]
    update_section("scan", "\n".join(lines))


if __name__ == "__main__":
    main()
