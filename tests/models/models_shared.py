"""Location of the shared datasets, which exist only in the team checkout, not in a user's clone."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
ADULT = SHARED / "datasets" / "adult" / "adult_arx.csv"
ADULT_COLUMNS = ["sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation", "salary-class"]


def adult() -> pl.DataFrame:
    if not ADULT.exists():
        pytest.skip("shared Adult dataset not available (only in the team checkout)")
    return pl.read_csv(ADULT, separator=";", infer_schema_length=0)
