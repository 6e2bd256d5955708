"""Whether the first line of a delimited file (the first row of a sheet) is a header or already data.

A file exported without a header (an ARX hierarchy, a `write.table(col.names = FALSE)` dump, a
log appended to by a script) would otherwise have its first record read as column names: the
header is the strongest evidence of a column's role, so a first record of `Bachelors, Higher
education, *` taken for names makes a lookup table look like records about people's education,
and a first record of a person's name, age and sex hides those columns' meaning and puts one
person's values in the report as column names.

The judgement follows the one Python's `csv.Sniffer.has_header` makes (a header cell is unlike
the values under it), made stricter in the direction a wrong answer costs more: a real header
read as data loses every column name, so the first line is taken for data only on positive
evidence, never for the lack of it:

- a word over a column of numbers or dates is a header cell: one is enough to keep the header;
- a cell that recurs among the values of its own column is data (a header cell repeating under
  itself is not a header);
- a number or date over a column of numbers or dates is data, unless the header's numbers are
  three or more evenly spaced integers (a wide table's years, 2010, 2015, 2020, or ages);
- the first line is data when at least half of its non-empty cells are data by these tests, and
  at least one of them is a recurring value or every cell is a number.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

# Digits with the punctuation of numbers, dates and times (signs, separators, a decimal mark,
# an exponent, a percent or currency sign): a shape, not a parse, since any of them may follow.
_NUMBER_OR_DATE = re.compile(r"^[-+(]?[$€£]?\d[\d\s.,:/\-eE]*(?:\s?[AaPp][Mm])?%?\)?$")
# Rows under the first line looked at: enough for the share of numbers to be stable.
SAMPLE_ROWS = 200
NUMERIC_SHARE = 0.95
# The start of the release note on a table read without a header (data packages rename its columns).
HEADERLESS_NOTE = "no header row (the first line is data)"


def headerless_names(columns: Sequence[str]) -> dict[str, str]:
    """The reader's names -> column_1 .. column_n, counted from 1 as a person reading the file counts."""
    return {name: f"column_{index}" for index, name in enumerate(columns, 1)}


def headerless_note(width: int, unit: str) -> str:
    return f"{HEADERLESS_NOTE}: columns named column_1 to column_{width}; --header yes reads the first {unit} as the header"


def _numeric(cell: str) -> bool:
    return bool(_NUMBER_OR_DATE.match(cell))


def _evenly_spaced_integers(cells: list[str]) -> bool:
    try:
        numbers = [int(cell) for cell in cells]
    except ValueError:
        return False
    steps = {b - a for a, b in zip(numbers, numbers[1:])}
    return len(numbers) >= 3 and len(steps) == 1 and steps != {0}


def first_row_is_data(rows: Sequence[Sequence[str]]) -> bool:
    """True when `rows[0]` (the first line, parsed) reads as a record like `rows[1:]`."""
    if len(rows) < 3:
        return False  # too few rows to tell a header from data: keep the usual reading
    first, body = rows[0], rows[1:SAMPLE_ROWS + 1]
    numeric_header = [cell.strip() for cell in first if cell.strip() and _numeric(cell.strip())]
    run_of_integers = _evenly_spaced_integers(numeric_header)
    cells = data_votes = recurring = 0
    for position, raw in enumerate(first):
        cell = raw.strip()
        if not cell:
            continue
        values = [row[position].strip() for row in body if position < len(row) and row[position].strip()]
        if not values:
            continue
        cells += 1
        numeric_column = sum(map(_numeric, values)) >= NUMERIC_SHARE * len(values)
        if numeric_column and not _numeric(cell):
            return False  # a word over numbers: a header cell
        if run_of_integers and _numeric(cell):
            continue  # a wide table's years say nothing, even where a count equals one
        if cell in set(values):
            data_votes += 1
            recurring += 1
        elif numeric_column:
            data_votes += 1
    if not cells or 2 * data_votes < cells:
        return False
    return recurring > 0 or (len(numeric_header) == cells and not run_of_integers)
