"""Every hostile input ends in one error line (exit 2) or a correct report, within 2 GB and 60 s,
without leaking a canary value and without changing any input file.

The corpus is generated at test time (tests/hostile/make_corpus.py). Each case runs in its own
`python -m sharecheck` process with RLIMIT_AS = 2 GiB, RLIMIT_CPU = 60 s, its peak resident
memory measured by wait4, and a wall-clock kill for hangs; two run at a time.
"""
from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.hostile.make_corpus import CANARIES, CANARY_EMAIL, build

REPO = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 2 << 30
CPU_LIMIT_S = 60  # CPU seconds: on a shared 2-core runner wall time measures the neighbours
WALL_LIMIT_S = 300  # a hang (sleeping, no CPU) is killed here
WORKERS = 2

pytestmark = pytest.mark.hostile


def _limit_resources() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S + 5))


# Address space that allocators reserve but never touch is not memory use: glibc keeps a 64 MB
# arena per thread and jemalloc (pyarrow) maps large regions up front. Without these two
# settings a 100 KB workbook maps 2.2 GB of address space while its resident peak is 107 MB.
_ENV = {"MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system", "NO_COLOR": "1"}


def _hashes(directory: Path) -> dict[str, str]:
    hashes = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.endswith(".out"):
            hashes[str(path.relative_to(directory))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def run_case(args: list[str], cwd: Path, timeout: float = WALL_LIMIT_S) -> dict:
    """Run `python -m sharecheck ARGS` under the limits: exit code, output, peak RSS, CPU and wall time."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **_ENV}
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "sharecheck", *args], cwd=cwd, env=env, preexec_fn=_limit_resources,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # wait4: this child's own peak RSS and CPU time
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    elapsed = time.monotonic() - started
    return {"code": proc.returncode, "stdout": stdout.decode("utf-8", "replace"),
            "stderr": stderr.decode("utf-8", "replace"), "seconds": elapsed, "killed": elapsed >= timeout,
            "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss": usage.ru_maxrss * 1024}


def judge(item, result: dict) -> str | None:
    """A complaint about one case's outcome, or None when it held."""
    code, out, err = result["code"], result["stdout"], result["stderr"]
    if result["killed"]:
        return f"hung: killed after {WALL_LIMIT_S} s"
    if result["cpu_s"] > CPU_LIMIT_S or code in (-9, -24):  # SIGXCPU
        return f"over {CPU_LIMIT_S} CPU seconds ({result['cpu_s']:.0f})"
    if result["peak_rss"] > MEMORY_LIMIT:
        return f"peak memory {result['peak_rss'] / 2**30:.2f} GiB"
    if code not in (0, 1, 2):
        return f"exit {code}: {err.strip()[-300:]!r}"
    if "Traceback" in err or "panicked" in err:
        return f"traceback or panic on stderr: {err[-300:]!r}"
    leaked = [c for c in (*CANARIES, CANARY_EMAIL) if c in out or c in err]
    if leaked and "--show-values" not in item.args:
        return f"canary leaked: {leaked}"
    if code == 2:
        lines = err.strip().splitlines()
        if len(lines) != 1 or not lines[0].startswith("sharecheck: error:"):
            return f"error is not one 'sharecheck: error:' line: {err.strip()[:400]!r}"
        return None if item.expect in ("error", "either") else f"expected a report, got {lines[0]!r}"
    if item.expect == "error":
        return f"expected exit 2, got {code}"
    try:
        document = json.loads(out)
    except ValueError:
        return f"exit {code} without a JSON report: {out[:200]!r}"
    if err.strip() and any(not line.startswith("sharecheck: ") for line in err.strip().splitlines()):
        return f"stray stderr: {err.strip()[:300]!r}"
    return item.check(document) if item.check else None


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile")
    cases = build(directory)
    before = _hashes(directory)
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(lambda item: run_case(item.args, directory), cases))
    return directory, cases, results, before


def test_corpus_has_at_least_120_cases(corpus):
    _, cases, _, _ = corpus
    assert len(cases) >= 120
    assert len({item.name for item in cases}) == len(cases)


def test_every_hostile_case_ends_in_one_error_line_or_a_correct_report(corpus):
    _, cases, results, _ = corpus
    complaints = {item.name: complaint for item, result in zip(cases, results) if (complaint := judge(item, result))}
    assert complaints == {}


def test_hostile_inputs_are_unchanged(corpus):
    directory, _, _, before = corpus
    assert _hashes(directory) == before


def test_expected_errors_really_are_errors_and_reports_really_are_reports(corpus):
    """Near misses of the judge itself: both outcomes occur, so neither expectation is vacuous."""
    _, cases, results, _ = corpus
    codes = {item.expect: set() for item in cases}
    for item, result in zip(cases, results):
        codes[item.expect].add(result["code"])
    assert codes["error"] == {2}
    assert codes["report"] <= {0, 1} and codes["report"]
