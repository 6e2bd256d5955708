"""Property: whatever text a publisher writes to CSV, sharecheck reads the same values back."""
from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharecheck.readers import read_release

# Printable text without the characters that no CSV writer round-trips (\r) and without
# values that a reader must treat as missing (empty, NULL ...).
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda value: value.strip() == value and value not in {"NULL", "null", "N/A", "n/a", "NaN", "None"})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_TEXT, min_size=2, max_size=12),
       numbers=st.lists(st.integers(min_value=-10**12, max_value=10**12), min_size=2, max_size=12),
       separator=st.sampled_from([",", ";", "\t", "|"]))
def test_csv_values_survive_reading(tmp_path_factory, texts, numbers, separator):
    rows = min(len(texts), len(numbers))
    frame = pl.DataFrame({"label": texts[:rows], "amount": numbers[:rows]})
    path = tmp_path_factory.mktemp("prop") / "data.csv"
    frame.write_csv(path, separator=separator)
    read = read_release(path).frame.collect()
    assert read.columns == ["label", "amount"]
    if read["label"].dtype.is_numeric():
        # every label reads as a number ('0', '0.'): typed as one, it keeps its value, not its spelling
        assert read["label"].to_list() == [float(text) for text in frame["label"]]
    else:
        assert read["label"].cast(pl.String).to_list() == frame["label"].to_list()
    assert read["amount"].cast(pl.Int64).to_list() == frame["amount"].to_list()


# The typing pass tallies, per column, the distinct present values of each shape in one query
# over every column. The definition, column by column with Python's re on the distinct values:
def _tally_by_definition(values: list[str | None], decimal_comma: bool) -> dict[str, int]:
    import re

    from sharecheck import typing_pass as tp

    distinct = {value.strip() for value in values if value is not None}
    present = [value for value in distinct if value != ""]
    float_pattern = tp._FLOAT_COMMA if decimal_comma else tp._FLOAT_POINT
    return {
        "n": len(present),
        "i": sum(1 for v in present if re.search(tp._INTEGER, v) and len(v) <= tp._MAX_INTEGER_DIGITS),
        "f": sum(1 for v in present if re.search(float_pattern, v)),
        "b": sum(1 for v in present if re.fullmatch(r"(?i)(true|false)", v)),
        "z": sum(1 for v in present if re.search(r"^[+-]?0[0-9]", v)),
        "d": sum(1 for v in present if re.search(r"[,eE]" if decimal_comma else r"[.eE]", v)),
    }


_CELL = st.one_of(st.none(), st.sampled_from(["", " ", "0", "007", "12", " 12 ", "-3", "1.5", "1,5", "2e3", ".5",
                                              "1.000,25", "TRUE", "false", "x", "1 2", "+0", "12345678901234567"]),
                  st.text(alphabet="0123456789.,eE+- ", max_size=6))


@settings(max_examples=60, deadline=None)
@given(columns=st.lists(st.lists(_CELL, min_size=1, max_size=15), min_size=1, max_size=4), decimal_comma=st.booleans())
def test_shape_tally_of_all_columns_equals_each_column_alone(columns, decimal_comma):
    from sharecheck.typing_pass import _shape_counts

    rows = max(len(column) for column in columns)
    data = {f"c{i}": column + [None] * (rows - len(column)) for i, column in enumerate(columns)}
    lazy = pl.LazyFrame(data, schema={name: pl.String for name in data})
    counts = _shape_counts(lazy, list(enumerate(data)), decimal_comma)
    for index, name in enumerate(data):
        expected = _tally_by_definition(data[name], decimal_comma)
        assert {key: counts[f"{key}{index}"] for key in expected} == expected


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(st.lists(st.text(alphabet="0123456789,.-; \"x", max_size=8), min_size=1, max_size=5), min_size=1, max_size=8),
       delimiter=st.sampled_from([";", "\t", "|"]))
def test_decimal_comma_detection_equals_matching_every_sampled_cell(cells, delimiter):
    # The shortcut (no comma in the sample, or in a cell: no match) must not change the answer
    # of the definition: some cell of the sampled data rows is a number written with a comma.
    from sharecheck.readers import _DECIMAL_COMMA, _sample_rows, uses_decimal_comma

    text = "a" + delimiter + "b\n" + "\n".join(delimiter.join(row) for row in cells) + "\n"
    definition = any(_DECIMAL_COMMA.match(cell.strip()) for row in _sample_rows(text, delimiter) for cell in row)
    assert uses_decimal_comma(text, delimiter) == definition


def test_decimal_commas_by_hand():
    from sharecheck.readers import uses_decimal_comma

    assert uses_decimal_comma("a;b\nx;1,5\n", ";")
    assert uses_decimal_comma("a;b\nx;1.234,56\n", ";")
    assert not uses_decimal_comma("a;b\nx;1.5\n", ";")
    assert not uses_decimal_comma("a;b\n\"1,5\";x\n", ",")  # a comma-delimited file has none
    assert not uses_decimal_comma("a;b\nx,y;2\n", ";")  # a comma inside text is not a number
