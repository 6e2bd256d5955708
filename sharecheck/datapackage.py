"""Frictionless data packages: each resource a Release, with the roles and keys the schema declares.

Resource and schema paths must stay inside the package folder, as the Data Package spec
requires ("MUST NOT be an absolute path, MUST NOT contain `..`"): a descriptor from an uploader
must not make sharecheck read /etc/passwd or a neighbour's release. URLs are refused too, since
sharecheck never reaches the network.
"""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

import polars as pl

from .errors import InputError
from .release import FieldMeta, Release

ROLE_KEYS = ("sharecheck:role", "sharecheck_role", "role")
SEMANTIC_KEYS = ("sharecheck:semantic_type", "sharecheck_semantic_type")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def looks_like_datapackage(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
        return b'"resources"' in head
    except OSError:
        return False


def inside_package(package_path: Path, item: object, what: str) -> Path:
    """The file a descriptor's relative path names, refused unless it stays in the package folder."""
    if not isinstance(item, str) or not item.strip():
        raise InputError(f"{package_path}: {what} path must be a non-empty string")
    if _URL.match(item):
        raise InputError(f"{package_path}: {what} points to a URL; sharecheck reads local files only")
    posix, windows = PurePosixPath(item), PureWindowsPath(item)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or item.startswith(("/", "\\", "~")):
        raise InputError(f"{package_path}: {what} is an absolute path; a data package may only name files inside its folder")
    if ".." in posix.parts or ".." in windows.parts or "\x00" in item:
        raise InputError(f"{package_path}: {what} climbs out of the package folder ('..'); refused")
    root = package_path.parent.resolve()
    target = (package_path.parent / item).resolve()
    if target != root and root not in target.parents:
        raise InputError(f"{package_path}: {what} resolves outside the package folder (a symbolic link?); refused")
    if not target.is_file():
        raise InputError(f"{package_path}: {what} names no file in the package")
    if target.name.endswith("datapackage.json") or target.name in {"datapackage.yaml", "datapackage.yml"}:
        raise InputError(f"{package_path}: {what} names another data package; refused")
    return target


def read_datapackage(path: Path) -> list[Release]:
    from .read_formats import load_json

    if path.suffix in {".yaml", ".yml"}:
        import yaml

        try:
            with open(path, encoding="utf-8") as handle:
                descriptor = yaml.safe_load(handle)
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
            raise InputError(f"{path}: not a valid YAML data package ({type(exc).__name__})") from None
    else:
        descriptor = load_json(path)
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not resources:
        raise InputError(f"{path}: data package lists no resources")
    return [_read_resource(path, resource, index) for index, resource in enumerate(resources)]


def _fields(package_path: Path, name: str, schema: object) -> dict[str, FieldMeta]:
    if not isinstance(schema, dict):
        raise InputError(f"{package_path}: resource {name!r} has a schema that is not an object")
    declared = schema.get("fields", [])
    if not isinstance(declared, list):
        raise InputError(f"{package_path}: resource {name!r} schema fields must be a list")
    fields = {}
    for field in declared:
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            raise InputError(f"{package_path}: resource {name!r} has a schema field without a name")
        role = next((field[key] for key in ROLE_KEYS if key in field), None)
        semantic = next((field[key] for key in SEMANTIC_KEYS if key in field), None)
        fields[field["name"]] = FieldMeta(
            name=field["name"], type=_text(field.get("type")), role=_text(role), semantic_type=_text(semantic),
            description=_text(field.get("description")), title=_text(field.get("title")),
        )
    return fields


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _declared_header(resource: dict) -> bool | None:
    """The resource's CSV dialect `header` (Frictionless: false for a file without a header
    row); None, judged from the file, where the package does not say."""
    dialect = resource.get("dialect")
    if isinstance(dialect, dict) and isinstance(dialect.get("header"), bool):
        return dialect["header"]
    return None


def _named_by_schema(package_path: Path, name: str, part: Release, fields: dict[str, FieldMeta]) -> Release:
    """A file without a header row takes its column names from the schema, in field order, as
    the Table Schema spec reads such a file."""
    from dataclasses import replace

    from .header_row import HEADERLESS_NOTE

    if not fields or not any(note.startswith(HEADERLESS_NOTE) for note in part.notes):
        return part
    columns = part.columns
    if len(fields) != len(columns):
        raise InputError(f"{package_path}: resource {name!r} has no header row and its schema names "
                         f"{len(fields)} fields for {len(columns)} columns")
    notes = tuple(f"{HEADERLESS_NOTE}: columns named from the schema" if note.startswith(HEADERLESS_NOTE) else note
                  for note in part.notes)
    return replace(part, frame=part.frame.rename(dict(zip(columns, fields))), notes=notes)


def _read_resource(package_path: Path, resource: object, index: int) -> Release:
    from .read_formats import flatten, load_json, records_frame
    from .readers import read_releases
    from .typing_pass import refine_types

    if not isinstance(resource, dict):
        raise InputError(f"{package_path}: resource {index + 1} is not an object")
    name = str(resource.get("name") or f"resource{index + 1}")
    schema = resource.get("schema") or {}
    if isinstance(schema, str):
        schema = load_json(inside_package(package_path, schema, f"schema of resource {name!r}"))
    fields = _fields(package_path, name, schema)
    primary_key = schema.get("primaryKey") or ()
    primary_key = (primary_key,) if isinstance(primary_key, str) else tuple(str(key) for key in primary_key)
    foreign_keys = tuple(key for key in (schema.get("foreignKeys") or ()) if isinstance(key, dict))
    if "data" in resource and "path" not in resource:
        frame = flatten(records_frame(package_path, resource["data"]))
        base = Release(name=name, frame=refine_types(frame.lazy()), format="datapackage", path=package_path)
    else:
        paths = resource.get("path")
        paths = [paths] if isinstance(paths, str) else list(paths) if isinstance(paths, list) else []
        if not paths:
            raise InputError(f"{package_path}: resource {name!r} has neither path nor data")
        header = _declared_header(resource)
        parts = []
        for item in paths:
            target = inside_package(package_path, item, f"resource {name!r}")
            releases = read_releases(target, header=header)
            if len(releases) != 1:
                raise InputError(f"{package_path}: resource {name!r} file {item!r} holds {len(releases)} tables; name one")
            parts.append(_named_by_schema(package_path, name, releases[0], fields))
        frame = pl.concat([part.frame for part in parts], how="diagonal_relaxed") if len(parts) > 1 else parts[0].frame
        first = parts[0]
        base = Release(name=name, frame=frame, format=first.format, path=first.path, encoding=first.encoding,
                       delimiter=first.delimiter, size_bytes=sum(part.size_bytes or 0 for part in parts),
                       notes=first.notes + (f"resource of {package_path.name}",))
    return Release(
        name=name, frame=base.frame, format=base.format, path=base.path, fields=fields,
        primary_key=primary_key, foreign_keys=foreign_keys, encoding=base.encoding,
        delimiter=base.delimiter, size_bytes=base.size_bytes, notes=base.notes,
        about=resource.get("sharecheck:about") or resource.get("sharecheck_about"),
    )
