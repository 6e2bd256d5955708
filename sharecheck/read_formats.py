"""Parquet, JSON, NDJSON, Excel and GeoJSON into Releases (delimited text is in readers.py).

Only columns a profile can read are kept: decimals become floats, times text, durations
seconds; nested, binary and map columns are named in a note and skipped. Dates outside years
1-9999 become missing (polars panics formatting some of them).
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl

from .errors import InputError
from .limits import bracket_depth_bound_of_file, check_columns, check_line_lengths, check_workbook, current_limits, depth_error
from .header_row import headerless_names, headerless_note
from .readers import SNIFF_BYTES, _is_binary, detect_encoding
from .redact import exception_message
from .release import Release
from .typing_pass import refine_types



def check_cell_sizes(path: Path, lazy: pl.LazyFrame) -> None:
    """Refuse a text cell longer than max_cell_bytes (one streaming pass over the text columns)."""
    limit = current_limits().max_cell_bytes
    texts = [name for name, dtype in lazy.collect_schema().items() if dtype == pl.String]
    if not texts:
        return
    longest = lazy.select(pl.max_horizontal(pl.col(name).str.len_bytes().max() for name in texts)).collect()
    value = longest.item() if longest.height else None
    if value is not None and value > limit:
        raise InputError(f"{path}: a cell of {value:,} bytes exceeds the limit of {limit:,} "
                         "(raise it with --limit cell_bytes=N if the file is trusted)")



# --------------------------------------------------------------------------- Parquet

# Dates a report can print (chrono's range is wider, but a year past 9999 is no real date and
# polars panics formatting some of them): days since 1970-01-01 for 0001-01-01 and 9999-12-31.
_FIRST_DAY, _LAST_DAY = -719_162, 2_932_896
_PER_DAY = {"ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}


def plain_columns(path: Path, lazy: pl.LazyFrame) -> tuple[pl.LazyFrame, list[str]]:
    """Columns a profile can read, with a note for each kind that was converted or skipped."""
    schema = lazy.collect_schema()
    check_columns(path, len(schema))
    keep, skipped, notes = [], {}, []
    for index, (name, dtype) in enumerate(schema.items()):
        # by position: pl.col reads `*` and `^...$` as patterns, and a header may hold either
        column = pl.nth(index)
        if isinstance(dtype, pl.Struct):
            keep.append(column)  # unnested below, like nested JSON records
        elif isinstance(dtype, (pl.List, pl.Array, pl.Binary, pl.Object, pl.Null)) or str(dtype).startswith("Map"):
            skipped.setdefault(type(dtype).__name__.lower(), []).append(name)
        elif isinstance(dtype, pl.Decimal) and (dtype.precision or 0) > 38:
            skipped.setdefault("decimal (over 38 digits)", []).append(name)  # polars cannot read them
        elif isinstance(dtype, pl.Decimal):
            keep.append(column.cast(pl.Float64))
        elif isinstance(dtype, pl.Time):
            keep.append(column.cast(pl.String))
        elif isinstance(dtype, pl.Duration):
            keep.append(column.dt.total_seconds())
        elif isinstance(dtype, pl.Date):
            days = column.to_physical()
            keep.append(pl.when(days.is_between(_FIRST_DAY, _LAST_DAY)).then(column).otherwise(None).alias(name))
        elif isinstance(dtype, pl.Datetime) and dtype.time_unit != "ns":  # ns spans only 1677-2262
            per_day = _PER_DAY.get(dtype.time_unit or "us", _PER_DAY["us"])
            ticks = column.to_physical()
            keep.append(pl.when(ticks.is_between(_FIRST_DAY * per_day, _LAST_DAY * per_day))
                        .then(column).otherwise(None).alias(name))
        else:
            keep.append(column)
    if skipped:
        notes.append("skipped " + "; ".join(f"{kind} columns {', '.join(names[:5])}{' …' if len(names) > 5 else ''}"
                                            for kind, names in skipped.items()) + " (not checked)")
    if not keep:
        raise InputError(f"{path}: no column holds values sharecheck can read (only nested or binary columns)")
    return lazy.select(keep), notes


def _out_of_range_note(lazy: pl.LazyFrame, raw: pl.LazyFrame) -> list[str]:
    """How many dates were dropped as out of range (one pass over the date columns only)."""
    dates = [name for name, dtype in raw.collect_schema().items() if isinstance(dtype, (pl.Date, pl.Datetime))]
    if not dates:
        return []
    before = raw.select(pl.col(name).is_not_null().sum() for name in dates).collect().row(0)
    after = lazy.select(pl.col(name).is_not_null().sum() for name in dates).collect().row(0)
    dropped = sum(before) - sum(after)
    return [f"{dropped:,} dates outside years 1-9999 read as missing"] if dropped else []


def read_parquet(path: Path) -> Release:
    try:
        raw = pl.scan_parquet(path, glob=False)
        check_columns(path, len(raw.collect_schema()))
        lazy, notes = plain_columns(path, flatten(raw))
        notes += _out_of_range_note(lazy, flatten(raw))
        check_cell_sizes(path, lazy)
    except InputError:
        raise
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: not a readable Parquet file: {exception_message(exc)}") from None
    except OSError as exc:
        raise InputError(f"{path}: not a readable Parquet file: {exc.strerror or exception_message(exc)}") from None
    return Release(name=path.stem, frame=lazy, format="parquet", path=path, size_bytes=path.stat().st_size,
                   notes=tuple(notes))


# --------------------------------------------------------------------------- JSON formats

def flatten(frame):
    """Nested records become `parent.child` columns, as a reader of the release would see them."""
    for _ in range(4):
        schema = frame.collect_schema()
        structs = [name for name, dtype in schema.items() if isinstance(dtype, pl.Struct)]
        if not structs:
            break
        frame = frame.with_columns(
            pl.col(name).struct.rename_fields([f"{name}.{field.name}" for field in schema[name].fields])
            for name in structs
        ).unnest(structs)
    return frame


def records_frame(path: Path, data) -> pl.DataFrame:
    if isinstance(data, dict):
        lists = [value for value in data.values() if isinstance(value, list) and value and isinstance(value[0], dict)]
        if len(lists) != 1:
            raise InputError(f"{path}: JSON object holds no single list of records")
        data = lists[0]
    if not isinstance(data, list) or not data:
        raise InputError(f"{path}: JSON holds no records")
    if not all(isinstance(row, dict) for row in data):
        raise InputError(f"{path}: JSON records must be objects")
    check_columns(path, len(data[0]))
    try:
        return pl.from_dicts(data, infer_schema_length=None)
    except (pl.exceptions.PolarsError, TypeError, ValueError, OverflowError):
        pass
    # A field whose type changes (a number, later a text or an object): read every field as text,
    # as a person opening the file would see it, rather than refuse the release.
    names: dict[str, None] = {}
    for row in data:
        names.update(dict.fromkeys(row))
    check_columns(path, len(names))
    try:
        # polars turns a nested value into its JSON text when reading NDJSON into a text column.
        raw = "\n".join(json.dumps(row, ensure_ascii=False) for row in data).encode("utf-8")
        return pl.read_ndjson(io.BytesIO(raw), schema={str(name): pl.String for name in names})
    except (pl.exceptions.PolarsError, TypeError, ValueError, OverflowError) as exc:
        raise InputError(f"{path}: JSON records cannot form a table: {exception_message(exc)}") from None


def _finish_json(path: Path, frame: pl.DataFrame, fmt: str, notes: tuple[str, ...] = ()) -> Release:
    frame, more = _plain(path, flatten(frame))
    return Release(name=path.stem, frame=refine_types(frame.lazy()), format=fmt, path=path,
                   size_bytes=path.stat().st_size, notes=notes + more)


def _plain(path: Path, frame: pl.DataFrame) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """Readable columns only (nested and binary ones skipped with a note), cells within the limit."""
    lazy, notes = plain_columns(path, frame.lazy())
    frame = lazy.collect()
    check_cell_sizes(path, frame.lazy())
    return frame, tuple(notes)


def read_json(path: Path) -> Release:
    return _finish_json(path, records_frame(path, load_json(path)), "json")


def load_json(path: Path):
    with open(path, "rb") as handle:
        raw = handle.read()
    if _is_binary(raw[:8192]):
        raise InputError(f"{path}: looks like a binary file, not JSON")
    limit = current_limits().max_depth
    depth = bracket_depth_bound_of_file(path)  # exact for valid JSON, before any parser runs
    if depth > limit:
        raise depth_error(path, depth)
    try:
        text = raw.decode(detect_encoding(raw[:SNIFF_BYTES]), errors="strict").lstrip("\ufeff")
        document = json.loads(text)
    except RecursionError:
        raise depth_error(path, 10 * limit + 1) from None
    except (ValueError, UnicodeError) as exc:
        # json's message names a position, never the text; decoders name the codec and a byte.
        detail = exc.args[0] if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
        raise InputError(f"{path}: not valid JSON: {exception_message(detail)}") from None
    return document


def read_ndjson(path: Path) -> Release:
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if _is_binary(head):
        raise InputError(f"{path}: looks like a binary file, not newline-delimited JSON")
    check_line_lengths(path)
    _check_ndjson_depth(path)
    notes: tuple[str, ...] = ()

    def scan(**options) -> pl.LazyFrame:
        # scan_ndjson takes a path as a glob pattern: a name with [ ] * ? is read from memory.
        source = io.BytesIO(path.read_bytes()) if any(ch in str(path) for ch in "[]*?") else path
        lazy = pl.scan_ndjson(source, **options)
        lazy.head(1).collect()
        return lazy

    try:
        # The schema from every line: a type that changes after line 10,000 must not stop the scan.
        lazy = scan(infer_schema_length=None)
    except pl.exceptions.PolarsError:
        try:
            lazy = scan(schema={name: pl.String for name in _ndjson_keys(path)})
            notes = ("fields whose type changes read as text",)
        except pl.exceptions.PolarsError as exc:
            raise InputError(f"{path}: not valid newline-delimited JSON: {exception_message(exc)}") from None
    if not lazy.collect_schema() or lazy.head(1).collect().height == 0:
        raise InputError(f"{path}: holds no records")
    lazy, more = plain_columns(path, flatten(lazy))
    check_cell_sizes(path, lazy)
    return Release(name=path.stem, frame=refine_types(lazy), format="ndjson", path=path,
                   size_bytes=path.stat().st_size, notes=notes + tuple(more))


def _ndjson_keys(path: Path) -> list[str]:
    """Field names of every record (a fallback when polars cannot agree on one schema)."""
    names: dict[str, None] = {}
    limit = current_limits().max_columns
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise InputError(f"{path}: line {number} is not valid JSON: {exception_message(exc.args[0])}") from None
            if not isinstance(record, dict):
                raise InputError(f"{path}: line {number} is not a JSON object")
            names.update(dict.fromkeys(record))
            if len(names) > limit:
                check_columns(path, len(names))
    return list(names)


def _check_ndjson_depth(path: Path) -> None:
    depth = bracket_depth_bound_of_file(path)
    if depth > current_limits().max_depth:
        raise depth_error(path, depth)


# --------------------------------------------------------------------------- workbooks and GeoJSON

def read_excel(path: Path, sheet: str | None = None, header: bool | None = None) -> list[Release]:
    """Every sheet with data is a table of its own: names on sheet 2 behind a README must be seen.
    `header` None: whether a sheet's first row is a header is judged as for CSV (header_row)."""
    if path.suffix.lower() != ".xls":
        check_workbook(path)

    def read(has_header: bool, name: str | None = None):
        if name or sheet:
            return {name or sheet: pl.read_excel(path, sheet_name=name or sheet, engine="calamine",
                                                 infer_schema_length=0, has_header=has_header)}
        return pl.read_excel(path, sheet_id=0, engine="calamine", infer_schema_length=0, has_header=has_header)

    try:
        sheets = read(header is not False)
        if header is None:
            headerless = {name for name, frame in sheets.items() if frame.height and _first_row_is_data(frame)}
            for name in headerless:  # read again, only the sheets whose first row is data
                sheets.update(read(False, name))
        else:
            headerless = set(sheets) if header is False else set()
    except InputError:
        raise
    except Exception as exc:  # fastexcel raises its own exception types
        raise InputError(f"{path}: not a readable Excel workbook: {exception_message(exc)}") from None
    tables = {name: frame for name, frame in sheets.items() if frame.width and frame.height}
    if not tables:
        raise InputError(f"{path}: the sheet has a header but no data rows" if sheet else f"{path}: every sheet is empty")
    releases = []
    for name, frame in tables.items():
        check_columns(path, frame.width)
        notes = (f"sheet {name}",) if len(sheets) > 1 else ()
        if name in headerless:
            frame = frame.rename(headerless_names(frame.columns))
            notes += (headerless_note(frame.width, "row"),)
        frame, more = _plain(path, frame)
        label = path.stem if len(tables) == 1 else f"{path.stem}[{name}]"
        releases.append(Release(name=label, frame=refine_types(frame.lazy()), format="excel", path=path,
                                size_bytes=path.stat().st_size, notes=notes + more))
    return releases


