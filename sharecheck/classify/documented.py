"""A coded column name read through the publisher's documentation of the field.

Under names such as `z1` or `q5a` the classifier has only the values to go on (AS001). A data
package whose Table Schema gives the field a `title` (or, failing that, a `description`) says
what the code means, in the words a header would use: "Patient age at transplant". Such a
column is classified as if that were its header; every other column keeps its own name, which
is what the role model was fitted on. The result is keyed by the real column names.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping

import polars as pl

from ..naming import is_coded_name
from ..profile import ColumnProfile
from ..release import FieldMeta

# Words of a description read as a header: a description's opening names the field ("Age of the
# patient at transplant, in years"); the rest of a long one would drown it.
DESCRIPTION_WORDS = 8


def documented_headers(columns: list[str], fields: Mapping[str, FieldMeta]) -> dict[str, str]:
    """column -> the header its documentation gives, for coded names with a title or description
    that is not itself a code and does not collide with another column's name."""
    taken = set(columns)
    headers: dict[str, str] = {}
    for name in columns:
        meta = fields.get(name)
        if meta is None or not is_coded_name(name):
            continue
        text = (meta.title or "").strip()
        if not text:
            text = " ".join((meta.description or "").split()[:DESCRIPTION_WORDS]).rstrip(".,;:")
        if not text or is_coded_name(text) or text in taken:
            continue
        headers[name] = text
        taken.add(text)
    return headers


def classify_documented(frame: pl.DataFrame, profiles: Mapping[str, ColumnProfile], fields: Mapping[str, FieldMeta], *,
                        nlp_model: str | None = None) -> dict:
    from . import classify_columns

    headers = documented_headers(frame.columns, fields)
    if not headers:
        return classify_columns(frame, profiles, nlp_model=nlp_model)
    renamed = frame.rename(headers)
    renamed_profiles = {headers.get(name, name): replace(profile, name=headers.get(name, name))
                        for name, profile in profiles.items()}
    by_header = classify_columns(renamed, renamed_profiles, nlp_model=nlp_model)
    back = {header: name for name, header in headers.items()}

    def real_names(value):  # details that name columns (an address's parts) name the real ones
        return [back.get(item, item) for item in value] if isinstance(value, (list, tuple)) else value

    out = {}
    for name in frame.columns:
        header = headers.get(name)
        classification = by_header[header or name]
        details = {key: real_names(value) for key, value in classification.details.items()}
        evidence = tuple(classification.evidence)
        if header:
            details["documented_header"] = header
            evidence = (f"read by its documented name {header!r} (data package schema)",) + evidence
        out[name] = replace(classification, column=name, evidence=evidence, details=details)
    return out
