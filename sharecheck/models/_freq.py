"""The frequency table: the one primitive every privacy model is computed from.

A frequency table is ``GROUP BY (quasi-identifiers, sensitive attributes) -> count``. Because it
is a plain table of counts, partial tables computed on chunks of a file (or on partitions of a
distributed engine) merge by concatenation and summing, and every model below reads only this
table, never the records again.

Missing values: with ``null_mode="value"`` (default) a null quasi-identifier is a value of its
own, so a record with a missing ZIP code is grouped with the other records missing their ZIP code
and is never dropped (pyCANON, by contrast, silently drops such records). With
``null_mode="wildcard"`` a null matches any value, as in sdcMicro and ARX's wildcard matching: the
class size of a record is the number of records compatible with it. Wildcard sizes only change the
class-size models (k, uniques, risks); the distribution models (l, t, delta, beta) need a
partition of the records and keep using the null-as-value classes.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Sequence

import numpy as np
import polars as pl

COUNT = "_sc_count"
CLASS = "_sc_class"
# Grouping needs at least one key; with zero QIs every record falls into this single class.
_ALL = "_sc_all"

NULL_MODES = ("value", "wildcard")


@dataclass(frozen=True)
class FrequencyTable:
    """Counts of each distinct (QIs, sensitive values) combination.

    ``cells`` holds raw values and must never leave the process: exported results carry only
    counts and metrics computed from it.
    """

    qis: tuple[str, ...]
    sensitive: tuple[str, ...]
    cells: pl.DataFrame
    null_mode: str = "value"

    @property
    def n(self) -> int:
        return int(self.cells[COUNT].sum()) if self.cells.height else 0

    @property
    def _keys(self) -> list[str]:
        return list(self.qis) if self.qis else [_ALL]

    @cached_property
    def _grouped(self) -> pl.DataFrame:
        """One row per equivalence class: QI values, class id, size, and its cells as lists.

        Grouping once and exploding the lists later gives every cell its class id without a
        join on all QI columns.
        """
        if not self.sensitive:
            # Without sensitive attributes every cell already is one class.
            return self.cells.select([*self._keys, COUNT]).with_row_index(CLASS)
        grouped = self.cells.group_by(self._keys).agg(
            [pl.col(s) for s in self.sensitive] + [pl.col(COUNT).alias("_sc_cell_counts"), pl.col(COUNT).sum()]
        )
        return grouped.with_row_index(CLASS)

    @cached_property
    def _coded(self) -> tuple[pl.DataFrame, pl.DataFrame] | None:
        """(classes, cells with their class id, grouped by class) from integer codes of the QIs,
        or None when a QI's type has no exact code (floats: -0.0, NaN) and the GROUP BY decides.

        The GROUP BY with list aggregates was most of the models' time on a large table (6 of
        16 CPU s at 6 M cells): codes combined into one integer key, a stable sort and segment
        sums give the same partition, with classes numbered in the order of their QI values.
        """
        from ._codes import combine, densify, encode_column, stable_argsort

        keys = self._keys
        if any(not _exactly_coded(self.cells.schema[key]) for key in keys):
            return None
        key, slots = None, 1
        for name in keys:
            codes, card = encode_column(self.cells[name])
            key, slots = (codes, card) if key is None else combine(key, slots, codes, card)
        class_of, n_classes = densify(key, slots)
        del key
        order = stable_argsort(class_of)
        sorted_class = class_of[order]
        del class_of
        starts = np.flatnonzero(np.r_[True, sorted_class[1:] != sorted_class[:-1]]) if order.size else order
        counts = self.cells[COUNT].to_numpy()[order]
        sizes = np.add.reduceat(counts, starts) if order.size else counts
        count_type = self.cells.schema[COUNT]
        # Column by column, each made contiguous first: a gather across the engine's many
        # chunks is ten times slower, and copying the whole table at once would double it.
        first = order[starts]
        classes = pl.DataFrame([pl.Series(CLASS, np.arange(n_classes), dtype=pl.UInt32),
                                *(self.cells[name].rechunk().gather(first) for name in keys),
                                pl.Series(COUNT, sizes).cast(count_type)])
        cells = pl.DataFrame([pl.Series(CLASS, sorted_class, dtype=pl.UInt32),
                              *(self.cells[name].rechunk().gather(order) for name in self.sensitive),
                              pl.Series(COUNT, counts).cast(count_type)])
        return classes, cells

    @cached_property
    def classes(self) -> pl.DataFrame:
        """QI values, class id and class size (null-as-value classes)."""
        if not self.sensitive:
            # Without sensitive attributes every cell is a class already: no second GROUP BY.
            return self.cells.select([*self._keys, COUNT]).with_row_index(CLASS)
        if self._coded is not None:
            return self._coded[0]
        return self._grouped.select([CLASS, *self._keys, COUNT])

    @cached_property
    def class_sizes(self) -> np.ndarray:
        """Size of each null-as-value class, indexed by class id."""
        return self.classes[COUNT].to_numpy().astype(np.int64, copy=False)

    @cached_property
    def effective_class_sizes(self) -> np.ndarray:
        """Class size each class's records experience under the table's null mode."""
        if self.null_mode == "wildcard" and self.qis:
            return _wildcard_sizes(self.classes, list(self.qis))
        return self.class_sizes

    @cached_property
    def encoded(self):
        """The classes' QI columns as integer codes (sharecheck.models._codes), made once for
        the MSU search and the QI contribution alike."""
        from ._codes import _encode_classes

        return _encode_classes(self)

    @cached_property
    def _exploded(self) -> pl.DataFrame:
        if not self.sensitive:
            return self.classes.select([CLASS, COUNT])
        if self._coded is not None:
            return self._coded[1]
        return self._grouped.select([CLASS, *self.sensitive, "_sc_cell_counts"]).explode(
            [*self.sensitive, "_sc_cell_counts"]
        ).rename({"_sc_cell_counts": COUNT})

    @cached_property
    def _sensitive_cache(self) -> dict[str, pl.DataFrame]:
        return {}

    def sensitive_counts(self, attribute: str) -> pl.DataFrame:
        """``[class id, value, count]`` for one sensitive attribute, nulls excluded.

        A null sensitive value discloses nothing about the person, so it is left out of the
        distributions; a class whose sensitive values are all null is absent from the result.
        Computed once per attribute: every distribution model reads the same counts.
        """
        if attribute not in self.sensitive:
            raise KeyError(f"{attribute!r} is not a sensitive attribute of this table")
        cached = self._sensitive_cache.get(attribute)
        if cached is None:
            cells = self._exploded.select([CLASS, attribute, COUNT]).filter(pl.col(attribute).is_not_null())
            if len(self.sensitive) > 1:
                # With one sensitive attribute the cells are already unique per (class, value).
                cells = cells.group_by([CLASS, attribute]).agg(pl.col(COUNT).sum())
            cached = self._sensitive_cache[attribute] = cells
        return cached

    def merge(self, other: "FrequencyTable") -> "FrequencyTable":
        """Combine tables computed on disjoint parts of the same data."""
        if (self.qis, self.sensitive) != (other.qis, other.sensitive):
            raise ValueError("cannot merge frequency tables over different columns")
        return merge_tables([self, other])

    def project(self, qis: Sequence[str]) -> "FrequencyTable":
        """The table over a subset of the QIs, re-aggregated from the counts (not the records)."""
        missing = set(qis) - set(self.qis)
        if missing:
            raise KeyError(f"not quasi-identifiers of this table: {sorted(missing)}")
        cells = self.cells
        keys = [*qis, *self.sensitive]
        if not qis:
            cells = cells.with_columns(pl.lit(True).alias(_ALL))
            keys = [_ALL, *self.sensitive]
        cells = cells.group_by(keys).agg(pl.col(COUNT).sum())
        return FrequencyTable(tuple(qis), self.sensitive, cells, self.null_mode)


def integer_like(dtype: pl.DataType) -> bool:
    """Types whose physical values are exact 64-bit integers (floats are not: -0.0, NaN)."""
    return dtype == pl.Boolean or dtype.is_temporal() or (dtype.is_integer() and dtype != pl.UInt64)


def _exactly_coded(dtype: pl.DataType) -> bool:
    """Types whose integer codes (models._codes) make exactly the groups a GROUP BY makes."""
    return dtype == pl.String or integer_like(dtype)


def frequency_table(
    frame,
    qis: Sequence[str],
    sensitive: Sequence[str] = (),
    *,
    null_mode: str = "value",
) -> FrequencyTable:
    """GROUP BY the QIs and sensitive attributes and count, in one pass over the records.

    ``frame`` is a polars DataFrame or LazyFrame, a DuckDB relation or a Spark DataFrame
    (sharecheck.engines); only the counts come back from an engine.
    """
    if null_mode not in NULL_MODES:
        raise ValueError(f"null_mode must be one of {NULL_MODES}, got {null_mode!r}")
    qis = tuple(dict.fromkeys(qis))
    sensitive = tuple(s for s in dict.fromkeys(sensitive) if s not in qis)
    if not isinstance(frame, pl.DataFrame):
        # A lazy scan, a DuckDB relation or a Spark DataFrame: counted in its own engine.
        from ..engines.frame import columns, frequency_cells

        _require(columns(frame), (*qis, *sensitive))
        cells, _ = frequency_cells(frame, qis, sensitive)
        return FrequencyTable(qis, sensitive, cells, null_mode)
    _require(frame.columns, (*qis, *sensitive))
    lazy = frame.lazy()
    keys = [*qis, *sensitive]
    lazy = trimmed_codes(lazy, keys)
    if not qis:
        lazy = lazy.with_columns(pl.lit(True).alias(_ALL))
        keys = [_ALL, *sensitive]
    cells = lazy.group_by(keys).agg(pl.len().cast(pl.Int64).alias(COUNT)).collect()
    return FrequencyTable(qis, sensitive, cells, null_mode)


def trimmed_codes(lazy: pl.LazyFrame, columns: Sequence[str]) -> pl.LazyFrame:
    """Text values without leading or trailing blanks: "M" and "M " are one code, and an
    equivalence class must not split on a stray space a spreadsheet left behind."""
    schema = lazy.collect_schema()
    text = [c for c in columns if schema[c] in (pl.String, pl.Categorical) or isinstance(schema[c], pl.Enum)]
    if not text:
        return lazy
    return lazy.with_columns(pl.col(c).cast(pl.String).str.strip_chars() for c in text)
def _require(names: Sequence[str], wanted: Sequence[str]) -> None:
    missing = [c for c in wanted if c not in names]
    if missing:
        raise KeyError(f"columns not in the frame: {missing}")


def merge_tables(tables: Iterable[FrequencyTable]) -> FrequencyTable:
    """Sum partial frequency tables (chunks of one file, partitions of a cluster)."""
    tables = list(tables)
    if not tables:
        raise ValueError("nothing to merge")
    first = tables[0]
    keys = [*first.qis, *first.sensitive] if first.qis else [_ALL, *first.sensitive]
    stacked = pl.concat([t.cells.select([*keys, COUNT]) for t in tables], how="vertical_relaxed")
    cells = stacked.group_by(keys).agg(pl.col(COUNT).sum())
    return FrequencyTable(first.qis, first.sensitive, cells, first.null_mode)


def _wildcard_sizes(classes: pl.DataFrame, qis: list[str]) -> np.ndarray:
    """Number of records compatible with each class when a null matches anything.

    Classes are split by their null pattern; for every pair of patterns the compatible counts
    come from one join on the columns that are non-null in both. The loop runs over patterns
    (few), never over records.
    """
    pattern_expr = pl.sum_horizontal(
        [pl.col(q).is_null().cast(pl.Int64) * (1 << i) for i, q in enumerate(qis)]
    ).alias("_sc_pattern")
    with_pattern = classes.with_columns(pattern_expr)
    patterns = sorted(with_pattern["_sc_pattern"].unique().to_list())
    by_pattern = {p: with_pattern.filter(pl.col("_sc_pattern") == p) for p in patterns}
    sizes = np.zeros(classes.height, dtype=np.int64)

    def null_columns(pattern: int) -> set[str]:
        return {q for i, q in enumerate(qis) if pattern >> i & 1}

    for p in patterns:
        targets = by_pattern[p]
        for other in patterns:
            sources = by_pattern[other]
            shared = [q for q in qis if q not in null_columns(p) | null_columns(other)]
            if not shared:
                total = int(sources[COUNT].sum())
                np.add.at(sizes, targets[CLASS].to_numpy(), total)
                continue
            compatible = sources.group_by(shared).agg(pl.col(COUNT).sum().alias("_sc_match"))
            matched = targets.select([CLASS, *shared]).join(compatible, on=shared, how="inner")
            np.add.at(sizes, matched[CLASS].to_numpy(), matched["_sc_match"].to_numpy().astype(np.int64))
    return sizes
