"""The published JSON Schema of the report, and a validator for it."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


@lru_cache(maxsize=1)
def report_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_report(document: dict) -> None:
    """Raise jsonschema.ValidationError when the document breaks the published schema."""
    import jsonschema

    jsonschema.validate(document, report_schema(), cls=jsonschema.Draft202012Validator)
