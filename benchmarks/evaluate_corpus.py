"""Column roles and semantic types, leave-one-source-out on the labelled corpus.

    python benchmarks/evaluate_corpus.py [--misses]
    python benchmarks/evaluate_corpus.py --folds 8 --no-write            # grouped 8-fold, for iterating
    python benchmarks/evaluate_corpus.py --models /tmp/loso.pkl --sweep sensitive_unsupported_min_probability=0.85,0.6,0.4

For each source, the model is fitted on every other source and predicts that source's
columns through the whole classifier (evidence, features, model, policy). In-sample figures
(fitted on everything) are shown for contrast only. Writes the "roles-loso" section of
benchmarks/RESULTS.md.

For verdict-level evaluation: `loso_models()` returns {source: model fitted without it};
pass one as `classify_columns(..., model=...)`, or write it with `model.write(path)` and set
SHARECHECK_ROLE_MODEL=path for a scan.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _results import machine_line, update_section  # noqa: E402
from corpus_features import as_columns, corpus_present, labelled_tables  # noqa: E402

from sharecheck.classify import ROLES, classify_features  # noqa: E402
from sharecheck.classify.train import brier, expected_calibration_error, fit  # noqa: E402

TARGETS = {"direct_identifier": (0.95, 0.97), "quasi_identifier": (None, 0.95), "sensitive": (None, 0.85)}
FLAGGED_TARGET = 0.05


def model_file_name(source: str) -> str:
    """The file a source's out-of-source model is kept in (evaluate_verdicts.py --models DIR)."""
    return source.replace(":", "_").replace("/", "_") + ".json"


def loso_models(tables=None, folds: int = 0, held: set[str] | None = None) -> dict:
    """source -> model fitted on every other source of the corpus. With `folds`, sources are
    dealt into that many groups (sorted, every folds-th) and one model is fitted per group,
    a cheaper out-of-source estimate while iterating; `held` restricts the sources predicted."""
    tables = tables if tables is not None else labelled_tables()
    columns = as_columns(tables)
    sources = sorted({c.source for c in columns})
    if not folds:
        return {source: fit([c for c in columns if c.source != source]) for source in sources if held is None or source in held}
    out = {}
    for fold in range(folds):
        group = set(sources[fold::folds])
        if held is not None and not group & held:
            continue
        model = fit([c for c in columns if c.source not in group])
        out.update({source: model for source in group})
    return out


def sweep(tables, models: dict, setting: str) -> list[str]:
    """The policy threshold `name=v1,v2,...` at each value, on the same fitted models: a policy
    threshold needs no refit. Returns one summary line per value."""
    from sharecheck.classify.words import words

    name, values = setting.split("=", 1)
    thresholds = words().thresholds
    if name not in thresholds:
        raise SystemExit(f"--sweep: no threshold {name!r} in rules/classifier.yaml")
    kept, lines = thresholds[name], []
    try:
        for value in values.split(","):
            thresholds[name] = float(value)
            rows = predict(tables, models.__getitem__)
            result = summarise(rows)
            lines.append(f"| {value} | " + " | ".join(f"{_fmt(result[role][0])} / {_fmt(result[role][1])}" for role in ROLES)
                         + f" | {result['flagged']:.1%} | {result['accuracy']:.3f} | {result['macro_f1']:.3f} |")
    finally:
        thresholds[name] = kept
    return [f"| {name} | " + " | ".join(f"{role} P / R" for role in ROLES) + " | flagged | accuracy | macro F1 |",
            "|---|" + "---|" * (len(ROLES) + 3)] + lines


def predict(tables, model_for) -> list[dict]:
    rows = []
    for source, table, features, labels in tables:
        classified = classify_features(features, model_for(source))
        for name, (role, kind) in labels.items():
            result = classified[name]
            rows.append({"source": source, "table": table, "column": name, "role": role, "type": kind,
                         "predicted": result.role, "predicted_type": result.semantic_type,
                         "proba": [result.probabilities.get(r, 0.0) for r in ROLES]})
    return rows


