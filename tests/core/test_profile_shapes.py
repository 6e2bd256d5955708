"""Vectorised value shapes against the per-value definition (`profile.value_shape`)."""
from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecheck.profile import _shape_shares, _shape_shares_of_columns, value_shape, value_shapes

# Runs of one class around the collapse length of seven, punctuation, controls, other scripts.
_PIECES = st.sampled_from(["a", "Z", "7", " ", "-", ".", "@", "\x1b", "\x7f", "é", "Ж", "黄", "٣", "\u0301", "ǅ", "Ⅻ"])
texts = st.one_of(st.text(max_size=60),
                  st.lists(st.tuples(_PIECES, st.integers(min_value=1, max_value=9)), max_size=8).map(
                      lambda runs: "".join(piece * count for piece, count in runs)),
                  st.text(alphabet="aA9 ", min_size=190, max_size=230))


@settings(max_examples=300, deadline=None)
@given(values=st.lists(texts, max_size=30))
def test_vectorised_shapes_equal_the_definition(values):
    assert value_shapes(pl.Series(values, dtype=pl.String)).to_list() == [value_shape(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.sampled_from(["ab", "AB", "12", "a1", "x-y", "Жа", "1234567890", ""]), max_size=40))
def test_top_shapes_count_and_order_like_a_plain_tally(values):
    counts: dict[str, int] = {}
    for value in values:
        counts[value_shape(value)] = counts.get(value_shape(value), 0) + 1
    expected = tuple((shape, n / len(values)) for shape, n in sorted(counts.items(), key=lambda item: -item[1])[:5])
    assert _shape_shares(values) == expected


def _tally(values):
    counts: dict[str, int] = {}
    for value in values:
        counts[value_shape(value)] = counts.get(value_shape(value), 0) + 1
    return tuple((shape, n / len(values)) for shape, n in sorted(counts.items(), key=lambda item: -item[1])[:5])


@settings(max_examples=200, deadline=None)
@given(columns=st.lists(st.lists(st.sampled_from(["ab", "AB", "12", "a1", "x-y", "Жа", "1234567890", "", "7", "Q"]), max_size=30),
                        max_size=6))
def test_the_shapes_of_several_columns_at_once_equal_each_column_tallied_alone(columns):
    assert _shape_shares_of_columns(columns) == [_tally(values) if values else () for values in columns]


def test_hand_shapes_of_two_columns_and_an_empty_one():
    got = _shape_shares_of_columns([["12", "34", "ab"], [], ["x", "Y", "z", "10", "11", "12", "AA", "b-c"]])
    assert got[0] == (("99", 2 / 3), ("aa", 1 / 3)) and got[1] == ()
    assert got[2] == (("99", 3 / 8), ("a", 2 / 8), ("A", 1 / 8), ("AA", 1 / 8), ("a-a", 1 / 8))


def test_hand_shapes():
    got = value_shapes(pl.Series(["02139", "Main St 12", "AAAAAAAb", "žofie@příklad.cz", "a\x1b[0m"]))
    assert got.to_list() == ["99999", "Aaaa Aa 99", "A+a", "aaaaa@a+.aa", "a?[9a"]
