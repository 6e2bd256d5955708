"""Aggregate tables: recognise a table of counts and apply the small-cell rule.

A table of counts (one count column, dimension columns unique together) describes people
without containing records, so record-level models do not apply; the risk is a cell small
enough to point at a few people. ONS-style rule: a cell with 1 <= count < threshold (default 10)
is a small cell; zero cells are reported separately because a zero can also disclose (everyone
in a row shares an attribute) but is not a small cell.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import polars as pl

from .._resources import load_yaml
from ..errors import RuleError
from ._util import as_dict, safe_div

_WORD_SPLIT = re.compile(r"[^0-9a-zà-ÿčšžřěýáíéůúäöüß]+")


@dataclass(frozen=True)
class SmallCellsResult:
    count_column: str
    dimension_columns: tuple[str, ...]
    threshold: int
    n_cells: int
    total_count: int
    small_cells: int  # 1 <= count < threshold
    zero_cells: int
    small_cell_share: float | None
    people_in_small_cells: int
    min_positive_count: int | None
    small_cells_by_dimension: tuple[tuple[str, int], ...]  # dimension -> distinct values with a small cell

    def to_dict(self) -> dict:
        return as_dict(self)


@lru_cache(maxsize=1)
def _count_words() -> frozenset[str]:
    """Names of count columns in the languages cities publish in (rules/aggregates.yaml); matched
    on the lower-cased name split into words, so "n_persons" and "Anzahl Personen" both match."""
    words = load_yaml("aggregates.yaml").get("count_words")
    if not isinstance(words, list) or not all(isinstance(w, str) and w == w.lower() for w in words):
        raise RuleError("rules/aggregates.yaml: 'count_words' must be a list of lower-case words")
    return frozenset(words)


def _name_looks_like_count(name: str) -> bool:
    words = [w for w in _WORD_SPLIT.split(name.lower()) if w]
    return any(w in _count_words() for w in words) or name.lower().startswith(("n_", "nb_", "num_"))


def _is_count_series(series: pl.Series) -> bool:
    if series.dtype.is_integer():
        values = series.drop_nulls()
    elif series.dtype.is_float():
        values = series.drop_nulls()
        if values.len() and not bool((values == values.round(0)).all()):
            return False
    else:
        return False
    return values.len() > 0 and bool((values >= 0).all())


def _dimensions_unique(frame: pl.DataFrame, dimensions: Sequence[str]) -> bool:
    if not dimensions:
        return frame.height == 1
    return frame.select(dimensions).is_duplicated().sum() == 0


def detect_count_column(frame: pl.DataFrame | pl.LazyFrame) -> str | None:
    """The count column of an aggregate table, or None for a record-level table.

    A column qualifies when its values are non-negative integers and the other columns are
    unique together. A count-like name is enough; without one the shape must also look like a
    cross-tabulation: at least two dimension columns, none of them unique on its own (a unique
    column would be an identifier, and the table record-level).
    """
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    if frame.height == 0 or frame.width < 2:
        return None
    candidates = [c for c in frame.columns if _is_count_series(frame[c])]
    named = [c for c in candidates if _name_looks_like_count(c)]
    for column in named:
        dimensions = [c for c in frame.columns if c != column]
        if _dimensions_unique(frame, dimensions):
            return column
    # Without a count-like name, the count must be the table's only count-like column.
    unnamed = [c for c in candidates if c not in set(named)]
    for column in unnamed if len(candidates) == 1 else ():
        dimensions = [c for c in frame.columns if c != column]
        if len(dimensions) < 2:
            continue
        if any(frame[d].n_unique() == frame.height for d in dimensions):
            continue
        if _dimensions_unique(frame, dimensions):
            return column
    return None


def small_cells(
    frame: pl.DataFrame | pl.LazyFrame,
    count_column: str,
    dimensions: Sequence[str] | None = None,
    *,
    threshold: int = 10,
) -> SmallCellsResult:
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    dimensions = tuple(dimensions) if dimensions is not None else tuple(c for c in frame.columns if c != count_column)
    counts = frame[count_column].cast(pl.Int64, strict=False)
    small_mask = (counts >= 1) & (counts < threshold)
    small = int(small_mask.sum() or 0)
    positive = counts.filter(counts > 0)
    by_dimension = tuple(
        (d, int(frame.filter(small_mask)[d].n_unique())) for d in dimensions
    ) if small else tuple((d, 0) for d in dimensions)
    return SmallCellsResult(
        count_column=count_column,
        dimension_columns=dimensions,
        threshold=threshold,
        n_cells=frame.height,
        total_count=int(counts.sum() or 0),
        small_cells=small,
        zero_cells=int((counts == 0).sum() or 0),
        small_cell_share=safe_div(small, frame.height),
        people_in_small_cells=int(counts.filter(small_mask).sum() or 0),
        min_positive_count=int(positive.min()) if positive.len() else None,
        small_cells_by_dimension=by_dimension,
    )
