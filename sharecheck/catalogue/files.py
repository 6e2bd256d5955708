"""Which files of a portal folder are releases, and the fingerprint that says one has changed."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable

from ..readers import supported_extensions

# Folders that hold software or caches, never releases: walking a checkout's .venv indexed
# thousands of package data files.
_SKIP_DIRS = {"__pycache__", "node_modules", "site-packages", "dist-packages", "venv", "env", "virtualenv",
              "__MACOSX", "htmlcov", "build", "dist"}
_PACKAGE = "datapackage.json"


def _skipped_dir(path: Path) -> bool:
    return (path.name.startswith(".") or path.name in _SKIP_DIRS or (path / "pyvenv.cfg").exists()
            or path.name.endswith(".egg-info"))


def release_files(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Path]]:
    """(release files, folders walked). A folder holding datapackage.json is one release (its
    descriptor); other folders are walked for files of a supported type, hidden and software
    folders skipped."""
    suffixes = {ext for ext in supported_extensions() if ext.startswith(".")}
    found: list[Path] = []
    walked: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir() and (item / _PACKAGE).is_file():
            found.append(item / _PACKAGE)
        elif item.is_dir():
            walked.append(item)
            for folder, dirs, files in os.walk(item):
                here = Path(folder)
                if here != item and (here / _PACKAGE).is_file():
                    found.append(here / _PACKAGE)
                    dirs[:] = []
                    continue
                dirs[:] = sorted(d for d in dirs if not _skipped_dir(here / d))
                found += [here / f for f in sorted(files)
                          if not f.startswith(".") and Path(f).suffix.lower() in suffixes]
        else:
            found.append(item)
    return found, walked


def _file_digest(path: Path) -> str:
    from .._files import file_sha256

    return file_sha256(path)


def _package_parts(descriptor: Path) -> list[Path]:
    """The files a data package is made of: its resources' paths and external schemas."""
    try:
        if descriptor.suffix in (".yaml", ".yml"):
            import yaml

            document = yaml.safe_load(descriptor.read_text(encoding="utf-8"))
        else:
            document = json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, ImportError):
        return []
    parts = []
    for resource in (document.get("resources") or []) if isinstance(document, dict) else []:
        if not isinstance(resource, dict):
            continue
        paths = resource.get("path")
        for item in [paths] if isinstance(paths, str) else (paths if isinstance(paths, list) else []):
            if isinstance(item, str) and "://" not in item:
                parts.append(descriptor.parent / item)
        if isinstance(resource.get("schema"), str):
            parts.append(descriptor.parent / resource["schema"])
    return parts


def is_package(path: Path) -> bool:
    return path.name.endswith(_PACKAGE) or path.name == "datapackage.yaml"


def fingerprint(path: Path) -> str:
    """sha256 of the file; for a data package, of its descriptor and every file it names, so a
    changed resource re-indexes the package."""
    if not is_package(path):
        return _file_digest(path)
    digest = hashlib.sha256(_file_digest(path).encode())
    for part in sorted(set(_package_parts(path))):
        digest.update(str(part.relative_to(path.parent) if part.is_relative_to(path.parent) else part).encode())
        digest.update(_file_digest(part).encode() if part.is_file() else b"missing")
    return digest.hexdigest()
