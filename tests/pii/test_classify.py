"""One column type per test, with a case that must be found and one that must not.

All values are synthetic: example.org mail, 555-01xx phone numbers, checksum-valid identifiers
computed with python-stdnum, census given names and surnames combined at random.
"""
import hashlib
import random

import polars as pl
import pytest
from stdnum import iban, luhn
from stdnum.fr import nir
from stdnum.nl import bsn

from sharecheck.classify import ColumnClassification, classify_columns
from sharecheck.profile import profile_frame

RNG = random.Random(42)
GIVEN = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Susan", "Maria", "Carlos"]
FAMILY = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson", "Moore", "Taylor", "Clark"]


def people(count: int) -> list[tuple[str, str]]:
    return [(RNG.choice(GIVEN), RNG.choice(FAMILY)) for _ in range(count)]


def col(result: dict[str, ColumnClassification], name: str) -> tuple[str, str]:
    return result[name].role, result[name].semantic_type


# ---------------------------------------------------------------- contact data

def test_email_column_and_stray_email_in_free_text(classify):
    persons = people(60)
    notes = [f"Resident called about the noise near the park after {hour} pm, crew sent out" for hour in range(59)]
    notes.append("Please write back to pat.jones@example.org about the broken streetlight")
    frame = pl.DataFrame({
        "contact": [f"{first}.{last}{i}@example.org".lower() for i, (first, last) in enumerate(persons)],
        "notes": notes,
    })
    result = classify(frame)
    assert col(result, "contact") == ("direct_identifier", "email")
    assert result["contact"].match_share == 1.0
    # one address inside free text: not an e-mail column, but reported on the text column
    assert col(result, "notes") == ("other", "free_text")
    assert result["notes"].entities.get("EMAIL_ADDRESS") == 1
    assert all("pat.jones" not in example for example in result["notes"].masked_examples)


def test_one_stray_email_does_not_make_an_email_column(classify):
    values = [f"Ticket category {i % 7}" for i in range(99)] + ["someone@example.org"]
    result = classify(pl.DataFrame({"label": values}))
    assert result["label"].semantic_type != "email"


@pytest.mark.parametrize("numbers", [
    [f"(212) 555-01{i:02d}" for i in range(40)],
    [f"+44 20 7946 0{i:03d}" for i in range(40)],
    [f"06 12 34 56 {i:02d}" for i in range(40)],
])
def test_phone_numbers_national_and_international(classify, numbers):
    result = classify(pl.DataFrame({"tel": numbers, "value": numbers}))
    assert col(result, "tel") == ("direct_identifier", "phone")
    # presidio calls such values US_DRIVER_LICENSE or UK_NHS; without a name, the validated phone pattern decides
    assert col(result, "value") == ("direct_identifier", "phone")


def test_numbers_that_are_not_phones(classify):
    result = classify(pl.DataFrame({"value": [f"{i}.{i % 10}" for i in range(40)]}))
    assert result["value"].semantic_type != "phone"


def test_street_addresses_are_not_phone_numbers(classify):
    streets = ["Main St", "Oak Avenue", "Elm Street", "Harbor Blvd", "Pine Rd", "Lake Dr"]
    values = [f"{RNG.randrange(1, 9999)} {RNG.choice(streets)}" for _ in range(60)]
    # Whose addresses they are the column alone does not say (a shop's is not personal): beside
    # people's names and birth dates they are people's.
    residents = [f"{first} {last}" for first, last in people(60)]
    births = [f"{RNG.randrange(1940, 2000)}-{RNG.randrange(1, 13):02d}-{RNG.randrange(1, 29):02d}" for _ in range(60)]
    result = classify(pl.DataFrame({"resident": residents, "date_of_birth": births, "where": values}))
    assert col(result, "where") == ("direct_identifier", "street_address")
    alone = classify(pl.DataFrame({"where": values}))
    assert alone["where"].semantic_type == "street_address"


def test_block_level_addresses_are_streets_not_doors(classify):
    values = [f"{RNG.randrange(1, 99):03d}XX N {RNG.choice(['STATE', 'CLARK', 'WELLS'])} ST" for _ in range(60)]
    result = classify(pl.DataFrame({"block": values}))
    assert col(result, "block") == ("quasi_identifier", "street")


# ---------------------------------------------------------------- person names

