"""Golden JSON reports: the full report of small fixed releases, validated against the schema.

Regenerate after an intended change with SHARECHECK_UPDATE_GOLDEN=1 and review the diff.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

import sharecheck
from sharecheck.render.json import render_json
from sharecheck.schema import validate_report

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "city"


def _stable(document: dict) -> dict:
    """Drop what legitimately changes between runs or machines: timings, version, paths."""
    document = json.loads(json.dumps(document))
    document["tool"]["version"] = "X"
    for dataset in document["datasets"]:
        dataset["location"] = Path(dataset["location"]).name
        dataset.get("assessment", {}).pop("timings_s", None)
    return document


def _people() -> pl.DataFrame:
    zips = ["02115"] * 5 + ["02116"] * 4 + ["02117"] * 2 + ["02118"]
    return pl.DataFrame({
        "zip": zips,
        "sex": ["F"] * 5 + ["M"] * 4 + ["F"] * 2 + ["M"],
        "age_group": ["30-39", "30-39", "40-49", "40-49", "40-49", "30-39", "30-39", "30-39", "50-59", "60-69", "60-69", "70-79"],
        "diagnosis": ["flu", "flu", "asthma", "flu", "diabetes", "flu", "flu", "flu", "flu", "asthma", "flu", "flu"],
    })


CASES = {
    "people_small": lambda: sharecheck.scan(_people(), name="people_small"),
    "dog_licences": lambda: sharecheck.scan(SAMPLE / "dog_licences.csv"),
    "ems_counts": lambda: sharecheck.scan(SAMPLE / "ems_counts_by_zip_age_sex_call.csv"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_report(name):
    document = _stable(json.loads(render_json(CASES[name]().to_dict())))
    validate_report(document)
    path = GOLDEN / f"{name}.json"
    if os.environ.get("SHARECHECK_UPDATE_GOLDEN"):
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert document == expected


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.name)
def test_golden_files_follow_the_schema(path):
    validate_report(json.loads(path.read_text(encoding="utf-8")))
