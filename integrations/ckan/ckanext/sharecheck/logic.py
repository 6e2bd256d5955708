"""API actions and their auth functions."""
from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit

from . import check, jobs, reports, settings

_SYSTEM = {"ignore_auth": True}


def _resource(resource_id: str) -> dict[str, Any]:
    return toolkit.get_action("resource_show")(dict(_SYSTEM), {"id": resource_id})


def _resource_id(data_dict: dict[str, Any]) -> str:
    resource_id = data_dict.get("resource_id") or data_dict.get("id")
    if not resource_id:
        raise toolkit.ValidationError({"resource_id": ["Missing value"]})
    return resource_id


@toolkit.side_effect_free
def sharecheck_report_show(context, data_dict):
    """The stored sharecheck report of a resource.

    :param resource_id: the resource
    :returns: the report: status (pending, checked, error, skipped), verdict, counts, findings, the
        redacted JSON documents of the scan and of the catalogue check, the waiver if any, and
        download_blocked
    """
    resource_id = _resource_id(data_dict)
    toolkit.check_access("sharecheck_report_show", context, {"resource_id": resource_id})
    report = reports.get(resource_id)
    if report is None:
        raise toolkit.ObjectNotFound(f"no sharecheck report for resource {resource_id}")
    return {**report, "download_blocked": reports.download_blocked(report, settings.mode())}


def sharecheck_waiver_accept(context, data_dict):
    """An editor accepts a failing resource for publication, with a reason kept in its report.

    :param resource_id: the resource
    :param reason: why the findings are acceptable (required)
    :returns: the updated report
    """
    resource_id = _resource_id(data_dict)
    toolkit.check_access("sharecheck_waiver_accept", context, {"resource_id": resource_id})
    reason = (data_dict.get("reason") or "").strip()
    if not reason:
        raise toolkit.ValidationError({"reason": ["A waiver needs a reason"]})
    report = reports.get(resource_id)
    if report is None or report.get("status") in ("pending", "skipped"):
        raise toolkit.ValidationError({"resource_id": ["This resource has no finished sharecheck report to waive"]})
    if reports.passes(report):
        raise toolkit.ValidationError({"resource_id": ["This resource passes; there is nothing to waive"]})
    report["waiver"] = {
        "by": context.get("user") or "",
        "reason": reason,
        "at": check.now(),
        "codes": sorted({f["code"] for f in check.failing_findings(report)}),
        "sha256": report.get("sha256"),
    }
    if report.get("status") == "error":
        report["status"] = "checked"  # an editor vouches for a file sharecheck could not read
    reports.save(resource_id, report)
    resource = _resource(resource_id)
    package = toolkit.get_action("package_show")(dict(_SYSTEM), {"id": resource["package_id"]})
    jobs.sync_catalogue(resource, package, report)
    jobs.broadcast(resource_id, report)
    return {**report, "download_blocked": reports.download_blocked(report, settings.mode())}


def sharecheck_submit(context, data_dict):
    """Queue a fresh check of a resource (an editor's "check again")."""
    resource_id = _resource_id(data_dict)
    toolkit.check_access("sharecheck_submit", context, {"resource_id": resource_id})
    _resource(resource_id)
    reports.save(resource_id, {**(reports.get(resource_id) or {}), "resource_id": resource_id, "status": "pending"})
    jobs.enqueue(resource_id)
    return {"resource_id": resource_id, "status": "pending"}


def _package_id(resource_id: str) -> str:
    return _resource(resource_id)["package_id"]


def _allowed(action: str, context, data_dict) -> dict[str, Any]:
    try:
        toolkit.check_access(action, {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}, data_dict)
    except toolkit.NotAuthorized as exc:
        return {"success": False, "msg": str(exc)}
    except toolkit.ObjectNotFound:
        return {"success": False, "msg": "No such resource"}
    return {"success": True}


@toolkit.auth_allow_anonymous_access
def auth_report_show(context, data_dict):
    return _allowed("resource_show", context, {"id": data_dict["resource_id"]})


def auth_edit(context, data_dict):
    try:
        package_id = _package_id(data_dict["resource_id"])
    except toolkit.ObjectNotFound:
        return {"success": False, "msg": "No such resource"}
    return _allowed("package_update", context, {"id": package_id})


def get_actions():
    return {"sharecheck_report_show": sharecheck_report_show, "sharecheck_waiver_accept": sharecheck_waiver_accept,
            "sharecheck_submit": sharecheck_submit}


def get_auth_functions():
    return {"sharecheck_report_show": auth_report_show, "sharecheck_waiver_accept": auth_edit,
            "sharecheck_submit": auth_edit}
