"""The DuckDB connection sharecheck opens for `scan --engine duckdb` is closed once the frequency
table is fetched (its memory goes to the models); a relation the caller passes keeps its own."""
from __future__ import annotations

import polars as pl
import pytest

import sharecheck
from sharecheck.engines.source import open_release

duckdb = pytest.importorskip("duckdb")

SETTINGS = dict(qi=["zip", "sex"], sensitive=["diagnosis"], inference=False)


def _frame() -> pl.DataFrame:
    return pl.DataFrame({"zip": ["021", "021", "022", "022", "023"] * 4, "sex": ["F", "M"] * 10,
                         "diagnosis": ["flu", "cold", "flu", "asthma", "cold"] * 4})


def test_a_connection_sharecheck_opened_is_closed_after_the_table(tmp_path):
    path = tmp_path / "people.parquet"
    _frame().write_parquet(path)
    release = open_release(str(path), "duckdb")
    report = sharecheck.scan(release, **SETTINGS)
    assert report.datasets[0].metrics["k_anonymity"] == 2
    with pytest.raises(duckdb.Error):
        release.source.native.count("*").fetchall()


def test_a_callers_relation_stays_usable():
    connection = duckdb.connect()
    frame = _frame()
    relation = connection.from_arrow(frame.to_arrow())
    report = sharecheck.scan(relation, name="people", **SETTINGS)
    assert report.datasets[0].metrics["k_anonymity"] == 2
    assert relation.count("*").fetchall() == [(20,)]
