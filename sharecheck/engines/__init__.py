"""Engines: where the records of a release live while the models run.

``EngineSource`` wraps a polars LazyFrame, a DuckDB relation or a Spark DataFrame; the
frequency table is built in that engine through one narwhals seam (``frame.frequency_cells``)
and only the counted table comes back. ``open_release(path_or_table, engine)`` reads a file,
folder, URI or catalogue table; ``engine_release(frame, name)`` wraps a frame the caller has.
"""
from .backends import ENGINES, approx_distinct, duckdb_connection, open_source, sample, spark_session
from .frame import distinct_counts, engine_name, frequency_cells, row_count
from .source import EngineRelease, EngineSource, UniquenessScreen, engine_release, open_release

__all__ = [
    "ENGINES",
    "EngineRelease",
    "EngineSource",
    "UniquenessScreen",
    "approx_distinct",
    "distinct_counts",
    "duckdb_connection",
    "engine_name",
    "engine_release",
    "frequency_cells",
    "open_release",
    "open_source",
    "row_count",
    "sample",
    "spark_session",
]
