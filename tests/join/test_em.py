"""EM estimate of Fellegi–Sunter m (sharecheck/join/em.py) on data with a known m per column."""
from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings, strategies as st

from sharecheck.join.candidates import QUASI_IDENTIFIER, JoinCandidate
from sharecheck.join.em import fit, train_m, unique_rows
from sharecheck.join.link import Component, Linker


def _patterns(rng, n, share, m, u):
    match = rng.random(n) < share
    p = np.where(match[:, None], m, u)
    return (rng.random((n, len(m))) < p).astype(float)


@settings(max_examples=25, deadline=None)
@given(share=st.floats(0.05, 0.4), m=st.lists(st.floats(0.75, 0.99), min_size=3, max_size=4),
       seed=st.integers(0, 10_000))
def test_fit_recovers_m_of_a_known_mixture(share, m, seed):
    rng = np.random.default_rng(seed)
    m = np.array(m)
    u = np.full(m.size, 0.05)
    result = fit(_patterns(rng, 40_000, share, m, u), u, np.full(m.size, 0.95))
    assert result.identified
    # 40,000 pairs, at least 2,000 matches: the standard error of each m is below 0.01.
    assert np.all(np.abs(result.m - m) < 0.06)
    assert abs(result.share - share) < 0.02


def test_fit_without_matches_keeps_the_prior():
    rng = np.random.default_rng(3)
    u = np.array([0.1, 0.2, 0.3])
    result = fit(_patterns(rng, 20_000, 0.0, np.array([0.9, 0.9, 0.9]), u), u, np.array([0.95, 0.97, 0.99]))
    assert not result.identified
    assert result.m.tolist() == [0.95, 0.97, 0.99]


def test_fit_ignores_missing_comparisons():
    rng = np.random.default_rng(4)
    m, u = np.array([0.9, 0.8, 0.85]), np.array([0.05, 0.05, 0.05])
    agree = _patterns(rng, 30_000, 0.1, m, u)
    agree[rng.random(agree.shape) < 0.2] = np.nan  # one comparison in five cannot be made
    result = fit(agree, u, np.full(3, 0.95))
    assert result.identified and np.all(np.abs(result.m - m) < 0.05)


def test_a_match_class_larger_than_the_records_is_not_identity():
    rng = np.random.default_rng(5)
    m, u = np.array([0.9, 0.9, 0.9]), np.array([0.05, 0.05, 0.05])
    agree = _patterns(rng, 20_000, 0.2, m, u)  # ~4,000 "matches" among pairs of 100 records
    assert not fit(agree, u, np.full(3, 0.95), max_matches=100).identified


def _component(name, a, b):
    candidate = JoinCandidate("a", "b", name, name, QUASI_IDENTIFIER, 1.0, 1.0, 1.0, 1.0, "exact", ())
    return Component(candidate, a_values=pl.Series(name, a), b_values=pl.Series(name, b))


def test_train_m_recovers_the_error_rates_of_two_synthetic_files():
    """B holds 2,000 of A's 3,000 people plus 1,000 others; each column of a shared person's B record
    is rewritten to another value with a known error rate, so m = 1 - error (by construction)."""
    rng = np.random.default_rng(7)
    cardinality = {"c1": 60, "c2": 50, "c3": 40, "c4": 70}
    error = {"c1": 0.05, "c2": 0.15, "c3": 0.25, "c4": 0.10}
    a = {c: rng.integers(0, k, 3000) for c, k in cardinality.items()}
    b = {}
    for c, k in cardinality.items():
        shared = a[c][:2000].copy()
        wrong = rng.random(2000) < error[c]
        shared[wrong] = (shared[wrong] + rng.integers(1, k, int(wrong.sum()))) % k  # a different value
        b[c] = np.concatenate([shared, rng.integers(0, k, 1000)])
    blocks = tuple(_component(c, a[c].astype(str), b[c].astype(str)) for c in cardinality)
    trained = train_m(blocks, Linker(3000, 3000, 5.0, 50.0), {c.label: 0.95 for c in blocks})
    assert set(trained.estimated) == {f"{c}={c}" for c in cardinality}
    for c in cardinality:
        assert abs(trained.m[f"{c}={c}"] - (1 - error[c])) < 0.05, c


def test_train_m_on_two_columns_keeps_the_rules():
    """Two columns: blocking on one leaves one comparison, which cannot separate matches from m."""
    rng = np.random.default_rng(8)
    values = rng.integers(0, 30, 500).astype(str)
    blocks = (_component("x", values, values), _component("y", values[::-1].copy(), values[::-1].copy()))
    trained = train_m(blocks, Linker(500, 500, 5.0, 50.0), {"x=x": 0.95, "y=y": 0.97})
    assert trained.estimated == {} and trained.m == {"x=x": 0.95, "y=y": 0.97}


_CELL = st.sampled_from([0.0, 1.0, 2.0, 0.25, 1e-9, 0.5, -0.0])


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6).flatmap(lambda k: st.lists(st.lists(_CELL, min_size=k, max_size=k), min_size=1, max_size=60)))
def test_unique_rows_is_numpy_unique_over_rows(rows):
    matrix = np.array(rows, dtype=float)
    expected_rows, expected_counts = np.unique(matrix, axis=0, return_counts=True)
    got_rows, got_counts = unique_rows(matrix)
    assert np.array_equal(got_rows, expected_rows)
    assert got_counts.tolist() == expected_counts.tolist()


def test_unique_rows_by_hand():
    matrix = np.array([[1.0, 0.5], [0.0, 0.9], [1.0, 0.5], [0.0, 0.2], [1.0, 0.1]])
    rows, counts = unique_rows(matrix)
    assert rows.tolist() == [[0.0, 0.2], [0.0, 0.9], [1.0, 0.1], [1.0, 0.5]]
    assert counts.tolist() == [1, 1, 1, 2]


