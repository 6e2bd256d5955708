"""Is this a table of records about people, a table of counts, or facts about places and things?

Record-level privacy models only make sense for the first. A table keyed by area (one row per
ZIP code with numbers beside it) describes areas; its risk is a small count of people, and a
small count of trees is no risk at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from ._resources import load_yaml
from .naming import normalise_column_name


@dataclass(frozen=True)
class TableKind:
    kind: str  # records | aggregate
    count_column: str | None = None  # the column counting people, when there is one
    dimensions: tuple[str, ...] = ()
    about_people: bool = True
    reason: str = ""


@lru_cache(maxsize=1)
def _person_count_words() -> frozenset[str]:
    return frozenset(load_yaml("aggregates.yaml")["person_count_words"])


def counts_people(column: str) -> bool:
    return bool(set(normalise_column_name(column).split("_")) & _person_count_words())


def _is_count(series: pl.Series) -> bool:
    if not series.dtype.is_integer():
        return False
    values = series.drop_nulls()
    return values.len() > 0 and bool((values >= 0).all())


def detect_table_kind(frame: pl.DataFrame, record_count_column: str | None) -> TableKind:
    """`record_count_column` is what sharecheck.models.aggregate found (a cross-tabulation)."""
    if record_count_column is not None:
        dimensions = tuple(c for c in frame.columns if c != record_count_column)
        # A cross-tabulation of records is taken to count people unless told otherwise.
        return TableKind("aggregate", record_count_column, dimensions, True,
                         f"'{record_count_column}' counts the rows of a cross-tabulation")
    measures = [c for c in frame.columns if frame.schema[c].is_numeric()]
    dimensions = [c for c in frame.columns if c not in measures]
    if not dimensions or not measures or frame.height < 2:
        return TableKind("records")
    if frame.select(dimensions).is_duplicated().any():
        return TableKind("records")
    counts = [c for c in measures if _is_count(frame[c])]
    if not counts:
        return TableKind("records")
    people_counts = [c for c in counts if counts_people(c)]
    count_column = people_counts[0] if people_counts else None
    # One row per key with only numbers beside it: facts about areas or categories.
    if any(frame[d].n_unique() == frame.height for d in dimensions) or len(dimensions) >= 2:
        return TableKind("aggregate", count_column, tuple(dimensions), bool(people_counts),
                         f"one row per {' × '.join(dimensions)} with numbers beside it")
    return TableKind("records")
