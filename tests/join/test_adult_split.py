"""The Adult data split in two releases: each alone and the union must equal a direct polars count."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sharecheck import check_join
from sharecheck.join.vocab import join_vocabulary

ADULT = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "adult" / "adult_arx.csv"
QI_A = ["sex", "age", "race", "education"]
QI_B = ["sex", "age", "race", "native-country"]

pytestmark = pytest.mark.skipif(not ADULT.exists(), reason="shared Adult data set not present")


@pytest.fixture(scope="module")
def adult() -> pl.DataFrame:
    frame = pl.read_csv(ADULT, separator=";", infer_schema_length=0)
    return frame.with_row_index("row").with_columns(pl.format("P{}", pl.col("row")).alias("record"))


def _k(frame: pl.DataFrame, qis: list[str]) -> tuple[int, int]:
    sizes = frame.group_by(qis).len()["len"]
    return int(sizes.min()), int((sizes == 1).sum())


def test_union_through_a_shared_record_id(adult):
    a = adult.select(pl.col("record").alias("person_ref"), *QI_A, "salary-class")
    b = adult.select(pl.col("record").alias("subject_key"), *QI_B)
    report = check_join(a, b, qi=sorted(set(QI_A) | set(QI_B)), sensitive=["salary-class"], ignore_rules=["LK606"])
    m = report.metrics
    assert m["join_columns"] == ["person_ref=subject_key"]
    assert m["linked_exactly_one"] == adult.height
    k_a, uniques_a = _k(adult, QI_A)
    k_b, uniques_b = _k(adult, QI_B)
    k_union, uniques_union = _k(adult, sorted(set(QI_A) | set(QI_B)))
    assert (m["k_a"], m["sample_uniques_a"]) == (k_a, uniques_a)
    assert (m["k_b"], m["sample_uniques_b"]) == (k_b, uniques_b)
    assert (m["k_combined"], m["sample_uniques_combined"]) == (k_union, uniques_union)


def test_link_on_shared_quasi_identifiers(adult):
    a = adult.select(*QI_A)
    b = adult.select(*QI_B)
    report = check_join(a, b, on=[("sex", "sex"), ("age", "age"), ("race", "race")], qi=sorted(set(QI_A) | set(QI_B)))
    shared = ["sex", "age", "race"]
    per_class = adult.group_by(shared).len()
    matches = adult.join(per_class, on=shared, how="left")["len"]
    m = report.metrics
    assert m["linked_exactly_one"] == int((matches == 1).sum())
    assert m["linked_at_most_k"] == int((matches <= m["max_k"]).sum())
    # Same people on both sides (overlap 1): a class of n records on each side holds n true pairs,
    # each record's best link is right with probability m/n, m the product of the columns' m.
    probabilities = join_vocabulary()["m_probability"]
    m_all = probabilities["sex"] * probabilities["text"] * probabilities["text"]  # sex; age and race as text
    assert m["match_probability"] == pytest.approx(m_all)
    assert m["expected_reidentifications"] == pytest.approx(float((m_all / matches).sum()), rel=1e-6)
    assert m["expected_reidentifications"] <= adult.height
