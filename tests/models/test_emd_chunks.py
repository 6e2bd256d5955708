"""The ordered EMD computed in chunks of whole classes equals the dense textbook formula,
whatever the chunk size (smaller than one class, a few classes, all of them)."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest

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
