"""The extension's settings (config_declaration.yaml) and the places it keeps files."""
from __future__ import annotations

import os

from ckan.plugins import toolkit

MODES = ("async", "review", "block")


def mode() -> str:
    value = (toolkit.config.get("ckanext.sharecheck.mode") or "async").strip().lower()
    if value not in MODES:
        raise toolkit.ValidationError({"ckanext.sharecheck.mode": [f"must be one of {', '.join(MODES)}, not {value!r}"]})
    return value


def sharecheck_config() -> str | None:
    return toolkit.config.get("ckanext.sharecheck.config") or None


def fail_on() -> str | None:
    return toolkit.config.get("ckanext.sharecheck.fail_on") or None


def max_partners() -> int:
    return int(toolkit.config.get("ckanext.sharecheck.max_partners") or 10)


def formats() -> set[str]:
    value = toolkit.config.get("ckanext.sharecheck.formats") or ""
    return {item.strip(".").lower() for item in value.split()}


def queue() -> str:
    return toolkit.config.get("ckanext.sharecheck.queue") or "default"


def job_timeout() -> int:
    return int(toolkit.config.get("ckanext.sharecheck.job_timeout") or 1800)


def enabled() -> bool:
    """Without file storage there are no uploads to check (and nowhere to keep the catalogue)."""
    return bool(toolkit.config.get("ckan.storage_path"))


def _home() -> str:
    storage = toolkit.config.get("ckan.storage_path")
    if not storage:
        raise toolkit.ValidationError({"ckan.storage_path": ["sharecheck keeps its catalogue under ckan.storage_path; set it"]})
    return os.path.join(storage, "sharecheck")


def catalogue_path() -> str:
    return toolkit.config.get("ckanext.sharecheck.catalogue_path") or os.path.join(_home(), "catalogue.sqlite")


def releases_dir() -> str:
    return os.path.join(_home(), "releases")
