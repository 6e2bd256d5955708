"""Review mode's download gate, and the editor's waiver form."""
from __future__ import annotations

from flask import Blueprint, request

from ckan.plugins import toolkit

from . import reports, settings

sharecheck = Blueprint("sharecheck", __name__)


def _user() -> str:
    user = toolkit.current_user
    return user.name if getattr(user, "is_authenticated", False) else ""


def can_edit(package_id: str) -> bool:
    try:
        toolkit.check_access("package_update", {"user": _user()}, {"id": package_id})
    except (toolkit.NotAuthorized, toolkit.ObjectNotFound):
        return False
    return True


@sharecheck.before_app_request
def hold_back_download():
    """Every dataset type's resource download endpoint ends in 'resource.download'."""
    if not (request.endpoint or "").endswith("resource.download"):
        return None
    args = request.view_args or {}
    resource_id, package_id = args.get("resource_id"), args.get("id")
    if not resource_id or not reports.download_blocked(reports.get(resource_id), settings.mode()):
        return None
    if package_id and can_edit(package_id):
        return None  # its editors review the file
    return toolkit.abort(403, toolkit._(
        "This file is held back for a privacy review: sharecheck found that people could be "
        "identified from it. It can be downloaded once an editor has accepted or fixed it."))


@sharecheck.route("/dataset/<id>/resource/<resource_id>/sharecheck/waiver", methods=["POST"])
def waiver(id: str, resource_id: str):
    context = {"user": _user()}
    try:
        toolkit.get_action("sharecheck_waiver_accept")(context, {"resource_id": resource_id,
                                                                "reason": request.form.get("reason", "")})
        toolkit.h.flash_success(toolkit._("Waiver recorded: the file can now be downloaded."))
    except toolkit.NotAuthorized:
        return toolkit.abort(403, toolkit._("Only the dataset's editors can accept a waiver."))
    except toolkit.ValidationError as exc:
        toolkit.h.flash_error("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.error_dict.items()))
    return toolkit.redirect_to("resource.read", id=id, resource_id=resource_id)


def get_blueprints():
    return [sharecheck]
