"""The pre-commit hook, run the way a data team would: `pre-commit try-repo <this repo> sharecheck`."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import RISKY, ROOT, SAFE, git

pytestmark = pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed (dev extra)")


def test_hook_definition():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "sharecheck" and hook["entry"].startswith("sharecheck scan")
    assert hook["pass_filenames"] is True and hook["language"] == "python"
    import re

    pattern = re.compile(hook["files"])
    assert all(pattern.search(f"a/b.{ext}") for ext in ("csv", "tsv", "parquet", "xlsx", "json", "geojson", "CSV"))
    assert not pattern.search("notes.txt") and not pattern.search("csv.py")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    # One hook environment for the module: try-repo installs sharecheck into it once.
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH",)}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run(["pre-commit", "try-repo", str(ROOT), "sharecheck", "--files", *files],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=900)


def test_try_repo_fails_on_the_risky_file_and_passes_the_safe_one(data_repo, pre_commit_home):
    (data_repo / "residents.csv").write_text(RISKY)
    (data_repo / "trees.csv").write_text(SAFE)
    git(data_repo, "add", ".")
    safe = _try_repo(data_repo, pre_commit_home, "trees.csv")
    assert safe.returncode == 0, safe.stdout + safe.stderr
    assert "Passed" in safe.stdout
    risky = _try_repo(data_repo, pre_commit_home, "residents.csv")
    assert risky.returncode == 1, risky.stdout + risky.stderr
    assert "Failed" in risky.stdout and "ID101" in risky.stdout
    assert "Moreau" not in risky.stdout  # the hook's output is redacted too


def test_try_repo_honours_the_repositorys_sharecheck_toml(data_repo, pre_commit_home):
    (data_repo / "residents.csv").write_text(RISKY)
    (data_repo / "sharecheck.toml").write_text('fail_on = "never"\n')
    git(data_repo, "add", ".")
    accepted = _try_repo(data_repo, pre_commit_home, "residents.csv")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
