"""How right is sharecheck? Scores it against the synthetic city's ground truth (and labelled real data).

    python benchmarks/evaluate.py                  # a 2,000-person city generated into a temp dir
    python benchmarks/evaluate.py --people 20000   # a bigger city
    python benchmarks/evaluate.py --city sample_data/city --no-write

Measures, for the synthetic city:
- per-role precision and recall of the column roles sharecheck assigns (and semantic-type accuracy);
- planted-risk recall: a risk counts as found when a finding of the right code family is raised on
  (at least one of) the risk's columns; k-anonymity and small-cell findings may name no column;
- k agreement: sharecheck's k against the truth's, once with its own QIs and once told the truth's;
- false alarms: error findings on releases that are safe alone;
- joins: `check_join` verdicts against the planted joins, and its linked-unique share against truth;
- throughput: rows scanned per second.
With /work/shared/datasets and benchmarks/labels.yaml present, the same role scores on real data.
Writes the "evaluate" section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _results import SHARED_DATASETS, machine_line, update_section  # noqa: E402

import sharecheck  # noqa: E402
from sharecheck.synth import generate_city  # noqa: E402

from sharecheck.analysis import safe_column_name  # noqa: E402
from sharecheck.synth.scoring import ROLES, evaluate_city, role_scores, timed  # noqa: E402


def evaluate_real(labels_path: Path) -> dict | None:
    if not SHARED_DATASETS.is_dir():
        return None
    if not labels_path.is_file():
        return {"note": f"{labels_path.name} not found: real-data accuracy not measured"}
    import yaml

    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8")) or {}
    pairs: list[tuple[str, str]] = []
    semantic_hits = semantic_total = 0
    rows = 0
    seconds = 0.0
    errors = []
    for relative, columns in sorted(labels.items()):
        path = SHARED_DATASETS / relative
        if not path.exists():
            errors.append(f"{relative}: not found")
            continue
        try:
            report, elapsed = timed(sharecheck.scan, str(path))
        except Exception as exc:
            errors.append(f"{relative}: {type(exc).__name__}: {exc}")
            continue
        seconds += elapsed
        rows += report.metrics.get("records") or 0
        predicted = {column.name: column for column in report.columns}
        renamed = {name: safe_column_name(name, i) for i, name in enumerate(sharecheck.read_release(path).columns)}
        for column, meta in (columns or {}).items():
            column_report = predicted.get(renamed.get(column, column))
            if "role" in meta:
                pairs.append((meta["role"], column_report.role if column_report else "missing"))
            if "semantic_type" in meta:
                semantic_total += 1
                semantic_hits += bool(column_report and column_report.semantic_type == meta["semantic_type"])
    return {
        "datasets": len(labels), "columns": len(pairs), "roles": role_scores(pairs),
        "semantic_accuracy": semantic_hits / semantic_total if semantic_total else None,
        "rows": rows, "seconds": seconds, "errors": errors,
    }


def _fmt(value, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _role_table(scores: dict) -> list[str]:
    lines = ["| role | precision | recall | columns |", "|---|---|---|---|"]
    for role in ROLES:
        entry = scores[role]
        lines.append(f"| {role} | {_fmt(entry['precision'])} | {_fmt(entry['recall'])} | {entry['support']} |")
    return lines


def render(result: dict, real: dict | None, people: int, seed: int, source: str) -> str:
    lines = [f"Synthetic city: {source} ({people:,} people, seed {seed}); {machine_line()}.", ""]
    lines += [f"**Column roles** ({result['columns']} columns; semantic-type accuracy {_fmt(result['semantic_accuracy'])}):", ""]
    lines += _role_table(result["roles"]) + [""]
    found = sum(f for f, _ in result["risks"].values())
    total = sum(t for _, t in result["risks"].values())
    lines += [f"**Planted-risk recall**: {found}/{total}" + (f" ({found / total:.1%})" if total else ""), "",
              "| risk kind | found | planted |", "|---|---|---|"]
    lines += [f"| {kind} | {f} | {t} |" for kind, (f, t) in result["risks"].items()]
    if result["missed"]:
        lines += ["", "Missed: " + ", ".join(f"`{item}`" for item in result["missed"])]
    lines += ["", f"**False alarms** (error findings on the {result['safe_releases']} releases safe alone, and on the harmless join): "
              f"{len(result['false_alarms'])}"]
    lines += [f"- {alarm}" for alarm in result["false_alarms"]]
    own, told = result["k_agreement"]["own_qis"], result["k_agreement"]["truth_qis"]
    lines += ["", f"**k agreement** with the truth: {own[0]}/{own[1]} releases with sharecheck's own QIs, "
              f"{told[0]}/{told[1]} when given the truth's QIs.", "",
              "**Joins**:", "", "| join | kind | identifies | verdict | detected | unique share (truth) | unique share (sharecheck) |",
              "|---|---|---|---|---|---|---|"]
    for join in result["joins"]:
        lines.append(f"| {join['id']} | {join['kind']} | {join['identifies']} | {join['verdict']} | {join['detected']} | "
                     f"{_fmt(join['share_truth'])} | {_fmt(join.get('share_sharecheck'))} |")
    rate = result["rows"] / result["seconds"] if result["seconds"] else 0
    lines += ["", f"**Throughput**: {result['rows']:,} rows in {result['seconds']:.2f} s of scanning = {rate:,.0f} rows/s "
              f"(all releases, default options)."]
    if result["errors"]:
        lines += ["", "Errors:"] + [f"- {error}" for error in result["errors"]]
    if real is not None:
        lines += ["", "**Real data** (/work/shared/datasets):", ""]
        if "note" in real:
            lines.append(real["note"])
        else:
            real_rate = real["rows"] / real["seconds"] if real["seconds"] else 0
            lines += [f"{real['datasets']} labelled datasets, {real['columns']} labelled columns; semantic-type accuracy "
                      f"{_fmt(real['semantic_accuracy'])}; {real['rows']:,} rows at {real_rate:,.0f} rows/s.", ""]
            lines += _role_table(real["roles"])
            if real["errors"]:
                lines += ["", "Errors:"] + [f"- {error}" for error in real["errors"]]
    lines += ["", f"Rerun: `python benchmarks/evaluate.py --people {people} --seed {seed}`."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", type=Path, help="an existing generated city (with ground_truth.json)")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--labels", type=Path, default=HERE / "labels.yaml")
    parser.add_argument("--no-real", action="store_true", help="skip /work/shared/datasets")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sharecheck-city-") as scratch:
        if args.city:
            city = args.city
            truth = json.loads((city / "ground_truth.json").read_text(encoding="utf-8"))
            source = str(args.city)
        else:
            city = Path(scratch)
            truth = generate_city(city, people=args.people, seed=args.seed)
            source = "generated by `sharecheck.synth`"
        try:
            result = evaluate_city(city, truth)
        except Exception:
            traceback.print_exc()
            return 2
    real = None if args.no_real else evaluate_real(args.labels)
    markdown = render(result, real, truth["people"], truth["seed"], source)
    print(markdown)
    if args.json:
        args.json.write_text(json.dumps({"synthetic": result, "real": real}, indent=2, default=str) + "\n", encoding="utf-8")
    if not args.no_write:
        update_section("evaluate", markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