def test_full_names_in_last_first_order(classify):
    names = [f"{last.upper()}, {first.upper()} {RNG.choice('ABCDEJKLM')}" for first, last in people(80)]
    result = classify(pl.DataFrame({"employee": names, "x": names}))
    assert col(result, "employee") == ("direct_identifier", "person_name")
    assert col(result, "x") == ("direct_identifier", "person_name")  # values alone suffice


def test_name_parts_in_separate_columns(classify):
    pairs = people(60)
    result = classify(pl.DataFrame({"first_name": [first for first, _ in pairs], "last_name": [last for _, last in pairs]}))
    # the pair names a person: the surname is the direct identifier, the given name stays the
    # quasi-identifier it is alone (it remains when the surname is dropped), both marked as one name
    assert col(result, "first_name") == ("quasi_identifier", "first_name")
    assert col(result, "last_name") == ("direct_identifier", "last_name")
    assert result["first_name"].details["name_part_of"] == ["first_name", "last_name"]


@pytest.mark.parametrize("column, values", [
    ("name", ["Smith Plumbing LLC", "Garcia Construction Co", "Joe's Pizza & Grill", "Brown Street Station",
              "Johnson Family Dental", "Moore Park", "Taylor Realty Group", "Clark Auto Repair"] * 5),
    ("species", ["Acer rubrum", "Quercus alba", "Red Maple", "Pin Oak", "Honeylocust", "Ginkgo biloba"] * 6),
    ("start_station_name", ["Grove St PATH", "Hamilton Park", "Newport Pkwy", "Exchange Pl", "City Hall"] * 8),
    ("animal_name", GIVEN * 4),
])
def test_names_of_things_are_not_person_names(classify, column, values):
    result = classify(pl.DataFrame({column: values}))
    assert result[column].semantic_type not in ("person_name", "first_name", "last_name")
    assert result[column].role != "direct_identifier"


# ---------------------------------------------------------------- places

def test_zip_codes_with_a_name_or_a_zip_like_distribution(classify):
    zips = [f"021{RNG.randrange(30):02d}" for _ in range(400)]
    # beside an attribute of a person (the role depends on what the rows are about; the type does not)
    ages = [RNG.randrange(18, 90) for _ in range(400)]
    result = classify(pl.DataFrame({"postal": zips, "unnamed": zips, "age": ages}))
    assert col(result, "postal") == ("quasi_identifier", "postal_code")
    assert col(result, "unnamed") == ("quasi_identifier", "postal_code")
    alone = classify(pl.DataFrame({"postal": zips, "unnamed": zips}))
    assert alone["postal"].semantic_type == alone["unnamed"].semantic_type == "postal_code"
    # Alone, nothing says the rows are people, so the role is the model's call on context (and
    # a scan settles it with the subject); what the header adds is weight towards a QI.
    assert alone["postal"].probabilities["quasi_identifier"] > alone["unnamed"].probabilities["quasi_identifier"]
    import sharecheck

    declared = sharecheck.scan(pl.DataFrame({"postal": zips, "unnamed": zips}), about="people")
    assert {c.name: c.role for c in declared.datasets[0].columns} == {
        "postal": "quasi_identifier", "unnamed": "quasi_identifier"}


def test_arbitrary_five_digit_numbers_are_not_zips(classify):
    values = [RNG.randrange(10000, 99999) for _ in range(400)]  # every value distinct, no shared prefix
    result = classify(pl.DataFrame({"reading": values}))
    assert result["reading"].semantic_type != "postal_code"


def test_uk_postcodes(classify):
    values = [f"SW1A {RNG.randrange(1, 9)}{RNG.choice('ABDEFGHJ')}{RNG.choice('LNPQRSTU')}" for _ in range(50)]
    result = classify(pl.DataFrame({"pc": values}))
    assert col(result, "pc") == ("quasi_identifier", "postal_code")


