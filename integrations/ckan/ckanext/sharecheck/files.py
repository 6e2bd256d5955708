"""Where a resource's uploaded file is, and the named copy sharecheck reads.

CKAN stores an upload as storage/resources/abc/def/<rest of id>, without its name or extension.
sharecheck reads a file by its extension and names findings after it, so each checked upload gets
a hard link releases/<resource id>/<uploaded file name> (a copy where links are impossible). The
catalogue indexes that path, so a replaced upload re-indexes the same entry and a removed one
leaves the index by the same key.
"""
from __future__ import annotations

import os
import shutil
from typing import Any
from urllib.parse import urlparse

from ckan.lib import uploader
from ckan.lib.munge import munge_filename

from . import settings


def extension(name: str, resource: dict[str, Any] | None = None) -> str:
    ext = os.path.splitext(name)[1].lstrip(".").lower()
    if not ext and resource is not None:
        ext = (resource.get("format") or "").strip(".").lower()
    return ext


def file_name(resource: dict[str, Any]) -> str:
    name = os.path.basename(urlparse(resource.get("url") or "").path) or resource["id"]
    name = munge_filename(name)
    if not os.path.splitext(name)[1] and resource.get("format"):
        name = f"{name}.{resource['format'].strip('.').lower()}"
    return name


def checkable(resource: dict[str, Any]) -> bool:
    """An uploaded table: links elsewhere are never fetched (sharecheck works offline)."""
    return resource.get("url_type") == "upload" and extension(file_name(resource)) in settings.formats()


def stored_path(resource: dict[str, Any]) -> str | None:
    upload = uploader.get_resource_uploader(resource)
    path = upload.get_path(resource["id"]) if getattr(upload, "storage_path", None) else None
    return path if path and os.path.isfile(path) else None


def release_path(resource: dict[str, Any]) -> str:
    return os.path.join(settings.releases_dir(), resource["id"], file_name(resource))


def link_release(resource: dict[str, Any], source: str) -> str:
    """(Re)make the named link; CKAN replaces an upload by renaming a new file over the old one,
    so an old link would still show the old content."""
    target = release_path(resource)
    folder = os.path.dirname(target)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return target


def unlink_release(resource_id: str) -> list[str]:
    """Remove the named copy of a resource; returns the paths that were there."""
    folder = os.path.join(settings.releases_dir(), resource_id)
    if not os.path.isdir(folder):
        return []
    paths = [os.path.join(folder, name) for name in os.listdir(folder)]
    shutil.rmtree(folder)
    return paths
