"""Is a table a table of counts? A cross-tabulation (a count column beside labels unique together)
or one row per key with counts beside it; never an event log. Part of the subject decision
(sharecheck/subject.py), which asks this before it reads the rows as records."""
from __future__ import annotations

from typing import Mapping, Sequence

import polars as pl

from .subject_rules import counts_people, thresholds, vocabulary


def row_number(column, profile, rows: int) -> bool:
    return column.role == "other" and column.semantic_type == "record_id" and profile.distinct == rows and profile.nulls == 0


def fractional(series: pl.Series) -> bool:
    """Numbers with decimals (a measurement, a rate), not whole-number codes or labels."""
    if not series.dtype.is_float():
        return False
    values = series.drop_nulls()
    return bool(values.len()) and not bool((values == values.round(0)).all())


def count_table(frame: pl.DataFrame, profiles: Mapping, columns: Sequence, count_column: str | None):
    """A cross-tabulation (a count column beside dimensions unique together), or one row per key
    with counts beside it, as a Subject; None for record-level tables, event logs above all."""
    from .subject import Subject  # subject.py imports this module; the class is defined there
    words = vocabulary()
    semantic = {c.name: c.semantic_type for c in columns}
    if any(c.role in ("direct_identifier", "pseudonym") for c in columns):
        return None  # a table that names or tracks someone holds records, whatever numbers it holds
    timed = [c.name for c in columns if c.semantic_type in ("datetime", "time", "date")
             and profiles[c.name].granularity in words["event_time_granularities"]]
    if timed:
        return None  # rows timed to the minute are events; a count beside them is an attribute
    from .models.aggregate import _name_looks_like_count

    # an R row name or a pandas index numbers the rows: it labels no cell
    numbering = {c.name for c in columns if row_number(c, profiles[c.name], frame.height)}
    if count_column is not None:
        dimensions = tuple(c for c in frame.columns if c != count_column and c not in numbering)
        is_count = semantic.get(count_column, "count") in ("count", "measure", "unknown")
        if numbering and dimensions and frame.select(dimensions).is_duplicated().any():
            return None  # unique only with the row numbers: records, not cells
        if not _name_looks_like_count(count_column) and any(fractional(frame[d]) for d in dimensions):
            return None  # a measured value with decimals is a record's attribute, not a cell's label
        if not _grid(frame, profiles, semantic, dimensions, named=_name_looks_like_count(count_column)):
            return None
        keyed_types = set(words["area_types"]) | {"date", "datetime", "time"}
        cells = [d for d in dimensions if semantic.get(d) in keyed_types or not frame.schema[d].is_numeric()]
        if is_count and cells and all(semantic.get(d) in keyed_types for d in cells) and any(
                semantic.get(d) in words["area_types"] for d in cells):
            # one row per area (and period) with a number beside it: a statistic of each area,
            # which counts people only if its name says so
            people = counts_people(count_column)
            return Subject("places", count_column=count_column if people else None, dimensions=tuple(cells), counts_people=people,
                           evidence=(f"one row per {' × '.join(cells[:3])} with numbers beside it: the rows describe areas",
                                     f"'{count_column}' counts people" if people else f"'{count_column}' counts no people by its name"))
        if is_count and all(semantic.get(d, "unknown") in words["dimension_types"] for d in dimensions):
            return Subject("counts", count_column=count_column, dimensions=dimensions, counts_people=True, evidence=(
                f"'{count_column}' counts the rows of a cross-tabulation of {', '.join(dimensions[:6])}",
                "a cross-tabulation of records is taken to count people unless told otherwise"))
        return None
    schema = frame.schema
    measures = [c for c in frame.columns if schema[c].is_numeric() and semantic.get(c) not in words["not_count_types"]
                and semantic.get(c) not in ("postal_code", "place")]
    dimensions = [c for c in frame.columns if c not in measures and c not in numbering]
    if not dimensions or not measures or frame.height < 2:
        return None
    if any(semantic.get(d, "unknown") not in words["dimension_types"] for d in dimensions):
        return None
    if frame.select(dimensions).is_duplicated().any():
        return None
    if not _grid(frame, profiles, semantic, dimensions, named=False):
        return None
    counts = [c for c in measures if schema[c].is_integer() and bool((frame[c].drop_nulls() >= 0).all())]
    if not counts:
        return None
    people = [c for c in counts if counts_people(c)]
    keyed = any(profiles[d].distinct == frame.height for d in dimensions) or len(dimensions) >= 2
    if not keyed:
        return None
    count = people[0] if people else None
    # one row per area (or per area and period) with numbers beside it describes places; an
    # area among other dimensions (district x age group x sex) labels cells of a cross-tabulation
    labels = [d for d in dimensions if semantic.get(d) not in ("date", "datetime", "time")]
    about = "places" if labels and all(semantic.get(d) in words["area_types"] for d in labels) else "counts"
    evidence = [f"one row per {' × '.join(dimensions[:4])} with numbers beside it"]
    evidence.append(f"'{count}' counts people" if count else "no column counts people")
    return Subject(about, count_column=count, dimensions=tuple(dimensions), counts_people=bool(people), evidence=tuple(evidence))


def _grid(frame: pl.DataFrame, profiles: Mapping, semantic: Mapping, dimensions: Sequence[str], *, named: bool) -> bool:
    """Do the label columns among `dimensions` lay out the cells of a table? Cells are labelled
    by categories, codes, dates and areas, not by measured numbers. Beside a column named as a
    count (`named`) every other column must be such a label (zero cells are often left out, so
    the grid may be sparse). Without a named count, a guessed cross-tabulation must list most of
    the grid of its labels (every department x sex x outcome), where records scatter over a grid
    far larger than their number; or one label, unique per row, keys a series of dates or areas."""
    import math

    fine = thresholds()["cell_label_max_distinct"]
    keyed_types = set(vocabulary()["area_types"]) | {"date", "datetime", "time"}
    labels = [d for d in dimensions if semantic.get(d) in keyed_types or not frame.schema[d].is_numeric()
              or (not fractional(frame[d]) and profiles[d].distinct <= fine)]
    if named:
        return bool(labels) and len(labels) == len(dimensions)
    if not labels:
        return False
    for label in labels:
        if profiles[label].distinct == frame.height and semantic.get(label) in keyed_types:
            return True
    if frame.select(labels).is_duplicated().any():
        return False
    grid = sum(math.log(max(1, profiles[d].distinct)) for d in labels)
    return math.log(frame.height) >= grid + math.log(thresholds()["cross_tab_min_density"])
