"""The index under concurrency, interruption and change: two writers, kill -9, files that vanish,
move, break or change, folders that hold software, files that are not an index."""
from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from sharecheck.catalogue import Catalogue
from sharecheck.catalogue.keys import KEY_ENV
from sharecheck.cli import cli

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)


def _release(i: int, n: int = 40) -> pl.DataFrame:
    return pl.DataFrame({
        "zip": [f"0{2100 + (i + r) % 30}" for r in range(n)],
        "age": [20 + (i * 3 + r) % 50 for r in range(n)],
        "sex": ["F" if (i + r) % 2 else "M" for r in range(n)],
    })


def _portal(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        _release(i).write_csv(folder / f"release_{i:02d}.csv")
    return folder


def _sharecheck(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop(KEY_ENV, None)
    return subprocess.Popen([sys.executable, "-m", "sharecheck", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _consistent(index: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(index) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT path, resource FROM releases").fetchall()
        orphans = db.execute("SELECT COUNT(*) FROM columns WHERE release_id NOT IN (SELECT id FROM releases)").fetchone()[0]
    assert orphans == 0
    assert len(rows) == len(set(rows))
    return rows


def test_two_concurrent_writers_always_leave_a_consistent_index(tmp_path):
    portal = _portal(tmp_path / "portal", 3)
    for trial in range(8):
        index = tmp_path / f"index_{trial}.sqlite"
        writers = [_sharecheck("catalogue", "index", str(portal), "--index", str(index), "-q") for _ in range(2)]
        results = [w.communicate(timeout=300) + (w.returncode,) for w in writers]
        assert [code for _, _, code in results] == [0, 0], [err for _, err, _ in results]
        assert len(_consistent(index)) == 3


def test_kill_9_while_indexing_leaves_a_consistent_index(tmp_path):
    portal = _portal(tmp_path / "portal", 24)
    index = tmp_path / "index.sqlite"
    writer = _sharecheck("catalogue", "index", str(portal), "--index", str(index), "-q")
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and writer.poll() is None:
        if index.exists():
            try:
                with sqlite3.connect(f"{index.as_uri()}?mode=ro", uri=True) as db:
                    if db.execute("SELECT COUNT(*) FROM releases").fetchone()[0] >= 2:
                        break
            except sqlite3.Error:
                pass
        time.sleep(0.05)
    interrupted = writer.poll() is None
    writer.send_signal(signal.SIGKILL)
    writer.communicate()
    assert interrupted, "the run finished before it could be interrupted"
    assert 2 <= len(_consistent(index)) < 24
    finished = _sharecheck("catalogue", "index", str(portal), "--index", str(index), "-q")
    out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err
    assert len(_consistent(index)) == 24


@pytest.mark.parametrize("content", [b"", b"zip,age\n02110,40\n", b"not a database at all"])
def test_index_option_on_a_non_catalogue_file_is_a_usage_error(tmp_path, content):
    portal = _portal(tmp_path / "portal", 1)
    target = tmp_path / "notes.csv"
    target.write_bytes(content)
    runner = CliRunner()
    for args in (["catalogue", "index", str(portal)], ["catalogue", "list"], ["catalogue", "check", str(portal / "release_00.csv")]):
        result = runner.invoke(cli, [*args, "--index", str(target)])
        assert result.exit_code == 2 and "not a sharecheck catalogue" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert target.read_bytes() == content
    assert not (tmp_path / "notes.csv.key").exists()


def test_another_sqlite_database_is_refused_untouched(tmp_path):
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE things (x)")
    before = other.read_bytes()
    result = CliRunner().invoke(cli, ["catalogue", "index", str(_portal(tmp_path / "p", 1)), "--index", str(other)])
    assert result.exit_code == 2 and "not a sharecheck catalogue" in result.stderr
    assert other.read_bytes() == before


def test_deleted_and_moved_releases_are_pruned_and_remove_works(tmp_path):
    portal = _portal(tmp_path / "portal", 4)
    index = tmp_path / "index.sqlite"
    with Catalogue(index) as catalogue:
        assert len(catalogue.add([portal])) == 4
        (portal / "release_00.csv").unlink()
        (portal / "sub").mkdir()
        (portal / "release_01.csv").rename(portal / "sub" / "moved.csv")
        added = catalogue.add([portal])
        assert [r.name for r in added] == ["moved"] and catalogue.pruned == 2
        assert sorted(r.name for r in catalogue.releases()) == ["moved", "release_02", "release_03"]
    runner = CliRunner()
    by_name = runner.invoke(cli, ["catalogue", "remove", "moved", "--index", str(index)])
    by_path = runner.invoke(cli, ["catalogue", "remove", str(portal / "release_02.csv"), "--index", str(index)])
    assert by_name.exit_code == 0 and by_path.exit_code == 0 and "1 releases removed" in by_path.output
    nothing = runner.invoke(cli, ["catalogue", "remove", "no_such_release", "--index", str(index)])
    assert nothing.exit_code == 2
    listed = runner.invoke(cli, ["catalogue", "list", "--index", str(index)])
    assert [line.split()[0] for line in listed.output.splitlines()] == ["release_03"]


def test_unreadable_files_are_skipped_and_counted(tmp_path):
    portal = _portal(tmp_path / "portal", 2)
    (portal / "empty.csv").write_bytes(b"")
    (portal / "binary.parquet").write_bytes(b"\x00\x01 not parquet \xff" * 20)
    (portal / "ragged.csv").write_text("a,b\n1,2,3,4\n5\n")
    result = CliRunner().invoke(cli, ["catalogue", "index", str(portal), "--index", str(tmp_path / "i.sqlite"), "-q"])
    assert result.exit_code == 0, result.output
    assert "2 releases indexed" in result.output and "3 files skipped" in result.output


def test_hidden_and_software_folders_are_not_walked(tmp_path):
    portal = _portal(tmp_path / "portal", 1)
    for folder in (".venv/lib", ".git", "node_modules/pkg", "__pycache__", "env_like"):
        (portal / folder).mkdir(parents=True)
        _release(9).write_csv(portal / folder / "data.csv")
    (portal / "env_like" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    with Catalogue(tmp_path / "i.sqlite") as catalogue:
        assert [r.name for r in catalogue.add([portal])] == ["release_00"]


def test_a_data_package_is_reindexed_when_any_resource_changes(tmp_path):
    package = tmp_path / "package"
    package.mkdir()
    _release(1).write_csv(package / "first.csv")
    _release(2).write_csv(package / "second.csv")
    (package / "datapackage.json").write_text(json.dumps({"name": "p", "resources": [
        {"name": "first", "path": "first.csv"}, {"name": "second", "path": "second.csv"}]}))
    with Catalogue(tmp_path / "i.sqlite") as catalogue:
        assert sorted(r.name for r in catalogue.add([tmp_path])) == ["first", "second"]
        assert catalogue.add([tmp_path]) == []
        _release(5, n=60).write_csv(package / "second.csv")
        assert sorted(r.name for r in catalogue.add([tmp_path])) == ["first", "second"]
        # A resource dropped from the package leaves the index with it.
        (package / "datapackage.json").write_text(json.dumps({"name": "p", "resources": [
            {"name": "first", "path": "first.csv"}]}))
        catalogue.add([tmp_path])
        assert [r.name for r in catalogue.releases()] == ["first"] and catalogue.pruned == 1


def test_library_loggers_are_quiet_unless_verbose(tmp_path):
    portal = _portal(tmp_path / "portal", 1)
    runner = CliRunner()
    runner.invoke(cli, ["catalogue", "index", str(portal), "--index", str(tmp_path / "i.sqlite"), "-q"])
    assert logging.getLogger("presidio-analyzer").getEffectiveLevel() >= logging.ERROR
    logging.getLogger("presidio-analyzer").setLevel(logging.NOTSET)
    runner.invoke(cli, ["catalogue", "index", str(portal), "--index", str(tmp_path / "i.sqlite"), "-v"])
    assert logging.getLogger("presidio-analyzer").getEffectiveLevel() < logging.ERROR


def test_an_index_of_the_unkeyed_version_is_refused_with_advice(tmp_path):
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as db:
        db.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('version', '1');"
                         "CREATE TABLE releases (id INTEGER PRIMARY KEY);")
    before = old.read_bytes()
    result = CliRunner().invoke(cli, ["catalogue", "list", "--index", str(old)])
    assert result.exit_code == 2 and "unkeyed" in result.stderr and "rebuild" in result.stderr
    assert old.read_bytes() == before
