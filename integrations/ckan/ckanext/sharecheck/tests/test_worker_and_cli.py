"""The real RQ path (a `ckan jobs worker --burst` process on Redis) and `ckan sharecheck scan-all`."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import ckan.model as model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.sharecheck.cli import scan_all

from . import data
from .conftest import catalogue_names, run_jobs


@pytest.mark.usefixtures("portal")
@pytest.mark.ckan_config("ckan.plugins", "sharecheck")
@pytest.mark.ckan_config("ckanext.sharecheck.mode", "review")
def test_a_ckan_worker_process_checks_the_queued_upload(create_with_upload, ckan_config, request, tmp_path):
    resource = create_with_upload(data.people(), "people.csv", package_id=factories.Dataset()["id"])
    assert call_action("sharecheck_report_show", resource_id=resource["id"])["status"] == "pending"
    # The test run's config, with this test's storage and mode (a worker reads only its file).
    overrides = {"ckan.storage_path": ckan_config["ckan.storage_path"], "ckan.plugins": "sharecheck",
                 "ckanext.sharecheck.mode": "review"}
    lines = Path(request.config.option.ckan_ini).read_text().splitlines()
    lines = [f"{line.split('=')[0].strip()} = {overrides[line.split('=')[0].strip()]}"
             if "=" in line and line.split("=")[0].strip() in overrides else line for line in lines]
    ini = tmp_path / "worker.ini"
    ini.write_text("\n".join(lines) + "\n")
    ckan_cli = Path(sys.executable).with_name("ckan")
    done = subprocess.run([str(ckan_cli), "-c", str(ini), "jobs", "worker", "--burst", "default"],
                          capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert done.returncode == 0, done.stderr[-2000:]
    model.Session.remove()  # read what the worker process committed
    report = call_action("sharecheck_report_show", resource_id=resource["id"])
    assert report["status"] == "checked" and report["verdict"] == "fail"
    assert report["download_blocked"] is True and "ID101" in {f["code"] for f in report["findings"]}


@pytest.mark.usefixtures("with_test_worker", "portal")
@pytest.mark.ckan_config("ckan.plugins", "sharecheck")
def test_scan_all_rebuilds_the_catalogue_and_rechecks(create_with_upload):
    from ckanext.sharecheck import settings

    trees = create_with_upload(data.trees(), "trees.csv", package_id=factories.Dataset()["id"])
    clinic = create_with_upload(data.clinic(), "clinic.csv", package_id=factories.Dataset()["id"])
    run_jobs()
    # The register is uploaded after the clinic release: only a re-check sees their join.
    voters = create_with_upload(data.voters(), "voters.csv", package_id=factories.Dataset()["id"])
    run_jobs()
    assert call_action("sharecheck_report_show", resource_id=clinic["id"])["partners"] == []
    os.remove(settings.catalogue_path())
    result = CliRunner().invoke(scan_all, [], catch_exceptions=False)
    assert result.exit_code == 0
    assert catalogue_names() == ["clinic", "trees", "voters"]
    assert "3 resources:" in result.output and "fail " in result.output
    report = call_action("sharecheck_report_show", resource_id=clinic["id"])
    assert report["partners"][0] == "voters" and "LK602" in {f["code"] for f in report["findings"]}
    assert call_action("sharecheck_report_show", resource_id=trees["id"])["verdict"] == "pass"
    assert voters["id"]
