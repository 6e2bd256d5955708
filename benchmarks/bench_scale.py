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


def _models(native, release=None) -> dict:
    from sharecheck.models import assess, frequency_table

    start = time.perf_counter()
    table = frequency_table(native, QIS, [SENSITIVE])
    counted = time.perf_counter() - start
    if release is not None:
        release()  # as `scan --engine duckdb` does (sharecheck/engines/models.py)
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
    return _models(con.read_parquet(path), con.close)


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


def measure(argv: list[str], env: dict | None = None, cwd: str | None = None) -> dict:
    """Wall time, CPU time and peak RSS of a child process tree."""
    import os

    import psutil

    load = os.getloadavg()[0]
    start = time.perf_counter()
    # cwd away from any checkout: `python -c` puts the working directory first on sys.path.
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=cwd or str(WORK.parent.parent.parent),
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
            "load_1m": round(load, 1), "result": json.loads(line)}


def run(rows: int, engines: list[str], memory: str, repeats: int) -> list[dict]:
    path = data_path(rows)
    if not path.exists():
        raise SystemExit(f"{path} missing: run `generate --rows {rows}` first")
    rows_out = []
    for engine in engines:
        runs = [measure([sys.executable, str(HERE / "bench_scale.py"), "job", engine, str(path), memory]) for _ in range(repeats)]
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
    wr = sub.add_parser("write")
    wr.add_argument("--adult")
    wr.add_argument("--runs", nargs="*", default=[])
    wr.add_argument("--notes", help="a Markdown file appended to the section (what the figures mean)")
    ad = sub.add_parser("adult")
    ad.add_argument("--repeats", type=int, default=5)
    ad.add_argument("--no-pycanon", action="store_true", help="skip pyCANON's runs (while iterating)")
    ad.add_argument("--before", type=Path, help="another checkout to measure alongside (before/after in the same minutes)")
    rel = sub.add_parser("releases")
    rel.add_argument("--variants", default="current")
    for command in (ad, rel):
        command.add_argument("--out", required=True)
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
    elif args.command == "write":
        write_section(args.adult, args.runs, args.notes or "")
    elif args.command in ("adult", "releases"):
        records = adult(args.repeats, not args.no_pycanon, args.before) if args.command == "adult" else releases(args.variants.split(","))
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(records, handle)
    else:
        shutil.rmtree(WORK, ignore_errors=True)



# --- fresh-process scans (Adult against pyCANON; every real release) ---------------------------

_SCAN_RUNNER = """
import json, sys, time
from sharecheck.cli import main
sys.argv = ["sharecheck", "scan", sys.argv[1], "--format", "json", "-o", sys.argv[4], *sys.argv[5:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps({"cpu_s": time.process_time(), "presidio": "presidio_analyzer" in sys.modules,
                  "sklearn": "sklearn" in sys.modules, "scipy": "scipy" in sys.modules}))
"""

_PYCANON_RUNNER = """
import json, sys, time
import pandas as pd
import pycanon.anonymity as pc
data = pd.read_csv(sys.argv[1], sep=";")
qis = ["sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation"]
k = pc.k_anonymity(data, qis)
l = pc.l_diversity(data, qis, ["salary-class"])
t = pc.t_closeness(data, qis, ["salary-class"])
print(json.dumps({"cpu_s": time.process_time(), "k": int(k), "l": int(l), "t": float(t)}))
"""

ADULT_ARGS = ["--qi", "workclass", "--sensitive", "salary-class"]


