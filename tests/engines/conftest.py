"""One table, three engines: the same records as a polars frame, a DuckDB relation and (slow) a
Spark DataFrame from one local[2] session shared by the whole test session."""
from __future__ import annotations

import os
import shutil

import polars as pl
import pytest

# zip, age, diagnosis: classes (A,30) 3 records, (A,40) 2, (B,30) 1, (B,40) 4, (null,30) 1.
ROWS = [
    ("A", 30, "flu"), ("A", 30, "flu"), ("A", 30, "cold"),
    ("A", 40, "flu"), ("A", 40, "cancer"),
    ("B", 30, "cold"),
    ("B", 40, "flu"), ("B", 40, "flu"), ("B", 40, "flu"), ("B", 40, None),
    (None, 30, "cold"),
]
SCHEMA = {"zip": pl.String, "age": pl.Int64, "diagnosis": pl.String}
SPARK_DDL = "zip string, age long, diagnosis string"


@pytest.fixture(scope="session")
def clinic() -> pl.DataFrame:
    return pl.DataFrame(ROWS, schema=SCHEMA, orient="row")


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs a Java runtime (.ci/spark.sh installs one)")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("sharecheck-tests")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2").config("spark.driver.memory", "1g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def to_duckdb(frame: pl.DataFrame):
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    return connection.from_arrow(frame.to_arrow())


def to_spark(session, frame: pl.DataFrame, ddl: str):
    return session.createDataFrame(frame.rows(), schema=ddl)
