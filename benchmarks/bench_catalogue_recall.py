"""Catalogue value matching on labelled real column pairs (benchmarks/catalogue_pairs.yaml):
recall and precision of the keyed index, with LSH Ensemble retrieval alone and with the full
scan of small forms, against the old scheme (MinHash Jaccard turned into containment, cut 0.5).
Written to benchmarks/RESULTS.md under "catalogue-recall".

    python benchmarks/bench_catalogue_recall.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _results import SHARED_DATASETS, machine_line, update_section  # noqa: E402

LABELS = Path(__file__).with_name("catalogue_pairs.yaml")


def _column_name(columns: list[str]) -> str:
    # Split names are combined by the join forms as "last+first".
    return "+".join(columns)


def main() -> None:
    if not SHARED_DATASETS.is_dir():
        sys.exit(f"{SHARED_DATASETS} is not here; this benchmark needs the shared datasets")
    import os

    from sharecheck import analysis
    from sharecheck.catalogue import Catalogue
    from sharecheck.catalogue.columns import stored_columns
    from sharecheck.catalogue.match import find_partners
    from sharecheck.catalogue.store import _options_for
    from sharecheck.config import resolve_options
    from sharecheck.join.forms import release_forms
    from sharecheck.join.sketch import minhash, sketched_overlap
    from sharecheck.readers import read_releases

    os.environ.pop("SHARECHECK_CATALOGUE_KEY", None)
    pairs = [p for p in yaml.safe_load(LABELS.read_text())["pairs"] if p["a"] != p["b"]]
    skipped_same_release = len(yaml.safe_load(LABELS.read_text())["pairs"]) - len(pairs)
    files = sorted({p["a"] for p in pairs} | {p["b"] for p in pairs})
    options = resolve_options()
    with tempfile.TemporaryDirectory() as folder:
        index = Path(folder) / "catalogue.sqlite"
        started = time.perf_counter()
        with Catalogue(index) as catalogue:
            catalogue.add([SHARED_DATASETS / f for f in files])
            assert not catalogue.skipped, catalogue.skipped
            index_seconds = time.perf_counter() - started
            analysed, forms, sketches = {}, {}, {}
            for name in files:
                release = read_releases(SHARED_DATASETS / name)[0]
                analysed[name] = analysis.analyse(release, _options_for(options, release.columns))
                forms[name] = release_forms(analysed[name])
                sketches[name] = stored_columns(analysed[name], catalogue.key, forms[name])
            found = {}
            check_seconds = {}
            for mode, scan in (("scan small forms + LSH Ensemble", 512), ("LSH Ensemble only", 0)):
                started = time.perf_counter()
                for name in files:
                    exclude = str((SHARED_DATASETS / name).resolve())
                    partners = find_partners(catalogue, sketches[name], exclude_path=exclude, scan_all_below=scan)
                    for partner in partners:
                        rel = str(Path(partner.release.path).relative_to(SHARED_DATASETS.resolve()))
                        for new_column, indexed_column, _ in partner.shared_columns:
                            # Headers as labelled: a CSV header's stray spaces (" community_id") are not part of the name.
                            found.setdefault(mode, set()).add((name, new_column.strip(), rel, indexed_column.strip()))
                check_seconds[mode] = time.perf_counter() - started

    def old_scheme(p) -> bool:
        a = {k.strip(): f for k, f in forms[p["a"]].forms.items()}.get(_column_name(p["a_columns"]))
        b = {k.strip(): f for k, f in forms[p["b"]].forms.items()}.get(_column_name(p["b_columns"]))
        if a is None or b is None or a.form != b.form:
            return False
        overlap = sketched_overlap(minhash(a.values), a.distinct, minhash(b.values), b.distinct)
        return overlap.containment >= 0.5

    def predicted(mode: str, p) -> bool:
        a, b = _column_name(p["a_columns"]), _column_name(p["b_columns"])
        hits = found.get(mode, set())
        return (p["a"], a, p["b"], b) in hits or (p["b"], b, p["a"], a) in hits

    rows, misses = [], {}
    for mode in ("scan small forms + LSH Ensemble", "LSH Ensemble only", "old: MinHash Jaccard -> containment"):
        guess = [old_scheme(p) if mode.startswith("old") else predicted(mode, p) for p in pairs]
        truth = [p["same_values"] for p in pairs]
        tp = sum(g and t for g, t in zip(guess, truth))
        fp = sum(g and not t for g, t in zip(guess, truth))
        fn = sum(t and not g for g, t in zip(guess, truth))
        misses[mode] = [f"{p['a'].split('/')[-1]}:{_column_name(p['a_columns'])} ~ {p['b'].split('/')[-1]}:"
                        f"{_column_name(p['b_columns'])}" for p, g, t in zip(pairs, guess, truth) if g != t]
        rows.append(f"| {mode} | {tp}/{tp + fn} = {tp / (tp + fn):.2f} | "
                    f"{tp}/{tp + fp} = {(tp / (tp + fp)) if tp + fp else 0:.2f} | {fp} of {sum(not t for t in truth)} |")
    errors = "\n".join(f"- {mode}: " + ("; ".join(items) if items else "none") for mode, items in misses.items())
    update_section("catalogue-recall", f"""
## Catalogue value matching on labelled pairs (`benchmarks/bench_catalogue_recall.py`)

{machine_line()}. `python benchmarks/bench_catalogue_recall.py`. Labels: `benchmarks/catalogue_pairs.yaml`
({sum(p['same_values'] for p in pairs)} same-value pairs, {sum(not p['same_values'] for p in pairs)} different-value
pairs over {len(files)} releases of `../shared/datasets`; {skipped_same_release} pair of one release with itself left
out). A pair is found when checking either release against an index of all of them reports the two columns as shared
(containment >= 0.5 after verification, and the pair survives the type and key rules of `catalogue/match.py`).

| matching | recall | precision | different-value pairs reported |
|---|---|---|---|
{chr(10).join(rows)}

Indexing the {len(files)} releases: {index_seconds:.1f} s; matching every release against the index:
{check_seconds['scan small forms + LSH Ensemble']:.2f} s (scan + ensemble), {check_seconds['LSH Ensemble only']:.2f} s
(ensemble only).

Wrong answers:
{errors}
""")
    print(RESULTS_PATH_NOTE)


RESULTS_PATH_NOTE = "written to benchmarks/RESULTS.md (catalogue-recall)"

if __name__ == "__main__":
    main()
