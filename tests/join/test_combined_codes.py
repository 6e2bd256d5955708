"""The combined release measured from each side's codes equals the measures of the joined frame
itself (k, classes, uniques, risk; homogeneous records), on hand-built pairs of releases."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecheck.join.measures import ClassMeasures, ReleaseCodes, codable, combined_measures, homogeneous_counts

POLICY = SimpleNamespace(k_min=2, risk_threshold=0.2)


def _joined(a, rows_a, cols_a, b, rows_b, cols_b):
    part_a = a.select(cols_a)[rows_a].rename({c: f"a.{c}" for c in cols_a})
    part_b = b.select(cols_b)[rows_b].rename({c: f"b.{c}" for c in cols_b})
    return pl.concat([part_a, part_b], how="horizontal")


def _both(a, rows_a, qis_a, sens_a, b, rows_b, qis_b, sens_b):
    qis = [f"a.{q}" for q in qis_a] + [f"b.{q}" for q in qis_b]
    attributes = [f"a.{s}" for s in sens_a] + [f"b.{s}" for s in sens_b]
    rows_a, rows_b = np.asarray(rows_a, dtype=np.int64), np.asarray(rows_b, dtype=np.int64)
    got = combined_measures(ReleaseCodes(a), rows_a, qis_a, sens_a, ReleaseCodes(b), rows_b, qis_b, sens_b, qis, attributes, POLICY)
    frame = _joined(a, rows_a, list(dict.fromkeys(qis_a + sens_a)), b, rows_b, list(dict.fromkeys(qis_b + sens_b)))
    want = (ClassMeasures.of(frame, qis, POLICY, "value"), homogeneous_counts(frame, qis, attributes))
    return got, want


def test_hand_built_pair_with_stray_blanks_nulls_and_signed_zero():
    a = pl.DataFrame({"zip": ["02118", "02118 ", "02119", None, "02118"], "age": [30.0, -0.0, 0.0, float("nan"), 30.0],
                      "dx": ["flu", "flu", None, "cold", "flu"]})
    b = pl.DataFrame({"sex": pl.Series(["F", "F", "M", "F"], dtype=pl.Categorical), "day": pl.Series([1, 1, 2, None]).cast(pl.Date),
                      "pay": [10, 10, 20, 30]})
    rows_a, rows_b = [0, 1, 2, 3, 4, 4], [0, 1, 2, 3, 0, 1]
    got, want = _both(a, rows_a, ["zip", "age"], ["dx"], b, rows_b, ["sex", "day"], ["pay"])
    assert got == want
    measures, homogeneous = got
    # classes by stripped zip: {02118, 30, F, day1} x3 (rows a0/a4 with b0, a4 with b1), {02118, -0.0=0.0, F, day1}
    # {02119, 0.0, M, day2}, {null, NaN, F, null}
    assert (measures.records, measures.classes, measures.k, measures.sample_uniques) == (6, 4, 1, 3)
    # homogeneity groups by the raw text: "02118 " is a group of its own, so only a0/a4's three records count
    assert homogeneous == {"a.dx": 3, "b.pay": 3}


def test_no_quasi_identifiers_and_no_pairs():
    a = pl.DataFrame({"x": ["1", "2"]})
    b = pl.DataFrame({"y": [1, 2]})
    got, want = _both(a, [0, 1], [], ["x"], b, [1, 0], [], ["y"])
    assert got == want and got[0].k is None and got[0].records == 2
    got, want = _both(a, [], ["x"], [], b, [], ["y"], [])
    assert got == want and got[0].records == 0


def test_what_has_no_exact_code():
    assert codable(pl.String) and codable(pl.Float64) and codable(pl.Datetime("us", "UTC")) and codable(pl.Boolean)
    assert not codable(pl.List(pl.Int64)) and not codable(pl.Struct({"a": pl.Int64})) and not codable(pl.Object)


small = st.one_of(st.none(), st.sampled_from(["a", " a", "b", "b ", "c"]))
number = st.one_of(st.none(), st.sampled_from([0.0, -0.0, 1.5, float("nan")]))


@settings(max_examples=120, deadline=None)
@given(a_rows=st.lists(st.tuples(small, number, st.integers(0, 2)), min_size=1, max_size=12),
       b_rows=st.lists(st.tuples(small, st.integers(0, 3), st.one_of(st.none(), st.integers(0, 1))), min_size=1, max_size=12),
       links=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=40))
def test_codes_give_the_joined_frames_measures(a_rows, b_rows, links):
    a = pl.DataFrame(a_rows, schema={"t": pl.String, "f": pl.Float64, "s": pl.Int64}, orient="row")
    b = pl.DataFrame(b_rows, schema={"t": pl.String, "i": pl.Int64, "s": pl.Int64}, orient="row")
    links = [(i % a.height, j % b.height) for i, j in links]
    rows_a, rows_b = [i for i, _ in links], [j for _, j in links]
    got, want = _both(a, rows_a, ["t", "f"], ["s", "t"], b, rows_b, ["t", "i"], ["s"])
    assert got[1] == want[1]
    (g, w) = got[0], want[0]
    assert (g.qis, g.records, g.k, g.classes, g.sample_uniques, g.records_below_k) == \
           (w.qis, w.records, w.k, w.classes, w.sample_uniques, w.records_below_k)
    assert g.prosecutor_highest == w.prosecutor_highest
    assert (g.records_at_risk is None and w.records_at_risk is None) or abs(g.records_at_risk - w.records_at_risk) < 1e-9
