"""Turn a file on disk into Releases. Every failure becomes an InputError with one clear line.

The input is only ever opened for reading. Files in an encoding polars cannot scan are
transcoded into a private temporary copy, never rewritten in place.
"""
from __future__ import annotations

import atexit
import codecs
import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Iterable

import polars as pl

from .errors import InputError
from .release import FieldMeta, Release
from .typing_pass import refine_types

SNIFF_BYTES = 1 << 20
CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
NULL_TOKENS = ["", "NULL", "null", "N/A", "n/a", "NaN", "None"]
_EXTENSIONS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson",
    ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel",
    ".geojson": "geojson",
}
_TEMP_FILES: list[str] = []


@atexit.register
def _remove_temp_files() -> None:
    for name in _TEMP_FILES:
        try:
            os.unlink(name)
        except OSError:
            pass


def supported_extensions() -> list[str]:
    return sorted(_EXTENSIONS) + ["datapackage.json"]


def read_releases(path: str | os.PathLike, *, sheet: str | None = None) -> list[Release]:
    """Read a file into one Release per table (a data package may hold several)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        package = path / "datapackage.json"
        if package.is_file():
            return _read_datapackage(package)
        raise InputError(f"{path}: is a directory; give a file (or a folder holding datapackage.json)")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    if path.name.endswith("datapackage.json") or path.name == "datapackage.yaml":
        return _read_datapackage(path)
    kind = _EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"{path}: unknown file type {path.suffix or '(no extension)'!r}; "
            f"sharecheck reads {', '.join(supported_extensions())}"
        )
    if kind == "json" and _looks_like_datapackage(path):
        return _read_datapackage(path)
    reader = {
        "csv": _read_delimited, "tsv": _read_delimited, "parquet": _read_parquet,
        "json": _read_json, "ndjson": _read_ndjson, "excel": _read_excel, "geojson": _read_geojson,
    }[kind]
    release = reader(path, sheet=sheet) if kind == "excel" else reader(path)
    return [release]


def read_release(path: str | os.PathLike, **options) -> Release:
    releases = read_releases(path, **options)
    if len(releases) != 1:
        raise InputError(f"{path}: holds {len(releases)} tables; name one resource")
    return releases[0]


# --------------------------------------------------------------------------- delimited text

def _is_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return not (head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE))
    return False


def detect_encoding(head: bytes) -> str:
    """UTF-8 when it decodes; otherwise the guess of charset-normalizer, preferring cp1252 for Latin-1."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    try:
        # A multi-byte character may be cut at the end of the sample.
        head.decode("utf-8") if len(head) < SNIFF_BYTES else head[:-4].decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head[:200_000]).best()
    guess = (best.encoding if best else "cp1252").lower().replace("_", "-")
    # Western European open data labelled latin-1 is, in practice, cp1252 (€, curly quotes).
    if guess in {"latin-1", "iso-8859-1", "iso8859-1", "latin1", "iso-8859-15", "cp1250", "windows-1250"}:
        return "cp1252"
    return guess


def sniff_delimiter(text: str, default: str = ",") -> str:
    """The candidate that splits the sample into the most consistent number (> 1) of fields."""
    best, best_score = default, (-1.0, 0)
    for delimiter in CANDIDATE_DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))[:200]
        except csv.Error:
            continue
        if len(rows) > 1 and not text.endswith("\n"):
            rows = rows[:-1]  # the last line of a sample may be cut
        widths = [len(row) for row in rows if row]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        if mode < 2:
            continue
        score = (widths.count(mode) / len(widths), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


_DECIMAL_COMMA = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+),\d+$")


def _sample_rows(text: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))[1:500]
    except csv.Error:
        return []


def uses_decimal_comma(text: str, delimiter: str) -> bool:
    if delimiter == ",":
        return False
    cells = [cell.strip() for row in _sample_rows(text, delimiter) for cell in row]
    return any(_DECIMAL_COMMA.match(cell) for cell in cells)


def _transcode_to_utf8(path: Path, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".csv", delete=False, newline="")
    _TEMP_FILES.append(handle.name)
    with open(path, "rb") as source, handle:
        while chunk := source.read(1 << 22):
            handle.write(decoder.decode(chunk))
        handle.write(decoder.decode(b"", final=True))
    return handle.name


