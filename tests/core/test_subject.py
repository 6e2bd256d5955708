"""What a row is about, decided once (sharecheck.subject), on synthetic look-alikes of real releases.

Every frame here is generated: the business names, addresses and phone numbers are made up
(555 numbers), the person names are common census names, never values from real releases.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

import sharecheck
from sharecheck.analysis import analyse
from sharecheck.cli import cli as main
from sharecheck.config import resolve_options
from sharecheck.errors import UsageError
from sharecheck.release import release_from_frame
from sharecheck.subject import Subject

REPRO = Path(__file__).resolve().parents[3] / "shared" / "repro"
RNG_SEED = 7


def _analysed(frame: pl.DataFrame, **settings):
    return analyse(release_from_frame(frame, "t"), resolve_options(None, **settings))


def _stamps(rng, n: int, fmt: str) -> list[str]:
    start = datetime(2023, 1, 1)
    seconds = np.sort(rng.integers(0, 365 * 86400, n))
    return [(start + timedelta(seconds=int(s))).strftime(fmt) for s in seconds]


def ems_log(n: int = 400, fmt: str = "%Y-%m-%d %H:%M:%S") -> pl.DataFrame:
    rng = np.random.default_rng(RNG_SEED)
    return pl.DataFrame({
        "call_received": _stamps(rng, n, fmt),
        "patient_sex": rng.choice(["F", "M"], n).tolist(),
        "patient_age": rng.integers(0, 99, n).tolist(),
        "call_type": rng.choice(["overdose", "fall", "cardiac arrest", "psychiatric", "assault"], n).tolist(),
    })


_STREETS = ["MAIN ST", "OAK AVE", "ELM ST", "PINE RD", "MAPLE AVE", "CEDAR LN", "LAKE DR", "HILL ST"]
_WORDS = ["Blue", "Golden", "Corner", "Harbor", "Lucky", "Royal", "Green", "Sunny", "Little", "Grand"]
_KINDS = ["Diner", "Cafe", "Grill", "Bakery", "Kitchen", "Bistro", "Pizzeria", "Tavern"]


def _addresses(rng, n):
    return [f"{int(a)} {rng.choice(_STREETS)}" for a in rng.integers(10, 9999, n)]


def _phones(rng, n):
    return [f"(504) 555-{int(x):04d}" for x in rng.integers(0, 10000, n)]


def _businesses(rng, n):
    return [f"{rng.choice(_WORDS)} {rng.choice(_KINDS)} {i}" for i in range(n)]


def restaurant_inspections(n: int = 300) -> pl.DataFrame:
    rng = np.random.default_rng(RNG_SEED)
    names = _businesses(rng, 120)
    pick = rng.integers(0, 120, n)
    addresses, phones = _addresses(rng, 120), _phones(rng, 120)
    return pl.DataFrame({
        "Restaurant Name": [names[i] for i in pick],
        "Address": [addresses[i] for i in pick],
        "Phone Number": [phones[i] for i in pick],
        "Zip Code": rng.choice(["70112", "70113", "70115", "70116", "70117"], n).tolist(),
        "Inspection Date": _stamps(rng, n, "%m/%d/%Y"),
        "Score": rng.integers(60, 101, n).tolist(),
    })


def pool_inspections(n: int = 300) -> pl.DataFrame:
    rng = np.random.default_rng(RNG_SEED + 1)
    names = [f"{w} Swim Club {i}" for i, w in enumerate(rng.choice(_WORDS, 90))]
    pick = rng.integers(0, 90, n)
    streets = _addresses(rng, 90)
    return pl.DataFrame({
        "Establishment Name": [names[i] for i in pick],
        "Street Address": [streets[i] for i in pick],
        "City": rng.choice(["ROCKVILLE", "BETHESDA", "OLNEY"], n).tolist(),
        "Zip Code": rng.choice(["20850", "20814", "20910", "20852"], n).tolist(),
        "Inspection Date": _stamps(rng, n, "%Y-%m-%d"),
        "Inspection Results": rng.choice(["Passed", "Failed", "Re-inspect"], n).tolist(),
    })


def housing_buildings(n: int = 150) -> pl.DataFrame:
    rng = np.random.default_rng(RNG_SEED + 2)
    return pl.DataFrame({
        "Property Name": [f"{w} Apartments {i}" for i, w in enumerate(rng.choice(_WORDS, n))],
        "Address": _addresses(rng, n),
        "Phone Number": _phones(rng, n),
        "Management Company": [f"{w} Property Management {i % 40}" for i, w in enumerate(rng.choice(_WORDS, n))],
        "Units": rng.integers(6, 300, n).tolist(),
        "Community Area Number": rng.integers(1, 78, n).tolist(),
    })


def area_table() -> pl.DataFrame:
    rng = np.random.default_rng(RNG_SEED + 3)
    n = 60
    return pl.DataFrame({
        "neighbourhood": [f"{a} {b}" for a in ("North", "South", "East", "West", "Upper", "Lower") for b in
                          ("Harbor", "Park", "Heights", "Village", "Hills", "Square", "Gardens", "Point", "Meadows", "Bend")][:n],
        "population": rng.integers(800, 90000, n).tolist(),
        "median_income": rng.integers(18000, 140000, n).tolist(),
        "percent_aged_65_plus": np.round(rng.uniform(5, 30, n), 1).tolist(),
    })


def business_licences(n: int = 300) -> pl.DataFrame:
    rng = np.random.default_rng(RNG_SEED + 4)
    people = ["JAMES SMITH", "MARIA GARCIA", "ROBERT JOHNSON", "LINDA WILLIAMS", "MICHAEL BROWN", "PATRICIA JONES",
              "DAVID MILLER", "JENNIFER DAVIS", "JOSE RODRIGUEZ", "SUSAN WILSON", "JOHN MARTINEZ", "KAREN ANDERSON"]
    owners = [f"{p.split()[0]} {chr(65 + i % 26)} {p.split()[1]}" if i % 3 == 0 else f"{_WORDS[i % 10].upper()} HOLDINGS LLC {i}"
              for i, p in enumerate(rng.choice(people, n))]
    return pl.DataFrame({
        "BusinessName": _businesses(rng, n),
        "OwnerName": owners,
        "Address": _addresses(rng, n),
        "PhoneNumber": _phones(rng, n),
        "Zip": rng.choice(["70112", "70113", "70115"], n).tolist(),
        "BusinessStartDate": _stamps(rng, n, "%Y-%m-%d"),
    })


# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"])
def test_an_event_log_is_never_a_table_of_counts_and_fails_on_its_timestamp(fmt):
    frame = ems_log(fmt=fmt)
    analysed = _analysed(frame)
    assert analysed.subject.about == "events"
    assert not analysed.is_aggregate and analysed.about_people
    assert analysed.column("call_received").role == "quasi_identifier"
    assert analysed.column("call_received").semantic_type == "datetime"
    report = sharecheck.scan(frame, name="ems")
    assert report.verdict == "fail"
    k_finding = next(f for f in report.findings if f.code == "KA301")
    assert "call_received" in k_finding.columns and k_finding.severity == "error"


def test_a_cross_tabulation_is_still_a_table_of_counts():
    rng = np.random.default_rng(1)
    rows = [(z, s, a) for z in ("02115", "02116", "02117") for s in ("F", "M") for a in ("0-17", "18-64", "65+")]
    frame = pl.DataFrame({"zip": [r[0] for r in rows], "sex": [r[1] for r in rows], "age_group": [r[2] for r in rows],
                          "count": rng.integers(0, 40, len(rows)).tolist()})
    analysed = _analysed(frame)
    assert analysed.subject.about == "counts" and analysed.subject.count_column == "count"
    assert analysed.is_aggregate and analysed.aggregate_count_column == "count"
    assert analysed.column("count").role == "other"


def _daily_deaths(column: str, values) -> pl.DataFrame:
    days = [f"2023-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)]
    rows = [(day, cause) for day in days for cause in ("cholera", "diarrhoea")]
    # as an R export writes it: a row number and the day of the month are whole numbers too, so
    # no column is the table's only count-like one; the month's and the weekday's names beside the
    # date span a grid far larger than the rows: the count must be known by its name
    return pl.DataFrame({"rownames": list(range(1, len(rows) + 1)), "date": [r[0] for r in rows],
                         "month": [r[0][5:7] for r in rows], "day_of_month": [int(r[0][-2:]) for r in rows],
                         "day_of_week": [("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[int(r[0][-2:]) % 7] for r in rows],
                         "cause_of_death": [r[1] for r in rows],
                         column: [values[i % len(values)] for i in range(len(rows))]})


def test_deaths_by_day_and_cause_are_a_table_of_counts():
    # a person dies once: `deaths` on a row tallies several people, so the rows are cells
    analysed = _analysed(_daily_deaths("deaths", [0, 3, 12, 7, 1, 25, 40]))
    assert analysed.subject.about == "counts" and analysed.subject.count_column == "deaths"
    assert analysed.column("deaths").role == "other"


def test_near_miss_deaths_on_rows_that_repeat_their_labels_are_records():
    # the same date and cause on several rows: the labels do not lay out cells, so the rows are
    # records whatever a column is called
    once = _daily_deaths("deaths", [0, 3, 12, 7, 1, 25, 40])
    frame = pl.concat([once, once]).with_columns(pl.int_range(1, 2 * once.height + 1).alias("rownames"))
    analysed = _analysed(frame)
    assert analysed.subject.about != "counts" and analysed.subject.count_column is None


def test_an_area_level_table_is_about_places_and_fails_no_privacy_model():
    frame = area_table()
    analysed = _analysed(frame)
    assert analysed.subject.about == "places" and not analysed.about_people
    assert "neighbourhood" in analysed.subject.evidence[0]
    report = sharecheck.scan(frame, name="areas")
    assert not report.codes("error") & {"KA301", "KA302", "KA310"}
    assert report.verdict == "pass"


@pytest.mark.parametrize("build,about", [(restaurant_inspections, "organisations"), (pool_inspections, "organisations"),
                                         (housing_buildings, "organisations")])
def test_addresses_and_phones_of_businesses_and_buildings_are_not_personal(build, about):
    frame = build()
    analysed = _analysed(frame)
    assert analysed.subject.about == about
    assert not analysed.about_people
    contacts = [c for c in analysed.columns if c.semantic_type in ("street_address", "phone")]
    assert contacts and all(c.role == "other" for c in contacts)
    assert all("not personal data" in c.evidence[0] for c in contacts)
    report = sharecheck.scan(frame, name=build.__name__)
    assert not report.codes("error") & {"ID102", "ID104"}
    assert report.verdict == "pass"


def test_names_of_natural_persons_among_businesses_stay_direct_identifiers():
    analysed = _analysed(business_licences())
    subject = analysed.subject
    assert subject.about == "organisations" and subject.natural_persons == ("OwnerName",)
    assert analysed.about_people  # natural persons are named
    assert analysed.column("OwnerName").role == "direct_identifier"
    assert analysed.column("PhoneNumber").role == "other"
    assert any("natural persons" in reason for reason in subject.evidence)
    report = sharecheck.scan(business_licences(), name="licences")
    assert "ID101" in report.codes("error") and not report.codes("error") & {"ID102", "ID104", "KA301"}


def test_a_repeating_person_hash_names_the_person_behind_several_rows():
    rng = np.random.default_rng(3)
    drivers = [f"{x:032x}" for x in rng.integers(0, 2**62, 30)]
    n = 400
    frame = pl.DataFrame({"hack_license": rng.choice(drivers, n).tolist(),
                          "pickup_datetime": _stamps(rng, n, "%Y-%m-%d %H:%M:%S"),
                          "fare": np.round(rng.uniform(3, 60, n), 2).tolist()})
    subject = _analysed(frame).subject
    assert subject.about == "events" and subject.person_column == "hack_license"


def test_the_user_and_the_data_package_override_the_detection(tmp_path):
    frame = area_table()
    forced = _analysed(frame, about="people").subject
    assert forced.about == "people" and forced.source == "user" and "declared by the user" in forced.evidence[0]
    frame.write_csv(tmp_path / "areas.csv")
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [
        {"name": "areas", "path": "areas.csv", "sharecheck:about": "things"}]}))
    report = sharecheck.scan(tmp_path / "datapackage.json")
    assert report.datasets[0].subject["about"] == "things" and report.datasets[0].subject["source"] == "datapackage"
    with pytest.raises(UsageError):
        resolve_options(None, about="animals")
    with pytest.raises(UsageError):
        Subject("animals")


def test_cli_about_flag_and_json_subject(tmp_path):
    path = tmp_path / "log.csv"
    ems_log().write_csv(path)
    result = CliRunner().invoke(main, ["scan", str(path), "--format", "json"])
    assert result.exit_code == 1
    subject = json.loads(result.output)["datasets"][0]["subject"]
    assert subject["about"] == "events" and subject["involves_people"] and subject["source"] == "detected"
    result = CliRunner().invoke(main, ["scan", str(path), "--about", "things"])
    assert result.exit_code == 0 and "About: things, not people (declared by the user" in result.output
    assert CliRunner().invoke(main, ["scan", str(path), "--about", "animals"]).exit_code == 2


def test_the_text_report_lists_what_was_left_out_when_people_are_involved(tmp_path):
    frame = ems_log().with_columns(pl.lit("unit 7").alias("crew"))
    path = tmp_path / "log.csv"
    frame.write_csv(path)
    text = CliRunner().invoke(main, ["scan", str(path)]).output
    assert "About: events involving people" in text
    assert "Left out (role other):" in text and "crew: " in text


@pytest.mark.skipif(not REPRO.exists(), reason="../shared/repro is absent")
@pytest.mark.parametrize("name", ["ems_log.csv", "slash_ts.csv"])
def test_the_repro_files_fail_with_the_timestamp_as_a_quasi_identifier(name):
    report = sharecheck.scan(REPRO / name)
    assert report.verdict == "fail"
    dataset = report.datasets[0]
    assert dataset.subject["about"] == "events"
    stamp = next(c for c in dataset.columns if c.name == "call_received")
    assert stamp.role == "quasi_identifier" and stamp.semantic_type == "datetime"
    assert any("call_received" in f.columns for f in report.findings if f.severity == "error")
