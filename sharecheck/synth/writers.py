"""Writes a planned release in its format: CSV (and the Latin-1 French one), Parquet, NDJSON,
Excel, GeoJSON, a Frictionless data package. Byte-identical from run to run."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl

from .plan import PSEUDONYM, QI, PlannedRelease
from .population import CITY_NAME, EVENT_YEAR


def write_release(release: PlannedRelease, out_dir: Path) -> None:
    path = out_dir / release.file
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = release.frame
    if release.name == "subventions_associations":
        text = frame.write_csv(separator=";", decimal_comma=True, float_precision=2)
        path.write_bytes(text.encode("latin-1"))
    elif release.format == "csv":
        frame.write_csv(path, float_precision=release.extra.get("float_precision"))
    elif release.format == "parquet":
        frame.write_parquet(path, compression="zstd", statistics=False)
    elif release.format == "ndjson":
        frame.write_ndjson(path)
    elif release.format == "xlsx":
        _write_xlsx(frame, path)
    elif release.format == "geojson":
        _write_geojson(frame, path)
    elif release.format == "datapackage":
        _write_datapackage(release, path)
    else:
        raise ValueError(f"no writer for format {release.format!r}")


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    # A fixed creation time keeps the workbook byte-identical from run to run.
    workbook.set_properties({"created": datetime(EVENT_YEAR + 1, 1, 1), "author": f"{CITY_NAME} EMS"})
    sheet = workbook.add_worksheet("Outcomes")
    bold = workbook.add_format({"bold": True})
    for column_index, name in enumerate(frame.columns):
        sheet.write_string(0, column_index, name, bold)
        for row_index, value in enumerate(frame[name].to_list(), start=1):
            sheet.write(row_index, column_index, value)
    workbook.close()


def _write_geojson(frame: pl.DataFrame, path: Path) -> None:
    properties = [name for name in frame.columns if name not in ("longitude", "latitude")]
    # One feature per line, built column-wise: fast at a million trees, and diff-friendly.
    pieces = [pl.lit('{"type":"Feature","geometry":{"type":"Point","coordinates":['),
              pl.col("longitude").cast(pl.String), pl.lit(","), pl.col("latitude").cast(pl.String),
              pl.lit(']},"properties":{')]
    for index, name in enumerate(properties):
        value = pl.col(name)
        encoded = (pl.lit('"') + value.cast(pl.String) + pl.lit('"')) if frame.schema[name] == pl.String else value.cast(pl.String)
        pieces += [pl.lit(("," if index else "") + json.dumps(name) + ":"), encoded]
    pieces.append(pl.lit("}}"))
    lines = frame.select(pl.concat_str(pieces).alias("feature"))["feature"].to_list()
    path.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")


def _write_datapackage(release: PlannedRelease, descriptor_path: Path) -> None:
    resource_path = release.extra["resource_path"]
    release.frame.write_csv(descriptor_path.parent / resource_path)
    types = {pl.String: "string", pl.Float64: "number", pl.Int64: "integer"}
    descriptions = {
        "case_id": "Case number of the dispatch",
        "dispatch_period": f"Period of the dispatch ({release.extra['generalisation']})",
        "district": "Ward the ambulance was sent to",
        "response_minutes": "Minutes from call to arrival",
    }
    fields = []
    for name in release.frame.columns:
        role, semantic = release.columns[name]
        field_descriptor = {"name": name, "type": types[release.frame.schema[name]], "description": descriptions[name]}
        if role in (PSEUDONYM, QI):
            field_descriptor["sharecheck:role"] = role
            field_descriptor["sharecheck:semantic_type"] = semantic
        fields.append(field_descriptor)
    descriptor = {
        "name": "ems-dispatch",
        "title": f"{CITY_NAME} EMS dispatches",
        "licenses": [{"name": "ODC-PDDL-1.0"}],
        "resources": [{
            "name": release.name, "path": resource_path, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": fields, "primaryKey": ["case_id"]},
        }],
    }
    descriptor_path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