def summarise(rows: list[dict]) -> dict:
    out = {}
    for role in ROLES:
        hits = sum(1 for r in rows if r["role"] == role and r["predicted"] == role)
        predicted = sum(1 for r in rows if r["predicted"] == role)
        support = sum(1 for r in rows if r["role"] == role)
        out[role] = (hits / predicted if predicted else float("nan"), hits / support if support else float("nan"), support, predicted)
    f1 = [2 * p * r / (p + r) if p + r > 0 else 0.0 for p, r, *_ in (out[role] for role in ROLES)]
    out["macro_f1"] = float(np.nanmean(f1))
    out["accuracy"] = sum(1 for r in rows if r["role"] == r["predicted"]) / len(rows)
    others = [r for r in rows if r["role"] == "other"]
    out["flagged"] = sum(1 for r in others if r["predicted"] != "other") / len(others) if others else float("nan")
    out["type_accuracy"] = sum(1 for r in rows if r["type"] == r["predicted_type"]) / len(rows)
    proba = np.array([r["proba"] for r in rows])
    proba = proba / proba.sum(axis=1, keepdims=True)
    target = [ROLES.index(r["role"]) for r in rows]
    out["brier"], out["ece"] = brier(proba, target), expected_calibration_error(proba, target)
    out["model_accuracy"] = float((proba.argmax(axis=1) == np.array(target)).mean())
    return out


def confusion_lines(rows: list[dict]) -> list[str]:
    """Labelled role (rows) against the classifier's role (columns), and the model's own argmax
    recall per role, so that what the policy changes is visible."""
    counts = Counter((r["role"], r["predicted"]) for r in rows)
    argmax = Counter((r["role"], ROLES[int(np.argmax(r["proba"]))]) for r in rows)
    short = {"direct_identifier": "DI", "quasi_identifier": "QI", "sensitive": "sensitive", "pseudonym": "pseudonym", "other": "other"}
    lines = ["| labelled → given | " + " | ".join(short[role] for role in ROLES) + " | model argmax recall |",
             "|---|" + "---|" * (len(ROLES) + 1)]
    for role in ROLES:
        support = sum(argmax[(role, other)] for other in ROLES)
        lines.append(f"| {short[role]} | " + " | ".join(str(counts[(role, other)]) for other in ROLES)
                     + f" | {argmax[(role, role)] / support if support else float('nan'):.3f} |")
    return lines


def worst_confusions(rows: list[dict], top: int = 6) -> list[str]:
    pairs = Counter((r["role"], r["predicted"]) for r in rows if r["role"] != r["predicted"])
    out = []
    for (truth, got), n in pairs.most_common(top):
        where = Counter(r["source"] for r in rows if r["role"] == truth and r["predicted"] == got).most_common(4)
        out.append(f"- {truth} → {got}: {n} (" + ", ".join(f"{source} {k}" for source, k in where) + ")")
    return out


def _fmt(value: float) -> str:
    return "–" if value != value else f"{value:.3f}"


