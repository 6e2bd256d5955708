import polars as pl
import pytest

from sharecheck.classify import classify_columns
from sharecheck.profile import profile_frame


@pytest.fixture
def classify():
    def run(frame: pl.DataFrame, **options):
        return classify_columns(frame, profile_frame(frame), **options)

    return run


@pytest.fixture
def fast_hashes(monkeypatch):
    """Hash reversal bounded to a few seconds: enough for the small spaces the tests hash."""
    monkeypatch.setattr("sharecheck.classify.hash_budget_seconds", lambda: 10.0)
