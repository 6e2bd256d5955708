"""What a join check derives from one column is derived once per column form and is the same as
deriving it afresh (normalise.ColumnForm.derive, candidates' per-form distinct values and trees)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import polars as pl
from hypothesis import given, settings, strategies as st

from sharecheck.join import candidates as jc
from sharecheck.join import forms
from sharecheck.join import normalise as nz
from sharecheck.join.sketch import exact_overlap


def _form(values: pl.Series, form: str, semantic_type: str = "unknown") -> nz.ColumnForm:
    return nz.ColumnForm(values.name, (values.name,), semantic_type, "quasi_identifier", form, values, (),
                         values.drop_nulls().n_unique(), values.len())


def test_derive_computes_once_and_replace_starts_afresh():
    form = _form(pl.Series("x", ["A", "B"]), nz.TEXT)
    calls = []
    assert form.derive("k", lambda: calls.append(1) or 7) == 7
    assert form.derive("k", lambda: calls.append(1) or 8) == 7
    assert calls == [1]
    # A replaced form may hold other values: it must not inherit what was derived from the old ones.
    assert replace(form, values=pl.Series("x", ["C", "D"])).derived == {}


def test_names_without_initials_derived_once_and_equal_to_afresh():
    a = _form(pl.Series("n", ["DOE JOHN A", "ROE JANE", "SMITH ANN"]), nz.NAME, "person_name")
    b = _form(pl.Series("n", ["DOE JOHN", "ROE JANE", "POE EDGAR"]), nz.NAME, "person_name")
    first, second = nz.common_domain(a, b), nz.common_domain(a, b)
    assert first[0] is second[0] and first[1] is second[1]
    assert first[0].to_list() == nz.without_initials(a.values).to_list() == ["DOE JOHN", "ROE JANE", "SMITH ANN"]
    assert first[3] == ("middle initials ignored",)


def test_postal_against_text_derived_once_and_equal_to_afresh():
    postal = _form(pl.Series("zip", ["02118", "90210", None]), nz.POSTAL, "postal_code")
    text = _form(pl.Series("code", ["2118", "X1"]), nz.TEXT)
    first, second = nz.common_domain(postal, text), nz.common_domain(postal, text)
    assert first[0] is second[0]
    assert first[0].to_list() == nz.text_form(postal.values)[0].to_list() == ["2118", "90210", None]
    assert first[1] is text.values


def test_dates_and_birth_years_derived_once():
    born = _form(pl.Series("dob", [date(1970, 1, 2), date(1980, 5, 6)]), nz.DATE, "birth_date")
    year = _form(pl.Series("yob", [1970, 1981]), nz.YEAR, "birth_year")
    first, second = nz.common_domain(born, year), nz.common_domain(born, year)
    assert first[0] is second[0] and first[0].to_list() == [1970, 1980]
    assert first[2] == nz.YEAR


_VALUES = st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=1, max_size=40)


@settings(max_examples=100, deadline=None)
@given(left=_VALUES, right=_VALUES, as_text=st.booleans())
def test_overlap_and_chance_from_forms_equal_the_direct_computation(left, right, as_text):
    va, vb = pl.Series("a", left, dtype=pl.Int64), pl.Series("b", right, dtype=pl.Int64)
    if as_text:
        va = va.cast(pl.String)
    a, b = _form(va, nz.TEXT), _form(vb, nz.TEXT)
    direct = exact_overlap(va, vb)
    for _ in range(2):  # the second time from what the forms kept
        kept = jc.exact_overlap_of(a, b, va, vb)
        assert (kept.shared, kept.distinct_a, kept.distinct_b) == (direct.shared, direct.distinct_a, direct.distinct_b)
        if min(a.distinct, b.distinct) >= 1 and va.drop_nulls().len() and vb.drop_nulls().len():
            assert jc._chance_domain(va, vb, a.distinct, b.distinct, (a, b)) == jc._chance_domain(va, vb, a.distinct, b.distinct)


def test_overlap_of_a_new_series_is_not_taken_from_another():
    a = _form(pl.Series("a", ["1", "2", "3"]), nz.TEXT)
    b = _form(pl.Series("b", ["1", "2", "3", "4"]), nz.TEXT)
    assert jc.exact_overlap_of(a, b, a.values, b.values).shared == 3
    other = pl.Series("a", ["9"])
    assert jc.exact_overlap_of(a, b, other, b.values).shared == 0


def test_radius_overlap_with_kept_trees_equals_a_fresh_one():
    rng = np.random.default_rng(5)
    degrees = np.column_stack([42.3 + rng.random(200) * 0.01, -71.05 + rng.random(200) * 0.01])
    a = forms.PointColumns("p", "lat", "lon", np.radians(degrees))
    b = forms.PointColumns("q", "lat", "lon", np.radians(degrees[:120] + 0.0003))
    first = jc._radius_overlap(a, b, 100.0)
    assert "tree" in a.derived and "tree" in b.derived
    from sklearn.neighbors import BallTree

    # As computed before the trees were kept: both trees built for this one pair.
    pa, pb = np.unique(a.radians, axis=0), np.unique(b.radians, axis=0)
    radius = 100.0 / 6_371_008.8
    a_near = BallTree(pb, metric="haversine").query_radius(pa, r=radius, count_only=True)
    b_near = BallTree(pa, metric="haversine").query_radius(pb, r=radius, count_only=True)
    fresh = (float((a_near > 0).mean()), float((b_near > 0).mean()), len(pa), len(pb))
    assert first == fresh == jc._radius_overlap(a, b, 100.0)
    assert 0 < first[0] <= 1 and first[3] == 120


def test_overlap_from_kept_hashes_by_hand():
    a = _form(pl.Series("a", [5, 3, 3, None, 9, -2], dtype=pl.Int64), nz.TEXT)
    b = _form(pl.Series("b", [9, 9, 4, 5, 11, -2, 0], dtype=pl.Int64), nz.TEXT)
    overlap = jc.exact_overlap_of(a, b, a.values, b.values)
    # distinct A {-2, 3, 5, 9}, distinct B {-2, 0, 4, 5, 9, 11}: -2, 5 and 9 in both
    assert (overlap.shared, overlap.distinct_a, overlap.distinct_b) == (3, 4, 6)
    assert overlap.a_in_b == 0.75 and overlap.b_in_a == 0.5
    wider = _form(pl.Series("c", [9, 100], dtype=pl.Int32), nz.TEXT)  # another integer type: compared as text
    assert jc.exact_overlap_of(a, wider, a.values, wider.values).shared == 1
    many_a = _form(pl.Series("a", list(range(0, 3000, 3)), dtype=pl.Int64), nz.TEXT)  # multiples of 3
    many_b = _form(pl.Series("b", list(range(0, 3000, 2)), dtype=pl.Int64), nz.TEXT)  # even numbers
    assert jc.exact_overlap_of(many_a, many_b, many_a.values, many_b.values).shared == 500  # multiples of 6


def test_text_overlap_from_kept_hashes_by_hand_and_twice():
    a = _form(pl.Series("a", ["A1", "B2", "B2", None, "C3", "Ä4"]), nz.TEXT)
    b = _form(pl.Series("b", ["c3", "C3", "Ä4", "D5", "A1", None, "A1"]), nz.TEXT)
    for _ in range(2):  # the second time from the kept hashes
        overlap = jc.exact_overlap_of(a, b, a.values, b.values)
        # distinct A {A1, B2, C3, Ä4}, distinct B {c3, C3, Ä4, D5, A1}: A1, C3 and Ä4 in both (case counts here)
        assert (overlap.shared, overlap.distinct_a, overlap.distinct_b) == (3, 4, 5)
    # 1,000 codes against 1,500 (past the size where hashes are kept): codes 500..999 in both
    big_a = _form(pl.Series("a", [f"K{i}" for i in range(1000)]), nz.TEXT)
    big_b = _form(pl.Series("b", [f"K{i}" for i in range(500, 2000)]), nz.TEXT)
    for _ in range(2):
        overlap = jc.exact_overlap_of(big_a, big_b, big_a.values, big_b.values)
        assert (overlap.shared, overlap.distinct_a, overlap.distinct_b) == (500, 1000, 1500)
    assert "hashes" in {key[0] for key in big_a.derived}


@settings(max_examples=40, deadline=None)
@given(left=st.lists(st.integers(0, 3000), min_size=400, max_size=1200), right=st.lists(st.integers(0, 3000), min_size=400, max_size=1200),
       as_text=st.booleans())
def test_overlap_from_kept_hashes_equals_is_in(left, right, as_text):
    va, vb = pl.Series("a", left, dtype=pl.Int64), pl.Series("b", right, dtype=pl.Int64)
    if as_text:
        va, vb = va.cast(pl.String), vb.cast(pl.String)
    a, b = _form(va, nz.TEXT), _form(vb, nz.TEXT)
    direct = exact_overlap(va, vb)
    for _ in range(2):
        kept = jc.exact_overlap_of(a, b, va, vb)
        assert (kept.shared, kept.distinct_a, kept.distinct_b) == (direct.shared, direct.distinct_a, direct.distinct_b)


def test_a_kept_value_belongs_to_its_owner_and_the_oldest_goes_first():
    from sharecheck.join.kept import kept

    store, first, second, made = {}, object(), object(), []

    def make(tag):
        return lambda: made.append(tag) or tag

    assert kept(store, 1, first, make("a"), bound=2) == "a"
    assert kept(store, 1, first, make("again"), bound=2) == "a" and made == ["a"]  # made once
    # another object under the same key (an id reused once the first is freed) is not the first
    assert kept(store, 1, second, make("b"), bound=2) == "b"
    kept(store, 2, first, make("c"), bound=2)
    kept(store, 3, first, make("d"), bound=2)  # full: key 1, the oldest, goes
    assert sorted(store) == [2, 3]