def test_unique_rows_with_nan_is_numpy_unique():
    matrix = np.array([[np.nan, 1.0], [0.0, 1.0], [np.nan, 1.0]])
    rows, counts = unique_rows(matrix)
    expected_rows, expected_counts = np.unique(matrix, axis=0, return_counts=True)
    assert np.array_equal(rows, expected_rows, equal_nan=True) and counts.tolist() == expected_counts.tolist()


def test_unique_rows_renumbers_keys_before_they_overflow():
    # 8 columns of 400 distinct values each: 400^8 > 2^62, so the keys are renumbered on the way.
    rng = np.random.default_rng(4)
    matrix = rng.integers(0, 400, (3000, 8)).astype(float) / 7.0
    matrix[1500:] = matrix[:1500]  # every row twice
    rows, counts = unique_rows(matrix)
    expected_rows, expected_counts = np.unique(matrix, axis=0, return_counts=True)
    assert np.array_equal(rows, expected_rows) and counts.tolist() == expected_counts.tolist()
    assert set(counts.tolist()) == {2}


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4).flatmap(lambda k: st.lists(st.lists(_CELL, min_size=k, max_size=k), min_size=1, max_size=40)))
def test_unique_rows_inverse_is_numpy_inverse(rows):
    matrix = np.array(rows, dtype=float)
    expected_rows, expected_inverse = np.unique(matrix, axis=0, return_inverse=True)
    got_rows, _, got_inverse = unique_rows(matrix, return_inverse=True)
    assert np.array_equal(got_rows, expected_rows)
    assert got_inverse.tolist() == expected_inverse.reshape(-1).tolist()
    assert np.array_equal(got_rows[got_inverse], matrix)


def test_fit_on_a_table_of_u_rows_is_fit_on_the_u_of_each_pair():
    """u given once per block class with each pair's class (`u_index`) is the same EM, to the bit,
    as u written out per pair."""
    rng = np.random.default_rng(12)
    m, share = np.array([0.9, 0.8, 0.85]), 0.1
    table = np.array([[0.05, 0.10, 0.02], [0.20, 0.05, 0.05], [0.05, 0.10, 0.02], [0.01, 0.30, 0.10]])
    index = rng.integers(0, 4, 30_000)  # classes 0 and 2 have the same u: one class for EM
    agree = _patterns(rng, 30_000, share, m, table[index])
    agree[rng.random(agree.shape) < 0.1] = np.nan
    per_pair = fit(agree, table[index], np.full(3, 0.95))
    per_class = fit(agree, table, np.full(3, 0.95), u_index=index)
    assert per_pair.identified and per_class.identified
    assert per_class.m.tolist() == per_pair.m.tolist()
    assert (per_class.share, per_class.matches, per_class.iterations) == (per_pair.share, per_pair.matches, per_pair.iterations)


def test_agreement_codes_are_ranked_by_counting_like_numpy():
    rows, counts, inverse = unique_rows(np.array([[2.0], [0.0], [2.0], [-0.0]]), return_inverse=True)
    assert rows.ravel().tolist() == [0.0, 2.0] and counts.tolist() == [2, 2] and inverse.tolist() == [1, 0, 1, 0]


def _two_files(seed, people=3000, shared=2000):
    rng = np.random.default_rng(seed)
    cardinality = {"c1": 60, "c2": 50, "c3": 40, "c4": 70}
    error = {"c1": 0.05, "c2": 0.15, "c3": 0.25, "c4": 0.10}
    a = {c: rng.integers(0, k, people) for c, k in cardinality.items()}
    b = {}
    for c, k in cardinality.items():
        same = a[c][:shared].copy()
        wrong = rng.random(shared) < error[c]
        same[wrong] = (same[wrong] + rng.integers(1, k, int(wrong.sum()))) % k
        b[c] = np.concatenate([same, rng.integers(0, k, people - shared)])
    return tuple(_component(c, a[c].astype(str), b[c].astype(str)) for c in cardinality), error


def test_train_m_on_a_bounded_sample_of_pairs_recovers_m_and_repeats_itself(monkeypatch):
    """Each session draws A rows in a fixed random order until their block partners add up to
    SESSION_PAIRS. Blocking on a 60-value column gives 3,000 x 50 = 150,000 pairs; capped at
    40,000 (about 800 A rows, ~530 of them with their true pair in B), m = 1 - error is still
    read within 0.05, and a second run gives the same m to the bit."""
    import sharecheck.join.em as em

    monkeypatch.setattr(em, "SESSION_PAIRS", 40_000)
    blocks, error = _two_files(7)
    prior = {c.label: 0.95 for c in blocks}
    first = train_m(blocks, Linker(3000, 3000, 5.0, 50.0), prior)
    second = train_m(blocks, Linker(3000, 3000, 5.0, 50.0), prior)
    assert first.m == second.m and first.estimated == second.estimated
    assert set(first.estimated) == {f"{c}={c}" for c in error}
    for c, rate in error.items():
        assert abs(first.m[f"{c}={c}"] - (1 - rate)) < 0.05, c


def test_a_session_over_fewer_records_than_the_matches_it_needs_keeps_the_rules():
    """15 records on each side: EM needs 20 expected true pairs (MIN_MATCHES) to read m, which
    15 people cannot give; every m stays the rules' value."""
    blocks, _ = _two_files(9, people=15, shared=15)
    prior = {c.label: 0.9 for c in blocks}
    trained = train_m(blocks, Linker(15, 15, 5.0, 50.0), prior)
    assert trained.estimated == {} and trained.m == prior and trained.sessions == 4
