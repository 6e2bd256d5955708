"""δ-disclosure, β-likeness and α-k from per-class numpy segments (sharecheck/models/_segments.py):
the textbook values on a hand-built table, and the polars queries' floats to the last bit."""
from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecheck.models import _segments, frequency_table
from sharecheck.models.disclosure import delta_disclosure_and_beta
from sharecheck.models.kanon import alpha_k_anonymity


def test_hand_computed_delta_beta_and_alpha():
    # class A holds x, x, y; class B holds y. Table: p(x) = p(y) = 1/2.
    # A: q(x) = 2/3, q(y) = 1/3; B: q(y) = 1.
    frame = pl.DataFrame({"g": ["A", "A", "A", "B"], "s": ["x", "x", "y", "y"]})
    table = frequency_table(frame, ["g"], ["s"])
    assert _segments.segments(table, "s") is not None
    result = delta_disclosure_and_beta(table, "s", delta_threshold=0.5, beta_threshold=0.5)
    assert result.delta == pytest.approx(math.log(2))  # B: ln(1 / (1/2)); A at most ln(3/2)
    assert result.basic_beta == pytest.approx(1.0)  # B: (1 - 1/2) / (1/2); A: (2/3 - 1/2) / (1/2) = 1/3
    assert result.enhanced_beta == pytest.approx(math.log(2))  # min(1, -ln(1/2))
    assert (result.classes_above_delta, result.classes_above_beta) == (1, 1)  # only B
    alpha = alpha_k_anonymity(table, "s", alpha_threshold=0.5)
    assert alpha.alpha == pytest.approx(1.0) and alpha.k == 1  # B is all y; A's top share is 2/3
    assert alpha.classes_above_alpha == 2


def test_classes_split_across_chunks_give_the_same_figures(monkeypatch):
    rng = np.random.default_rng(3)
    frame = pl.DataFrame({"g": rng.integers(0, 50, 3000), "s": rng.integers(0, 7, 3000)})
    table = frequency_table(frame, ["g"], ["s"])
    whole = delta_disclosure_and_beta(table, "s", delta_threshold=0.4, beta_threshold=0.6), alpha_k_anonymity(table, "s", 0.3)
    for chunk in (1, 7, 64):
        monkeypatch.setattr(_segments, "_CHUNK_CELLS", chunk)
        fresh = frequency_table(frame, ["g"], ["s"])
        assert (delta_disclosure_and_beta(fresh, "s", delta_threshold=0.4, beta_threshold=0.6),
                alpha_k_anonymity(fresh, "s", 0.3)) == whole


def _polars_path(build):
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(_segments, "segments", lambda table, attribute: None)
        return build()


_VALUES = {"text": st.sampled_from(["a", "b", "c ", "d", None]), "int": st.sampled_from([0, 1, 2, -5, 9, None])}


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 120).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from(["p", "q", "r", None]), min_size=n, max_size=n),
    st.lists(st.integers(0, 3), min_size=n, max_size=n),
    st.lists(_VALUES["text"], min_size=n, max_size=n),
    st.lists(_VALUES["int"], min_size=n, max_size=n),
)), st.booleans(), st.sampled_from([None, 0.1, 0.7, math.log(2)]), st.sampled_from([None, 0.2, 1.0]))
def test_segments_equal_the_polars_queries(columns, two_sensitive, delta_t, beta_t):
    q1, q2, s1, s2 = columns
    frame = pl.DataFrame({"q1": q1, "q2": q2, "s1": s1, "s2": s2}, schema={"q1": pl.String, "q2": pl.Int64, "s1": pl.String, "s2": pl.Int64})
    sensitive = ["s1", "s2"] if two_sensitive else ["s1"]

    def figures():
        table = frequency_table(frame, ["q1", "q2"], sensitive)
        return [(delta_disclosure_and_beta(table, s, delta_threshold=delta_t, beta_threshold=beta_t),
                 alpha_k_anonymity(table, s, beta_t)) for s in sensitive]

    # equal but for the last bits of a float: the polars path's multi-threaded group sums add in
    # an order the scheduler picks, so under load the reference itself differs between two runs
    _assert_same(figures(), _polars_path(figures))


def _assert_same(ours, theirs) -> None:
    if isinstance(ours, float) or isinstance(theirs, float):
        assert math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-15), (ours, theirs)
    elif isinstance(ours, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _assert_same(a, b)
    elif hasattr(ours, "__dataclass_fields__"):
        assert type(ours) is type(theirs)
        for name in ours.__dataclass_fields__:
            _assert_same(getattr(ours, name), getattr(theirs, name))
    elif isinstance(ours, dict):
        assert ours.keys() == theirs.keys()
        for key in ours:
            _assert_same(ours[key], theirs[key])
    else:
        assert ours == theirs


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 150).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from(["p", "q", None]), min_size=n, max_size=n),
    st.lists(st.integers(0, 4), min_size=n, max_size=n),
    st.lists(st.sampled_from([3, 1, 4, 15, 9, None]), min_size=n, max_size=n),
    st.lists(st.sampled_from(["u", "v", None]), min_size=n, max_size=n),
)), st.booleans(), st.sampled_from([None, 0.05, 0.3]))
def test_ordered_t_closeness_from_segments_equals_the_polars_path(columns, two_sensitive, threshold):
    from sharecheck.models.closeness import ORDERED, class_emd, t_closeness

    q1, q2, s1, s2 = columns
    frame = pl.DataFrame({"q1": q1, "q2": q2, "s1": s1, "s2": s2}, schema={"q1": pl.String, "q2": pl.Int8, "s1": pl.Int64, "s2": pl.String})
    sensitive = ["s1", "s2"] if two_sensitive else ["s1"]

    def figures():
        table = frequency_table(frame, ["q1", "q2"], sensitive)
        return t_closeness(table, "s1", t_threshold=threshold), class_emd(table, "s1", ORDERED)[0].sort("_sc_class").rows()

    assert figures() == _polars_path(figures)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from([1, 3, 70_000, 200_003]), st.sampled_from([2, 1 << 16, (1 << 32) - 1, 1 << 40]))
def test_the_radix_argsort_is_numpys_stable_argsort(seed, size, high):
    from sharecheck.models._codes import stable_argsort

    keys = np.random.default_rng(seed).integers(0, high, size)  # many ties when high is small
    assert np.array_equal(stable_argsort(keys), np.argsort(keys, kind="stable"))


def test_the_radix_argsort_orders_ties_by_position():
    from sharecheck.models._codes import stable_argsort

    keys = np.array([70_000, 5, 70_000, 5] * 20_000, dtype=np.int64)  # above 2**16 and 16-bit digits differ
    order = stable_argsort(keys)
    assert order[:3].tolist() == [1, 3, 5] and order[40_000:40_003].tolist() == [0, 2, 4]
