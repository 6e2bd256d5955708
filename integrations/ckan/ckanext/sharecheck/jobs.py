"""The background job (CKAN's RQ queue) and the steps it shares with the waiver action and the CLI."""
from __future__ import annotations

import logging
import os
from typing import Any

from ckan import plugins
from ckan.plugins import toolkit

from . import check, files, reports, settings
from .interfaces import IPipeValidation

log = logging.getLogger(__name__)
_SYSTEM = {"ignore_auth": True}


def enqueue(resource_id: str) -> None:
    toolkit.enqueue_job(check_resource, [resource_id], title=f"sharecheck {resource_id}",
                        queue=settings.queue(), rq_kwargs={"timeout": settings.job_timeout()})


def check_resource(resource_id: str) -> str | None:
    """The job: check one resource, store its report, update the catalogue, tell the pipeline."""
    try:
        resource = toolkit.get_action("resource_show")(dict(_SYSTEM), {"id": resource_id})
    except toolkit.ObjectNotFound:
        log.info("sharecheck: resource %s is gone; nothing to check", resource_id)
        return None
    package = toolkit.get_action("package_show")(dict(_SYSTEM), {"id": resource["package_id"]})
    report = run_check(resource)
    sync_catalogue(resource, package, report)
    broadcast(resource_id, report)
    return report["status"]


def run_check(resource: dict[str, Any]) -> dict[str, Any]:
    from sharecheck import SharecheckError

    base = {"resource_id": resource["id"], "mode": settings.mode()}
    source = files.stored_path(resource) if files.checkable(resource) else None
    if source is None:
        report = {**base, "status": "skipped", "verdict": None, "checked_at": check.now(),
                  "error": "not an uploaded table in a checked format"}
    else:
        path = files.link_release(resource, source)
        try:
            report = {**base, **check.check_release(path, catalogue_path=settings.catalogue_path(),
                                                    config=settings.sharecheck_config(), fail_on=settings.fail_on(),
                                                    max_partners=settings.max_partners())}
        except SharecheckError as exc:
            # sharecheck's messages never carry cell values; the file stays held in review mode.
            report = {**base, "status": "error", "verdict": None, "checked_at": check.now(), "error": str(exc),
                      "sha256": check.sha256(path)}
        previous = reports.get(resource["id"])
        if previous and previous.get("waiver") and previous.get("sha256") == report.get("sha256"):
            report["waiver"] = previous["waiver"]  # same bytes as the waived file
    reports.save(resource["id"], report)
    log.info("sharecheck: resource %s %s (%s)", resource["id"], report["status"], report.get("verdict"))
    return report


def published(package: dict[str, Any], resource: dict[str, Any]) -> bool:
    return (not package.get("private") and package.get("state", "active") == "active"
            and resource.get("state", "active") == "active")


def sync_catalogue(resource: dict[str, Any], package: dict[str, Any], report: dict[str, Any] | None) -> None:
    """Keep the catalogue equal to what the public can download."""
    path = files.release_path(resource)
    if published(package, resource) and reports.publishable(report, settings.mode()):
        if not os.path.isfile(path):
            source = files.stored_path(resource)
            if source is None:
                return
            files.link_release(resource, source)
        check.index_release(path, settings.catalogue_path(), config=settings.sharecheck_config())
    else:
        check.unindex_release(path, settings.catalogue_path())


def broadcast(resource_id: str, report: dict[str, Any]) -> None:
    """Tell IPipeValidation listeners (ckanext-xloader) whether the resource may go further."""
    if report.get("status") == "skipped":
        return
    payload = {"resource_id": resource_id, "status": "success" if reports.passes(report) else "failure",
               "source": "sharecheck", "verdict": report.get("verdict"), "waived": bool(report.get("waiver"))}
    for listener in plugins.PluginImplementations(IPipeValidation):
        listener.receive_validation_report(payload)
