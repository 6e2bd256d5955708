"""Exact link components compared through joint integer codes (link.joint_codes): link counts,
EM agreement patterns and the agreement of unused comparisons, on hand-built values with
hand-counted answers; small exact overlaps from kept value sets; best_clock's kept sides."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl

from sharecheck.join import clock as clock_module
from sharecheck.join.agreement import _agreement
from sharecheck.join.candidates import JoinCandidate, exact_overlap_of
from sharecheck.join.clock import Clock, best_clock
from sharecheck.join.em import _patterns
from sharecheck.join.link import Component, Linker, joint_codes, plan_codes, swapped
from sharecheck.join.normalise import TEXT, ColumnForm


def _candidate(a_column: str, b_column: str, kind: str = "quasi_identifier") -> JoinCandidate:
    return JoinCandidate("A", "B", a_column, b_column, kind, 1.0, 1.0, 1.0, 1.0, "exact", ())


def _component(a_column, b_column, a_values, b_values, dtype=None) -> Component:
    return Component(_candidate(a_column, b_column), pl.Series(a_values, dtype=dtype), pl.Series(b_values, dtype=dtype))


def test_joint_codes_are_equal_exactly_where_the_values_are_and_minus_one_for_null():
    codes_a, codes_b, card = joint_codes(pl.Series(["x", "y", None, "x"]), pl.Series(["y", "z", "x", None]))
    # distinct values x, y, z over both sides: three codes
    assert card == 3
    assert codes_a[0] == codes_a[3] == codes_b[2]  # x
    assert codes_a[1] == codes_b[0]  # y
    assert codes_b[1] not in (codes_a[0], codes_a[1])  # z
    assert codes_a[2] == -1 and codes_b[3] == -1
    assert joint_codes(pl.Series([1.0, -0.0]), pl.Series([0.0, float("nan")])) is None  # floats keep the join
    assert joint_codes(pl.Series([1, 2]), pl.Series(["1", "2"])) is None  # types differ


def test_integer_and_date_codes_on_both_sides():
    codes_a, codes_b, card = joint_codes(pl.Series([7, 1_000_000, None]), pl.Series([1_000_000, 3, 7]))
    assert card == 3 and codes_a[0] == codes_b[2] and codes_a[1] == codes_b[0] and codes_a[2] == -1
    days = pl.Series([datetime(2020, 1, 1).date(), datetime(2020, 1, 2).date()])
    codes_a, codes_b, card = joint_codes(days, days.reverse())
    assert card == 2 and codes_a[0] == codes_b[1] and codes_a[1] == codes_b[0]


def test_link_counts_of_a_two_column_plan_are_counted_by_hand():
    # A: (zip, age) per record; B: the same columns. Null never links.
    zip_ = _component("zip", "zip", ["02118", "02118", "02119", None, "02120"], ["02118", "02118", "02119", "02118", "02120", "02120"])
    age = _component("age", "age", [30, 31, 30, 30, None], [30, 30, 30, 31, 40, None])
    linker = Linker(5, 6, 10.0, 100.0)
    # A0 (02118, 30): B0, B1 -> 2; A1 (02118, 31): B3 -> 1; A2 (02119, 30): B2 -> 1; A3 null zip -> 0;
    # A4 null age -> 0
    assert linker.counts((zip_, age)).tolist() == [2, 1, 1, 0, 0]
    assert linker.counts((zip_,)).tolist() == [3, 3, 1, 0, 2]
    # From B's side: B0 (02118, 30) -> A0; B3 (02118, 31) -> A1; B4 (02120, 40) -> none
    reverse = Linker(6, 5, 10.0, 100.0)
    assert reverse.counts(swapped((zip_, age))).tolist() == [1, 1, 1, 1, 0, 0]


def test_plan_codes_keep_both_sides_alike_when_the_key_is_densified():
    # Two columns of 3,000 distinct values each over 3,000 + 3,000 records: the combined key
    # (9 million slots) is re-densified, and must number A's and B's records alike.
    n = 3000
    first = _component("p", "p", list(range(n)), list(range(n)))
    second = _component("q", "q", [(7 * i) % n for i in range(n)], [(7 * i) % n if i % 2 else -1 for i in range(n)])
    key_a, key_b, slots = plan_codes((first, second))
    assert slots <= 8 * 2 * n
    same = key_a == key_b
    assert same[1::2].all() and not same[0::2].any()
    assert Linker(n, n, 10.0, 100.0).counts((first, second)).tolist() == [i % 2 for i in range(n)]


def test_float_components_keep_the_polars_join():
    age = _component("age", "age", [30.0, -0.0, float("nan")], [30.0, 0.0, float("nan"), 30.0])
    assert age.codes() is None
    # polars' join: -0.0 meets 0.0; NaN meets NaN
    assert Linker(3, 4, 10.0, 100.0).counts((age,)).tolist() == [2, 1, 1]


def test_em_patterns_from_codes_are_one_zero_and_nan_for_missing():
    sex = _component("sex", "sex", ["F", "M", None], ["F", "F", "M"])
    year = _component("year", "year", [1980, 1981, 1982], [1980, None, 1980])
    rows_a, rows_b = np.array([0, 0, 1, 2, 1]), np.array([0, 2, 2, 0, 1])
    got = _patterns([sex, year], rows_a, rows_b)
    want = np.array([[1, 1], [0, 1], [1, 0], [np.nan, 0], [0, np.nan]], dtype=float)
    np.testing.assert_array_equal(got, want)


def test_agreement_counts_present_pairs_only():
    city = _component("city", "city", ["Boston", "Salem", None, "Lynn"], ["Boston", "Lynn", "Salem", None])
    # pairs: (0,0) agree, (1,2) agree, (3,1) agree, (1,0) disagree, (2,1) A null, (0,3) B null
    agree, count = _agreement(city, np.array([0, 1, 3, 1, 2, 0]), np.array([0, 2, 1, 0, 1, 3]))
    assert count == 4 and agree == 0.75
    assert _agreement(city, np.array([], dtype=np.int64), np.array([], dtype=np.int64)) == (0.0, 0)


def _form(name, values, dtype=None) -> ColumnForm:
    series = pl.Series(name, values, dtype=dtype)
    return ColumnForm(name, (name,), "unknown", "quasi_identifier", TEXT, series, (), series.drop_nulls().n_unique(), series.len())


def test_small_exact_overlaps_from_kept_value_sets():
    a = _form("a", ["x", "y", "z", "x", None])
    b = _form("b", ["y", "z", "w", None, "v", "v"])
    overlap = exact_overlap_of(a, b, a.values, b.values)
    assert (overlap.shared, overlap.distinct_a, overlap.distinct_b, overlap.method) == (2.0, 3, 4, "exact")
    assert overlap.a_in_b == 2 / 3 and overlap.b_in_a == 0.5
    again = exact_overlap_of(a, b, a.values, b.values)  # from the kept sets
    assert again.shared == 2.0
    integers = _form("i", [1, 2, 3]), _form("j", [3, 4])
    assert exact_overlap_of(*integers, integers[0].values, integers[1].values).shared == 1.0
    floats = _form("f", [0.0, float("nan")]), _form("g", [-0.0, float("nan")])
    assert exact_overlap_of(*floats, floats[0].values, floats[1].values).method == "exact"  # is_in, not sets


def _instants(shift_hours: float = 0.0) -> pl.Series:
    # one instant a day, at a different minute each day: neighbours are a day apart
    start = datetime(2021, 1, 4)
    return pl.Series([start + timedelta(days=k, minutes=(37 * k) % 600, hours=shift_hours) for k in range(200)])


def test_best_clock_finds_a_fixed_offset_and_reuses_a_side_only_for_the_same_series():
    clock_module._SIDES.clear()
    a = _instants()
    first = best_clock(a, _instants(3), 10.0)
    assert first[0] == Clock(hours=3) and first[1] == 1.0
    assert id(a) in clock_module._SIDES  # the sample and its epochs are kept
    # Another partner of the same side, then a different series of A with other instants: each
    # answer is its own.
    assert best_clock(a, _instants(-5), 10.0) == (Clock(hours=-5), 1.0)
    assert best_clock(_instants(1), _instants(3), 10.0) == (Clock(hours=2), 1.0)
    assert best_clock(a, a, 10.0) == (Clock(), 1.0)
    clock_module._SIDES.clear()


def test_joint_codes_from_each_sides_distinct_values_are_the_codes_of_all_rows():
    a, b = pl.Series(["m", "c", None, "m", "a"]), pl.Series(["c", "z", "z", None])
    hinted = joint_codes(a, b, (pl.Series(["m", "c", "a"]), pl.Series(["z", "c"])))
    # sorted distinct values a, c, m, z -> 0, 1, 2, 3; null -1
    assert hinted[0].tolist() == [2, 1, -1, 2, 0] and hinted[1].tolist() == [1, 3, 3, -1] and hinted[2] == 4
    plain = joint_codes(a, b)
    assert plain[0].tolist() == hinted[0].tolist() and plain[1].tolist() == hinted[1].tolist() and plain[2] == 4


def test_a_text_component_keeps_its_forms_distinct_values_for_its_codes():
    from sharecheck.join.forms import ReleaseForms
    from sharecheck.join.link import make_component

    fa = ReleaseForms("A", 4, {"city": _form("city", ["Lynn", "Salem", None, "Lynn"])}, ())
    fb = ReleaseForms("B", 3, {"town": _form("town", ["Salem", "Boston", "Salem"])}, ())
    component = make_component(_candidate("city", "town"), fa, fb)
    assert sorted(component.derived["distinct"][0].to_list()) == ["Lynn", "Salem"]
    codes_a, codes_b, card = component.codes()
    # Boston 0, Lynn 1, Salem 2
    assert codes_a.tolist() == [1, 2, -1, 1] and codes_b.tolist() == [2, 0, 2] and card == 3
    assert Linker(4, 3, 10.0, 100.0).counts((component,)).tolist() == [0, 2, 0, 0]
