"""Scale benchmark: the frequency table and models on polars (streaming), DuckDB (2 GB memory
limit) and Spark local, against a bare DuckDB GROUP BY floor; writes the "scale" section of
RESULTS.md when asked (``--write``).

    python benchmarks/bench_scale.py generate --rows 10000000            # -> benchmarks/_work/
    python benchmarks/bench_scale.py run --rows 10000000 --engines floor,polars,duckdb,spark
    python benchmarks/bench_scale.py clean

Every measurement runs in a fresh child process; peak memory is the largest resident set of the
child's whole process tree (Spark's JVM included), polled every 50 ms with psutil; CPU time is
user + system of the tree. The data are 8 small-integer QIs (a generalised census: age band,
sex, race, marital status, education, region, work class, household size) and one sensitive
attribute, drawn from skewed (Zipf-like) distributions with a fixed seed.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

CARDINALITIES = {"age_band": 20, "sex": 2, "race": 5, "marital": 7, "education": 16, "region": 10,
                 "workclass": 4, "household": 3}
QIS = list(CARDINALITIES)
SENSITIVE = "diagnosis"  # 12 values
CHUNK = 5_000_000


def data_path(rows: int) -> Path:
    return WORK / f"census_{rows // 1_000_000}m.parquet"


def generate(rows: int) -> Path:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = data_path(rows)
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261201)
    weights = {name: 1.0 / np.arange(1, card + 1) ** 0.7 for name, card in {**CARDINALITIES, SENSITIVE: 12}.items()}
    weights = {name: w / w.sum() for name, w in weights.items()}
    tmp = path.with_suffix(".tmp")
    writer = None
    for start in range(0, rows, CHUNK):
        size = min(CHUNK, rows - start)
        columns = {name: pa.array(rng.choice(len(w), size, p=w).astype(np.int8)) for name, w in weights.items()}
        table = pa.table(columns)
        writer = writer or pq.ParquetWriter(tmp, table.schema, compression="zstd")
        writer.write_table(table, row_group_size=1_000_000)
    writer.close()
    tmp.rename(path)
    return path


# --- the measured jobs (each runs in a child: `python bench_scale.py job NAME PATH`) -------------

def _job_floor(path: str, memory: str) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory}'")
    con.execute(f"SET temp_directory = '{WORK / 'spill'}'")
    con.execute("SET preserve_insertion_order = false")
    keys = ", ".join([*QIS, SENSITIVE])
    result = con.sql(f"SELECT {keys}, COUNT(*) AS n FROM read_parquet('{path}') GROUP BY {keys}").arrow()
    table = result.read_all() if hasattr(result, "read_all") else result
    return {"cells": table.num_rows}


def _models(native) -> dict:
    from sharecheck.models import assess, frequency_table

    start = time.perf_counter()
    table = frequency_table(native, QIS, [SENSITIVE])
    counted = time.perf_counter() - start
    result = assess(None, QIS, [SENSITIVE], table=table, inference=False, max_msu_size=0, subset_limit=0)
    return {"cells": table.cells.height, "classes": result.k_anonymity.n_classes, "k": result.k_anonymity.k,
            "uniques": result.risk.sample_uniques, "l": result.l_diversity[0].distinct_l,
            "t": round(result.t_closeness[0].t, 6), "risk_avg": round(result.risk.prosecutor.average, 6),
            "count_s": round(counted, 2)}


def _job_polars(path: str, memory: str) -> dict:
    import polars as pl

    return _models(pl.scan_parquet(path))


def _job_duckdb(path: str, memory: str) -> dict:
    from sharecheck.engines import duckdb_connection

    con = duckdb_connection(memory, str(WORK / "spill"))
    return _models(con.read_parquet(path))


def _job_spark(path: str, memory: str) -> dict:
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").config("spark.driver.memory", memory)
             .config("spark.sql.shuffle.partitions", "8").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        return _models(spark.read.parquet(path))
    finally:
        spark.stop()


def _job_cli(path: str, memory: str, engine: str) -> dict:
    from click.testing import CliRunner

    from sharecheck.cli import cli

    args = ["scan", path, "--engine", engine, "--format", "json", "--no-inference", "--max-msu-size", "1",
            *[a for q in QIS for a in ("--qi", q)], "--sensitive", SENSITIVE]
    if engine == "duckdb":
        args += ["--memory-limit", memory, "--temp-dir", str(WORK / "spill")]
    result = CliRunner().invoke(cli, args)
    metrics = json.loads(result.output)["datasets"][0]["metrics"]
    return {"exit": result.exit_code, "k": metrics["k_anonymity"], "classes": metrics.get("classes"),
            "uniques": metrics.get("sample_uniques")}


JOBS = {"floor": _job_floor, "polars": _job_polars, "duckdb": _job_duckdb, "spark": _job_spark,
        "cli-duckdb": lambda p, m: _job_cli(p, m, "duckdb"), "cli-polars": lambda p, m: _job_cli(p, m, "polars")}


def measure(argv: list[str], env: dict | None = None) -> dict:
    """Wall time, CPU time and peak RSS of a child process tree."""
    import os

    import psutil

    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})
    proc = psutil.Process(child.pid)
    peak, cpu = 0, {}
    while child.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
            for p in tree:
                times = p.cpu_times()
                cpu[p.pid] = times.user + times.system + times.children_user + times.children_system
        except psutil.Error:
            pass
        time.sleep(0.05)
    out = child.stdout.read()
    wall = time.perf_counter() - start
    line = out.strip().splitlines()[-1] if out.strip() else "{}"
    return {"wall_s": round(wall, 2), "cpu_s": round(sum(cpu.values()), 2), "peak_rss_mb": round(peak / 2**20),
            "result": json.loads(line)}


def run(rows: int, engines: list[str], memory: str, repeats: int) -> list[dict]:
    path = data_path(rows)
    if not path.exists():
        raise SystemExit(f"{path} missing: run `generate --rows {rows}` first")
    rows_out = []
    for engine in engines:
        runs = [measure([sys.executable, __file__, "job", engine, str(path), memory]) for _ in range(repeats)]
        runs.sort(key=lambda r: r["wall_s"])
        median = runs[len(runs) // 2]
        record = {"rows": rows, "engine": engine, "memory": memory, "runs": len(runs),
                  "walls": [r["wall_s"] for r in runs], **median}
        print(json.dumps(record), flush=True)
        rows_out.append(record)
    return rows_out


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--rows", type=int, required=True)
    go = sub.add_parser("run")
    go.add_argument("--rows", type=int, required=True)
    go.add_argument("--engines", default="floor,polars,duckdb")
    go.add_argument("--memory", default="2GB")
    go.add_argument("--repeats", type=int, default=3)
    go.add_argument("--out", help="append JSON lines here")
    job = sub.add_parser("job")
    job.add_argument("name")
    job.add_argument("path")
    job.add_argument("memory")
    sub.add_parser("clean")
    args = parser.parse_args()
    if args.command == "generate":
        print(generate(args.rows))
    elif args.command == "run":
        records = run(args.rows, args.engines.split(","), args.memory, args.repeats)
        if args.out:
            with open(args.out, "a", encoding="utf-8") as handle:
                for record in records:
                    handle.write(json.dumps(record) + "\n")
    elif args.command == "job":
        print(json.dumps(JOBS[args.name](args.path, args.memory)))
    else:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
