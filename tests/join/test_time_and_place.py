"""Time and place across formats: a UTC clock against a local one, and forced pairs typed like detected ones."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from sharecheck import check_join


@pytest.fixture(scope="module")
def stops_and_force():
    """400 police stops through 2022 logged in UTC; 150 of them led to a use-of-force report
    written 0-4 minutes later in Chicago local time (UTC-6 in winter, UTC-5 in summer), in the
    same neighbourhood. Hand-built: every report has exactly one stop within 5 minutes in its
    neighbourhood once the clocks agree."""
    rng = np.random.default_rng(5)
    n = 400
    start = datetime(2022, 1, 1)
    # Stops at least 3 hours apart so no two fall in one window.
    instants = [start + timedelta(minutes=int(m)) for m in np.sort(rng.choice(np.arange(0, 525_000, 180), n, replace=False))]
    hoods = [f"Hood {i % 25:02d}" for i in rng.permutation(n)]
    stops = pl.DataFrame({
        "stop_id": [f"ST-{20_000 + i}" for i in range(n)],
        "stop_datetime_utc": [t.strftime("%Y-%m-%d %H:%M:%S") for t in instants],  # UTC, unmarked
        "neighbourhood": hoods,
        "subject_race": rng.choice(["Black", "White", "Hispanic", "Asian"], n).tolist(),
        "subject_sex": rng.choice(["Male", "Female"], n).tolist(),
        "subject_age": rng.integers(16, 80, n).tolist(),
    })
    chosen = np.sort(rng.choice(n, 150, replace=False))
    utc = pl.Series([instants[i] for i in chosen]).dt.replace_time_zone("UTC")
    local = (utc.dt.convert_time_zone("America/Chicago").dt.replace_time_zone(None)
             + pl.Series([timedelta(minutes=int(m)) for m in rng.integers(0, 5, chosen.size)]))
    force = pl.DataFrame({
        "report_id": [f"UOF-{900 + i}" for i in range(chosen.size)],
        "response_datetime": local.dt.strftime("%m/%d/%Y %I:%M %p"),
        "neighborhood": [hoods[i] for i in chosen],
        "force_type": rng.choice(["Taser", "Physical", "OC spray"], chosen.size).tolist(),
        "subject_injured": rng.choice(["Yes", "No"], chosen.size).tolist(),
    })
    return stops, force


def test_utc_against_local_time_links_with_the_offset_reported(stops_and_force):
    stops, force = stops_and_force
    report = check_join(force, stops, window_minutes=5)
    m = report.metrics
    assert m["join_kind"] == "spatio_temporal"
    assert "LK604" in report.codes("error")
    clock = next(c.clock for c in report.candidates if c.kind == "temporal")
    assert clock.zone == "America/Chicago" and not clock.a_is_utc  # the reports are local, the stops UTC
    assert m["linked_exactly_one"] == 150
    finding = next(f for f in report.findings if f.code == "LK604")
    assert "America/Chicago" in finding.message


def test_without_the_offset_nothing_links(stops_and_force):
    """The same reports shifted by a random day: no offset gives a peak, no LK604."""
    stops, force = stops_and_force
    shifted = force.with_columns(
        pl.col("response_datetime").str.to_datetime("%m/%d/%Y %I:%M %p").dt.offset_by("37h13m")
        .dt.strftime("%m/%d/%Y %I:%M %p"))
    report = check_join(shifted, stops, window_minutes=5)
    assert "LK604" not in report.codes()
    assert all(not c.clock.shifted for c in report.candidates if c.kind == "temporal")


def test_forced_pair_of_timestamps_is_compared_as_instants(stops_and_force):
    stops, force = stops_and_force
    report = check_join(force, stops, on=[("response_datetime", "stop_datetime_utc"), ("neighborhood", "neighbourhood")],
                        window_minutes=5)
    forced = next(c for c in report.candidates if c.a_column == "response_datetime")
    assert forced.kind == "temporal" and forced.clock.zone == "America/Chicago"
    assert report.metrics["linked_exactly_one"] == 150