def fresh_scan(path: Path, variant: str, extra: list[str], repo: Path = REPO) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        record = measure([sys.executable, "-c", _SCAN_RUNNER, str(path), variant, str(HERE), str(out), *extra],
                         env={"PYTHONPATH": str(repo)}, cwd=tmp)
        if out.exists():
            dataset = json.loads(out.read_text())["datasets"][0]
            metrics = dataset["metrics"]
            assessment = dataset.get("assessment") or {}
            record["figures"] = {"k": metrics.get("k_anonymity"), "classes": metrics.get("classes"),
                                 "uniques": metrics.get("sample_uniques"),
                                 "l": [r["distinct_l"] for r in assessment.get("l_diversity", [])],
                                 "t": [r["t"] for r in assessment.get("t_closeness", [])],
                                 "lift": [r["lift"] for r in assessment.get("inference", [])],
                                 "roles": {c["name"]: (c["role"], c["semantic_type"]) for c in dataset["columns"]},
                                 "codes": sorted(f["code"] for f in dataset["findings"])}
        else:  # a scan that failed must not pass for a fast one
            raise SystemExit(f"no report from the scan of {path} ({repo}): {record['result']}")
    return record


def installed_copy(repo: Path, target: Path) -> Path:
    """What `pip install sharecheck` gives a user: the wheel built from `repo`, installed (without
    dependencies, which are already here) into `target`. pip compiles the bytecode at install
    time whatever PYTHONDONTWRITEBYTECODE says, so the fresh process imports .pyc files; a
    source checkout in this environment (PYTHONDONTWRITEBYTECODE=1) compiles every module at
    every start."""
    wheels = target / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(repo)],
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target / "site"),
                    *map(str, wheels.glob("*.whl"))], check=True, capture_output=True)
    return target / "site"


_IMPORT_FLOOR = "import time, polars, numpy; print(__import__('json').dumps({'cpu_s': time.process_time()}))"


