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


# Columns that can label a cell of a table of counts. A name, an ID or an income never does.
_DIMENSION_TYPES = {"postal_code", "place", "street", "date", "datetime", "time", "age_group", "sex", "race",
                    "category", "unknown", "marital_status", "education", "occupation", "employer", "nationality",
                    "language", "birth_year", "count", "measure", "household_size", "health", "offence"}


def detect_table_kind(frame: pl.DataFrame, record_count_column: str | None, columns=()) -> TableKind:
    """`record_count_column` is what sharecheck.models.aggregate found (a cross-tabulation);
    `columns` are the column reports (role, semantic type) of the release."""
    personal = [c.name for c in columns if c.role in ("direct_identifier", "pseudonym")]
    if personal:
        # A table that names or tracks people is a table of records, whatever numbers it holds.
        return TableKind("records")
    semantic = {c.name: c.semantic_type for c in columns}
    if record_count_column is not None:
        dimensions = tuple(c for c in frame.columns if c != record_count_column)
        # "Application Number" is unique per row and numeric, but it numbers records; and a
        # table with free text or coordinates beside its "count" holds records, not cells.
        is_count = semantic.get(record_count_column, "count") in ("count", "measure", "unknown")
        if is_count and all(semantic.get(d, "unknown") in _DIMENSION_TYPES for d in dimensions):
            # A cross-tabulation of records is taken to count people unless told otherwise.
            return TableKind("aggregate", record_count_column, dimensions, True,
                             f"'{record_count_column}' counts the rows of a cross-tabulation")
        return TableKind("records")
    schema = frame.schema
    measures = [c for c in frame.columns if schema[c].is_numeric() and semantic.get(c) not in ("postal_code", "place")]
    dimensions = [c for c in frame.columns if c not in measures]
    if any(semantic.get(d, "unknown") not in _DIMENSION_TYPES for d in dimensions):
        return TableKind("records")
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
