"""Each mode against a real CKAN: what is checked, stored, shown, blocked and refused."""
from __future__ import annotations

import pytest

from ckan.plugins import toolkit
from ckan.tests import factories
from ckan.tests.helpers import call_action

from . import data
from .conftest import catalogue_names, run_jobs

pytestmark = [pytest.mark.usefixtures("with_test_worker", "portal"), pytest.mark.ckan_config("ckan.plugins", "sharecheck")]


def _download(app, resource, user=None):
    url = toolkit.url_for("resource.download", id=resource["package_id"], resource_id=resource["id"],
                          filename=resource["url"].rsplit("/", 1)[-1])
    headers = {"Authorization": user["token"]} if user else {}
    return app.get(url, headers=headers, status=None)


def _token(user):
    return {**user, "token": factories.APIToken(user=user["name"])["token"]}


class TestAsync:
    def test_safe_upload_passes_and_joins_the_catalogue(self, create_with_upload, app):
        dataset = factories.Dataset()
        resource = create_with_upload(data.trees(), "trees.csv", package_id=dataset["id"])
        assert call_action("sharecheck_report_show", resource_id=resource["id"])["status"] == "pending"
        run_jobs()
        report = call_action("sharecheck_report_show", resource_id=resource["id"])
        assert report["status"] == "checked" and report["verdict"] == "pass"
        assert report["counts"]["error"] == 0
        assert report["scan"]["kind"] == "scan" and report["catalogue"]["kind"] == "catalogue"
        assert report["download_blocked"] is False
        assert catalogue_names() == ["trees"]
        assert _download(app, resource).status_code == 200

    def test_risky_upload_is_flagged_but_not_blocked(self, create_with_upload, app):
        dataset = factories.Dataset()
        resource = create_with_upload(data.people(), "people.csv", package_id=dataset["id"])
        run_jobs()
        report = call_action("sharecheck_report_show", resource_id=resource["id"])
        assert report["verdict"] == "fail"
        codes = {f["code"] for f in report["findings"] if f["severity"] == "error"}
        assert "ID101" in codes  # person names
        assert report["download_blocked"] is False  # async: report only
        assert _download(app, resource).status_code == 200
        page = app.get(toolkit.url_for("resource.read", id=dataset["name"], resource_id=resource["id"]))
        assert 'id="sharecheck-report"' in page.body and "ID101" in page.body
        assert "Failed: people could be identified" in page.body
        # The stored report is redacted: no name from the file appears in it.
        assert "Moreau" not in str(report) and "Okafor" not in str(report)

    def test_non_tables_and_links_are_not_checked(self, create_with_upload):
        dataset = factories.Dataset()
        pdf = create_with_upload(b"%PDF-1.4 not a table", "minutes.pdf", package_id=dataset["id"])
        link = call_action("resource_create", package_id=dataset["id"], url="http://example.invalid/people.csv")
        run_jobs()
        for resource in (pdf, link):
            with pytest.raises(toolkit.ObjectNotFound):
                call_action("sharecheck_report_show", resource_id=resource["id"])


