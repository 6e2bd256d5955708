"""The ordered EMD computed in chunks of whole classes equals the dense textbook formula,
whatever the chunk size (smaller than one class, a few classes, all of them)."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sharecheck.models import closeness, frequency_table
from sharecheck.models.closeness import ORDERED, class_emd, emd_reference


@pytest.mark.parametrize("chunk", [1, 5, 37, 1 << 20])
def test_chunked_ordered_emd_matches_the_dense_formula(monkeypatch, chunk):
    monkeypatch.setattr(closeness, "_EMD_CHUNK_ROWS", chunk)
    rng = np.random.default_rng(11)
    frame = pl.DataFrame({"g": rng.integers(0, 40, 900), "s": rng.integers(0, 9, 900)})
    values = sorted(frame["s"].unique().to_list())
    p = np.array([(frame["s"] == v).sum() for v in values], dtype=float) / frame.height
    table = frequency_table(frame, ["g"], ["s"])
    emd, _ = class_emd(table, "s", ORDERED)
    by_class = dict(zip(table.classes["g"].to_list(), emd.sort("_sc_class")["emd"].to_list()))
    assert len(by_class) == 40
    for g, part in frame.group_by("g"):
        q = np.array([(part["s"] == v).sum() for v in values], dtype=float) / part.height
        assert by_class[g[0]] == pytest.approx(emd_reference(q, p, ORDERED), abs=1e-12)


@pytest.mark.parametrize("distance", [closeness.NOMINAL, ORDERED])
def test_emd_is_the_same_to_the_last_bit_on_every_run(distance):
    # the join inside class_emd returns rows in a varying order; summing them in that order
    # gave a golden report two values of t (0.41666666666666663 and ...74)
    rng = np.random.default_rng(5)
    frame = pl.DataFrame({"g": rng.integers(0, 200, 20_000), "s": rng.integers(0, 13, 20_000)})
    table = frequency_table(frame, ["g"], ["s"])
    runs = {tuple(class_emd(table, "s", distance)[0].sort("_sc_class")["emd"].to_list()) for _ in range(8)}
    assert len(runs) == 1


# Integer-like sensitive values take a numpy path to the ordered EMD's rows; float values take
# the join. The two give the same t up to the rounding of their sums: where a group's
# distribution is the whole table's, t is 0 and each path leaves its own 1e-16 of noise
# (hypothesis found 1.1e-16 against 5.6e-17), so t is compared within 1e-12 and the rest exactly.
@settings(max_examples=50, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.one_of(st.none(), st.integers(-2, 6))),
                     min_size=1, max_size=60))
@example(rows=[(0, 0, 0)] + [(0, 0, 1)] * 5 + [(0, 0, -1)])
def test_ordered_emd_of_integers_equals_the_join_path(rows):
    import polars as pl

    from sharecheck.models import frequency_table
    from sharecheck.models.closeness import ORDERED, t_closeness

    frame = pl.DataFrame(rows, schema={"a": pl.Int64, "b": pl.Int64, "s": pl.Int64}, orient="row")
    as_int = t_closeness(frequency_table(frame, ["a", "b"], ["s"]), "s", distance=ORDERED)
    as_float = t_closeness(frequency_table(frame.with_columns(pl.col("s").cast(pl.Float64)), ["a", "b"], ["s"]), "s",
                           distance=ORDERED)
    from dataclasses import replace

    assert as_int.t == pytest.approx(as_float.t, abs=1e-12)
    assert replace(as_int, t=0.0) == replace(as_float, t=0.0)
