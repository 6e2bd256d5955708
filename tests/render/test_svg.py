"""Chart geometry from hand-made tables."""
from __future__ import annotations

import re

from sharecheck.render import svg

from .helpers import parse_strict


def test_size_bins_single_sizes_up_to_2k_then_doubling():
    # Classes: three of size 1, one of 2, two of 5, one of 40; k = 5 -> sizes 1..10 one by one.
    bins = svg._size_bins([(1, 3), (2, 1), (5, 2), (40, 1)], k=5)
    assert bins[:10] == [("1", 1, 3), ("2", 2, 2), ("3", 3, 0), ("4", 4, 0), ("5", 5, 10),
                         ("6", 6, 0), ("7", 7, 0), ("8", 8, 0), ("9", 9, 0), ("10", 10, 0)]
    assert bins[10:] == [("11–21", 11, 0), ("22–43", 22, 40)]


def test_bins_reach_k_even_when_every_class_is_smaller():
    bins = svg._size_bins([(1, 12)], k=5)
    assert [label for label, _, _ in bins] == ["1", "2", "3", "4", "5"]
    assert sum(records for _, _, records in bins) == 12


def test_histogram_colours_classes_below_k_and_marks_k():
    chart = str(svg.class_size_histogram([(1, 3), (6, 2)], k=5))
    parse_strict(chart)
    assert "policy k = 5" in chart
    assert len(re.findall(r'<rect[^>]*fill="#c0392b"', chart)) == 4  # sizes 1..4 are below k
    assert "1: 3 records" in chart and "6: 12 records" in chart


def test_labels_are_escaped():
    chart = str(svg.horizontal_bars([("<script>", 3)], title="a & b"))
    assert "<script>" not in chart and "&lt;script&gt;" in chart and "a &amp; b" in chart
    parse_strict(chart)


def test_risk_bars_flag_values_over_their_threshold():
    chart = str(svg.risk_against_policy([("records at risk", 0.5, 0.0), ("highest", 0.1, 0.2), ("average", 0.3, None)]))
    assert len(re.findall(r'<rect[^>]*fill="#c0392b"', chart)) == 1  # only the first is over its threshold
    assert "50.0% (max 0.0%)" in chart and "10.0% (max 20.0%)" in chart


def test_link_matrix_has_a_cell_per_pair():
    cells = {("a", "b"): (7, 0.5, "fail"), ("b", "a"): (3, 0.1, "fail")}
    chart = str(svg.link_matrix(["a", "b", "c"], cells))
    parse_strict(chart)
    assert chart.count("<rect") == 9
    assert "a × b: 7 linked one to one" in chart and "b × a: 3 linked one to one" in chart
    assert svg.link_matrix(["a"], {}) == ""