def _first_row_is_data(frame: pl.DataFrame) -> bool:
    """The sheet's header row judged against the rows under it, as a CSV's first line is."""
    from .header_row import SAMPLE_ROWS, first_row_is_data

    # calamine names a blank header cell __UNNAMED__n: blank, as the cell was
    header = ["" if name.startswith("__UNNAMED__") else name for name in frame.columns]
    body = frame.head(SAMPLE_ROWS).select(pl.all().cast(pl.String).fill_null("")).rows()
    return first_row_is_data([header, *[list(row) for row in body]])


def read_geojson(path: Path) -> Release:
    document = load_json(path)
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features or not all(isinstance(f, dict) for f in features):
        raise InputError(f"{path}: GeoJSON holds no features")
    rows = [feature.get("properties") if isinstance(feature.get("properties"), dict) else {} for feature in features]
    properties = records_frame(path, rows) if any(rows) else pl.DataFrame({"feature": range(len(rows))})
    longitudes, latitudes = zip(*(_representative_point(feature.get("geometry")) for feature in features))
    taken = set(properties.columns)
    lon_name = "longitude" if "longitude" not in taken else "geometry_longitude"
    lat_name = "latitude" if "latitude" not in taken else "geometry_latitude"
    frame = flatten(properties).with_columns(
        pl.Series(lon_name, longitudes, dtype=pl.Float64), pl.Series(lat_name, latitudes, dtype=pl.Float64)
    )
    return _finish_json(path, frame, "geojson", ("point coordinates read from feature geometry",))


def _representative_point(geometry) -> tuple[float | None, float | None]:
    """The point itself, or the first vertex of a line or polygon: where the record is."""
    if not isinstance(geometry, dict):
        return None, None
    coordinates = geometry.get("coordinates")
    while isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    if isinstance(coordinates, list) and len(coordinates) >= 2:
        try:
            lon, lat = float(coordinates[0]), float(coordinates[1])
        except (TypeError, ValueError, OverflowError):
            return None, None
        return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else (None, None)
    return None, None
