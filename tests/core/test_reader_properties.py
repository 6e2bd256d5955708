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
        # every label reads as a number ('0', '0.', '$1,000'): typed as one, it keeps its value, not its spelling
        assert read["label"].to_list() == [_amount(text) for text in frame["label"]]
    else:
        assert read["label"].cast(pl.String).to_list() == frame["label"].to_list()
    assert read["amount"].cast(pl.Int64).to_list() == frame["amount"].to_list()


def _amount(text: str) -> float:
    """The number a point-decimal CSV cell writes, by hand: currency signs, spaces and thousands
    commas are spelling."""
    for spelling in "$£€¥, ":
        text = text.replace(spelling, "")
    return float(text)


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
        "a": sum(1 for v in present if re.search(tp._AMOUNT_COMMA if decimal_comma else tp._AMOUNT_POINT, v)),
        "g": sum(1 for v in present if re.search(r"[$£€¥]" if decimal_comma else r"[$£€¥]|[0-9],[0-9]{3}", v)),
        "z": sum(1 for v in present if re.search(r"^[+-]?0[0-9]", v)),
        "d": sum(1 for v in present if re.search(r"[,eE]" if decimal_comma else r"[.eE]", v)),
    }


_CELL = st.one_of(st.none(), st.sampled_from(["", " ", "0", "007", "12", " 12 ", "-3", "1.5", "1,5", "2e3", ".5",
                                              "1.000,25", "TRUE", "false", "x", "1 2", "+0", "12345678901234567",
                                              "$1,112.95", "116,147.36", "1.234,50 €", "-$3", "1,2,3"]),
                  st.text(alphabet="0123456789.,eE+-$€ ", max_size=6))


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


def test_amounts_with_currency_signs_and_thousands_read_as_numbers(tmp_path):
    # payroll exports write pay as `$1,112.95` or `116,147.36`: numbers, not 22,000 categories
    path = tmp_path / "pay.csv"
    path.write_text('name,regular,retro,code\nA,"$109,540.07 ",0,"1,2"\nB,"$1,112.95",0.00,3\nC,500,"2,192.04",4\n')
    frame = read_release(path).frame.collect()
    assert frame["regular"].to_list() == [109540.07, 1112.95, 500.0]
    assert frame["retro"].to_list() == [0.0, 0.0, 2192.04]
    assert frame["code"].dtype == pl.String  # `1,2` is no amount: the column stays text


def test_amounts_in_a_decimal_comma_release(tmp_path):
    path = tmp_path / "pay.csv"
    path.write_text("name;betrag\nA;1.234,50 €\nB;12,00 €\nC;3\n", encoding="utf-8")
    assert read_release(path).frame.collect()["betrag"].to_list() == [1234.5, 12.0, 3.0]


def test_a_late_value_that_is_no_amount_keeps_the_column_text():
    from sharecheck.typing_pass import SAMPLE_ROWS, refine_types

    values = ["$1,000.00"] * SAMPLE_ROWS + ["1,2,3"]
    assert refine_types(pl.LazyFrame({"pay": values})).collect()["pay"].dtype == pl.String