def table_lines(loso: dict, insample: dict) -> list[str]:
    lines = ["| role | LOSO precision | LOSO recall | target | in-sample precision | in-sample recall | labelled |", "|---|---|---|---|---|---|---|"]
    for role in ROLES:
        precision, recall, support, _ = loso[role]
        target = TARGETS.get(role)
        wanted = "" if not target else " ".join(f"{name}≥{value}" for name, value in zip(("P", "R"), target) if value)
        lines.append(f"| {role} | {_fmt(precision)} | {_fmt(recall)} | {wanted} | {_fmt(insample[role][0])} | {_fmt(insample[role][1])} | {support} |")
    lines += ["", f"- non-personal columns flagged (labelled `other`, given another role): LOSO {loso['flagged']:.1%} "
              f"(target ≤ {FLAGGED_TARGET:.0%}), in-sample {insample['flagged']:.1%}",
              f"- semantic-type accuracy: LOSO {loso['type_accuracy']:.3f}, in-sample {insample['type_accuracy']:.3f}",
              f"- calibration of the role probabilities: LOSO Brier {loso['brier']:.3f}, ECE {loso['ece']:.3f} "
              f"(model argmax accuracy {loso['model_accuracy']:.3f}); in-sample Brier {insample['brier']:.3f}, ECE {insample['ece']:.3f}"]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="print every LOSO miss")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--folds", type=int, default=0, help="grouped k-fold by source instead of leave-one-source-out (iterating)")
    parser.add_argument("--sources", help="comma-separated sources to hold out and predict (iterating); implies --no-write")
    parser.add_argument("--models", type=Path, help="pickle of the fitted out-of-source models: read if present, else written; "
                        "or the folder of JSON models evaluate_verdicts.py --models wrote (the same fits)")
    parser.add_argument("--sweep", action="append", default=[], help="threshold=v1,v2,... of rules/classifier.yaml, on the same fits")
    parser.add_argument("--no-insample", action="store_true", help="skip the in-sample fit")
    args = parser.parse_args()
    started = time.perf_counter()
    tables = labelled_tables()
    extracted = time.perf_counter() - started
    held = set(args.sources.split(",")) if args.sources else None
    if held:
        args.no_write = True
    if args.models and args.models.is_dir():
        from sharecheck.classify.model import load_model_file

        models = {source: load_model_file(args.models / model_file_name(source))
                  for source in sorted({t[0] for t in tables}) if (args.models / model_file_name(source)).exists()}
    elif args.models and args.models.exists():
        import pickle

        models = pickle.loads(args.models.read_bytes())
    else:
        models = loso_models(tables, args.folds, held)
        if args.models:
            import pickle

            args.models.write_bytes(pickle.dumps(models))
    tables = [t for t in tables if t[0] in models]
    for setting in args.sweep:
        print("\n".join(sweep(tables, models, setting)) + "\n")
    loso_rows = predict(tables, models.__getitem__)
    everything = None if args.no_insample or args.folds or held else fit(as_columns(tables))
    insample_rows = predict(tables, lambda _source: everything) if everything else loso_rows
    loso, insample = summarise(loso_rows), summarise(insample_rows)
    sources = Counter(source for source, *_ in tables)
    per_source = []
    for source in sorted(sources):
        part = [r for r in loso_rows if r["source"] == source]
        correct = sum(1 for r in part if r["role"] == r["predicted"])
        per_source.append(f"{source} {correct}/{len(part)}")
    lines = [f"Machine: {machine_line()}. Corpus: {'benchmarks/corpus' if corpus_present() else 'benchmarks/labels.yaml'}, "
             f"{len(tables)} tables, {len(loso_rows)} labelled columns, {len(sources)} sources; "
             f"label counts {dict(Counter(r['role'] for r in loso_rows))}.", "",
             "Command: `PYTHONPATH=$PWD python benchmarks/evaluate_corpus.py`"
             + (f" (grouped {args.folds}-fold by source, not leave-one-source-out)" if args.folds else "")
             + ("" if everything else "; in-sample columns repeat the out-of-source figures (not fitted)"), ""]
    lines += table_lines(loso, insample)
    lines += ["", "LOSO confusion (labelled role by row, the classifier's role by column):", ""] + confusion_lines(loso_rows)
    lines += ["", "Largest LOSO confusions, with the sources holding most of them:", ""] + worst_confusions(loso_rows)
    lines += ["", "Correct roles per held-out source: " + ", ".join(per_source) + ".",
              "", f"Feature extraction {extracted:.0f} s; {len(set(map(id, models.values())))} out-of-source fits."]
    print("\n".join(lines))
    if args.misses:
        for r in loso_rows:
            if r["role"] != r["predicted"]:
                print(f"  {r['table']} :: {r['column']}: labelled {r['role']}/{r['type']}, got {r['predicted']}/{r['predicted_type']}")
    if not args.no_write:
        update_section("roles-loso", "## Column roles, leave-one-source-out (`benchmarks/evaluate_corpus.py`)\n\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
