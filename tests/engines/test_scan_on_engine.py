"""scan() and the CLI on an engine-backed release: the same report figures as the polars path."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

import sharecheck
from sharecheck.cli import cli
from sharecheck.engines import source as engine_source
from sharecheck.engines.source import UniquenessScreen

from .conftest import to_duckdb, to_spark

SETTINGS = dict(qi=["zip", "age", "sex"], sensitive=["diagnosis"], inference=False)
FIGURES = ("records", "k_anonymity", "classes", "records_below_k", "sample_uniques", "sample_uniqueness",
           "prosecutor_risk_average", "records_at_risk")


def _release(n: int = 2000, seed: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame({
        "zip": rng.choice(["021", "022", "023"], n),
        "age": rng.integers(20, 30, n),
        "sex": rng.choice(["F", "M"], n),
        "diagnosis": rng.choice(["flu", "cold", "asthma"], n),
    })


def _summary(report) -> tuple:
    dataset = report.datasets[0]
    metrics = {key: dataset.metrics[key] for key in FIGURES}
    models = {key: dataset.assessment[key] for key in ("l_diversity", "t_closeness", "risk", "k_anonymity")}
    return metrics, models, sorted(f.code for f in dataset.findings), report.verdict


def test_scan_accepts_a_duckdb_relation():
    frame = _release()
    on_duckdb = sharecheck.scan(to_duckdb(frame), name="frame", **SETTINGS)
    assert _summary(on_duckdb) == _summary(sharecheck.scan(frame, name="frame", **SETTINGS))
    assert on_duckdb.datasets[0].metrics["engine"] == "duckdb"


def test_classification_reads_a_bounded_sample(monkeypatch):
    frame = _release()
    monkeypatch.setattr(engine_source, "SAMPLE_ROWS", 500)
    release = engine_source.engine_release(to_duckdb(frame), "frame", sample_rows=500)
    assert release.frame.collect().height == 500
    assert release.source.n_rows == 2000
    assert "500 of 2,000 rows" in release.notes[0]
    # The models still count every record.
    report = sharecheck.scan(release, **SETTINGS)
    assert report.datasets[0].metrics["records"] == 2000
    assert report.datasets[0].metrics["classes"] == frame.select(pl.struct("zip", "age", "sex").n_unique()).item()


def test_screen_bounds_are_hand_computed():
    # 10 records in 8 classes: at most 2 records share, so >= 2*8 - 10 = 6 are unique.
    assert UniquenessScreen(10, 8).uniques_at_least == 2 * int(8 * 0.95) - 10
    assert UniquenessScreen(1_000_000, 990_000).nearly_unique
    assert UniquenessScreen(1_000_000, 990_000).k_is_one
    assert not UniquenessScreen(1_000_000, 500_000).k_is_one  # half as many classes as records: k unknown
    assert not UniquenessScreen(1_000_000, 800_000).nearly_unique
    assert not UniquenessScreen(999, 999).nearly_unique  # small tables are simply counted


def test_nearly_unique_release_is_reported_without_the_class_table(monkeypatch):
    n = 3000
    frame = pl.DataFrame({"badge": np.arange(n), "shift": np.arange(n) % 3, "unit": np.arange(n) % 7,
                          "diagnosis": np.where(np.arange(n) % 2 == 0, "flu", "cold")})
    monkeypatch.setattr(engine_source, "SCREEN_MIN_ROWS", 1000)
    built = []
    monkeypatch.setattr(engine_source.EngineSource, "frequency_table", lambda *a, **k: built.append(1))
    report = sharecheck.scan(to_duckdb(frame), name="staff", qi=["badge", "shift", "unit"],
                             sensitive=["diagnosis"], inference=False)
    dataset = report.datasets[0]
    assert built == []
    assert dataset.metrics["k_anonymity"] == 1 and dataset.metrics["nearly_unique"] is True
    assert dataset.metrics["sample_uniques_at_least"] >= 0.8 * n
    finding = next(f for f in dataset.findings if f.metrics.get("approx_classes"))
    assert finding.metrics["k"] == 1 and report.verdict == "fail"


def test_a_release_that_is_not_nearly_unique_is_counted(monkeypatch):
    monkeypatch.setattr(engine_source, "SCREEN_MIN_ROWS", 1000)
    report = sharecheck.scan(to_duckdb(_release()), name="frame", **SETTINGS)
    assert "nearly_unique" not in report.datasets[0].metrics


@pytest.fixture
def parquet_release(tmp_path):
    path = tmp_path / "release.parquet"
    _release().write_parquet(path)
    return path


def _cli(*args):
    return CliRunner().invoke(cli, ["scan", *map(str, args), "--format", "json", "--no-inference",
                                    "--qi", "zip", "--qi", "age", "--qi", "sex", "--sensitive", "diagnosis"])


def test_cli_duckdb_matches_polars(parquet_release, tmp_path):
    import json

    polars_run = _cli(parquet_release)
    duckdb_run = _cli(parquet_release, "--engine", "duckdb", "--memory-limit", "1GB", "--temp-dir", tmp_path / "spill")
    assert polars_run.exit_code == duckdb_run.exit_code, duckdb_run.output
    ours, theirs = (json.loads(run.output)["datasets"][0]["metrics"] for run in (duckdb_run, polars_run))
    assert {key: ours[key] for key in FIGURES} == {key: theirs[key] for key in FIGURES}


def test_cli_passing_release_on_duckdb_exits_0(tmp_path):
    path = tmp_path / "safe.parquet"
    pl.DataFrame({"zip": ["021", "022"] * 50, "age": [30] * 100, "sex": ["F"] * 100,
                  "diagnosis": ["flu", "cold", "asthma", "flu"] * 25}).write_parquet(path)
    result = CliRunner().invoke(cli, ["scan", str(path), "--engine", "duckdb", "--no-inference", "--qi", "zip",
                                      "--qi", "age", "--qi", "sex", "--threshold", "t_max=1",
                                      "--threshold", "l_distinct_min=1", "--fail-on", "error"])
    assert result.exit_code == 0, result.output


def test_cli_failing_release_on_duckdb_exits_1(tmp_path, clinic):
    path = tmp_path / "clinic.parquet"
    clinic.write_parquet(path)
    result = CliRunner().invoke(cli, ["scan", str(path), "--engine", "duckdb", "--no-inference", "--qi", "zip",
                                      "--qi", "age", "--sensitive", "diagnosis", "--format", "json"])
    assert result.exit_code == 1, result.output
    import json

    metrics = json.loads(result.output)["datasets"][0]["metrics"]
    assert (metrics["k_anonymity"], metrics["classes"], metrics["sample_uniques"]) == (1, 5, 2)


def test_cli_engine_errors_are_one_line_exit_2(parquet_release, tmp_path):
    bad_limit = _cli(parquet_release, "--engine", "duckdb", "--memory-limit", "lots")
    assert bad_limit.exit_code == 2 and "memory-limit" in bad_limit.output
    polars_limit = _cli(parquet_release, "--memory-limit", "1GB")
    assert polars_limit.exit_code == 2
    missing = _cli(tmp_path / "absent.parquet", "--engine", "duckdb")
    assert missing.exit_code == 2 and "Traceback" not in missing.output


@pytest.mark.slow
def test_scan_accepts_a_spark_dataframe(spark):
    frame = _release()
    native = to_spark(spark, frame, "zip string, age long, sex string, diagnosis string")
    assert _summary(sharecheck.scan(native, name="frame", **SETTINGS)) == _summary(sharecheck.scan(frame, name="frame", **SETTINGS))


@pytest.mark.slow
def test_cli_spark_reads_a_path(spark, parquet_release):
    import json

    spark_run, polars_run = _cli(parquet_release, "--engine", "spark"), _cli(parquet_release)
    assert spark_run.exit_code == polars_run.exit_code, spark_run.output
    ours, theirs = (json.loads(run.output)["datasets"][0]["metrics"] for run in (spark_run, polars_run))
    assert {key: ours[key] for key in FIGURES} == {key: theirs[key] for key in FIGURES}
