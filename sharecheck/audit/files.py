"""What an audit reads: every release under the folders given, as the portal publishes them.

A folder with a datapackage.json is one data package (its descriptor names the tables); a CKAN
or portal export keeps metadata JSON next to the data (package_show output, `*.meta.json`), which
describes releases and is not one, so it is left out, as are README/LICENSE/SOURCE text files.
Hidden files and folders are skipped.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

# A JSON file this small that parses as a dict with these keys is a portal's metadata record.
_METADATA_KEYS = ({"resources"}, {"result"}, {"distribution"}, {"dataset"})
_METADATA_MAX_BYTES = 5_000_000


def _suffixes() -> set[str]:
    from ..readers import supported_extensions

    return {ext for ext in supported_extensions() if ext.startswith(".")}


def _is_metadata(path: Path) -> bool:
    """CKAN package_show / DCAT / data.json records: a dict describing resources, not rows."""
    if path.suffix.lower() != ".json" or path.stat().st_size > _METADATA_MAX_BYTES:
        return False
    if path.name.endswith((".meta.json", ".metadata.json")) or path.name in ("package.json", "data.json", "catalog.json"):
        return True
    try:
        document = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (ValueError, OSError):
        return False
    if not isinstance(document, dict):
        return False
    if document.get("type") == "FeatureCollection":
        return False
    return any(keys <= document.keys() for keys in _METADATA_KEYS)


# Documentation that travels with an export (README.txt, LICENSE.txt, SOURCE.txt) is text about
# the releases; ".txt" is also a CSV extension, so these names are left out by convention.
_DOCUMENT_STEMS = ("readme", "license", "licence", "source", "sources", "notice", "changelog", "citation", "metadata")


def _is_document(path: Path) -> bool:
    return path.suffix.lower() in (".txt", ".md") and path.stem.lower().split(".")[0] in _DOCUMENT_STEMS


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def audit_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files (and data-package descriptors) to audit, in a stable order."""
    suffixes = _suffixes()
    found: list[Path] = []
    for item in map(Path, paths):
        if not item.is_dir():
            found.append(item)
            continue
        packages = sorted(p.parent for p in item.rglob("datapackage.json") if not _hidden(p, item))
        found += [p / "datapackage.json" for p in packages]
        for path in sorted(item.rglob("*")):
            if not path.is_file() or _hidden(path, item) or path.name == "datapackage.json":
                continue
            if any(package in path.parents for package in packages):
                continue  # a table of a data package is read through its descriptor
            if path.suffix.lower() in suffixes and not _is_document(path) and not _is_metadata(path):
                found.append(path)
    return list(dict.fromkeys(found))
