"""The MSU search and subset metrics against a plain reference written from the definitions.

The search prunes (classes that cannot collide with a remaining sample unique are dropped below
the metric depth) and densifies keys two ways; the reference groups the records by every subset
with polars and applies the definitions of MSU, SUDA score, contribution, distinction and
separation directly. Both must agree on every hand-built or generated frame.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecheck.models import _codes, frequency_table
from sharecheck.models.msu import analyse_subsets


def _reference(frame: pl.DataFrame, qis: list[str], max_msu_size: int, subset_limit: int) -> dict:
    n, m = frame.height, len(qis)
    indexed = frame.with_row_index("_row")
    unique_on: dict[tuple[int, ...], set[int]] = {}
    metrics = {}
    for size in range(1, min(max(max_msu_size, subset_limit), m) + 1):
        for subset in itertools.combinations(range(m), size):
            names = [qis[i] for i in subset]
            sizes = indexed.with_columns(pl.len().over(names).alias("_size"))
            unique_on[subset] = set(sizes.filter(pl.col("_size") == 1)["_row"].to_list())
            if size <= subset_limit:
                groups = frame.group_by(names).len()["len"].to_numpy().astype(float)
                metrics[tuple(names)] = (
                    groups.size, groups.size / n if n else None,
                    (n * n - float((groups * groups).sum())) / (n * (n - 1)) if n > 1 else None,
                    int((groups == 1).sum()))
    msus: dict[int, list[tuple[int, ...]]] = {}
    for subset, rows in unique_on.items():
        if len(subset) > max_msu_size:
            continue
        smaller = [s for s in itertools.combinations(subset, len(subset) - 1) if s]
        for row in rows:
            if not any(row in unique_on[s] for s in smaller):
                msus.setdefault(row, []).append(subset)
    groups: dict[tuple[str, ...], int] = {}
    scores = {row: sum(math.factorial(m - len(s)) for s in found) for row, found in msus.items()}
    for found in msus.values():
        for subset in found:
            key = tuple(qis[i] for i in subset)
            groups[key] = groups.get(key, 0) + 1
    total_msus, total_score = sum(groups.values()), sum(scores.values())
    contributions = {}
    for i, column in enumerate(qis):
        occurrences = sum(1 for found in msus.values() for s in found if i in s)
        score = sum(math.factorial(m - len(s)) for found in msus.values() for s in found if i in s)
        records = sum(1 for found in msus.values() if any(i in s for s in found))
        contributions[column] = (occurrences / total_msus if total_msus else 0.0,
                                 score / total_score if total_score else 0.0, records)
    return {"groups": groups, "scores": sorted(scores.values()), "records_with_msu": len(msus),
            "contributions": contributions, "metrics": metrics, "total_msus": total_msus}


def _assert_same(frame: pl.DataFrame, max_msu_size: int, subset_limit: int) -> None:
    qis = frame.columns
    table = frequency_table(frame, qis)
    result, subsets = analyse_subsets(table, max_msu_size=max_msu_size, subset_limit=subset_limit)
    expected = _reference(frame, qis, max_msu_size, subset_limit)
    assert {g.columns: g.records for g in result.groups} == expected["groups"]
    assert result.records_with_msu == expected["records_with_msu"]
    assert result.total_msus == expected["total_msus"]
    assert sorted(s for s in result.suda_scores.tolist() if s) == [s for s in expected["scores"] if s]
    for c in result.contributions:
        share, score_share, records = expected["contributions"][c.column]
        assert (c.msu_share, c.score_share, c.records) == (pytest.approx(share), pytest.approx(score_share), records)
    got = {s.columns: (s.n_classes, s.distinction, s.separation, s.sample_uniques) for s in subsets}
    assert got.keys() == expected["metrics"].keys()
    for columns, values in expected["metrics"].items():
        assert got[columns] == pytest.approx(values)


@pytest.fixture(params=["table", "sort"])
def densify_path(request, monkeypatch):
    """Run each case with the presence-table densify and with the sorting one."""
    if request.param == "sort":
        monkeypatch.setattr(_codes, "_TABLE_SLOTS_PER_ROW", 0)
        monkeypatch.setattr(_codes, "_TABLE_MIN_SLOTS", 0)
    return request.param


def test_hand_built_frame_with_deep_msus(densify_path):
    # Rows 0 and 1 differ only on the last column; 2 is unique on {a}; 3 and 4 need three columns.
    frame = pl.DataFrame({
        "a": [1, 1, 2, 3, 3, 3, 3],
        "b": ["x", "x", "y", "y", "z", "z", "y"],
        "c": [0, 0, 1, 0, 1, 0, 1],
        "d": [5, 6, 5, 5, 5, 5, 5],
    })
    _assert_same(frame, 4, 3)
    _assert_same(frame, 4, 0)
    _assert_same(frame, 2, 3)


def test_no_sample_uniques_still_gives_metrics(densify_path):
    frame = pl.DataFrame({"a": [1, 1, 2, 2], "b": ["x", "x", "y", "y"], "c": [0, 0, 0, 0]})
    table = frequency_table(frame, frame.columns)
    result, subsets = analyse_subsets(table, max_msu_size=4, subset_limit=2)
    assert result.groups == () and result.records_with_msu == 0
    assert len(subsets) == 6
    _assert_same(frame, 4, 2)


def test_high_cardinality_columns_take_the_densify_path(densify_path):
    # Near-unique columns make prefix x column keys far sparser than the classes: keys are
    # re-densified at every level.
    rng = np.random.default_rng(7)
    frame = pl.DataFrame({f"q{i}": rng.integers(0, card, 200) for i, card in enumerate([150, 180, 3, 170, 2, 190])})
    _assert_same(frame, 4, 3)


columns = st.integers(min_value=1, max_value=5).flatmap(
    lambda width: st.integers(min_value=0, max_value=40).flatmap(
        lambda rows: st.lists(
            st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=5)), min_size=rows, max_size=rows),
            min_size=width, max_size=width)))


@settings(max_examples=150, deadline=None)
@given(data=columns, max_msu_size=st.integers(min_value=1, max_value=4), subset_limit=st.integers(min_value=0, max_value=3),
       as_text=st.booleans())
def test_search_matches_reference(data, max_msu_size, subset_limit, as_text):
    frame = pl.DataFrame({f"q{i}": values for i, values in enumerate(data)}, schema={f"q{i}": pl.Int64 for i in range(len(data))})
    if as_text:
        frame = frame.with_columns(pl.all().cast(pl.String))
    _assert_same(frame, max_msu_size, subset_limit)


@settings(max_examples=100, deadline=None)
@given(keys=st.lists(st.integers(min_value=0, max_value=10_000), max_size=60))
def test_densify_paths_agree_with_sorted_codes(keys):
    array = np.array(keys, dtype=np.int64)
    expected = np.unique(array, return_inverse=True)[1].reshape(-1) if array.size else array
    for slots in (10_001, None):
        codes, card = _codes.densify(array, slots)
        assert codes.tolist() == expected.tolist()
        assert card == len(set(keys))


def test_the_search_depth_under_the_subset_budget():
    from sharecheck.models.msu import SUBSET_BUDGET, searchable_size

    assert SUBSET_BUDGET == 100_000  # the figures below are for this budget
    assert searchable_size(82, 4) == 3  # C(82,4) = 1,663,740; C(82,3) = 88,560
    assert searchable_size(40, 4) == 4  # C(40,4) = 91,390
    assert searchable_size(45, 4) == 3  # C(45,4) = 148,995
    assert searchable_size(100, 3) == 2  # C(100,3) = 161,700
    assert searchable_size(3, 4) == 4  # no set of 4 among 3 QIs: nothing for the budget to stop
    assert searchable_size(5000, 2) == 1  # C(5000,2) = 12,497,500


def test_a_search_stopped_by_the_budget_says_so_and_matches_the_shallower_search():
    # 46 QIs: sets of 4 number 163,185, over the budget; sets of 3 are 15,180.
    rng = np.random.default_rng(3)
    frame = pl.DataFrame({f"q{i}": rng.integers(0, 3, 40) for i in range(46)})
    table = frequency_table(frame, frame.columns)
    stopped, _ = analyse_subsets(table, max_msu_size=4)
    asked_three, _ = analyse_subsets(table, max_msu_size=3)
    assert (stopped.max_size, stopped.requested_size, stopped.stopped_short()) == (3, 4, True)
    assert stopped.to_dict()["requested_max_size"] == 4
    assert [g.columns for g in stopped.groups] == [g.columns for g in asked_three.groups]
    assert stopped.total_msus == asked_three.total_msus
    assert not asked_three.stopped_short()


def test_the_report_says_where_the_search_stopped():
    import sharecheck

    rng = np.random.default_rng(3)
    frame = pl.DataFrame({f"q{i}": rng.integers(0, 3, 40) for i in range(46)})
    report = sharecheck.scan(frame, qi=tuple(frame.columns))
    (finding,) = [f for f in report.findings if f.code == "KA320"]
    assert "up to 3 columns" in finding.message
    assert "46 quasi-identifiers make 163,185 sets of 4" in finding.message
