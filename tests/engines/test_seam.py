"""The frequency-table seam gives the same numbers on polars, DuckDB and Spark, and the numbers
of a hand-computed case."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from sharecheck.engines import approx_distinct, engine_name, frequency_cells, row_count, sample
from sharecheck.models import assess, frequency_table
from sharecheck.models.closeness import t_closeness
from sharecheck.models.diversity import l_diversity
from sharecheck.models.kanon import k_anonymity
from sharecheck.models.risk import reidentification_risk

from .conftest import to_duckdb, to_spark, SPARK_DDL

QIS, SENSITIVE = ["zip", "age"], ["diagnosis"]


def _hand_computed(table) -> None:
    """11 records; classes of 3, 2, 1, 4, 1 (a null ZIP is a value of its own)."""
    assert table.n == 11
    k = k_anonymity(table, 2)
    assert (k.k, k.n_classes, k.records_below_threshold) == (1, 5, 2)
    risk = reidentification_risk(table)
    assert risk.sample_uniques == 2
    assert risk.prosecutor.average == pytest.approx(5 / 11)
    assert l_diversity(table, "diagnosis").distinct_l == 1
    # Nominal EMD = half the L1 distance to the overall (flu .6, cold .3, cancer .1; the null
    # diagnosis is left out); the worst class holds only "cold": (.6 + .7 + .1) / 2.
    assert t_closeness(table, "diagnosis").t == pytest.approx(0.7)


def _cells(table) -> list[tuple]:
    return sorted(table.cells.rows(), key=repr)


def test_polars_hand_computed(clinic):
    _hand_computed(frequency_table(clinic, QIS, SENSITIVE))
    _hand_computed(frequency_table(clinic.lazy(), QIS, SENSITIVE))


def test_duckdb_hand_computed_and_same_cells(clinic):
    relation = to_duckdb(clinic)
    assert engine_name(relation) == "duckdb"
    table = frequency_table(relation, QIS, SENSITIVE)
    _hand_computed(table)
    assert _cells(table) == _cells(frequency_table(clinic, QIS, SENSITIVE))


def test_zero_qis_is_one_class_on_every_engine(clinic):
    for native in (clinic.lazy(), to_duckdb(clinic)):
        table = frequency_table(native, [], SENSITIVE)
        assert k_anonymity(table).k == 11


def test_missing_column_is_a_key_error(clinic):
    with pytest.raises(KeyError):
        frequency_table(to_duckdb(clinic), ["zip", "no_such"], [])


def _random_frame(n: int = 3000, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    zips = rng.choice(["021", "022", "023", "024", None], n).tolist()
    return pl.DataFrame({
        "zip": zips,
        "age": rng.integers(18, 40, n),
        "sex": rng.choice(["F", "M"], n),
        "diagnosis": rng.choice(["flu", "cold", "asthma", "diabetes"], n),
    })


def _figures(frame_or_native, reference: pl.DataFrame) -> dict:
    table = frequency_table(frame_or_native, ["zip", "age", "sex"], ["diagnosis"])
    result = assess(reference, ["zip", "age", "sex"], ["diagnosis"], table=table, inference=False, max_msu_size=2)
    out = result.to_dict()
    out.pop("timings_s")
    return out


def test_duckdb_assessment_equals_in_memory():
    frame = _random_frame()
    assert _figures(to_duckdb(frame), frame) == _figures(frame, frame)


def test_row_count_sample_and_distinct(clinic):
    relation = to_duckdb(clinic)
    assert row_count(relation) == row_count(clinic) == 11
    assert sample(relation, 4, 11).height == 4
    assert sample(clinic, 4, 11).height == 4
    assert sample(relation, 50, 11).height == 11
    # 5 distinct (zip, age) pairs; HyperLogLog is exact at this size.
    assert approx_distinct(relation, QIS) == approx_distinct(clinic, QIS) == 5


def test_frequency_cells_returns_counts_only(clinic):
    cells, keys = frequency_cells(to_duckdb(clinic), ["zip"], [])
    assert keys == ["zip"]
    assert sorted(cells.rows(), key=repr) == sorted([("A", 5), ("B", 5), (None, 1)], key=repr)


@pytest.mark.slow
def test_spark_hand_computed_and_equal_to_in_memory(spark, clinic):
    native = to_spark(spark, clinic, SPARK_DDL)
    assert engine_name(native) == "pyspark"
    table = frequency_table(native, QIS, SENSITIVE)
    _hand_computed(table)
    assert _cells(table) == _cells(frequency_table(clinic, QIS, SENSITIVE))
    assert row_count(native) == 11
    assert approx_distinct(native, QIS) == 5
    assert sample(native, 50, 11).height == 11

    frame = _random_frame()
    spark_frame = to_spark(spark, frame, "zip string, age long, sex string, diagnosis string")
    assert _figures(spark_frame, frame) == _figures(frame, frame)
