"""Vectorised value shapes against the per-value definition (`profile.value_shape`)."""
from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecheck.profile import _shape_shares, value_shape, value_shapes

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


def test_hand_shapes():
    got = value_shapes(pl.Series(["02139", "Main St 12", "AAAAAAAb", "žofie@příklad.cz", "a\x1b[0m"]))
    assert got.to_list() == ["99999", "Aaaa Aa 99", "A+a", "aaaaa@a+.aa", "a?[9a"]
