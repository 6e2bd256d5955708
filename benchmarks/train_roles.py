"""Fit the role and semantic-type model on the labelled corpus and ship it as rules/role_model.json.

    python benchmarks/train_roles.py [--out rules/role_model.json]

Deterministic: the same corpus and code give the same file (parameters rounded to 6 digits).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from corpus_features import as_columns, corpus_present, labelled_tables  # noqa: E402

from sharecheck.classify.model import shipped_model_path  # noqa: E402
from sharecheck.classify.train import fit  # noqa: E402


def corpus_digest(columns) -> str:
    text = json.dumps(sorted((c.source, c.table, c.column, c.role, c.semantic_type or "") for c in columns))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build(columns):
    return fit(columns, meta={"corpus": "benchmarks/corpus" if corpus_present() else "benchmarks/labels.yaml",
                              "corpus_digest": corpus_digest(columns)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=HERE.parent / "rules" / shipped_model_path().name)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    columns = as_columns(labelled_tables(args.verbose))
    model = build(columns)
    model.write(args.out)
    print(f"{args.out}: {model.meta['columns']} columns of {model.meta['tables']} tables from {len(model.meta['sources'])} sources; "
          f"{len(model.role.features)} role features, {len(model.type.features)} type features, temperature {model.role.temperature:.2f}")


if __name__ == "__main__":
    main()