def _read_delimited(path: Path) -> Release:
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if _is_binary(head[:8192]):
        raise InputError(f"{path}: looks like a binary file, not delimited text (is the extension right?)")
    encoding = detect_encoding(head)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{path}: the file holds no data, only white space")
    delimiter = "\t" if path.suffix.lower() in {".tsv", ".tab"} else sniff_delimiter(text)
    if len(head) < SNIFF_BYTES and _has_unclosed_quote(text, delimiter):
        raise InputError(f"{path}: a quoted field is never closed; check the quoting")
    decimal_comma = uses_decimal_comma(text, delimiter)
    source = str(path) if encoding == "utf-8" else _transcode_to_utf8(path, encoding)
    # Lossy UTF-8: one stray byte deep in a large file must not stop the scan (the sniffed head
    # was valid UTF-8); it becomes U+FFFD in that one cell.
    lazy = pl.scan_csv(source, separator=delimiter, infer_schema=False, null_values=NULL_TOKENS, encoding="utf8-lossy")
    try:
        header = lazy.collect_schema().names()
        first = lazy.head(1).collect()
    except pl.exceptions.NoDataError:
        raise InputError(f"{path}: the file is empty") from None
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: {describe_parse_error(exc)}") from None
    if first.height == 0:
        raise InputError(f"{path}: has a header ({len(header)} columns) but no data rows")
    _check_header(path, header)
    frame = refine_types(lazy, decimal_comma=decimal_comma)
    notes = []
    if encoding != "utf-8":
        notes.append(f"read as {encoding}")
    if decimal_comma:
        notes.append("decimal commas")
    return Release(
        name=path.stem, frame=frame, format="tsv" if delimiter == "\t" else "csv", path=path,
        encoding=encoding, delimiter=delimiter, size_bytes=path.stat().st_size, notes=tuple(notes),
    )


def _check_header(path: Path, header: list[str]) -> None:
    blanks = [index for index, name in enumerate(header) if not str(name).strip()]
    if len(header) == 1 and len(header[0]) > 200:
        raise InputError(f"{path}: found one column with a {len(header[0])}-character name; is this really a table?")
    if blanks and len(blanks) == len(header):
        raise InputError(f"{path}: the header row is empty")


