"""Score sharecheck against a synthetic city's ground truth: roles, planted risks, false alarms, joins.

Used by benchmarks/evaluate.py (figures for RESULTS.md) and by the tests (every planted risk found,
nothing raised on safe releases), so both judge by the same rules.
"""
from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import sharecheck

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
    results = []
    releases = truth["releases"]
    for join in truth["joins"]:
        a, b = city / releases[join["a"]]["file"], city / releases[join["b"]]["file"]
        entry = {"id": join["id"], "kind": join["kind"], "identifies": join["identifies"],
                 "share_truth": join["expected"]["linked_unique_share"]}
        try:
            report, elapsed = timed(sharecheck.check_join, str(a), str(b))
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
