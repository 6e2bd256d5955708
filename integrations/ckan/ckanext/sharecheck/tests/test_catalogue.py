"""The portal's catalogue: a new upload is checked against what is already published."""
from __future__ import annotations

import pytest

from ckan.plugins import toolkit
from ckan.tests import factories
from ckan.tests.helpers import call_action

from . import data
from .conftest import catalogue_names, run_jobs
from .pipe_recorder import PipeRecorder

# Marks nearer the test are applied first, so each test names its plugins itself.
pytestmark = [pytest.mark.usefixtures("with_test_worker", "portal")]
_PLUGIN = pytest.mark.ckan_config("ckan.plugins", "sharecheck")


def _join_findings(report):
    return {f["code"] for f in report["findings"] if " x " in f["dataset"]}


@_PLUGIN
def test_a_release_is_caught_by_its_join_with_a_published_one(create_with_upload):
    # Control: the same clinic release on a portal that has published nothing it joins with.
    alone = create_with_upload(data.clinic(), "clinic.csv", package_id=factories.Dataset()["id"])
    run_jobs()
    control = call_action("sharecheck_report_show", resource_id=alone["id"])
    assert control["partners"] == [] and _join_findings(control) == set()
    call_action("resource_delete", id=alone["id"])
    assert catalogue_names() == []

    voters = create_with_upload(data.voters(), "voters.csv", package_id=factories.Dataset()["id"])
    run_jobs()
    assert catalogue_names() == ["voters"]
    clinic = create_with_upload(data.clinic(), "clinic.csv", package_id=factories.Dataset()["id"])
    run_jobs()
    report = call_action("sharecheck_report_show", resource_id=clinic["id"])
    assert report["partners"][0] == "voters" and report["joined"] == "fail"
    errors = {f["code"] for f in report["findings"] if f["severity"] == "error" and f["dataset"] == "clinic x voters"}
    assert {"LK602", "LK603"} <= errors  # linked to named people, and their diagnosis disclosed
    # What the scan of the release alone says is unchanged by the published voter list.
    assert sorted(f["code"] for f in report["scan"]["findings"]) == sorted(f["code"] for f in control["scan"]["findings"])
    assert voters["id"] != clinic["id"]


@_PLUGIN
def test_block_mode_refuses_a_release_for_its_join(create_with_upload, ckan_config, monkeypatch):
    # The register went out before the portal switched to block mode (a list published by law).
    create_with_upload(data.voters(), "voters.csv", package_id=factories.Dataset()["id"])
    run_jobs()
    monkeypatch.setitem(ckan_config, "ckanext.sharecheck.mode", "block")
    with pytest.raises(toolkit.ValidationError) as refused:
        create_with_upload(data.clinic(), "clinic.csv", package_id=factories.Dataset()["id"])
    assert "LK602" in " ".join(refused.value.error_dict["upload"])


@_PLUGIN
def test_private_and_deleted_datasets_leave_the_catalogue(create_with_upload):
    dataset = factories.Dataset()
    create_with_upload(data.voters(), "voters.csv", package_id=dataset["id"])
    hidden = factories.Dataset(private=False)
    create_with_upload(data.trees(), "trees.csv", package_id=hidden["id"])
    run_jobs()
    assert catalogue_names() == ["trees", "voters"]
    call_action("package_patch", id=hidden["id"], private=True, owner_org=factories.Organization()["id"])
    assert catalogue_names() == ["voters"]
    call_action("package_delete", id=dataset["id"])
    assert catalogue_names() == []


@pytest.mark.ckan_config("ckan.plugins", "sharecheck sharecheck_test_pipe")
@pytest.mark.ckan_config("ckanext.sharecheck.mode", "review")
def test_verdicts_go_down_the_pipeline(create_with_upload, sysadmin):
    """IPipeValidation listeners (ckanext-xloader) hear success only for passing or waived files."""
    PipeRecorder.received.clear()
    safe = create_with_upload(data.trees(), "trees.csv", package_id=factories.Dataset()["id"])
    risky = create_with_upload(data.people(), "people.csv", package_id=factories.Dataset()["id"])
    run_jobs()
    heard = {r["resource_id"]: r["status"] for r in PipeRecorder.received}
    assert heard == {safe["id"]: "success", risky["id"]: "failure"}
    call_action("sharecheck_waiver_accept", context={"user": sysadmin["name"]}, resource_id=risky["id"], reason="ok'd")
    assert PipeRecorder.received[-1] == {"resource_id": risky["id"], "status": "success", "source": "sharecheck",
                                         "verdict": "fail", "waived": True}
