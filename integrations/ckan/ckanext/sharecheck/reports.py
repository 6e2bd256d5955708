"""Reports live in CKAN's task_status table (entity = the resource, task_type 'sharecheck'): no
table of our own, so no migration, and CKAN's clean-up of a resource's tasks applies."""
from __future__ import annotations

import datetime
import json
from typing import Any

import ckan.model as model

TASK_TYPE = "sharecheck"
KEY = "report"


def _row(resource_id: str):
    return (model.Session.query(model.TaskStatus)
            .filter_by(entity_id=resource_id, task_type=TASK_TYPE, key=KEY).first())


def get(resource_id: str) -> dict[str, Any] | None:
    row = _row(resource_id)
    return json.loads(row.value) if row is not None and row.value else None


def save(resource_id: str, report: dict[str, Any]) -> None:
    row = _row(resource_id)
    if row is None:
        row = model.TaskStatus(entity_id=resource_id, entity_type="resource", task_type=TASK_TYPE, key=KEY)
        model.Session.add(row)
    row.value = json.dumps(report)
    row.state = report.get("status", "")
    row.error = report.get("error") or ""
    row.last_updated = datetime.datetime.utcnow()
    model.Session.commit()


def passes(report: dict[str, Any] | None) -> bool:
    """Checked and either passing or waived by an editor."""
    return bool(report) and report.get("status") == "checked" and (
        report.get("verdict") == "pass" or bool(report.get("waiver")))


def download_blocked(report: dict[str, Any] | None, mode: str) -> bool:
    """In review mode a checked upload's file is held back until it passes or is waived; so is one
    still waiting for its check or one sharecheck could not read (unless waived)."""
    if mode != "review" or not report or report.get("status") == "skipped":
        return False
    if report.get("waiver"):
        return False
    return report.get("status") in ("pending", "error") or report.get("verdict") != "pass"


def publishable(report: dict[str, Any] | None, mode: str) -> bool:
    """Whether the file is out in the world, so later uploads must be checked against it."""
    if not report or report.get("status") not in ("checked",):
        return False
    return mode != "review" or passes(report)
