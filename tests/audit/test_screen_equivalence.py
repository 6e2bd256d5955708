"""The vectorised pair screening against the plain loop over every two columns it replaced."""
from __future__ import annotations

from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecheck.audit.pairs import _LOW_INFORMATION_DISTINCT, _MIN_WEIGHT, MIN_CONTAINMENT, Screened, _containment, screen
from sharecheck.audit.worker import _SAMPLE_BELOW, ColumnHashes


def _reference(columns) -> list[Screened]:
    by_form: dict = {}
    for index, release_columns in enumerate(columns):
        for column in release_columns:
            if column.distinct >= 2:
                by_form.setdefault(column.form, []).append((index, column))
    scores, shared = {}, {}
    for entries in by_form.values():
        for (i, a), (j, b) in combinations(entries, 2):
            if i == j:
                continue
            value = max(_containment(a, b), _containment(b, a))
            if value < MIN_CONTAINMENT:
                continue
            weight = 0.0 if min(a.distinct, b.distinct) <= _LOW_INFORMATION_DISTINCT else min(a.distinct_ratio, b.distinct_ratio)
            scores[(i, j)] = scores.get((i, j), 0.0) + value * max(weight, _MIN_WEIGHT)
            shared.setdefault((i, j), []).append((a.name, b.name, value))
    return sorted((Screened(i, j, score, tuple(shared[(i, j)])) for (i, j), score in scores.items()),
                  key=lambda s: (-s.score, s.a, s.b))


# Hashes from a small pool, some above the sampled range, so pairs share values often.
_POOL = np.array([5, 9, 17, 2**61 - 1, 2**61, 2**62 + 3, 2**63 + 7, 42, 77, 1000], dtype=np.uint64)


@st.composite
def column(draw, name):
    picked = np.unique(_POOL[draw(st.lists(st.integers(0, len(_POOL) - 1), max_size=10))])
    sampled = draw(st.booleans())
    hashes = picked[picked < _SAMPLE_BELOW] if sampled else picked
    distinct = draw(st.integers(0, 40))
    return ColumnHashes(name, draw(st.sampled_from(["POSTAL", "TEXT"])), "quasi_identifier", distinct,
                        draw(st.floats(0, 1)), hashes, sampled)


releases = st.lists(st.lists(st.integers(0, 3), max_size=4), min_size=1, max_size=6).flatmap(
    lambda shape: st.tuples(*[st.tuples(*[column(f"c{r}_{k}") for k in range(len(cols))]) for r, cols in enumerate(shape)]))


@settings(max_examples=200, deadline=None)
@given(columns=releases)
def test_screen_equals_the_pairwise_loop(columns):
    assert screen(list(columns)) == _reference(list(columns))


def test_sampled_column_is_compared_on_the_sampled_range():
    full = ColumnHashes("zip", "POSTAL", "quasi_identifier", 30, 0.5, np.array([1, 2, 2**62], dtype=np.uint64), False)
    part = ColumnHashes("zip", "POSTAL", "quasi_identifier", 30, 0.5, np.array([1, 2], dtype=np.uint64), True)
    (pair,) = screen([(full,), (part,)])
    assert pair.shared == (("zip", "zip", 1.0),)  # 2**62 lies outside the range the sample keeps
