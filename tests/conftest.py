"""Shared fixtures: small hand-built releases with known answers, written in every format."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATASETS = REPO.parent / "shared" / "datasets"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def people() -> pl.DataFrame:
    """12 residents: zip+sex groups of sizes 5, 4, 2, 1 -> k = 1, one sample unique.

    The names are common census surnames and given names, not anyone's record.
    """
    zips = ["02115"] * 5 + ["02116"] * 4 + ["02117"] * 2 + ["02118"]
    sexes = ["F"] * 5 + ["M"] * 4 + ["F"] * 2 + ["M"]
    first = ["MARY", "PATRICIA", "LINDA", "BARBARA", "ELIZABETH", "JAMES", "JOHN", "ROBERT", "MICHAEL", "JENNIFER", "SUSAN", "DAVID"]
    last = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "DAVIS", "GARCIA", "RODRIGUEZ", "WILSON", "MARTINEZ", "ANDERSON"]
    return pl.DataFrame({
        "full_name": [f"{l}, {f}" for f, l in zip(first, last)],
        "email": [f"{f.lower()}.{l.lower()}@example.org" for f, l in zip(first, last)],
        "zip": zips,
        "sex": sexes,
        "diagnosis": ["flu", "flu", "asthma", "flu", "diabetes", "flu", "flu", "flu", "flu", "asthma", "flu", "flu"],
    })


@pytest.fixture
def safe_table() -> pl.DataFrame:
    """Every (age band, sex) group holds at least 5 records and no identifiers: passes open-data policy."""
    rows = []
    for band in ["20-39", "40-59", "60+"]:
        for sex in ["F", "M"]:
            for index in range(6):
                rows.append({"age_group": band, "sex": sex, "visits": index % 3})
    return pl.DataFrame(rows)


def write_formats(frame: pl.DataFrame, directory: Path, stem: str = "release") -> dict[str, Path]:
    """The same table as CSV, TSV, Parquet, JSON, NDJSON and Excel."""
    paths = {
        "csv": directory / f"{stem}.csv",
        "tsv": directory / f"{stem}.tsv",
        "parquet": directory / f"{stem}.parquet",
        "json": directory / f"{stem}.json",
        "ndjson": directory / f"{stem}.ndjson",
        "excel": directory / f"{stem}.xlsx",
    }
    frame.write_csv(paths["csv"])
    frame.write_csv(paths["tsv"], separator="\t")
    frame.write_parquet(paths["parquet"])
    paths["json"].write_text(json.dumps(frame.to_dicts()), encoding="utf-8")
    frame.write_ndjson(paths["ndjson"])
    frame.write_excel(paths["excel"])
    return paths
