"""A temporary git repository with a risky and a safe data file (made up here; nobody real)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RISKY = "name,birth_date\n" + "".join(
    f"{first} {last},19{50 + i}-0{1 + i % 9}-{10 + i}\n"
    for i, (first, last) in enumerate(zip(["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun"] * 2,
                                          ["Moreau", "Okafor", "Lindqvist", "Tanaka", "Silva"] * 4)))
SAFE = "ward,species,trees\n" + "".join(
    f"{ward},{species},{20 + 7 * i + 3 * j}\n" for i, ward in enumerate(["North", "South", "East", "West"])
    for j, species in enumerate(["oak", "plane", "lime"]))


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", *args],
                          cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def data_repo(tmp_path) -> Path:
    repo = tmp_path / "data-repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    return repo
