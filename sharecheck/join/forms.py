"""Each release's columns in the canonical form a join compares (sharecheck/join/normalise.py),
and its latitude/longitude pairs: built once per release and passed to every pair it is in."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

import numpy as np
import polars as pl

from ..naming import normalise_column_name
from . import normalise as nz
from .keys import is_area_code, is_full_range, row_index_columns


@dataclass(frozen=True)
class PointColumns:
    """A latitude/longitude pair of one release."""

    name: str
    latitude: str
    longitude: str
    radians: np.ndarray  # rows x 2 (lat, lon) in radians; NaN where missing or out of range
    # (distinct points, their BallTree), built once for every partner (`_radius_overlap`)
    derived: dict = field(default_factory=dict, init=False, compare=False, repr=False)


@dataclass(frozen=True)
class ReleaseForms:
    name: str
    rows: int
    forms: Mapping[str, nz.ColumnForm]
    points: tuple[PointColumns, ...]
    sketches: dict = field(default_factory=dict, compare=False)  # column -> (MinHash, distinct)


_LAT_TOKENS = {"lat", "latitude", "y", "breitengrad", "latitud", "latitudine", "breedtegraad", "good_lat", "bad_lat"}
_LON_TOKENS = {"lon", "lng", "long", "longitude", "x", "langengrad", "longitud", "longitudine", "lengtegraad"}


def _stem(name: str, tokens: set[str]) -> str:
    parts = [part for part in normalise_column_name(name).split("_") if part not in tokens]
    return "_".join(parts)


def _point_columns(analysed) -> tuple[PointColumns, ...]:
    latitudes = [c.name for c in analysed.columns if c.semantic_type == "latitude"]
    longitudes = [c.name for c in analysed.columns if c.semantic_type == "longitude"]
    pairs = []
    for latitude in latitudes:
        stem = _stem(latitude, _LAT_TOKENS)
        partner = next((lon for lon in longitudes if _stem(lon, _LON_TOKENS) == stem), None)
        if partner is None and len(latitudes) == 1 and len(longitudes) == 1:
            partner = longitudes[0]
        if partner is None:
            continue
        frame = analysed.frame
        lat = frame[latitude].cast(pl.Float64, strict=False).to_numpy().astype(float)
        lon = frame[partner].cast(pl.Float64, strict=False).to_numpy().astype(float)
        bad = ~np.isfinite(lat) | ~np.isfinite(lon) | (np.abs(lat) > 90) | (np.abs(lon) > 180) | ((lat == 0) & (lon == 0))
        radians = np.radians(np.column_stack([lat, lon]))
        radians[bad] = np.nan
        if (~bad).sum() < 2:
            continue
        pairs.append(PointColumns(f"{latitude}+{partner}", latitude, partner, radians))
    return tuple(pairs)


def release_forms(analysed, keep: tuple[str, ...] = ()) -> ReleaseForms:
    """Every column of a release that could carry a join, in canonical form; `keep` (columns the
    user forced into a join) are kept as text even when they would not qualify on their own."""
    forms: dict[str, nz.ColumnForm] = {}
    frame = analysed.frame
    row_numbers = row_index_columns(frame)
    for column in analysed.columns:
        if column.name not in keep:
            if column.name == analysed.aggregate_count_column or (
                    column.name in row_numbers and not is_area_code(analysed, column)):
                continue
            if column.role == "other" and column.source == "user":
                continue  # --ignore, --role X=other, a config role: the user's word holds for joins too
        if not analysed.has_values(column.name):
            continue  # a large release keeps only the columns that identify or describe people
        form = nz.column_form(frame[column.name], column.semantic_type, column.role)
        if column.name in keep and (form is None or form.form == nz.TEXT) and frame[column.name].dtype == pl.String:
            # A forced column is typed like a detected one: timestamps are compared as instants.
            parsed = nz.temporal_form(frame[column.name])
            if parsed is not None:
                values, kind, steps = parsed
                form = nz._finish(column.name, (column.name,), column.semantic_type, column.role, kind, values, steps)
        if form is None and column.name in keep:
            values, steps = nz.text_form(frame[column.name].cast(pl.String))
            form = nz.ColumnForm(column.name, (column.name,), column.semantic_type, column.role, nz.TEXT, values,
                                 steps, values.drop_nulls().n_unique(), frame.height)
        if form is not None:
            forms[column.name] = replace(form, row_range=is_full_range(frame[column.name]))
    firsts = [c for c in analysed.columns if c.semantic_type == "first_name"]
    lasts = [c for c in analysed.columns if c.semantic_type == "last_name"]
    if len(firsts) >= 1 and len(lasts) >= 1:
        # The register has last_name and first_name; the payroll has "LAST, FIRST M": only the
        # combination meets the full name. Middle-name columns are left out, as intruders do.
        first = next((c for c in firsts if "middle" not in c.name.lower()), firsts[0])
        role = "direct_identifier"
        composite = nz.composite_name_form(frame[first.name], frame[lasts[0].name], role)
        if composite is not None:
            forms[composite.name] = composite
    return ReleaseForms(analysed.release.name, frame.height, forms, _point_columns(analysed))
