"""A release whose records stay in an engine (polars lazy scan, DuckDB, Spark).

Only two things ever come back into Python: a bounded sample for profiling and classification,
and the frequency table the models read. Before building that table we ask the engine for an
approximate distinct count of the QI combinations: when nearly every record is its own class the
table would be as large as the data, and the answer (k = 1, almost all records unique) is
already known, so we report it instead of materialising the table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Sequence

from ..release import Release
from . import backends, frame

# Profiling and classification read this many records from the engine, never more.
SAMPLE_ROWS = 200_000
# Above this share of distinct QI combinations per record, and with at least SCREEN_MIN_ROWS
# records, the class table is not built (it would be almost as large as the data).
NEARLY_UNIQUE_SHARE = 0.9
SCREEN_MIN_ROWS = 1_000_000
# HyperLogLog's relative error on these engines is about 2% (DuckDB, Spark rsd=0.02, polars);
# bounds below assume the true count is at least this fraction of the estimate.
_HLL_MARGIN = 0.95


@dataclass(frozen=True)
class UniquenessScreen:
    """What an approximate distinct count proves about class sizes, before any GROUP BY."""

    records: int
    approx_classes: int

    @property
    def share(self) -> float:
        return self.approx_classes / self.records if self.records else 0.0

    @property
    def nearly_unique(self) -> bool:
        return self.records >= SCREEN_MIN_ROWS and self.share >= NEARLY_UNIQUE_SHARE

    @property
    def uniques_at_least(self) -> int:
        """Lower bound on records alone in their class: with d classes over n records and every
        non-unique class holding two or more, uniques >= 2d - n."""
        return max(0, 2 * int(self.approx_classes * _HLL_MARGIN) - self.records)

    @property
    def k_is_one(self) -> bool:
        # More classes than half the records forces at least one class of size 1.
        return self.uniques_at_least > 0

    def to_dict(self) -> dict:
        return {"records": self.records, "approx_classes": self.approx_classes, "share": round(self.share, 4),
                "nearly_unique": self.nearly_unique, "sample_uniques_at_least": self.uniques_at_least,
                "k": 1 if self.k_is_one else None}


@dataclass(frozen=True)
class EngineSource:
    """A frame living in an engine; ``engine`` is polars, duckdb or pyspark."""

    native: Any
    location: str
    seed: int = 0
    # Closes an engine session sharecheck opened itself (the CLI's DuckDB connection); a frame
    # the caller passed in keeps its session.
    close: Callable[[], None] | None = field(default=None, compare=False, repr=False)

    @property
    def engine(self) -> str:
        return frame.engine_name(self.native)

    @cached_property
    def n_rows(self) -> int:
        return frame.row_count(self.native)

    @cached_property
    def columns(self) -> list[str]:
        return frame.columns(self.native)

    def sample(self, rows: int = SAMPLE_ROWS):
        return backends.sample(self.native, rows, self.n_rows, seed=self.seed)

    def screen(self, qis: Sequence[str]) -> UniquenessScreen:
        return UniquenessScreen(self.n_rows, backends.approx_distinct(self.native, list(qis)))

    def frequency_table(self, qis: Sequence[str], sensitive: Sequence[str] = (), null_mode: str = "value"):
        from ..models._freq import frequency_table

        return frequency_table(self.native, qis, sensitive, null_mode=null_mode)

    def release(self) -> None:
        """End a session sharecheck opened once nothing more is read from it: DuckDB keeps the
        memory of its hash tables (hundreds of MB at 100 M rows) until its connection closes,
        and the models on the fetched table need that memory more."""
        if self.close is not None:
            self.close()


@dataclass(frozen=True)
class EngineRelease(Release):
    """A Release whose ``frame`` is the bounded sample; ``source`` holds every record."""

    source: EngineSource | None = field(default=None, compare=False)


def engine_release(native: Any, name: str, location: str | None = None, *, sample_rows: int = SAMPLE_ROWS,
                   seed: int = 0, close: Callable[[], None] | None = None) -> EngineRelease:
    source = EngineSource(native, location or f"<{name}>", seed, close)
    sampled = source.sample(sample_rows)
    notes = ()
    if sampled.height < source.n_rows:
        notes = (f"profiled and classified on a sample of {sampled.height:,} of {source.n_rows:,} rows drawn by "
                 f"{source.engine}; privacy models on all rows, computed in {source.engine}",)
    return EngineRelease(name=name, frame=sampled.lazy(), format=source.engine, notes=notes, source=source)


def open_release(location: str, engine: str, *, memory_limit: str | None = None, temp_dir: str | None = None,
                 sample_rows: int = SAMPLE_ROWS, seed: int = 0) -> EngineRelease:
    """A path, folder, URI or table name, read lazily by ``engine``."""
    native, close = backends.open_owned(location, engine, memory_limit=memory_limit, temp_dir=temp_dir)
    name = location.rstrip("/").rsplit("/", 1)[-1] or location
    return engine_release(native, name, location, sample_rows=sample_rows, seed=seed, close=close)