def test_coordinates_carry_their_precision(classify):
    frame = pl.DataFrame({
        "lat": [42.3 + RNG.random() / 10 for _ in range(100)],
        "lon": [-71.1 + RNG.random() / 10 for _ in range(100)],
    }).with_columns(pl.col("lat").round(5), pl.col("lon").round(5))
    result = classify(frame)
    # The type and its precision are the values' to show; the role is the subject's to settle
    # (two bare columns of positions may be trees): on rows of events they are QIs.
    assert result["lat"].semantic_type == "latitude" and result["lon"].semantic_type == "longitude"
    assert result["lat"].details["precision_m"] == pytest.approx(1.113, abs=0.01)
    import sharecheck

    roles = {c.name: c.role for c in sharecheck.scan(frame, about="events").datasets[0].columns}
    assert roles == {"lat": "quasi_identifier", "lon": "quasi_identifier"}
    # a measurement column that happens to be a float is not a coordinate
    other = classify(pl.DataFrame({"weight_kg": [RNG.uniform(50, 120) for _ in range(100)]}))
    assert other["weight_kg"].semantic_type not in ("latitude", "longitude", "coordinates")


# ---------------------------------------------------------------- dates and ages

def test_birth_dates_by_name_and_by_implied_age(classify):
    births = [f"{RNG.randrange(1940, 2000)}-{RNG.randrange(1, 13):02d}-{RNG.randrange(1, 29):02d}" for _ in range(200)]
    events = [f"2023-{RNG.randrange(1, 13):02d}-{RNG.randrange(1, 29):02d}" for _ in range(200)]
    result = classify(pl.DataFrame({"dob": births, "d1": births, "d2": events}))
    assert col(result, "dob") == ("quasi_identifier", "birth_date")
    assert col(result, "d1") == ("quasi_identifier", "birth_date")
    assert col(result, "d2") == ("quasi_identifier", "date")


def test_ages(classify):
    result = classify(pl.DataFrame({"victim_age": [RNG.randrange(0, 95) for _ in range(100)],
                                    "age": [RNG.randrange(1000, 5000) for _ in range(100)]}))
    assert col(result, "victim_age") == ("quasi_identifier", "age")
    assert result["age"].semantic_type != "age"


# ---------------------------------------------------------------- identifiers with checksums

def _ibans(count):
    out = []
    for _ in range(count):
        bban = f"WEST{RNG.randrange(10 ** 13, 10 ** 14)}"
        out.append(f"GB{iban.calc_check_digits('GB00' + bban)}{bban}")
    return out


def _cards(count):
    out = []
    for _ in range(count):
        body = "4" + "".join(str(RNG.randrange(10)) for _ in range(14))
        out.append(body + luhn.calc_check_digit(body))
    return out


def _nirs(count):
    out = []
    for _ in range(count):
        body = f"{RNG.choice('12')}{RNG.randrange(40, 99)}{RNG.randrange(1, 13):02d}{RNG.randrange(10, 95)}{RNG.randrange(1, 999):03d}{RNG.randrange(1, 999):03d}"
        out.append(body + nir.calc_check_digits(body))
    return out


def _bsns(count):
    out = []
    while len(out) < count:
        candidate = f"{RNG.randrange(10 ** 8, 10 ** 9)}"
        if bsn.is_valid(candidate):
            out.append(candidate)
    return out


def _ssns(count):
    return [f"{RNG.randrange(1, 665):03d}-{RNG.randrange(1, 99):02d}-{RNG.randrange(1, 9999):04d}" for _ in range(count)]


@pytest.mark.parametrize("make, semantic", [
    (_ibans, "iban"), (_cards, "payment_card"), (_nirs, "national_id"), (_bsns, "national_id"), (_ssns, "national_id"),
])
def test_checksummed_identifiers(classify, make, semantic):
    result = classify(pl.DataFrame({"value": make(60)}))
    assert col(result, "value") == ("direct_identifier", semantic)


def test_nine_digit_numbers_failing_the_eleven_test_are_not_bsn(classify):
    values = [str(RNG.randrange(10 ** 8, 10 ** 9)) for _ in range(200)]
    result = classify(pl.DataFrame({"value": values}))
    assert result["value"].semantic_type != "national_id"


@pytest.mark.parametrize("values, semantic", [
    ([f"10.0.{i}.{j}" for i in range(5) for j in range(1, 9)], "ip_address"),
    ([f"00:1A:2B:3C:{i:02X}:{j:02X}" for i in range(5) for j in range(8)], "mac_address"),
    ([f"AB-{i:03d}-CD" for i in range(100, 140)], "vehicle_plate"),
    ([f"https://www.linkedin.com/in/user{i}" for i in range(40)], "url_personal"),
])
def test_network_vehicle_and_online_identifiers(classify, values, semantic):
    result = classify(pl.DataFrame({"value": values}))
    assert col(result, "value") == ("direct_identifier", semantic)