def adult(repeats: int, pycanon: bool = True, before: Path | None = None) -> list[dict]:
    """Fresh-process scans of Adult with this checkout (the presidio gate is part of the scan,
    `sharecheck/pii/presidio_gate.py`), with and without the inference model, from the source
    tree and from the installed wheel; the interpreter with polars and numpy imported (what no
    change to sharecheck can remove); then pyCANON's k, l and t on the same file. The cases
    alternate within each repeat, so that a change in the machine's load hits them alike.
    `before`: another checkout (the commit before a change), measured the same way in the same
    minutes."""
    import tempfile

    from _results import SHARED_DATASETS

    path = SHARED_DATASETS / "adult" / "adult_arx.csv"
    no_inference = [*ADULT_ARGS, "--no-inference"]
    with tempfile.TemporaryDirectory() as tmp:
        site = installed_copy(REPO, Path(tmp))
        cases = [("default scan, installed wheel", ADULT_ARGS, site), ("--no-inference, installed wheel", no_inference, site),
                 ("default scan, source checkout", ADULT_ARGS, REPO), ("--no-inference, source checkout", no_inference, REPO)]
        if before is not None:
            old_site = installed_copy(before, Path(tmp) / "before")
            cases += [("before: default scan, installed wheel", ADULT_ARGS, old_site),
                      ("before: --no-inference, installed wheel", no_inference, old_site),
                      ("before: default scan, source checkout", ADULT_ARGS, before),
                      ("before: --no-inference, source checkout", no_inference, before)]
        runs = {label: [] for label, _, _ in cases}
        floor = []
        for _ in range(repeats):
            for label, extra, tree in cases:
                runs[label].append(fresh_scan(path, "current", extra, tree))
            floor.append(measure([sys.executable, "-c", _IMPORT_FLOOR], cwd="/tmp"))
    out = []
    for label, _, _ in cases:
        ordered = sorted(runs[label], key=lambda r: r["result"]["cpu_s"])
        record = {"case": label, "walls": [r["wall_s"] for r in runs[label]], "cpus": [r["result"]["cpu_s"] for r in runs[label]],
                  "loads": [r["load_1m"] for r in runs[label]], **ordered[len(ordered) // 2]}
        print(json.dumps({k: v for k, v in record.items() if k != "figures"}), flush=True)
        out.append(record)
    ordered = sorted(floor, key=lambda r: r["result"]["cpu_s"])
    out.append({"case": "python -c 'import polars, numpy' (floor)", "walls": [r["wall_s"] for r in floor],
                "cpus": [r["result"]["cpu_s"] for r in floor], "loads": [r["load_1m"] for r in floor], **ordered[len(ordered) // 2]})
    print(json.dumps(out[-1]), flush=True)
    if pycanon:
        runs = [measure([sys.executable, "-c", _PYCANON_RUNNER, str(path)], cwd="/tmp") for _ in range(repeats)]
        ordered = sorted(runs, key=lambda r: r["result"]["cpu_s"])
        record = {"case": "pyCANON k, l, t (pandas read + the three calls)", "walls": [r["wall_s"] for r in runs],
                  "cpus": [r["result"]["cpu_s"] for r in runs], "loads": [r["load_1m"] for r in runs], **ordered[len(ordered) // 2]}
        print(json.dumps(record), flush=True)
        out.append(record)
    return out


def releases(variants: list[str]) -> list[dict]:
    from _results import SHARED_DATASETS

    paths = sorted(p for p in SHARED_DATASETS.rglob("*") if p.suffix.lower() in (".csv", ".parquet", ".json", ".geojson")
                   and "adult" not in p.parts)
    out = []
    for variant in variants:
        for path in paths:
            record = fresh_scan(path, variant, [])
            record.update({"variant": variant, "path": str(path.relative_to(SHARED_DATASETS))})
            print(json.dumps({k: v for k, v in record.items() if k != "figures"} | {"codes": record.get("figures", {}).get("codes")}), flush=True)
            out.append(record)
    return out


# --- the RESULTS.md section (`write --adult A.json --runs R.jsonl [R2.jsonl ...]`) -------------

def _median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else None


def _fmt(value, digits=2):
    if value is None or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(_fmt(v, digits) for v in value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _adult_markdown(records: list[dict]) -> str:
    pycanon = next((r for r in records if r["case"].startswith("pyCANON")), None)
    lines = ["| run | CPU s (runs) | median CPU s | × pyCANON CPU | median wall s | peak RSS MB | load (1 min) | k | classes | uniques | l | t | inference lift |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for record in records:
        cpu = _median(record["cpus"])
        ratio = f"{_median(pycanon['cpus']) / cpu:.1f}×" if pycanon and record is not pycanon and "floor" not in record["case"] else "–"
        figures = record.get("figures") or {}
        result = record.get("result") or {}
        l_value = figures.get("l") or ([result["l"]] if "l" in result else [])
        t_value = figures.get("t") or ([result["t"]] if "t" in result else [])
        lines.append(f"| {record['case']} | {_fmt(record['cpus'])} | {_fmt(cpu)} | {ratio} | {_fmt(_median(record['walls']), 1)} | "
                     f"{_fmt(record.get('peak_rss_mb'))} | {_fmt(record['loads'], 1)} | {_fmt(figures.get('k', result.get('k')))} | "
                     f"{_fmt(figures.get('classes'))} | {_fmt(figures.get('uniques'))} | {_fmt(l_value)} | {_fmt(t_value, 6)} | "
                     f"{_fmt(figures.get('lift'), 4)} |")
    return "\n".join(lines)


def _engines_markdown(records: list[dict]) -> str:
    # Each runs file is one batch measured in the same minutes: an engine is compared with the
    # floor of its own batch, since the load (and so wall time) drifts between batches.
    floors = {(r["batch"], r["rows"]): r for r in records if r["engine"] == "floor"}
    lines = ["| batch | rows | engine | runs | wall s (median; all) | × floor wall | CPU s | × floor CPU | peak RSS MB | load (1 min) | cells | classes | k | uniques | l | t | avg risk |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    names = {"floor": "DuckDB GROUP BY floor", "duckdb": "DuckDB, 2 GB limit", "duckdb-before": "DuckDB, 2 GB limit, before the round",
             "polars": "polars streaming", "spark": "Spark local[2], 2 GB driver"}
    for r in sorted(records, key=lambda r: (r["batch"], r["rows"], list(names).index(r["engine"]) if r["engine"] in names else 9)):
        floor, result = floors.get((r["batch"], r["rows"])), r["result"]
        over_wall = f"{r['wall_s'] / floor['wall_s']:.2f}×" if floor and r is not floor else "–"
        over_cpu = f"{r['cpu_s'] / floor['cpu_s']:.2f}×" if floor and r is not floor else "–"
        lines.append(f"| {r['batch']} | {r['rows'] // 1_000_000} M | {names.get(r['engine'], r['engine'])} | {r['runs']} | {r['wall_s']:.1f} ({_fmt(r['walls'], 1)}) | "
                     f"{over_wall} | {r['cpu_s']:.1f} | {over_cpu} | {r['peak_rss_mb']:,} | {_fmt(r.get('load_1m'), 1)} | "
                     f"{_fmt(result.get('cells'))} | {_fmt(result.get('classes'))} | {_fmt(result.get('k'))} | {_fmt(result.get('uniques'))} | "
                     f"{_fmt(result.get('l'))} | {_fmt(result.get('t'), 6)} | {_fmt(result.get('risk_avg'), 6)} |")
    return "\n".join(lines)


def write_section(adult_path: str | None, run_paths: list[str], notes: str = "") -> None:
    from _results import machine_line, update_section

    parts = [f"## Scale: fresh-process start, engines, larger than memory (`benchmarks/bench_scale.py`)\n\n"
             f"{machine_line()}. The machine is shared by several sessions: the 1-minute load average is "
             "recorded next to every figure; CPU time (user + system of the whole process tree, Spark's JVM "
             "included) is the comparable number, wall time is inflated by the load."]
    if adult_path:
        records = json.loads(Path(adult_path).read_text())
        parts.append("### Fresh-process scan of Adult (ARX copy, 30,162 rows, 8 QIs, salary-class sensitive)\n\n"
                     "`python benchmarks/bench_scale.py adult --repeats 3 [--before DIR] --out A.json`: each run is "
                     "`sharecheck scan adult_arx.csv --qi workclass --sensitive salary-class --format json -o …` "
                     "in a fresh process (working directory outside any checkout); \"installed wheel\" is the wheel built "
                     "from the checkout and installed by pip (which compiles bytecode), \"source checkout\" runs it on PYTHONPATH "
                     "(this environment sets PYTHONDONTWRITEBYTECODE, so every module is compiled at every start); "
                     "\"before\" rows are the code before this round (`--before DIR`), in the same minutes. "
                     "The presidio gate (`sharecheck/pii/presidio_gate.py`) is part of every scan. pyCANON: pandas read plus "
                     "`k_anonymity`, `l_diversity`, `t_closeness` on the same QIs.\n\n" + _adult_markdown(records))
    runs = [{**json.loads(line), "batch": batch} for batch, path in enumerate(run_paths, 1)
            for line in Path(path).read_text().splitlines() if line.strip()]
    if runs:
        parts.append("### Engines: 8 QIs + 1 sensitive attribute, Parquet\n\n"
                     "`python benchmarks/bench_scale.py generate --rows N`, then "
                     "`python benchmarks/bench_scale.py run --rows N --engines floor,duckdb,polars[,spark] --repeats R --out R.jsonl`. "
                     "\"floor\" is a bare DuckDB `SELECT q…, s, COUNT(*) … GROUP BY q…, s` fetched to Arrow under the "
                     "same 2 GB limit; the others build sharecheck's frequency table on the engine and run every model "
                     "on it (k, α-k, l, t, δ/β, risks, QI contribution; no MSU search, no inference). Peak RSS is the "
                     "whole process tree polled every 50 ms.\n\n" + _engines_markdown(runs))
    if notes:
        parts.append(Path(notes).read_text().strip())
    update_section("scale", "\n\n".join(parts))


if __name__ == "__main__":
    main()
