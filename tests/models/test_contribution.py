"""Uniques when each QI is dropped, against counts worked out by hand."""
from __future__ import annotations

import polars as pl

from sharecheck.models import assess, frequency_table
from sharecheck.models.contribution import drop_one_uniques


def _frame():
    # (zip, sex, age): classes (A,M,1) (A,M,2) (A,F,1) of one record, (B,M,1) of two: 3 uniques.
    return pl.DataFrame({"zip": ["A", "A", "A", "B", "B"], "sex": ["M", "M", "F", "M", "M"], "age": [1, 2, 1, 1, 1]})


def test_drop_one_uniques_by_hand():
    result = {r.column: (r.uniques_without, r.uniques_removed) for r in drop_one_uniques(frequency_table(_frame(), ["zip", "sex", "age"]))}
    # without zip: (M,1)=3 (M,2)=1 (F,1)=1 -> 2; without sex: (A,1)=2 (A,2)=1 (B,1)=2 -> 1;
    # without age: (A,M)=2 (A,F)=1 (B,M)=2 -> 1.
    assert result == {"zip": (2, 1), "sex": (1, 2), "age": (1, 2)}


def test_order_is_most_decisive_first():
    order = [r.column for r in drop_one_uniques(frequency_table(_frame(), ["zip", "sex", "age"]))]
    assert order == ["age", "sex", "zip"]


def test_null_is_a_value_and_sensitive_columns_do_not_split_classes():
    frame = pl.DataFrame({"zip": ["A", None, None, "B"], "sex": ["M", "M", "M", "F"], "dx": ["x", "y", "z", "x"]})
    # all QIs: (A,M)=1 (null,M)=2 (B,F)=1 -> 2 uniques; without zip: M=3 F=1 -> 1; without sex: A=1 null=2 B=1 -> 2.
    result = {r.column: (r.uniques_without, r.uniques_removed) for r in drop_one_uniques(frequency_table(frame, ["zip", "sex"], ["dx"]))}
    assert result == {"zip": (1, 1), "sex": (2, 0)}


def test_single_qi_and_empty():
    frame = pl.DataFrame({"zip": ["A", "B", "B"]})
    (only,) = drop_one_uniques(frequency_table(frame, ["zip"]))
    assert (only.uniques_without, only.uniques_removed) == (0, 1)
    assert drop_one_uniques(frequency_table(frame.head(0), ["zip"])) == ()


def test_assessment_carries_it():
    document = assess(_frame(), ["zip", "sex", "age"], inference=False).to_dict()
    assert document["qi_contribution"][0] == {"column": "age", "uniques_without": 1, "uniques_removed": 2}
