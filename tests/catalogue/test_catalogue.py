"""The catalogue: index a portal, find the releases a new one can be joined with, check them."""
from __future__ import annotations

import json

import polars as pl
import pytest
from click.testing import CliRunner

from sharecheck.catalogue import Catalogue, check_against_catalogue
from sharecheck.catalogue.keys import KEY_ENV
from sharecheck.cli import cli
from sharecheck.schema import validate_report


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)


def _register(n: int = 60) -> pl.DataFrame:
    surnames = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ", "MARTINEZ"]
    given = ["MARY", "JAMES", "LINDA", "ROBERT", "PATRICIA", "JOHN"]
    return pl.DataFrame({
        "last_name": [surnames[i % 10] for i in range(n)],
        "first_name": [given[i % 6] for i in range(n)],
        "zip": [f"0280{i % 7}" for i in range(n)],
        "birth_date": [f"19{50 + i % 40}-0{1 + i % 9}-1{i % 10}" for i in range(n)],
        "sex": ["F" if i % 2 else "M" for i in range(n)],
    })


@pytest.fixture
def portal(tmp_path):
    register = _register()
    folder = tmp_path / "portal"
    folder.mkdir()
    register.write_csv(folder / "voter_register.csv")
    # Facts about areas: joinable on ZIP, identifies nobody.
    pl.DataFrame({"zip": [f"0280{i}" for i in range(7)], "trees": [40 + i for i in range(7)]}).write_csv(folder / "trees_by_zip.csv")
    (folder / "broken.csv").write_bytes(b"")
    health = register.head(30).select(
        pl.col("zip").alias("patient_zip"), pl.col("birth_date").alias("dob"), pl.col("sex").alias("gender"),
        pl.Series("diagnosis", ["asthma", "flu", "diabetes"] * 10))
    health_path = tmp_path / "clinic.csv"
    health.write_csv(health_path)
    return folder, health_path


def test_index_skips_unreadable_files_and_is_incremental(tmp_path, portal):
    folder, _ = portal
    with Catalogue(tmp_path / "index.sqlite") as catalogue:
        added = catalogue.add([folder])
        assert sorted(r.name for r in added) == ["trees_by_zip", "voter_register"]
        assert len(catalogue.skipped) == 1 and "empty" in catalogue.skipped[0]
        assert catalogue.add([folder]) == []  # unchanged files are not analysed again
        (folder / "trees_by_zip.csv").write_text("zip,trees\n02800,1\n02801,2\n")
        assert [r.name for r in catalogue.add([folder])] == ["trees_by_zip"]
        assert len(catalogue.releases()) == 2


def test_index_stores_sketches_not_values(tmp_path, portal):
    folder, _ = portal
    index = tmp_path / "index.sqlite"
    with Catalogue(index) as catalogue:
        catalogue.add([folder])
    raw = index.read_bytes()
    assert b"SMITH" not in raw and b"02801" not in raw and b"asthma" not in raw


def test_new_release_is_checked_against_the_register(tmp_path, portal):
    folder, health = portal
    with Catalogue(tmp_path / "index.sqlite") as catalogue:
        catalogue.add([folder])
        report = check_against_catalogue(health, catalogue)
    partners = [p.release.name for p in report.partners]
    assert partners[0] == "voter_register"
    assert "trees_by_zip" in partners
    assert report.verdict == "fail"
    failing = {f.dataset for f in report.findings if f.severity == "error"}
    assert failing == {"clinic x voter_register"}
    assert {"LK602", "LK603"} <= {f.code for f in report.findings if f.dataset == "clinic x voter_register"}
    validate_report(report.to_dict())


def test_catalogue_cli(tmp_path, portal):
    folder, health = portal
    index = tmp_path / "index.sqlite"
    runner = CliRunner()
    built = runner.invoke(cli, ["catalogue", "index", str(folder), "--index", str(index), "-q"])
    assert built.exit_code == 0 and "2 releases indexed" in built.output and "1 files skipped" in built.output
    listed = runner.invoke(cli, ["catalogue", "list", "--index", str(index)])
    assert "voter_register" in listed.output
    checked = runner.invoke(cli, ["catalogue", "check", str(health), "--index", str(index), "--format", "json"])
    assert checked.exit_code == 1
    assert json.loads(checked.output)["kind"] == "catalogue"
    missing = runner.invoke(cli, ["catalogue", "check", str(health), "--index", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 2 and "no catalogue index" in missing.stderr


def test_a_partner_deleted_since_indexing_is_named_not_fatal(tmp_path, portal):
    folder, health = portal
    with Catalogue(tmp_path / "index.sqlite") as catalogue:
        catalogue.add([folder])
        (folder / "voter_register.csv").unlink()
        report = check_against_catalogue(health, catalogue)
    assert report.to_dict()["unavailable_partners"] == [str((folder / "voter_register.csv").resolve())]
    assert report.metrics["partners_unavailable"] == 1
    assert "voter_register" not in {c["release"] for c in report.checked}
