"""What narwhals cannot say once for every engine: opening a source, drawing a bounded sample,
and an approximate distinct count (HyperLogLog). Each is a few lines per engine.

Engines are imported only when asked for: a polars scan never imports DuckDB or Spark.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import polars as pl

from ..errors import InputError, UsageError
from .frame import engine_name

ENGINES = ("polars", "duckdb", "spark")


def _import(module: str, extra: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise UsageError(f"--engine {extra} needs {module}: pip install 'sharecheck[{extra}]'") from None


def duckdb_connection(memory_limit: str | None = None, temp_dir: str | None = None, threads: int | None = None):
    """A private DuckDB connection that spills to ``temp_dir`` instead of exceeding ``memory_limit``."""
    duckdb = _import("duckdb", "duckdb")
    connection = duckdb.connect(":memory:")
    try:
        if memory_limit:
            connection.execute(f"SET memory_limit = '{_size(memory_limit)}'")
        if temp_dir:
            Path(temp_dir).mkdir(parents=True, exist_ok=True)
            connection.execute(f"SET temp_directory = '{_quote(str(temp_dir))}'")
        if threads:
            connection.execute(f"SET threads = {int(threads)}")
        # Order of rows never matters to a GROUP BY; dropping it lets DuckDB spill and stream.
        connection.execute("SET preserve_insertion_order = false")
    except duckdb.Error as exc:
        raise UsageError(f"DuckDB setting rejected: {str(exc).splitlines()[0]}") from None
    return connection


def _size(text: str) -> str:
    text = str(text).strip()
    digits = text.rstrip("KMGTBkmgtib ")
    try:
        float(digits)
    except ValueError:
        raise UsageError(f"--memory-limit: expected a size such as 4GB, got {text!r}") from None
    return text


def _quote(text: str) -> str:
    return text.replace("'", "''")


def spark_session():
    """The user's Spark session (or a local one): whatever ``getOrCreate`` finds configured."""
    _import("pyspark", "spark")
    from pyspark.sql import SparkSession

    return SparkSession.builder.appName("sharecheck").getOrCreate()


_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "csv", ".json": "json",
            ".ndjson": "json", ".jsonl": "json", ".orc": "orc"}


def _format(location: str) -> str | None:
    path = Path(location.rstrip("/"))
    if path.is_dir():
        inner = sorted(p.suffix.lower() for p in path.rglob("*") if p.suffix.lower() in _FORMATS)
        return _FORMATS[inner[0]] if inner else None
    return _FORMATS.get(path.suffix.lower())


def open_source(location: str, engine: str, *, memory_limit: str | None = None, temp_dir: str | None = None) -> Any:
    """A lazy frame over a file, folder, URI or table name, living in ``engine``."""
    return open_owned(location, engine, memory_limit=memory_limit, temp_dir=temp_dir)[0]


def open_owned(location: str, engine: str, *, memory_limit: str | None = None, temp_dir: str | None = None):
    """``(lazy frame, close)``: ``close`` ends the engine session opened here (None when the
    engine's session is the user's, as Spark's ``getOrCreate`` is)."""
    if engine == "duckdb":
        connection = duckdb_connection(memory_limit, temp_dir)
        return _duckdb_source(connection, location), connection.close
    return _open(location, engine), None


def _duckdb_source(connection, location: str) -> Any:
    fmt = _format(location)
    pattern = f"{location.rstrip('/')}/**/*.{'parquet' if fmt == 'parquet' else fmt}" if Path(location).is_dir() else location
    try:
        if fmt == "parquet":
            return connection.read_parquet(pattern)
        if fmt == "csv":
            return connection.read_csv(pattern, sep="\t" if location.endswith(".tsv") else None)
        if fmt == "json":
            return connection.read_json(pattern)
        return connection.table(location)
    except Exception as exc:  # duckdb raises its own hierarchy; one line either way
        raise InputError(f"{location}: DuckDB cannot read it: {str(exc).splitlines()[0]}") from None


def _open(location: str, engine: str) -> Any:
    if engine == "spark":
        spark = spark_session()
        fmt = _format(location) if "://" not in location else _FORMATS.get(Path(location).suffix.lower(), "parquet")
        try:
            if fmt is None and not os.path.exists(location):
                return spark.table(location)  # a Hive / catalogue table name
            reader = spark.read
            if fmt == "csv":
                reader = reader.option("header", True).option("inferSchema", True)
                if location.endswith(".tsv"):
                    reader = reader.option("sep", "\t")
            return reader.format(fmt or "parquet").load(location)
        except Exception as exc:  # AnalysisException and friends
            raise InputError(f"{location}: Spark cannot read it: {str(exc).splitlines()[0]}") from None
    if engine == "polars":
        suffix = Path(location).suffix.lower()
        if suffix in (".parquet", ".pq"):
            return pl.scan_parquet(location)
        return pl.scan_csv(location, infer_schema_length=10_000)
    raise UsageError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def sample(native: Any, rows: int, total: int, seed: int = 0) -> pl.DataFrame:
    """At most ``rows`` records drawn without replacement, repeatably, as a polars frame."""
    kind = engine_name(native)
    if kind == "polars":
        lazy = native.lazy() if isinstance(native, pl.DataFrame) else native
        every = max(1, -(-total // rows))
        return lazy.gather_every(every).head(rows).collect(engine="streaming")
    if kind == "duckdb":
        if total <= rows:
            return native.pl()
        sampled = native.query("_sc_source", f"SELECT * FROM _sc_source USING SAMPLE reservoir({int(rows)} ROWS) REPEATABLE ({int(seed)})")
        return sampled.pl()
    if kind == "pyspark":
        frame = native if total <= rows else native.sample(withReplacement=False, fraction=min(1.0, 1.2 * rows / total), seed=seed).limit(rows)
        import narwhals as nw

        return nw.from_native(frame).collect(backend="polars").to_native()
    raise TypeError(f"cannot sample a {kind} frame")


def approx_distinct(native: Any, names: Sequence[str]) -> int:
    """Approximate number of distinct combinations of ``names`` (HyperLogLog; a few % error)."""
    kind = engine_name(native)
    if not names:
        return 1
    if kind == "polars":
        lazy = native.lazy() if isinstance(native, pl.DataFrame) else native
        return int(lazy.select(pl.struct(list(names)).hash().approx_n_unique()).collect(engine="streaming").item())
    if kind == "duckdb":
        columns = ", ".join('"' + n.replace('"', '""') + '"' for n in names)
        return int(native.query("_sc_source", f"SELECT approx_count_distinct(hash({columns})) FROM _sc_source").fetchall()[0][0])
    if kind == "pyspark":
        from pyspark.sql import functions as F

        # A struct of the columns keeps null-bearing combinations apart (concat would drop them).
        return int(native.select(F.approx_count_distinct(F.struct(*[F.col(f"`{n}`") for n in names]), rsd=0.02)).first()[0])
    raise TypeError(f"cannot count a {kind} frame")
