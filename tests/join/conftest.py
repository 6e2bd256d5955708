from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest


@pytest.fixture(scope="session")
def renamed_key_pair() -> tuple[pl.DataFrame, pl.DataFrame]:
    """60 incidents. Dispatch alone: 6 groups of 10 on (period, district). Outcomes alone: 10 groups
    of 6 on (age group, sex). Every combination of the four occurs once, so the join is k = 1."""
    rows = range(60)
    ids = [f"C{7000 + i:05d}" for i in rows]
    dispatch = pl.DataFrame({
        "case_id": ids,
        "dispatch_period": [["2023-Q1", "2023-Q2"][(i // 3) % 2] for i in rows],
        "district": [["Ward 1", "Ward 2", "Ward 3"][i % 3] for i in rows],
    })
    outcomes = pl.DataFrame({
        "incident_ref": ids,
        "patient_age_group": [["0-19", "20-39", "40-59", "60-79", "80+"][(i // 6) % 5] for i in rows],
        "patient_sex": [["M", "F"][(i // 30) % 2] for i in rows],
    }).reverse()
    return dispatch, outcomes


@pytest.fixture(scope="session")
def health_and_register() -> tuple[pl.DataFrame, pl.DataFrame]:
    """10 clinic visits without names; a register of 12 named people in other spellings.

    By hand: visits 0-5 match exactly one registered person; visits 6 and 7 share ZIP, birth date
    and sex with two registered people each (twins); visits 8 and 9 are not registered.
    -> exactly one: 6 (share 0.6); at most 4: 8; expected re-identifications 6 + 2 * 1/2 = 7.
    """
    births = [date(1950 + i, 1 + i % 12, 1 + i) for i in range(10)]
    zips = [2118 + i % 3 for i in range(10)]
    sexes = ["Female" if i % 2 else "Male" for i in range(10)]
    visits = pl.DataFrame({
        "visit_id": [f"V{i:04d}" for i in range(10)],
        "patient_zip": zips,
        "patient_birth_date": births,
        "patient_sex": sexes,
        "diagnosis": ["Asthma", "Diabetes", "HIV", "Depression", "COPD", "Asthma", "Cancer", "HIV", "Asthma", "Flu"],
    })
    registered = list(range(8)) + [6, 7]  # 6 and 7 twice: twins with the same birth date
    register = pl.DataFrame({
        "voter_id": [f"R{i:05d}" for i in range(12)],
        "last_name": [f"Lastname{chr(65 + i)}" for i in range(12)],
        "first_name": [f"First{chr(65 + i)}" for i in range(12)],
        "zip": [f"0{zips[i]}-12{i:02d}" for i in registered] + ["02999", "02998"],
        "birth_date": [births[i].strftime("%m/%d/%Y") for i in registered] + ["01/01/1990", "02/02/1991"],
        "sex": ["F" if i % 2 else "M" for i in registered] + ["F", "M"],
    })
    return visits, register


@pytest.fixture(scope="session")
def areas_pair() -> tuple[pl.DataFrame, pl.DataFrame]:
    zips = [f"02{100 + i}" for i in range(25)]
    residents = pl.DataFrame({"zip": zips, "residents": [1000 + 37 * i for i in range(25)]})
    trees = pl.DataFrame({"zip": [z.lstrip("0") for z in zips], "trees": [50 + i for i in range(25)],
                          "mean_dbh_in": [11.0 + i / 10 for i in range(25)]})
    return residents, trees


@pytest.fixture(scope="session")
def crash_and_trips() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Trips start at three stations every 20 minutes; three crashes: two 3 minutes after a trip at
    its station (one trip each within 5 min and 100 m), one far from every station."""
    stations = [(41.80, -71.40), (41.81, -71.41), (41.82, -71.42)]
    start = datetime(2023, 6, 1, 7, 0)
    trips = []
    for n in range(60):
        lat, lon = stations[n % 3]
        trips.append({"Start Time": (start + timedelta(minutes=20 * n)).strftime("%Y-%m-%d %H:%M"),
                      "Start Station Latitude": lat, "Start Station Longitude": lon,
                      "Rider ID": f"{n * 7919 % 65536:08x}", "Gender": 1 + n % 2})
    trips_frame = pl.DataFrame(trips)
    crashes = pl.DataFrame({
        "report_number": ["CR-1", "CR-2", "CR-3"],
        "crash_datetime": [(start + timedelta(minutes=20 * n + 3)).strftime("%Y-%m-%d %H:%M") for n in (4, 10, 30)],
        "latitude": [stations[4 % 3][0] + 0.0003, stations[10 % 3][0], 41.90],
        "longitude": [stations[4 % 3][1], stations[10 % 3][1] - 0.0003, -71.30],
        "injury_severity": ["Minor injury", "Serious injury", "Fatal"],
    })
    return crashes, trips_frame
