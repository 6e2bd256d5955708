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


def _env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH",)}
    env["PRE_COMMIT_HOME"] = str(home)
    return env


def _try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess:
    return subprocess.run(["pre-commit", "try-repo", str(ROOT), "sharecheck", "--files", *files],
                          cwd=repo, env=_env(home), capture_output=True, text=True, timeout=1200)


@pytest.fixture(scope="module")
def hook_runner(tmp_path_factory):
    """`pre-commit run` with the config try-repo writes ({repo: this repo, rev: HEAD}) and one store
    for the module: try-repo builds a fresh hook environment (sharecheck and all its dependencies)
    on every call, this builds it once."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    config = yaml.safe_dump({"repos": [{"repo": str(ROOT), "rev": head, "hooks": [{"id": "sharecheck"}]}]})

    def run(repo: Path, *files: str) -> subprocess.CompletedProcess:
        (repo / ".pre-commit-config.yaml").write_text(config)
        return subprocess.run(["pre-commit", "run", "--files", *files], cwd=repo, env=_env(home),
                              capture_output=True, text=True, timeout=1200)

    return run


def test_try_repo_fails_on_the_risky_file(data_repo, tmp_path):
    (data_repo / "residents.csv").write_text(RISKY)
    (data_repo / "trees.csv").write_text(SAFE)
    git(data_repo, "add", ".")
    risky = _try_repo(data_repo, tmp_path / "home", "residents.csv")
    assert risky.returncode == 1, risky.stdout + risky.stderr
    assert "Failed" in risky.stdout and "ID101" in risky.stdout
    assert "Moreau" not in risky.stdout  # the hook's output is redacted too


def test_hook_passes_the_safe_file_and_fails_the_risky_one(data_repo, hook_runner):
    (data_repo / "residents.csv").write_text(RISKY)
    (data_repo / "trees.csv").write_text(SAFE)
    git(data_repo, "add", ".")
    safe = hook_runner(data_repo, "trees.csv")
    assert safe.returncode == 0, safe.stdout + safe.stderr
    assert "Passed" in safe.stdout
    risky = hook_runner(data_repo, "residents.csv")
    assert risky.returncode == 1 and "ID101" in risky.stdout


def test_hook_honours_the_repositorys_sharecheck_toml(data_repo, hook_runner):
    (data_repo / "residents.csv").write_text(RISKY)
    # The repository declares both columns harmless (a config may set roles, never turn the gate off).
    (data_repo / "sharecheck.toml").write_text('[roles]\nname = "other"\nbirth_date = "other"\n')
    git(data_repo, "add", ".")
    accepted = hook_runner(data_repo, "residents.csv")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
