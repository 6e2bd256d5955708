"""Block mode: the upload is checked inside resource_create / resource_update, before CKAN stores
it, and refused with a ValidationError naming the findings."""
from __future__ import annotations

import os
import tempfile
from typing import Any

from ckan.lib.munge import munge_filename
from ckan.plugins import toolkit
from werkzeug.datastructures import FileStorage

from . import check, files, settings


def refuse_if_failing(resource: dict[str, Any], replacing: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Check the incoming upload; return its report, or raise ValidationError when it fails."""
    from sharecheck import SharecheckError

    upload = resource.get("upload")
    if not isinstance(upload, FileStorage) or not upload.filename:
        return None
    name = munge_filename(upload.filename)
    if files.extension(name, resource) not in settings.formats():
        return None
    catalogue = settings.catalogue_path()
    # The version being replaced is no partner of its own successor: out of the index while checking.
    previous = files.release_path(replacing) if replacing else None
    removed = check.unindex_release(previous, catalogue) if previous else 0
    try:
        with tempfile.TemporaryDirectory(prefix="sharecheck-") as folder:
            path = os.path.join(folder, name)
            stream = upload.stream
            stream.seek(0)
            with open(path, "wb") as handle:
                while chunk := stream.read(1 << 20):
                    handle.write(chunk)
            stream.seek(0)  # CKAN's uploader reads it next
            try:
                report = check.check_release(path, catalogue_path=catalogue, config=settings.sharecheck_config(),
                                             fail_on=settings.fail_on(), max_partners=settings.max_partners())
            except SharecheckError as exc:
                raise toolkit.ValidationError({"upload": [f"sharecheck could not read this file: {exc}"]})
        if report["verdict"] == "fail":
            raise toolkit.ValidationError({"upload": [
                "sharecheck refused this file: people could be identified from it "
                f"({check.describe(report)}). Fix the release, or ask a sysadmin about review mode."]})
        return report
    finally:
        if removed and previous and os.path.isfile(previous):
            check.index_release(previous, catalogue, config=settings.sharecheck_config())
