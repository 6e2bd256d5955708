"""The aggregation seam, written once with narwhals: every privacy model reads only the
frequency table (GROUP BY QIs and sensitive attributes -> count), so this is the only code that
touches the records of a large release, and it runs unchanged on polars, DuckDB and Spark.

The records stay in the engine; only the counted table (one row per distinct combination) comes
back, as a polars frame, for the models.
"""
from __future__ import annotations

from typing import Any, Sequence

import polars as pl

COUNT = "_sc_count"
_ALL = "_sc_all"


def _lazy(native: Any):
    import narwhals as nw

    frame = nw.from_native(native)
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def _to_polars(lazy) -> pl.DataFrame:
    import narwhals as nw

    if lazy.implementation is nw.Implementation.POLARS:
        # Streaming keeps a scan of a file larger than memory out of memory.
        return lazy.collect(backend="polars", engine="streaming").to_native()
    return lazy.collect(backend="polars").to_native()


def engine_name(native: Any) -> str:
    """polars, duckdb or pyspark: which engine a frame lives in (decided by its type, no import)."""
    module = type(native).__module__.split(".")[0]
    if module in ("polars", "duckdb", "pyspark"):
        return module
    raise TypeError(f"not a frame sharecheck can scan: {type(native).__name__}")


def columns(native: Any) -> list[str]:
    return list(_lazy(native).collect_schema().names())


def row_count(native: Any) -> int:
    import narwhals as nw

    return int(_to_polars(_lazy(native).select(nw.len().alias("n"))).item())


def frequency_cells(native: Any, qis: Sequence[str], sensitive: Sequence[str] = ()) -> tuple[pl.DataFrame, list[str]]:
    """``GROUP BY (qis, sensitive) -> count`` on the frame's own engine; returns cells and keys.

    Null keys form a group of their own on every engine (SQL GROUP BY semantics), which is the
    null-as-value class the models expect.
    """
    import narwhals as nw

    lazy = _lazy(native)
    keys = [*qis, *sensitive]
    if not qis:
        lazy = lazy.with_columns(nw.lit(True).alias(_ALL))
        keys = [_ALL, *sensitive]
    counted = lazy.group_by(keys).agg(nw.len().cast(nw.Int64).alias(COUNT))
    return _to_polars(counted), keys


def distinct_counts(native: Any, names: Sequence[str]) -> dict[str, int]:
    """Exact number of distinct values (null counted as one) of each column, in one pass."""
    import narwhals as nw

    if not names:
        return {}
    row = _to_polars(_lazy(native).select([nw.col(n).n_unique().alias(n) for n in names])).row(0)
    return dict(zip(names, map(int, row)))
