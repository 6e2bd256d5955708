"""Template helpers for the resource page snippet."""
from __future__ import annotations

from . import check, reports, settings, views


def sharecheck_report(resource_id: str):
    return reports.get(resource_id)


def sharecheck_download_blocked(resource_id: str) -> bool:
    return reports.download_blocked(reports.get(resource_id), settings.mode())


def sharecheck_failing(report) -> list:
    return check.failing_findings(report) if report else []


def sharecheck_can_waive(package_id: str) -> bool:
    return views.can_edit(package_id)


def sharecheck_mode() -> str:
    return settings.mode()


def get_helpers():
    return {name: value for name, value in globals().items() if name.startswith("sharecheck_")}
