"""The presidio gate (sharecheck/pii/presidio_gate.py) against presidio on every column.

    PYTHONPATH=$PWD python benchmarks/_presidio_gate.py [--sources PREFIX] [--loso]

Extracts the classifier's evidence and features for every labelled corpus table twice, with the
gate and with presidio run wherever the classifier would call it, and reports the presidio calls
the gate skips, the CPU time of each extraction and every column whose features differ. With
`--loso` (or when some column differs) the leave-one-source-out role and type accuracy of both
feature sets is compared too.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from corpus_features import corpus_tables  # noqa: E402

from sharecheck.classify import extract_features  # noqa: E402
from sharecheck.pii import presidio_gate  # noqa: E402
from sharecheck.profile import profile_frame  # noqa: E402


def _extract(tables, gated: bool, calls: dict):
    original = presidio_gate.presidio_can_matter

    def counted(sample, evidence_types, nlp_model):
        calls["asked"] += 1
        passed = original(sample, evidence_types, nlp_model) if gated else True
        calls["ran"] += passed
        return passed

    presidio_gate.presidio_can_matter = counted
    out, cpu = [], time.process_time()
    try:
        for source, table, frame, labels in tables:
            out.append((source, table, extract_features(frame, profile_frame(frame)), labels))
    finally:
        presidio_gate.presidio_can_matter = original
    return out, time.process_time() - cpu


def _close(a: dict, b: dict) -> bool:
    # Entropy features are sums polars adds up in parallel: the last bit differs between runs.
    return a.keys() == b.keys() and all(math.isclose(a[k], b[k], rel_tol=1e-9, abs_tol=1e-12) for k in a)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", default="", help="only sources whose name starts with this (e.g. city_)")
    parser.add_argument("--loso", action="store_true")
    args = parser.parse_args()
    tables = []
    for source, table, frame, labels in corpus_tables():
        present = {name: label for name, label in labels.items() if name in frame.columns}
        if source.startswith(args.sources) and present:
            tables.append((source, table, frame.select(list(present)), present))
    from sharecheck.pii.engine import analyzer

    analyzer()  # built once before either run, so neither pays for it
    calls = {True: {"asked": 0, "ran": 0}, False: {"asked": 0, "ran": 0}}
    results, cpu = {}, {}
    for gated in (False, True):
        results[gated], cpu[gated] = _extract(tables, gated, calls[gated])
    changed = []
    for (source, table, plain, labels), (_, _, gated, _) in zip(results[False], results[True]):
        for name in labels:
            evidence = [[(i.semantic_type, i.source, i.strength) for i in e.evidence[name].items] for e in (plain, gated)]
            same = (evidence[0] == evidence[1] and _close(plain.columns[name], gated.columns[name])
                    and [k for k, _ in plain.candidates[name]] == [k for k, _ in gated.candidates[name]]
                    and all(_close(x, y) for (_, x), (_, y) in zip(plain.candidates[name], gated.candidates[name])))
            if not same:
                changed.append(f"{table} :: {name}")
    columns = sum(len(labels) for *_, labels in tables)
    print(f"{len(tables)} tables, {columns} labelled columns; presidio asked {calls[True]['asked']} times, "
          f"ran {calls[True]['ran']} with the gate ({calls[False]['ran']} without)")
    print(f"feature extraction CPU: {cpu[False]:.1f} s without the gate, {cpu[True]:.1f} s with it")
    print(f"columns whose features differ: {len(changed)}")
    for line in changed:
        print("  " + line)
    if changed or args.loso:
        from evaluate_corpus import loso_models, predict, summarise

        for gated in (False, True):
            rows = predict(results[gated], loso_models(results[gated]).__getitem__)
            summary = summarise(rows)
            roles = sum(1 for r in rows if r["role"] == r["predicted"]) / len(rows)
            print(f"LOSO {'with' if gated else 'without'} the gate: role accuracy {roles:.4f}, "
                  f"type accuracy {summary['type_accuracy']:.4f}, flagged {summary['flagged']:.4f}")


if __name__ == "__main__":
    main()