def test_an_organisation_website_is_not_personal(classify):
    result = classify(pl.DataFrame({"site": [f"https://www.city{i}.example.gov/permits" for i in range(40)]}))
    assert col(result, "site") == ("other", "url")


# ---------------------------------------------------------------- pseudonyms

def test_opaque_per_person_ids_are_pseudonyms(classify):
    result = classify(pl.DataFrame({"case_number": [f"HZ{RNG.randrange(10 ** 5, 10 ** 6)}" for _ in range(300)],
                                    "status": [RNG.choice(["open", "closed"]) for _ in range(300)]}))
    assert col(result, "case_number") == ("pseudonym", "record_id")
    assert result["status"].role == "other"


def test_unsalted_hash_column_is_reported_reversible(classify, fast_hashes):
    values = [hashlib.md5(f"{RNG.randrange(10 ** 4):04d}".encode()).hexdigest() for _ in range(200)]
    result = classify(pl.DataFrame({"driver": values}))
    assert col(result, "driver") == ("pseudonym", "hash")
    reversal = result["driver"].details["hash_reversal"]
    assert reversal["algorithm"] == "md5" and reversal["recovered_share"] == 1.0


def test_salted_hash_column_is_a_pseudonym_not_reversed(classify, monkeypatch):
    monkeypatch.setattr("sharecheck.classify.hash_budget_seconds", lambda: 0.3)
    values = [hashlib.sha256(f"salt{RNG.random()}".encode()).hexdigest() for _ in range(100)]
    result = classify(pl.DataFrame({"token": values}))
    assert col(result, "token") == ("pseudonym", "hash")
    assert result["token"].details["hash_reversal"]["recovered_share"] == 0.0


# ---------------------------------------------------------------- quasi-identifier value sets

def test_sex_and_race_by_values(classify):
    result = classify(pl.DataFrame({"s": [RNG.choice(["M", "F"]) for _ in range(100)],
                                    "r": [RNG.choice(["WHITE", "BLACK", "ASIAN", "HISPANIC"]) for _ in range(100)],
                                    "flag": [RNG.choice(["0", "1"]) for _ in range(100)]}))
    assert col(result, "s") == ("quasi_identifier", "sex")
    assert col(result, "r") == ("quasi_identifier", "race")
    assert result["flag"].semantic_type != "sex"  # digits need a sex/gender column name


def test_evidence_never_echoes_raw_values(classify):
    names = [f"{first} {last}" for first, last in people(50)]
    result = classify(pl.DataFrame({"owner_name": names}))
    text = " ".join(result["owner_name"].evidence) + " ".join(result["owner_name"].masked_examples)
    assert not any(name in text for name in names)


def test_house_number_and_street_in_two_columns_are_an_address(classify):
    frame = pl.DataFrame({"street_number": [str(100 + 7 * i) for i in range(60)],
                          "street_name": [["MAIN", "OAK", "ELM", "PINE", "MAPLE", "CEDAR"][i % 6] for i in range(60)],
                          "ward": [i % 4 for i in range(60)]})
    result = classify(frame)
    assert col(result, "street_number") == ("quasi_identifier", "street")
    assert col(result, "street_name") == ("quasi_identifier", "street")
    assert result["street_number"].details["address_part_of"] == ["street_name", "street_number"]
    # A street alone, without house numbers, is no address.
    alone = classify(frame.drop("street_number"))
    assert alone["street_name"].semantic_type == "street"  # its role, alone, is the model's and the subject's
    assert "address_part_of" not in alone["street_name"].details


def test_codes_unique_per_row_are_a_key_never_a_quasi_identifier():
    # beside an age group and a sex the model may lean to `quasi_identifier` for a column it
    # cannot read; codes the values show to be a record's key single out a row by construction
    rows = range(60)
    frame = pl.DataFrame({
        "omega": [f"C{7000 + i:05d}" for i in rows],
        "patient_age_group": [["0-19", "20-39", "40-59", "60-79", "80+"][(i // 6) % 5] for i in rows],
        "patient_sex": [["M", "F"][(i // 30) % 2] for i in rows],
    })
    result = classify_columns(frame, profile_frame(frame))
    assert result["omega"].semantic_type == "record_id"
    assert result["omega"].role in ("pseudonym", "other")
    assert result["patient_sex"].role == "quasi_identifier"