@pytest.mark.ckan_config("ckanext.sharecheck.mode", "review")
class TestReview:
    def test_failing_download_is_held_until_an_editor_waives_it(self, create_with_upload, app, org_editor):
        editor, org = org_editor
        editor = _token(editor)
        outsider = _token(factories.User())
        dataset = factories.Dataset(owner_org=org["id"])
        resource = create_with_upload(data.people(), "people.csv", package_id=dataset["id"])
        assert _download(app, resource).status_code == 403  # pending: not out before it is checked
        run_jobs()
        report = call_action("sharecheck_report_show", resource_id=resource["id"])
        assert report["verdict"] == "fail" and report["download_blocked"] is True
        assert catalogue_names() == []  # not published, so no partner of later uploads
        assert _download(app, resource).status_code == 403
        assert _download(app, resource, outsider).status_code == 403
        assert _download(app, resource, editor).status_code == 200  # the reviewer can read it
        page = app.get(toolkit.url_for("resource.read", id=dataset["name"], resource_id=resource["id"]))
        assert "Download held back for a privacy review" in page.body
        # The dataset stays visible.
        assert call_action("package_show", id=dataset["id"])["resources"][0]["id"] == resource["id"]

        with pytest.raises(toolkit.NotAuthorized):
            call_action("sharecheck_waiver_accept", context={"user": outsider["name"], "ignore_auth": False},
                        resource_id=resource["id"], reason="looks fine")
        with pytest.raises(toolkit.ValidationError):
            call_action("sharecheck_waiver_accept", context={"user": editor["name"], "ignore_auth": False},
                        resource_id=resource["id"], reason="  ")
        waived = call_action("sharecheck_waiver_accept", context={"user": editor["name"], "ignore_auth": False},
                             resource_id=resource["id"], reason="Names are of council members, published by law")
        assert waived["download_blocked"] is False
        stored = call_action("sharecheck_report_show", resource_id=resource["id"])["waiver"]
        assert stored["by"] == editor["name"] and stored["reason"] == "Names are of council members, published by law"
        assert "ID101" in stored["codes"]
        assert _download(app, resource).status_code == 200
        assert catalogue_names() == ["people"]  # now published: later uploads are checked against it

    def test_waiver_survives_a_recheck_of_the_same_file_only(self, create_with_upload, sysadmin):
        dataset = factories.Dataset()
        resource = create_with_upload(data.people(), "people.csv", package_id=dataset["id"])
        run_jobs()
        call_action("sharecheck_waiver_accept", context={"user": sysadmin["name"]}, resource_id=resource["id"],
                    reason="accepted")
        call_action("sharecheck_submit", resource_id=resource["id"])
        run_jobs()
        assert call_action("sharecheck_report_show", resource_id=resource["id"])["download_blocked"] is False
        create_with_upload(data.people().replace("Moreau", "Morel"), "people.csv", id=resource["id"],
                           action="resource_update")
        run_jobs()
        report = call_action("sharecheck_report_show", resource_id=resource["id"])
        assert report["verdict"] == "fail" and not report.get("waiver") and report["download_blocked"] is True

    def test_safe_upload_is_downloadable(self, create_with_upload, app):
        dataset = factories.Dataset()
        resource = create_with_upload(data.trees(), "trees.csv", package_id=dataset["id"])
        run_jobs()
        assert call_action("sharecheck_report_show", resource_id=resource["id"])["download_blocked"] is False
        assert _download(app, resource).status_code == 200
        with pytest.raises(toolkit.ValidationError):
            call_action("sharecheck_waiver_accept", resource_id=resource["id"], reason="nothing to waive")


@pytest.mark.ckan_config("ckanext.sharecheck.mode", "block")
class TestBlock:
    def test_failing_upload_is_refused_with_its_findings(self, create_with_upload):
        dataset = factories.Dataset()
        with pytest.raises(toolkit.ValidationError) as refused:
            create_with_upload(data.people(), "people.csv", package_id=dataset["id"])
        message = " ".join(refused.value.error_dict["upload"])
        assert "sharecheck refused this file" in message and "ID101 person-names (people)" in message
        assert call_action("package_show", id=dataset["id"])["resources"] == []

    def test_safe_upload_is_accepted_and_a_risky_replacement_refused(self, create_with_upload):
        dataset = factories.Dataset()
        resource = create_with_upload(data.trees(), "trees.csv", package_id=dataset["id"])
        run_jobs()
        assert call_action("sharecheck_report_show", resource_id=resource["id"])["verdict"] == "pass"
        with pytest.raises(toolkit.ValidationError):
            create_with_upload(data.people(), "trees.csv", id=resource["id"], action="resource_update")
        assert catalogue_names() == ["trees"]  # the published version stays indexed
