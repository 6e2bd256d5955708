"""A seeded mutation fuzz over CSV, JSON, Parquet and XLSX: no exit outside {0, 1, 2}, no
traceback, no hang. Budget: MUTANTS_PER_FORMAT files per format (seeded, so a failure replays),
run in one worker process per format under 2 GiB and a time limit; about a minute on 2 cores.
Raise the budget locally with SHARECHECK_FUZZ_MUTANTS=500.
"""
from __future__ import annotations

import io
import json
import os
import random
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[2]
MUTANTS_PER_FORMAT = int(os.environ.get("SHARECHECK_FUZZ_MUTANTS", "30"))
SEED = int(os.environ.get("SHARECHECK_FUZZ_SEED", "11"))
WORKER_TIMEOUT_S = 60 + 3 * MUTANTS_PER_FORMAT
MEMORY_LIMIT = 2 << 30

pytestmark = pytest.mark.hostile

_SPECIAL = [b"\x00", b"\xff", b'"', b"\n", b"\r", b",", b";", b"{", b"[", b"]", b"}", b"\x1b[31m", b"\xef\xbb\xbf",
            b"9" * 30, b"-", b"=", "Жёлудев".encode(), b"\xc3", b"NaN", b"1e999"]


def _seeds() -> dict[str, bytes]:
    frame = pl.DataFrame({
        "name": ["Zqxwvkanary", "Жёлудев", "黄晓明", "Ana", "Bo"] * 4,
        "zip": ["02115", "02116", "02117", "02118", "02119"] * 4,
        "age": list(range(20, 40)),
        "when": pl.date_range(pl.date(2020, 1, 1), pl.date(2020, 1, 20), eager=True),
        "score": [i / 3 for i in range(20)],
    })
    csv, parquet, xlsx = io.BytesIO(), io.BytesIO(), io.BytesIO()
    frame.write_csv(csv)
    frame.write_parquet(parquet)
    frame.write_excel(xlsx)
    records = json.dumps(frame.with_columns(pl.col("when").cast(pl.String)).to_dicts(), ensure_ascii=False).encode()
    return {".csv": csv.getvalue(), ".json": records, ".parquet": parquet.getvalue(), ".xlsx": xlsx.getvalue()}


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few random edits: flip, insert a special token, delete, duplicate or truncate."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not data:
            break
        at = rng.randrange(len(data))
        action = rng.randrange(6)
        if action == 0:
            data[at] ^= 1 << rng.randrange(8)
        elif action == 1:
            data[at:at] = rng.choice(_SPECIAL)
        elif action == 2:
            del data[at:at + rng.randint(1, 64)]
        elif action == 3:
            chunk = data[at:at + rng.randint(1, 256)]
            data[at:at] = chunk * rng.randint(1, 8)
        elif action == 4:
            del data[at:]
        else:
            data[at] = rng.randrange(256)
    return bytes(data)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run_worker(paths: list[Path]) -> tuple[int | None, list[dict], str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "MALLOC_ARENA_MAX": "2",
           "ARROW_DEFAULT_MEMORY_POOL": "system"}  # reserved address space is not memory use
    try:
        done = subprocess.run([sys.executable, "-m", "tests.hostile.fuzz_worker", *map(str, paths)], cwd=REPO, env=env,
                              capture_output=True, timeout=WORKER_TIMEOUT_S, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired as exc:
        lines = (exc.stdout or b"").decode("utf-8", "replace").splitlines()
        return None, [json.loads(line) for line in lines if line.startswith("{")], "timeout"
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    return done.returncode, [json.loads(line) for line in lines if line.startswith("{")], done.stderr.decode("utf-8", "replace")


def test_mutation_fuzz_finds_no_crash_traceback_or_hang(tmp_path):
    rng = random.Random(SEED)
    batches = []
    for suffix, seed in _seeds().items():
        paths = []
        for index in range(MUTANTS_PER_FORMAT):
            path = tmp_path / f"mutant{index:03d}{suffix}"
            path.write_bytes(mutate(seed, rng))
            paths.append(path)
        batches.append(paths)
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(_run_worker, batches))
    problems = []
    for paths, (code, results, stderr) in zip(batches, outcomes):
        if code != 0 or len(results) != len(paths):
            problems.append(f"worker for {paths[0].suffix}: exit {code}, {len(results)}/{len(paths)} done, {stderr[-300:]!r}")
        for result in results:
            lines = result["stderr"].strip().splitlines()
            if result["escaped"]:
                problems.append(f"{result['path']}: escaped {result['escaped'][-300:]}")
            elif result["code"] not in (0, 1, 2):
                problems.append(f"{result['path']}: exit {result['code']}")
            elif "Traceback" in result["stderr"] or "panicked" in result["stderr"]:
                problems.append(f"{result['path']}: traceback {result['stderr'][-300:]}")
            elif result["code"] == 2 and (len(lines) != 1 or "internal error" in lines[0]):
                problems.append(f"{result['path']}: not one error line: {lines[:3]}")
    assert problems == []


def test_mutator_is_seeded_and_changes_the_file():
    seed = _seeds()[".csv"]
    first = [mutate(seed, random.Random(5)) for _ in range(3)]
    again = [mutate(seed, random.Random(5)) for _ in range(3)]
    assert first == again
    assert all(mutant != seed for mutant in first)
