"""The synthetic city is the yardstick, so its ground truth is re-derived here from the written
files with plain Python (csv, collections.Counter, hashlib), not with the generator's polars code."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
import yaml

from sharecheck.synth import build_city, generate_city

PEOPLE, SEED = 800, 11
ROLES = {"direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other"}
RISK_KINDS = {"direct_identifier", "pseudonym", "quasi_identifier_precision", "k_anonymity", "small_cells",
              "free_text_pii", "reversible_hash", "linkage"}
SEMANTIC_TYPES = set(yaml.safe_load((Path(__file__).resolve().parents[2] / "rules" / "semantic_types.yaml").read_text())["types"])


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    truth = generate_city(out, people=PEOPLE, seed=SEED)
    return out, truth


def read_csv_rows(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[dict]:
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def k_and_uniques(rows: list[dict], qis: list[str]) -> tuple[int, int, int]:
    sizes = Counter(tuple(row[name] for name in qis) for row in rows)
    return min(sizes.values()), sum(1 for size in sizes.values() if size == 1), len(sizes)


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(city, tmp_path):
    out, _ = city
    again = tmp_path / "again"
    generate_city(again, people=PEOPLE, seed=SEED)
    files = sorted(path.relative_to(out) for path in out.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(again) for path in again.rglob("*") if path.is_file())
    for relative in files:
        assert (out / relative).read_bytes() == (again / relative).read_bytes(), relative
    other = tmp_path / "other"
    generate_city(other, people=PEOPLE, seed=SEED + 1)
    assert (other / "voter_register.csv").read_bytes() != (out / "voter_register.csv").read_bytes()


def test_ground_truth_file_is_the_returned_truth_and_well_formed(city):
    out, truth = city
    assert json.loads((out / "ground_truth.json").read_text(encoding="utf-8")) == truth
    assert (truth["generator"], truth["seed"], truth["people"]) == ("sharecheck.synth", SEED, PEOPLE)
    formats = Counter(release["format"] for release in truth["releases"].values())
    assert {"csv", "parquet", "ndjson", "xlsx", "geojson", "datapackage"} <= set(formats)
    for name, release in truth["releases"].items():
        assert (out / release["file"]).is_file(), name
        for column, meta in release["columns"].items():
            assert meta["role"] in ROLES, (name, column)
            assert meta["semantic_type"] in SEMANTIC_TYPES, (name, column)
        assert release["qis"] == [c for c, m in release["columns"].items() if m["role"] == "quasi_identifier"]
        assert release["safe"] == (release["risks"] == [])
        for risk in release["risks"]:
            assert risk["kind"] in RISK_KINDS
            assert set(risk["columns"]) <= set(release["columns"]), risk["id"]
    joins = {join["id"]: join for join in truth["joins"]}
    assert {join["kind"] for join in joins.values()} == {"shared_key", "shared_qi", "spatio_temporal", "harmless"}
    for join in joins.values():
        assert set(join["on"]) <= set(truth["releases"][join["a"]]["columns"]) or join["id"] == "payroll-x-register"


def test_releases_planned_safe_measure_safe(city):
    _, truth = city
    _, releases, _ = build_city(PEOPLE, SEED)
    for release in releases:
        assert truth["releases"][release.name]["safe"] == release.safe, release.name
    safe_people_releases = [r for r in truth["releases"].values() if r["safe"] and r["about_people"] and not r.get("aggregate")]
    assert len(safe_people_releases) >= 3
    for release in safe_people_releases:
        assert release["expected"]["k_anonymity"] >= 5
        assert not any(meta["role"] == "direct_identifier" for meta in release["columns"].values())


def test_written_columns_match_the_truth(city):
    out, truth = city
    for name, release in truth["releases"].items():
        path = out / release["file"]
        if release["format"] == "csv":
            encoding = release.get("encoding", "utf-8")
            with open(path, encoding=encoding, newline="") as handle:
                header = next(csv.reader(handle, delimiter=release.get("delimiter", ",")))
        elif release["format"] == "parquet":
            header = pl.read_parquet_schema(path).names()
        elif release["format"] == "ndjson":
            header = list(json.loads(path.read_text(encoding="utf-8").splitlines()[0]))
        elif release["format"] == "xlsx":
            header = pl.read_excel(path).columns
        elif release["format"] == "geojson":
            feature = json.loads(path.read_text(encoding="utf-8"))["features"][0]
            header = list(feature["properties"]) + ["longitude", "latitude"]
        else:
            descriptor = json.loads(path.read_text(encoding="utf-8"))
            header = [field["name"] for field in descriptor["resources"][0]["schema"]["fields"]]
        assert sorted(header) == sorted(release["columns"]), name


@pytest.mark.parametrize("name, encoding, delimiter", [
    ("payroll", "utf-8", ","), ("ems_incidents", "utf-8", ","), ("dog_licences", "utf-8", ","),
    ("subventions_associations", "latin-1", ";"),
])
def test_k_anonymity_and_uniques_recomputed_from_the_file(city, name, encoding, delimiter):
    out, truth = city
    release = truth["releases"][name]
    rows = read_csv_rows(out / release["file"], encoding, delimiter)
    k, uniques, classes = k_and_uniques(rows, release["qis"])
    assert release["expected"] == {"records": len(rows), "k_anonymity": k, "sample_uniques": uniques, "classes": classes}
    has_k_risk = any(risk["kind"] == "k_anonymity" for risk in release["risks"])
    assert has_k_risk == (k < 5)


def test_pair_safe_alone_identifies_when_joined_on_the_renamed_id(city):
    out, truth = city
    dispatch_truth, outcomes_truth = truth["releases"]["ems_dispatch"], truth["releases"]["ems_patient_outcomes"]
    descriptor = json.loads((out / dispatch_truth["file"]).read_text(encoding="utf-8"))
    resource = descriptor["resources"][0]
    assert resource["schema"]["primaryKey"] == ["case_id"]
    roles = {field["name"]: field.get("sharecheck:role") for field in resource["schema"]["fields"]}
    assert roles["case_id"] == "pseudonym" and roles["district"] == "quasi_identifier"
    dispatch = read_csv_rows(out / "ems_dispatch" / resource["path"])
    outcomes = pl.read_excel(out / outcomes_truth["file"]).to_dicts()

    assert k_and_uniques(dispatch, dispatch_truth["qis"])[0] >= 5
    assert k_and_uniques(outcomes, outcomes_truth["qis"])[0] >= 5
    by_case = {row["case_id"]: row for row in dispatch}
    joined = [{**by_case[row["incident_ref"]], **row} for row in outcomes if row["incident_ref"] in by_case]
    k_combined, uniques_combined, _ = k_and_uniques(joined, dispatch_truth["qis"] + outcomes_truth["qis"])
    join = next(join for join in truth["joins"] if join["id"] == "dispatch-x-outcomes")
    assert join["identifies"] and k_combined == join["expected"]["k_combined"] == 1
    assert uniques_combined == join["expected"]["sample_uniques_combined"]
    assert len(joined) == join["expected"]["linked_exactly_one"]
    assert join["expected"]["linked_unique_share"] == round(len(joined) / len(dispatch), 6)


def test_clinic_to_register_linkage_share(city):
    out, truth = city
    join = next(join for join in truth["joins"] if join["id"] == "clinic-x-register")
    register = Counter(
        (row["zip"].zfill(5), datetime.strptime(row["birth_date"], "%m/%d/%Y").date(), row["sex"])
        for row in read_csv_rows(out / "voter_register.csv")
    )
    visits = pl.read_parquet(out / "clinic_visits.parquet").to_dicts()
    linked = sum(
        register[(str(v["patient_zip"]).zfill(5), v["patient_birth_date"], v["patient_sex"][0])] == 1 for v in visits
    )
    assert linked > 0 and join["identifies"]
    assert join["expected"]["records_a"] == len(visits)
    assert join["expected"]["linked_exactly_one"] == linked
    assert join["expected"]["linked_unique_share"] == round(linked / len(visits), 6)


def test_crash_reports_link_to_bike_trips_within_the_window(city):
    out, truth = city
    join = next(join for join in truth["joins"] if join["id"] == "crash-x-bike-trips")
    window = timedelta(minutes=join["window"]["minutes"])
    starts = defaultdict(list)
    for trip in read_csv_rows(out / "bike_trips.csv"):
        starts[trip["Start Station Name"].lower()].append(datetime.strptime(trip["Start Time"], "%Y-%m-%d %H:%M"))
    crashes = read_csv_rows(out / "bike_crash_reports.csv")
    linked = 0
    for crash in crashes:
        when = datetime.strptime(crash["crash_datetime"], "%Y-%m-%d %H:%M")
        linked += sum(abs(when - start) <= window for start in starts[crash["nearest_station"].lower()]) == 1
    assert join["expected"]["linked_exactly_one"] == linked
    # Decoys are drawn at random times; at this size essentially every planted crash links once.
    assert join["expected"]["planted"] * 0.8 <= linked <= join["expected"]["planted"] + join["expected"]["decoys"]


def test_harmless_join_links_every_zip_once_and_is_not_about_people(city):
    _, truth = city
    join = next(join for join in truth["joins"] if join["kind"] == "harmless")
    assert not join["identifies"] and join["expected"]["linked_unique_share"] == 1.0
    assert truth["releases"][join["a"]]["safe"] and truth["releases"][join["b"]]["safe"]
    assert not truth["releases"][join["b"]]["about_people"]
    residents = truth["releases"][join["a"]]["expected"]
    assert residents["min_count"] >= 10 and residents["small_cells"] == 0


def test_small_cells_counted(city):
    out, truth = city
    release = truth["releases"]["ems_counts"]
    counts = [int(row["count"]) for row in read_csv_rows(out / release["file"])]
    small = sum(1 <= count <= 9 for count in counts)
    (risk,) = [risk for risk in release["risks"] if risk["kind"] == "small_cells"]
    assert small > 0 and risk["expected"]["small_cells"] == release["expected"]["small_cells"] == small
    assert release["expected"]["total"] == truth["releases"]["ems_incidents"]["expected"]["records"] == sum(counts)


EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"\(?\b\d{3}\)?[ .-]?\d{3}[.-]\d{4}\b|\b\d{10}\b")


def test_planted_emails_and_phones_match_the_text(city):
    out, truth = city
    rows = [json.loads(line) for line in (out / "service_requests.ndjson").read_text(encoding="utf-8").splitlines()]
    (risk,) = [risk for risk in truth["releases"]["service_requests"]["risks"] if risk["kind"] == "free_text_pii"]
    with_email = sum(bool(EMAIL.search(row["description"])) for row in rows)
    with_phone = sum(bool(PHONE.search(row["description"])) for row in rows)
    with_any = sum(bool(EMAIL.search(row["description"]) or PHONE.search(row["description"])) for row in rows)
    assert with_email > 0 and with_phone > 0
    assert (risk["expected"]["records_with_email"], risk["expected"]["records_with_phone"], risk["expected"]["records_with_any"]) \
        == (with_email, with_phone, with_any)
    coordinates = [str(row["latitude"]) for row in rows]
    assert max(len(value.split(".")[1]) for value in coordinates) == 6


def test_taxi_hashes_are_unsalted_md5_of_the_stated_spaces(city):
    out, truth = city
    rows = read_csv_rows(out / "taxi_trips.csv")
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    medallion_space = {
        hashlib.md5(f"{d1}{letter}{d2:02d}".encode()).hexdigest().upper(): f"{d1}{letter}{d2:02d}"
        for d1 in range(10) for letter in letters for d2 in range(100)
    }
    medallions = {row["medallion"] for row in rows}
    assert medallions <= set(medallion_space)  # every value reverses by enumerating 26,000 candidates
    risks = {risk["id"]: risk for risk in truth["releases"]["taxi_trips"]["risks"]}
    assert risks["taxi-medallion-md5"]["expected"]["space_size"] == len(medallion_space)
    assert risks["taxi-medallion-md5"]["expected"]["distinct_values"] == len(medallions)

    _, releases, _ = build_city(PEOPLE, SEED)
    taxi = next(release for release in releases if release.name == "taxi_trips")
    licences = taxi.extra["hack_licences"]
    assert all(re.fullmatch(r"[1-9]\d{5}|5\d{6}", licence) for licence in licences)
    hack_hashes = {row["hack_license"] for row in rows}
    assert hack_hashes == {hashlib.md5(licence.encode()).hexdigest().upper() for licence in licences}
    assert risks["taxi-hack-licence-md5"]["expected"]["distinct_values"] == len(hack_hashes)


def test_french_release_is_latin1_semicolon_decimal_comma(city):
    out, truth = city
    release = truth["releases"]["subventions_associations"]
    raw = (out / release["file"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("latin-1")
    header = text.splitlines()[0].split(";")
    assert {"nom", "prenom", "date_de_naissance", "code_postal", "sexe", "montant"} <= set(header)
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert all(re.fullmatch(r"\d+,\d\d", row["montant"]) for row in rows)
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", row["date_de_naissance"]) for row in rows)


def test_geojson_holds_point_features_and_register_names_come_from_the_census(city):
    out, truth = city
    document = json.loads((out / "street_trees.geojson").read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection"
    assert len(document["features"]) == truth["releases"]["street_trees"]["expected"]["records"]
    assert all(feature["geometry"]["type"] == "Point" for feature in document["features"])

    from sharecheck.synth.population import census_names

    census_last = set(census_names("last").names.tolist())
    register = read_csv_rows(out / "voter_register.csv")
    assert all(row["last_name"] in census_last for row in register)
    assert all(re.fullmatch(r"\d+ [A-Z][a-z]+ [A-Z][a-z]+", row["residential_address"]) for row in register)
    ages = [(date(2024, 1, 1) - datetime.strptime(row["birth_date"], "%m/%d/%Y").date()).days / 365.25 for row in register]
    assert min(ages) >= 18
