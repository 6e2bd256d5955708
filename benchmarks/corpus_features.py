"""The labelled corpus as feature rows: one LabelledColumn per labelled column.

Reads benchmarks/corpus (labels/<source>.yaml, load.py) when present, else the older hand labels
of benchmarks/labels.yaml (one source per city folder of ../shared/datasets). Tables whose data
is not on this machine are skipped and counted.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sharecheck.classify import extract_features  # noqa: E402
from sharecheck.classify.train import LabelledColumn  # noqa: E402
from sharecheck.profile import profile_frame  # noqa: E402

CORPUS = HERE / "corpus"


def corpus_present() -> bool:
    return (CORPUS / "load.py").exists() and (CORPUS / "labels").is_dir()


def _corpus_module():
    sys.path.insert(0, str(CORPUS))
    import load  # benchmarks/corpus/load.py

    return load


def corpus_tables(verbose: bool = False):
    """Yield (source, table id, frame, {column: (role, semantic type)}) for every readable table."""
    if corpus_present():
        load = _corpus_module()
        for label in load.load_labels():
            try:
                frame = load.read_table(label)
            except load.TableUnavailable as exc:
                if verbose:
                    print(f"  skipped {label.id}: {exc}", file=sys.stderr)
                continue
            yield label.source, label.id, frame, dict(label.columns)
        return
    from _results import SHARED_DATASETS
    from sharecheck.analysis import collect
    from sharecheck.readers import read_release

    labels = yaml.safe_load((HERE / "labels.yaml").read_text(encoding="utf-8"))
    for relative, columns in labels.items():
        path = SHARED_DATASETS / relative
        if not path.exists():
            continue
        frame = collect(read_release(path))
        yield relative.split("/")[0], relative, frame, {name: (c["role"], c["semantic_type"]) for name, c in columns.items()}


def labelled_tables(verbose: bool = False) -> list[tuple[str, str, object, dict]]:
    """(source, table id, sharecheck.classify.TableFeatures, {column: (role, type)}) per table.

    $SHARECHECK_FEATURE_CACHE names a pickle that keeps them between runs while developing
    (delete it whenever evidence or features change). $SHARECHECK_EVIDENCE_CACHE keeps only the
    tables and their evidence (the slow step) and recomputes the features on every run: the
    cache to use while changing features.py, deleted whenever evidence.py changes."""
    import os
    import pickle

    cache = os.environ.get("SHARECHECK_FEATURE_CACHE")
    if cache and Path(cache).exists():
        return pickle.loads(Path(cache).read_bytes())
    evidence_cache = os.environ.get("SHARECHECK_EVIDENCE_CACHE")
    if evidence_cache and Path(evidence_cache).exists():
        from sharecheck.classify import features_from_evidence

        stored = pickle.loads(Path(evidence_cache).read_bytes())
        out = [(source, table, features_from_evidence(frame, evidence), present) for source, table, frame, evidence, present in stored]
    else:
        stored = _extract(verbose)
        out = [(source, table, features, present) for source, table, _, features, present in stored]
        if evidence_cache:
            Path(evidence_cache).write_bytes(pickle.dumps([(source, table, frame, features.evidence, present)
                                                           for source, table, frame, features, present in stored]))
    if cache:
        Path(cache).write_bytes(pickle.dumps(out))
    return out


def _extract(verbose: bool) -> list[tuple]:
    out = []
    for source, table, frame, labels in corpus_tables(verbose):
        started = time.perf_counter()
        present = {name: label for name, label in labels.items() if name in frame.columns}
        if not present:
            continue
        frame = frame.select(list(present)) if len(present) < frame.width else frame
        out.append((source, table, frame, extract_features(frame, profile_frame(frame)), present))
        if verbose:
            print(f"  {table}: {len(present)} columns in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return out


def as_columns(tables) -> list[LabelledColumn]:
    return [LabelledColumn(source, table, name, role, kind, features.columns[name], tuple(features.candidates[name]))
            for source, table, features, labels in tables for name, (role, kind) in labels.items()]


def labelled_columns(verbose: bool = False) -> list[LabelledColumn]:
    return as_columns(labelled_tables(verbose))
