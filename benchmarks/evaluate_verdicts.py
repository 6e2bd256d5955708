"""Verdicts and subjects, leave-one-source-out, on the labelled corpus (benchmarks/corpus).

    python benchmarks/evaluate_verdicts.py [--only SOURCE] [--no-write] [--list] [--models DIR] [--rows FILE]

Each table is scanned on the default open-data policy with a role model fitted WITHOUT the
table's own source (benchmarks/evaluate_corpus.py `loso_models`, written to a temporary file and
handed to the scan through $SHARECHECK_ROLE_MODEL), so no table is judged by a model that saw it.
The labels (subject, risky) were written before the tool ran on the tables (benchmarks/corpus/GUIDE.md).

- silent pass: a table labelled risky whose rows involve people (subject people or events, or an
  organisation table naming natural persons) passes the scan;
- false fail: a table whose subject is not about people (organisations, places, things, counts)
  and that is labelled not risky fails the scan;
- also reported: every table labelled not risky that fails, and the subject decision's
  accuracy against the labelled subject.

Writes the "verdicts-loso" section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _results import machine_line, update_section  # noqa: E402
from corpus.load import SHARED, TableUnavailable, load_labels, read_table  # noqa: E402
from evaluate_corpus import model_file_name as _model_file  # noqa: E402

NOT_ABOUT_PEOPLE = ("organisations", "places", "things", "counts")


ROLES = ("direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other")


def _role_table(rows) -> list[str]:
    """Column roles as the whole scan gives them (classifier, then the subject's adjustments),
    against the labels: per role precision and recall, split by whether the source's tables
    shaped the classifier's vocabularies (the city folders of ../shared) or not (packages)."""
    lines = ["| role | precision (packages) | recall (packages) | precision (cities) | recall (cities) | labelled |",
             "|---|---|---|---|---|---|"]
    pairs = {"packages": [], "cities": []}
    for r in rows:
        if not r.get("roles"):
            continue
        group = "cities" if r["label"].source.startswith("city:") else "packages"
        for name, (role, _type) in r["label"].columns.items():
            if name in r["roles"]:
                pairs[group].append((role, r["roles"][name]))

    def pr(items, role):
        hits = sum(1 for truth, got in items if truth == role and got == role)
        predicted = sum(1 for _, got in items if got == role)
        support = sum(1 for truth, _ in items if truth == role)
        return (f"{hits / predicted:.3f}" if predicted else "–"), (f"{hits / support:.3f}" if support else "–"), support

    for role in ROLES:
        pp, rp, sp = pr(pairs["packages"], role)
        pc, rc, sc = pr(pairs["cities"], role)
        lines.append(f"| {role} | {pp} | {rp} | {pc} | {rc} | {sp + sc} |")
    for group, items in pairs.items():
        others = [got for truth, got in items if truth == "other"]
        if others:
            lines.append("")
            lines.append(f"Non-personal columns flagged ({group}): {sum(1 for got in others if got != 'other') / len(others):.1%} of {len(others)}.")
    return lines


def _scan(label, options_env: str):
    import sharecheck
    from sharecheck.errors import SharecheckError

    if options_env:
        os.environ["SHARECHECK_ROLE_MODEL"] = options_env
    else:
        os.environ.pop("SHARECHECK_ROLE_MODEL", None)
    try:
        if label.kind == "shared":
            path = SHARED / label.loc("path")
            if not path.exists():
                raise TableUnavailable(str(path))
            report = sharecheck.scan(str(path))
        else:
            report = sharecheck.scan(read_table(label), name=label.id.replace("/", "_"))
    except SharecheckError as exc:
        return None, f"error: {str(exc)[:120]}"
    return report, None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="evaluate one source only (debugging)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--list", action="store_true", help="print every table's verdict")
    parser.add_argument("--models", type=Path, help="folder keeping the leave-one-source-out role models: fitted "
                        "and written when absent, read back when present (the fits are most of the run's time)")
    parser.add_argument("--rows", type=Path, help="write every table's verdict, subject and codes as JSON lines")
    parser.add_argument("--folds", type=int, default=0, help="grouped k-fold by source instead of leave-one-source-out "
                        "(iterating: k fits instead of one per source; implies --no-write)")
    args = parser.parse_args()

    labels = [label for label in load_labels() if not args.only or label.source == args.only]
    started = time.perf_counter()
    sources = sorted({label.source for label in load_labels()})
    cached = args.models is not None and all((args.models / _model_file(s)).exists() for s in sources)
    models: dict = {}
    if not cached:
        from evaluate_corpus import loso_models  # a fitted role model: one fit per held-out source

        models = loso_models(folds=args.folds)
        args.no_write = args.no_write or bool(args.folds)
    fitted = time.perf_counter() - started
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        folder = args.models or Path(workdir)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for source, model in models.items():
            model.write(folder / _model_file(source))
        if cached or models:
            paths = {source: str(folder / _model_file(source)) for source in sources}
            models = paths if cached else models
        for label in labels:
            if models and label.source not in paths:
                continue
            t0 = time.perf_counter()
            try:
                report, error = _scan(label, paths.get(label.source, ""))
            except TableUnavailable:
                continue
            seconds = time.perf_counter() - t0
            if report is None:
                rows.append({"label": label, "verdict": "error", "subject": None, "codes": (), "error": error, "seconds": seconds})
                continue
            subjects = [dataset.subject.get("about") for dataset in report.datasets if dataset.subject]
            codes = sorted(report.codes("error"))
            warnings = sorted(report.codes("warning"))
            roles = {column.name: column.role for column in report.datasets[0].columns} if len(report.datasets) == 1 else {}
            types = {column.name: [column.semantic_type, column.classification.get("details", {}).get("type_shown")]
                     for column in report.datasets[0].columns} if len(report.datasets) == 1 else {}
            rows.append({"label": label, "verdict": report.verdict, "subject": subjects[0] if subjects else None,
                         "codes": codes, "warnings": warnings, "error": None, "seconds": seconds, "roles": roles,
                         "types": types})
    os.environ.pop("SHARECHECK_ROLE_MODEL", None)
    role_lines = _role_table(rows)
    if args.rows:
        import json

        with args.rows.open("w", encoding="utf-8") as handle:
            for r in rows:
                handle.write(json.dumps({"id": r["label"].id, "source": r["label"].source, "label_subject": r["label"].subject,
                                         "risky": r["label"].risky, "verdict": r["verdict"], "subject": r["subject"],
                                         "codes": r["codes"], "warnings": r.get("warnings", []),
                                         "roles": r.get("roles", {}), "types": r.get("types", {})}) + "\n")

    def involves_people(label) -> bool:
        return label.subject in ("people", "events") or (label.subject == "organisations" and label.risky)

    risky_people = [r for r in rows if r["label"].risky and involves_people(r["label"])]
    silent = [r for r in risky_people if r["verdict"] == "pass"]
    not_people = [r for r in rows if r["label"].subject in NOT_ABOUT_PEOPLE and not r["label"].risky]
    false_fails = [r for r in not_people if r["verdict"] == "fail"]
    harmless = [r for r in rows if not r["label"].risky]
    harmless_fail = [r for r in harmless if r["verdict"] == "fail"]
    errors = [r for r in rows if r["verdict"] == "error"]
    subject_ok = sum(1 for r in rows if r["subject"] == r["label"].subject)
    confusion = Counter((r["label"].subject, r["subject"]) for r in rows)
    per_source = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        entry = per_source[r["label"].source]
        entry[0] += 1
        entry[1] += r in silent
        entry[2] += r in false_fails

    coded = [r for r in rows if "AS001" in r.get("warnings", ())]
    coded_names = ", ".join(f"`{r['label'].id}`" for r in coded) or "none"

    def names(items) -> str:
        return ", ".join(f"`{r['label'].id}` ({' '.join(r['codes'][:4]) or r['verdict']})" for r in items) or "none"

    lines = [
        f"Machine: {machine_line()}. {len(rows)} tables scanned of {len(labels)} labelled "
        f"({len({r['label'].source for r in rows})} sources), "
        + (f"each with a role model fitted without its source ({len(models)} fits, "
           + ("read back from the --models folder" if cached else f"{fitted:.0f} s") + ")" if models else
           "with the shipped rule-based classifier: its vocabularies were shaped on the city folders of ../shared, "
           "so only the package sources are out of sample")
        + f"; scans {sum(r['seconds'] for r in rows):.0f} s.",
        "",
        "Command: `python -m pip install -e \".[corpus]\" && python benchmarks/evaluate_verdicts.py`",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| silent passes (risky, involves people, passes) | {len(silent)} of {len(risky_people)} | 0 |",
        f"| false fails (not about people, not risky, fails) | {len(false_fails)} of {len(not_people)} "
        f"({len(false_fails) / max(1, len(not_people)):.1%}) | < 5 % |",
        f"| any table labelled not risky that fails | {len(harmless_fail)} of {len(harmless)} "
        f"({len(harmless_fail) / max(1, len(harmless)):.1%}) | |",
        f"| subject decision equal to the label | {subject_ok} of {len(rows)} ({subject_ok / max(1, len(rows)):.1%}) | |",
        f"| scan errors | {len(errors)} | 0 |",
        "",
        f"Silent passes: {names(silent)}.",
        "",
        f"AS001 (most column names are codes, roles judged from values alone) on {len(coded)} tables "
        f"({sum(1 for r in coded if involves_people(r['label']))} involving people; "
        f"{sum(1 for r in coded if r in silent)} of the silent passes): {coded_names}.",
        "",
        f"False fails: {names(false_fails)}.",
        "",
        f"Other not-risky tables that fail: {names([r for r in harmless_fail if r not in false_fails])}.",
        "",
        "Subject confusion (labelled → decided, off-diagonal only): "
        + (", ".join(f"{a}→{b} {n}" for (a, b), n in sorted(confusion.items()) if a != b) or "none") + ".",
        "",
        "Column roles as the scan reports them (classifier, then the subject's role adjustments):",
        "",
        *role_lines,
    ]
    if errors:
        lines += ["", "Errors: " + "; ".join(f"`{r['label'].id}`: {r['error']}" for r in errors)]
    print("\n".join(lines))
    if args.list:
        for r in rows:
            print(f"{r['verdict']:5} {str(r['label'].risky):5} {r['label'].subject:13} {str(r['subject']):13} {r['label'].id} {' '.join(r['codes'])}")
    if not args.no_write and not args.only:
        update_section("verdicts-loso", "## Verdicts, leave-one-source-out (`benchmarks/evaluate_verdicts.py`)\n\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
