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
import time
import traceback
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _results import SHARED_DATASETS, machine_line, update_section  # noqa: E402

import sharecheck  # noqa: E402
from sharecheck.synth import generate_city  # noqa: E402

ROLES = ("direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other")
FAMILIES = {
    "direct_identifier": "ID1", "free_text_pii": "ID1",
    "pseudonym": "PS15", "reversible_hash": "PS15",
    "quasi_identifier_precision": "QI2",
    "k_anonymity": "KA3",
    "small_cells": "SD4",
    "linkage": "LK6",
}
# Findings of these families judge a whole table; they may legitimately name no column.
TABLE_LEVEL_FAMILIES = {"KA3", "SD4", "LK6"}


def risk_found(risk: dict, findings) -> bool:
    family = FAMILIES[risk["kind"]]
    wanted = set(risk["columns"])
    for finding in findings:
        if not finding.code.startswith(family):
            continue
        if wanted & set(finding.columns) or (family in TABLE_LEVEL_FAMILIES and not finding.columns):
            return True
    return False


def role_scores(pairs: list[tuple[str, str]]) -> dict[str, dict]:
    """pairs of (truth role, predicted role) -> per-role precision, recall and support."""
    scores = {}
    for role in ROLES:
        true_positive = sum(1 for truth, predicted in pairs if truth == role and predicted == role)
        predicted = sum(1 for _, p in pairs if p == role)
        actual = sum(1 for t, _ in pairs if t == role)
        scores[role] = {
            "precision": true_positive / predicted if predicted else None,
            "recall": true_positive / actual if actual else None,
            "support": actual,
        }
    return scores


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def evaluate_city(city: Path, truth: dict) -> dict:
    role_pairs: list[tuple[str, str]] = []
    semantic_hits = semantic_total = 0
    risks_by_kind: dict[str, list[bool]] = defaultdict(list)
    missed, false_alarms, errors, per_release = [], [], [], []
    rows_scanned, seconds = 0, 0.0
    k_agreement = {"own_qis": [0, 0], "truth_qis": [0, 0]}
    mismatches: set[str] = set()

    # Warm up once so that throughput does not charge the first release with lazy imports.
    first = next(iter(truth["releases"].values()))
    try:
        sharecheck.scan(str(city / first["file"]))
    except Exception:
        pass  # reported below, with that release
    for name, release in truth["releases"].items():
        path = city / release["file"]
        try:
            report, elapsed = timed(sharecheck.scan, str(path))
        except Exception as exc:  # one broken release must not hide the others' scores
            errors.append(f"scan {name}: {type(exc).__name__}: {exc}")
            for risk in release["risks"]:
                if risk["kind"] != "linkage":
                    risks_by_kind[risk["kind"]].append(False)
                    missed.append(risk["id"])
            continue
        rows_scanned += release["expected"]["records"]
        seconds += elapsed
        predicted = {column.name: column for column in report.columns}
        for column, meta in release["columns"].items():
            column_report = predicted.get(column)
            role_pairs.append((meta["role"], column_report.role if column_report else "missing"))
            semantic_total += 1
            semantic_hits += bool(column_report and column_report.semantic_type == meta["semantic_type"])
        for risk in release["risks"]:
            if risk["kind"] == "linkage":
                continue  # judged with the joins below
            found = risk_found(risk, report.findings)
            risks_by_kind[risk["kind"]].append(found)
            if not found:
                missed.append(risk["id"])
        alarms = [f for f in report.findings if f.severity == "error"] if release["safe"] else []
        false_alarms += [f"{name}: {f.code} on {', '.join(f.columns) or '(table)'}" for f in alarms]

        truth_k = release["expected"].get("k_anonymity")
        if release["about_people"] and not release.get("aggregate") and truth_k is not None:
            k_agreement["own_qis"][1] += 1
            k_agreement["own_qis"][0] += report.metrics.get("k_anonymity") == truth_k
            try:
                told = sharecheck.scan(str(path), qi=release["qis"], sensitive=release["sensitive"],
                                       ignore=[c for c in release["columns"] if c not in release["qis"] + release["sensitive"]],
                                       entity_id=release["entity_id"])
                k_agreement["truth_qis"][1] += 1
                k_agreement["truth_qis"][0] += told.metrics.get("k_anonymity") == truth_k
            except Exception as exc:
                errors.append(f"scan {name} with the truth's QIs: {type(exc).__name__}: {exc}")
        mismatches.update(
            f"{name}.{column}: {meta['role']} -> {predicted[column].role if column in predicted else 'missing'}"
            for column, meta in release["columns"].items()
            if column not in predicted or predicted[column].role != meta["role"]
        )
        per_release.append({
            "release": name, "rows": release["expected"]["records"], "seconds": elapsed,
            "verdict": report.verdict, "safe": release["safe"],
            "k_truth": truth_k, "k_sharecheck": report.metrics.get("k_anonymity"),
        })

    joins = evaluate_joins(city, truth, risks_by_kind, missed, false_alarms, errors)
    return {
        "roles": role_scores(role_pairs),
        "columns": len(role_pairs),
        "semantic_accuracy": semantic_hits / semantic_total if semantic_total else None,
        "risks": {kind: (sum(found), len(found)) for kind, found in sorted(risks_by_kind.items())},
        "missed": missed,
        "false_alarms": false_alarms,
        "safe_releases": sum(1 for r in truth["releases"].values() if r["safe"]),
        "k_agreement": k_agreement,
        "joins": joins,
        "rows": rows_scanned,
        "seconds": seconds,
        "per_release": per_release,
        "role_mismatches": sorted(mismatches),
        "errors": errors,
    }


def evaluate_joins(city: Path, truth: dict, risks_by_kind, missed, false_alarms, errors) -> list[dict]:
    try:
        check_join = sharecheck.check_join
    except (ImportError, AttributeError):  # the join check may not be built yet
        check_join = None
    results = []
    releases = truth["releases"]
    for join in truth["joins"]:
        a, b = city / releases[join["a"]]["file"], city / releases[join["b"]]["file"]
        entry = {"id": join["id"], "kind": join["kind"], "identifies": join["identifies"],
                 "share_truth": join["expected"]["linked_unique_share"]}
        try:
            if check_join is None:
                raise RuntimeError("sharecheck.check_join is not available")
            report, elapsed = timed(check_join, str(a), str(b))
        except Exception as exc:
            errors.append(f"check_join {join['id']}: {type(exc).__name__}: {exc}")
            entry.update({"verdict": "error", "detected": False})
            if join["identifies"]:
                risks_by_kind["linkage"].append(False)
                missed.append(join["id"])
            results.append(entry)
            continue
        linkage_errors = [f for f in report.findings if f.code.startswith("LK6") and f.severity == "error"]
        detected = report.verdict == "fail" and bool(linkage_errors)
        entry.update({
            "verdict": report.verdict, "detected": detected, "seconds": elapsed,
            "share_sharecheck": report.metrics.get("linked_unique_share"),
        })
        if join["identifies"]:
            risks_by_kind["linkage"].append(detected)
            if not detected:
                missed.append(join["id"])
        else:
            false_alarms += [f"{join['id']} (harmless join): {f.code}" for f in report.findings if f.severity == "error"]
        results.append(entry)
    return results


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
        for column, meta in (columns or {}).items():
            column_report = predicted.get(column)
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
