"""Row numbers are not keys.

Exports from R (`rownames`), pandas (`Unnamed: 0`, `index`), Socrata (`:id`) and spreadsheets carry
a 1..n row number. Two unrelated releases both have one, and every record "links" to the record
in the same position of the other. A column is a row number when its header says so and its
values are unique, or when its values are the row positions themselves; and two columns that are
each a full 0..n-1 or 1..n range are never a join, whatever their names (see candidates._judge).
"""
from __future__ import annotations

import polars as pl

from ..naming import normalise_column_name
from .vocab import join_vocabulary


def _integers(series: pl.Series) -> pl.Series | None:
    if series.dtype.is_integer():
        return series.cast(pl.Int64)
    if series.dtype == pl.String:
        head = series.head(100)
        if head.str.strip_chars().cast(pl.Int64, strict=False).null_count() > head.null_count():
            return None  # cheap refusal: text columns are most of a wide release
        parsed = series.str.strip_chars().cast(pl.Int64, strict=False)
        return parsed if parsed.null_count() == series.null_count() else None
    if series.dtype.is_float():
        whole = series.drop_nulls()
        if whole.len() and bool((whole == whole.floor()).all()):
            return series.cast(pl.Int64, strict=False)
    return None


def is_full_range(series: pl.Series) -> bool:
    """Values are 0..n-1 or 1..n, each once (in any order): the shape of a row number."""
    values = _integers(series)
    if values is None or values.null_count() or values.len() < 2:
        return False
    low, high = values.min(), values.max()
    return low in (0, 1) and high - low + 1 == values.len() and values.n_unique() == values.len()


def equals_position(series: pl.Series) -> bool:
    values = _integers(series)
    if values is None or values.null_count() or values.len() < 2:
        return False
    first = values[0]
    return first in (0, 1) and bool((values == pl.int_range(first, first + values.len(), eager=True)).all())


def _named_row_index(name: str) -> bool:
    names = {n.lower() for n in join_vocabulary()["row_index_names"]}
    raw = name.strip().lower()
    return raw == "" or raw in names or normalise_column_name(name) in names


def row_index_columns(frame: pl.DataFrame) -> set[str]:
    """Columns of a release that number its rows."""
    found = set()
    for name in frame.columns:
        series = frame[name]
        if equals_position(series):
            found.add(name)
        elif (_named_row_index(name) and not series.dtype.is_float() and series.null_count() == 0
              and series.n_unique() == series.len()):
            found.add(name)
    return found


def is_area_code(analysed, column) -> bool:
    """In a table of areas, a place code in row order (community areas 1..77 sorted by number)
    is each row's own key, not a row number: the table lists the areas, and other releases name
    them by that code. Everywhere else a column equal to the row position is a row number."""
    from ..classify import semantic_types

    subject = getattr(analysed, "subject", None)
    if subject is None or subject.about != "places" or column.role == "other" and column.source == "user":
        return False
    return semantic_types().get(column.semantic_type, {}).get("about") == "place"
