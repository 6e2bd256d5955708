"""Verdicts on every real release in ../shared/datasets: how many fail, and why.

    python benchmarks/bench_subject.py --out after.json            # scan every CSV, write per-file results
    python benchmarks/bench_subject.py --compare before.json after.json   # write the RESULTS.md section

The first form runs with whatever `sharecheck` is importable (PYTHONPATH), so the same script
measures the code before a change (a checkout of the old commit) and after it. ARX generalisation
hierarchies (adult/arx_hierarchies) are inputs of t-closeness, not releases, and are skipped.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _results import SHARED_DATASETS, machine_line, update_section  # noqa: E402


def releases() -> list[Path]:
    return sorted(p for p in SHARED_DATASETS.rglob("*.csv") if "arx_hierarchies" not in p.parts)


def scan_one(path: Path) -> dict:
    import sharecheck

    started = time.perf_counter()
    try:
        report = sharecheck.scan(str(path))
    except Exception as exc:  # a benchmark records the failure and goes on
        return {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    dataset = report.datasets[0]
    failing = sorted({f.code for f in report.findings if f.severity == "error"})
    subject = dataset.to_dict().get("subject") or {}
    return {
        "verdict": report.verdict,
        "fail_codes": failing,
        "about": subject.get("about") or ("people" if dataset.about_people else "things"),
        "kind": dataset.kind,
        "why": "; ".join(subject.get("evidence", [])[:2]),
        "seconds": round(time.perf_counter() - started, 2),
    }


def run(out: Path) -> None:
    results = {}
    for path in releases():
        name = str(path.relative_to(SHARED_DATASETS))
        results[name] = scan_one(path)
        print(name, results[name].get("verdict", results[name].get("error")), results[name].get("fail_codes"), flush=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")


def compare(before_path: Path, after_path: Path) -> None:
    before = json.loads(before_path.read_text(encoding="utf-8"))
    after = json.loads(after_path.read_text(encoding="utf-8"))
    names = sorted(set(before) | set(after))
    fails_before = sum(1 for n in names if before.get(n, {}).get("verdict") == "fail")
    fails_after = sum(1 for n in names if after.get(n, {}).get("verdict") == "fail")
    lines = [
        "## Subject decision (`benchmarks/bench_subject.py`)",
        "",
        f"Machine: {machine_line()}. Every CSV release in ../shared/datasets ({len(names)} files; the ARX "
        "hierarchies are not releases), `sharecheck.scan(path)` with the default open-data policy, fail on error.",
        "",
        "Command: `PYTHONPATH=<checkout> python benchmarks/bench_subject.py --out X.json` once on the commit "
        "before the change and once after, then `python benchmarks/bench_subject.py --compare before.json after.json`.",
        "",
        f"**Failing releases: {fails_before} of {len(names)} before, {fails_after} of {len(names)} after.**",
        "",
        "| release | before | after: about | after | error findings after | why (first evidence) |",
        "|---|---|---|---|---|---|",
    ]
    for name in names:
        b, a = before.get(name, {}), after.get(name, {})
        lines.append(f"| {name} | {b.get('verdict', b.get('error', '-'))} {','.join(b.get('fail_codes', []))} | "
                     f"{a.get('about', '-')} | {a.get('verdict', a.get('error', '-'))} | {', '.join(a.get('fail_codes', []))} | "
                     f"{a.get('why', '').replace('|', '/')[:160]} |")
    notes = HERE / "subject_notes.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    update_section("subject", "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2)
    args = parser.parse_args()
    if not SHARED_DATASETS.exists():
        sys.exit("../shared/datasets is absent: nothing to measure")
    if args.compare:
        compare(*args.compare)
    elif args.out:
        run(args.out)
    else:
        parser.error("--out or --compare")


if __name__ == "__main__":
    main()
