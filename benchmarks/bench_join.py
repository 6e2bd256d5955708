"""Join-check benchmark: two 1,000,000-row releases (target < 20 s on 2 cores), and a real pair
from /work/shared/datasets (Boston police paid details x employee earnings), written to
benchmarks/RESULTS.md under "join".

    python benchmarks/bench_join.py [--rows 1000000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _results import SHARED_DATASETS, machine_line, update_section  # noqa: E402

from sharecheck import check_join  # noqa: E402


def synthetic_pair(rows: int, seed: int = 3) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Dispatch-like A and outcome-like B sharing a renamed case number for 80 % of A's records;
    B writes ZIPs without their leading zero and sex as 1/2, as real exports do."""
    rng = np.random.default_rng(seed)
    ids = pl.Series(np.arange(rows) + 10_000_000).cast(pl.String).str.pad_start(9, "C")
    dates = pl.date_range(pl.date(2023, 1, 1), pl.date(2023, 12, 31), eager=True)
    a = pl.DataFrame({
        "case_id": ids,
        "incident_date": dates.gather(rng.integers(0, dates.len(), rows)),
        "district": pl.Series(rng.integers(1, 21, rows)).cast(pl.String).str.pad_start(2, "0"),
        "call_type": pl.Series(["Fall", "Chest pain", "Overdose", "Breathing", "Injury"]).gather(rng.integers(0, 5, rows)),
    })
    keep = rng.random(rows) < 0.8
    b = pl.DataFrame({
        "incident_ref": ids.filter(pl.Series(keep)),
        "patient_age_group": pl.Series(["0-17", "18-34", "35-49", "50-64", "65-79", "80+"]).gather(rng.integers(0, 6, keep.sum())),
        "patient_sex": rng.integers(1, 3, keep.sum()),
        "patient_zip": rng.integers(2101, 2300, keep.sum()),
    }).sample(fraction=1.0, shuffle=True, seed=seed)
    return a, b


def bench_million(rows: int) -> tuple[list[str], dict]:
    a, b = synthetic_pair(rows)
    start = time.perf_counter()
    report = check_join(a, b, qi=["incident_date", "district", "patient_age_group", "patient_sex", "patient_zip"])
    elapsed = time.perf_counter() - start
    m = report.metrics
    lines = [
        f"| synthetic {rows:,} x {b.height:,} rows (renamed key, MinHash containment) | {elapsed:.1f} s | "
        f"{', '.join(m['join_columns'])} | {m['linked_exactly_one']:,} ({m['linked_unique_share']:.1%}) | "
        f"k {m['k_a']} / {m['k_b']} -> {m['k_combined']} | {', '.join(sorted(report.codes('error')))} |"
    ]
    return lines, {"seconds": elapsed, **m}


def _boston_details() -> pl.DataFrame | None:
    folder = SHARED_DATASETS / "boston" / "police_details_2019"
    files = sorted(folder.glob("boston_police_details_2019_chunk*.csv"))
    if not files:
        return None
    frames = [pl.read_csv(f, infer_schema_length=0) for f in files]
    return pl.concat([f.select(frames[0].columns) for f in frames], how="vertical")


def _timed_join(a, b):
    start = time.perf_counter()
    report = check_join(a, b)
    return report, time.perf_counter() - start


def bench_boston() -> list[str]:
    earnings = SHARED_DATASETS / "boston" / "earnings" / "boston_employee_earnings_2019_derived.csv"
    details = _boston_details()
    if details is None or not earnings.exists():
        return ["| Boston details x earnings | skipped: /work/shared/datasets/boston not present | | | | |"]
    details = details.select("Emp_No", "Emp_Name", "Emp_Rank", "Street", "Start_date", "Start_Time", "Pay_Amount",
                             "GOOD_LAT", "GOOD_LONG", "GEOID10")
    lines = []
    report, elapsed = _timed_join(details, earnings)
    m = report.metrics
    lines.append(
        f"| Boston police details 2019 ({m['records_a']:,} assignments) x earnings 2019 ({m['records_b']:,}) | {elapsed:.1f} s | "
        f"{', '.join(m['join_columns'])} | {m['linked_exactly_one']:,} ({m['linked_unique_share']:.1%}) | "
        f"k {m['k_a']} / {m['k_b']} -> {m['k_combined']} | {', '.join(sorted(report.codes('error')))} |")
    per_officer, elapsed = _timed_join(details.select("Emp_No", "Emp_Name").unique(), earnings)
    o = per_officer.metrics
    lines.append(
        f"| Boston: distinct detail officers ({o['records_a']:,}) x earnings 2019 | {elapsed:.1f} s | "
        f"{', '.join(o['join_columns'])} | {o['linked_exactly_one']:,} ({o['linked_unique_share']:.1%}); "
        f"linked at all {o['linked_any']:,} | | {', '.join(sorted(per_officer.codes('error')))} |")
    zip_candidate = next((c for c in report.candidates if "POSTAL" in c.b_column.upper()), None)
    if zip_candidate is not None:
        lines.append(f"| (earnings `{zip_candidate.b_column}` candidate: {zip_candidate.a_column}, "
                     f"containment {zip_candidate.containment:.2f}) | | | | | |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    million, figures = bench_million(args.rows)
    print(million[0])
    boston = bench_boston()
    print("\n".join(boston))
    table = "\n".join([
        "## join (`benchmarks/bench_join.py`)",
        "",
        machine_line(),
        "",
        "| pair | time | join columns found | A records linked to exactly one B record | k alone -> joined | errors |",
        "|---|---|---|---|---|---|",
        *million,
        *boston,
        "",
        f"Target: a 1,000,000-row pair under 20 s on 2 cores -> {'met' if figures['seconds'] < 20 else 'NOT met'} "
        f"({figures['seconds']:.1f} s, includes reading nothing: frames in memory; classification included).",
    ])
    update_section("join", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