def _has_unclosed_quote(text: str, delimiter: str) -> bool:
    try:
        for _ in csv.reader(io.StringIO(text), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def describe_parse_error(exc: BaseException) -> str:
    # polars quotes the offending cell in backticks; an error line must not echo a raw value.
    message = re.sub(r"`[^`]*`?", "`…`", _first_line(exc))
    if "more fields than defined" in message:
        return "some rows have more fields than the header (ragged rows); check the delimiter and quoting"
    if "could not parse" in message:
        return f"cannot be parsed as delimited text ({message}); is a quote left open?"
    return f"cannot be parsed as delimited text: {message}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --------------------------------------------------------------------------- binary and JSON formats

def _read_parquet(path: Path) -> Release:
    try:
        lazy = pl.scan_parquet(path)
        lazy.collect_schema()
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: not a readable Parquet file: {_first_line(exc)}") from None
    except OSError as exc:
        raise InputError(f"{path}: not a readable Parquet file: {exc}") from None
    return Release(name=path.stem, frame=lazy, format="parquet", path=path, size_bytes=path.stat().st_size)


def _flatten(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested records become `parent.child` columns, as a reader of the release would see them."""
    for _ in range(4):
        structs = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Struct)]
        if not structs:
            break
        frame = frame.with_columns(
            pl.col(name).struct.rename_fields([f"{name}.{field.name}" for field in frame.schema[name].fields])
            for name in structs
        ).unnest(structs)
    return frame


def _records_frame(path: Path, data) -> pl.DataFrame:
    if isinstance(data, dict):
        lists = [value for value in data.values() if isinstance(value, list) and value and isinstance(value[0], dict)]
        if len(lists) != 1:
            raise InputError(f"{path}: JSON object holds no single list of records")
        data = lists[0]
    if not isinstance(data, list) or not data:
        raise InputError(f"{path}: JSON holds no records")
    if not all(isinstance(row, dict) for row in data[:1000]):
        raise InputError(f"{path}: JSON records must be objects")
    try:
        return pl.from_dicts(data, infer_schema_length=None)
    except (pl.exceptions.PolarsError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: JSON records cannot form a table: {_first_line(exc)}") from None


def _read_json(path: Path) -> Release:
    data = _load_json(path)
    frame = _flatten(_records_frame(path, data))
    return Release(name=path.stem, frame=refine_types(frame.lazy()), format="json", path=path, size_bytes=path.stat().st_size)


def _load_json(path: Path):
    with open(path, "rb") as handle:
        raw = handle.read()
    if _is_binary(raw[:8192]):
        raise InputError(f"{path}: looks like a binary file, not JSON")
    try:
        return json.loads(raw.decode(detect_encoding(raw[:SNIFF_BYTES])).lstrip("\ufeff"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from None


def _read_ndjson(path: Path) -> Release:
    try:
        lazy = pl.scan_ndjson(path, infer_schema_length=10_000)
        first = lazy.head(1).collect()
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: not valid newline-delimited JSON: {_first_line(exc)}") from None
    if first.height == 0:
        raise InputError(f"{path}: holds no records")
    if any(isinstance(dtype, pl.Struct) for dtype in first.schema.values()):
        lazy = _flatten(lazy.collect()).lazy()
    return Release(name=path.stem, frame=refine_types(lazy), format="ndjson", path=path, size_bytes=path.stat().st_size)


def _read_excel(path: Path, sheet: str | None = None) -> Release:
    try:
        frame = pl.read_excel(path, sheet_name=sheet, engine="calamine", infer_schema_length=0) if sheet \
            else _first_nonempty_sheet(path)
    except InputError:
        raise
    except Exception as exc:  # fastexcel raises its own exception types
        raise InputError(f"{path}: not a readable Excel workbook: {_first_line(exc)}") from None
    if frame.height == 0:
        raise InputError(f"{path}: the sheet has a header but no data rows")
    return Release(name=path.stem, frame=refine_types(frame.lazy()), format="excel", path=path, size_bytes=path.stat().st_size)


def _first_nonempty_sheet(path: Path) -> pl.DataFrame:
    sheets = pl.read_excel(path, sheet_id=0, engine="calamine", infer_schema_length=0)
    for frame in sheets.values():
        if frame.width and frame.height:
            return frame
    raise InputError(f"{path}: every sheet is empty")


def _read_geojson(path: Path) -> Release:
    document = _load_json(path)
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        raise InputError(f"{path}: GeoJSON holds no features")
    properties = pl.from_dicts([feature.get("properties") or {} for feature in features], infer_schema_length=None)
    longitudes, latitudes = zip(*(_representative_point(feature.get("geometry")) for feature in features))
    taken = set(properties.columns)
    lon_name = "longitude" if "longitude" not in taken else "geometry_longitude"
    lat_name = "latitude" if "latitude" not in taken else "geometry_latitude"
    frame = _flatten(properties).with_columns(
        pl.Series(lon_name, longitudes, dtype=pl.Float64), pl.Series(lat_name, latitudes, dtype=pl.Float64)
    )
    return Release(name=path.stem, frame=refine_types(frame.lazy()), format="geojson", path=path,
                   size_bytes=path.stat().st_size, notes=("point coordinates read from feature geometry",))


def _representative_point(geometry) -> tuple[float | None, float | None]:
    """The point itself, or the first vertex of a line or polygon: where the record is."""
    if not isinstance(geometry, dict):
        return None, None
    coordinates = geometry.get("coordinates")
    while isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    if isinstance(coordinates, list) and len(coordinates) >= 2:
        try:
            return float(coordinates[0]), float(coordinates[1])
        except (TypeError, ValueError):
            return None, None
    return None, None


# --------------------------------------------------------------------------- Frictionless data packages

def _looks_like_datapackage(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
        return b'"resources"' in head
    except OSError:
        return False


ROLE_KEYS = ("sharecheck:role", "sharecheck_role", "role")
SEMANTIC_KEYS = ("sharecheck:semantic_type", "sharecheck_semantic_type")


def _read_datapackage(path: Path) -> list[Release]:
    if path.suffix in {".yaml", ".yml"}:
        import yaml

        with open(path, encoding="utf-8") as handle:
            descriptor = yaml.safe_load(handle)
    else:
        descriptor = _load_json(path)
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not resources:
        raise InputError(f"{path}: data package lists no resources")
    releases = []
    for index, resource in enumerate(resources):
        releases.append(_read_resource(path, resource, index))
    return releases


def _read_resource(package_path: Path, resource: dict, index: int) -> Release:
    name = str(resource.get("name") or f"resource{index + 1}")
    schema = resource.get("schema") or {}
    if isinstance(schema, str):
        schema = _load_json(package_path.parent / schema)
    fields = {}
    for field in schema.get("fields", []):
        role = next((field[key] for key in ROLE_KEYS if key in field), None)
        semantic = next((field[key] for key in SEMANTIC_KEYS if key in field), None)
        fields[field["name"]] = FieldMeta(
            name=field["name"], type=field.get("type"), role=role, semantic_type=semantic,
            description=field.get("description"),
        )
    primary_key = schema.get("primaryKey") or ()
    primary_key = (primary_key,) if isinstance(primary_key, str) else tuple(primary_key)
    foreign_keys = tuple(schema.get("foreignKeys") or ())
    if "data" in resource and "path" not in resource:
        frame = _flatten(_records_frame(package_path, resource["data"]))
        base = Release(name=name, frame=refine_types(frame.lazy()), format="datapackage", path=package_path)
    else:
        paths = resource.get("path")
        paths = [paths] if isinstance(paths, str) else list(paths or [])
        if not paths:
            raise InputError(f"{package_path}: resource {name!r} has neither path nor data")
        if any(re.match(r"^[a-z]+://", item) for item in paths):
            raise InputError(f"{package_path}: resource {name!r} points to a URL; sharecheck reads local files only")
        parts = [read_release(package_path.parent / item) for item in paths]
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


def iter_paths(paths: Iterable[str | os.PathLike]) -> Iterable[Path]:
    for item in paths:
        yield Path(item)
