"""A column's values veto its type (sharecheck/classify/vetoes.py), the last step of the policy.

`overrule` is asked directly with the type a model might have given, on the evidence of a small
made-up column, so each test asks only the veto; the last tests run the whole classifier. The
person names are common census names; no value comes from a real release.
"""
from __future__ import annotations

import polars as pl
import pytest

from sharecheck.classify import ROLES, extract_evidence
from sharecheck.classify.vetoes import overrule
from sharecheck.profile import profile_frame


def _evidence(frame: pl.DataFrame, name: str):
    return extract_evidence(frame.select(name), profile_frame(frame.select(name)))[name]


def _veto(frame: pl.DataFrame, name: str, role: str, semantic_type: str):
    return overrule(role, semantic_type, _evidence(frame, name))


# ---------------------------------------------------------------- identifiers (moved from the subject step)


def test_codes_in_a_name_column_are_not_names():
    frame = pl.DataFrame({"studyName": ["PAL0708", "PAL0809", "PAL0910"] * 10, "zone": ["America/Chicago"] * 30})
    for name in ("studyName", "zone"):
        role, semantic, reason = _veto(frame, name, "direct_identifier", "person_name")
        assert (role, semantic) == ("other", "category")
        assert reason.startswith("not a person name")
        assert "PAL" not in reason and "Chicago" not in reason  # no raw value in the evidence


def test_near_miss_names_with_a_stray_digit_stay_names():
    frame = pl.DataFrame({"name": ["Mary Smith", "James Brown", "Linda Davis 2nd", "Robert Miller"] * 5})
    assert _veto(frame, "name", "direct_identifier", "person_name") is None


def test_near_miss_numbered_business_names_in_an_owner_column_are_not_codes():
    frame = pl.DataFrame({"OwnerName": ["GREEN_HOLDINGS_12", "SMITH", "BLUE7"] * 10})
    assert _veto(frame, "OwnerName", "direct_identifier", "person_name") is None


def test_numeric_card_numbers_are_checked_too():
    frame = pl.DataFrame({"ccn": [10001 + 2 * i for i in range(30)]})  # 5-digit provider numbers stored as integers
    assert _veto(frame, "ccn", "direct_identifier", "payment_card")[:2] == ("other", "record_id")


def test_card_numbers_must_pass_luhn_and_plates_be_short():
    # 4111111111111111 and 5500000000000004 pass the Luhn check; 11500 is a 5-digit provider number
    frame = pl.DataFrame({
        "ccn": ["11500", "11502", "11504", "11506"] * 5,
        "card": ["4111 1111 1111 1111", "5500-0000-0000-0004"] * 10,
        "Registration Number": ["00-SA-000224", "18-SA-002112"] * 10,  # 10 letters and digits
        "plate": ["ABC1234", "7XYZ123"] * 10,
    })
    assert _veto(frame, "ccn", "direct_identifier", "payment_card")[:2] == ("other", "record_id")
    assert _veto(frame, "card", "direct_identifier", "payment_card") is None
    assert _veto(frame, "Registration Number", "direct_identifier", "vehicle_plate")[:2] == ("other", "record_id")
    assert _veto(frame, "plate", "direct_identifier", "vehicle_plate") is None


def test_a_yes_no_flag_is_no_email_and_no_owner():
    frame = pl.DataFrame({"email": ["yes", "no", "No", "YES "] * 10, "owner": ["Y", "N"] * 20, "has_phone": [1, 0] * 20})
    for name, semantic in (("email", "email"), ("owner", "person_name"), ("has_phone", "phone")):
        role, kind, reason = _veto(frame, name, "direct_identifier", semantic)
        assert (role, kind) == ("other", "category") and "yes/no flag" in reason
    assert _veto(frame, "email", "pseudonym", "record_id")[:2] == ("other", "category")


def test_near_miss_a_column_of_three_names_is_no_flag():
    # three distinct values, one of them no flag spelling: names stay names (a team of three officers)
    frame = pl.DataFrame({"officer": ["Mary Smith", "yes", "no"] * 10})
    assert _veto(frame, "officer", "direct_identifier", "person_name") is None


def test_an_address_second_line_is_a_quasi_identifier():
    frame = pl.DataFrame({"Address Line 2": ["APT 4B", "Suite 200", "#12", "STE: 5", "UNIT 3", "FL 2", "12 MAIN ST"] * 4})
    role, kind, reason = _veto(frame, "Address Line 2", "direct_identifier", "street_address")
    assert (role, kind) == ("quasi_identifier", "street_address")
    assert "second line" in reason and "APT" not in reason and "MAIN" not in reason


def test_near_miss_street_lines_stay_direct_identifiers():
    # a street line whose streets start with a designator word (Front, Lower) now and then
    frame = pl.DataFrame({"Address": ["12 MAIN ST", "4 FRONT ST", "9 OAK AVE", "LOWER RD 3", "77 ELM ST", "5 PINE CT"] * 4})
    assert _veto(frame, "Address", "direct_identifier", "street_address") is None


def test_a_unique_key_of_surnames_with_initials_names_people():
    family = ["SMITH", "JOHNSON", "BROWN", "MILLER", "DAVIS", "WILSON", "MOORE", "TAYLOR", "ANDERSON", "THOMAS"]
    frame = pl.DataFrame({"rownames": [f"{f},{a}.{b}." for f in family for a, b in (("J", "R"), ("M", "K"))]})
    assert _veto(frame, "rownames", "other", "category")[:2] == ("direct_identifier", "person_name")


def test_near_miss_county_names_are_surnames_without_initials():
    counties = ["Washington", "Jefferson", "Franklin", "Jackson", "Lincoln", "Madison", "Monroe", "Marion", "Clay",
                "Warren", "Wayne", "Greene", "Union", "Grant", "Adams", "Johnson", "Lake", "Polk", "Hamilton", "Marshall"]
    assert _veto(pl.DataFrame({"county": counties}), "county", "other", "category") is None


# Words of units and services that no census list holds as a given name or a surname; each one
# alone is a distinct value, and pairs of them make more.
_UNITS = ["radiology", "pharmacy", "cardiology", "oncology", "pediatrics", "orthopedics", "urology", "neurology",
          "dermatology", "laboratory", "dialysis", "endoscopy", "psychiatry", "podiatry", "pulmonology", "triage",
          "hematology", "nephrology", "audiology", "optometry", "phlebotomy", "rheumatology", "obstetrics", "surgery"]


def test_a_name_column_of_things_names_no_people():
    frame = pl.DataFrame({"clinic_name": [f"{unit} unit" for unit in _UNITS] * 3})
    role, semantic, reason = _veto(frame, "clinic_name", "direct_identifier", "person_name")
    assert (role, semantic) == ("other", "category")
    assert reason.startswith("not a person name: 0% of values hold a known given name or surname")
    assert "radiology" not in reason  # no raw value in the evidence


def test_near_miss_peoples_names_and_too_few_or_foreign_values_keep_the_name():
    given = ["Mary", "James", "Linda", "Robert", "Patricia", "John", "Jennifer", "Michael", "Susan", "David", "Karen",
             "William"]
    family = ["Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson"]
    people = pl.DataFrame({"name": [f"{g} {f}" for g in given for f in family[:2]]})  # 24 full names
    assert _veto(people, "name", "direct_identifier", "person_name") is None
    # one value in six a person's (a ward named after its donor): 17 % > 5 %, left to the model
    mixed = pl.DataFrame({"ward_name": [f"{unit} unit" for unit in _UNITS[:20]] + [f"{g} Smith" for g in given[:4]]})
    assert _veto(mixed, "ward_name", "direct_identifier", "person_name") is None
    # under 20 distinct values the lists' silence says too little
    few = pl.DataFrame({"clinic_name": [f"{unit} unit" for unit in _UNITS[:12]] * 4})
    assert _veto(few, "clinic_name", "direct_identifier", "person_name") is None
    # names in a script the lists do not cover are left to the model
    chinese = pl.DataFrame({"name": [a + b for a in "王李张刘陈杨" for b in "伟芳娜敏"]})
    assert _veto(chinese, "name", "direct_identifier", "person_name") is None
    # an owner's column may hold businesses beside people: the subject step judges those
    owners = pl.DataFrame({"owner_name": [f"{unit} holdings" for unit in _UNITS]})
    assert _veto(owners, "owner_name", "direct_identifier", "person_name") is None


def test_an_address_without_house_numbers_places_no_one_at_a_door():
    # villages, as a rural survey spells them (a number glued to the name tells villages apart)
    villages = [f"{stem}{n}" for stem in ("hexi", "caijia", "wanshang", "lianxing", "xianghu", "dongbian") for n in (1, 2, 3, 4)]
    role, semantic, reason = _veto(pl.DataFrame({"address": villages}), "address", "direct_identifier", "street_address")
    assert (role, semantic) == ("quasi_identifier", "street_address")
    assert reason.startswith("only 0% of values hold a house number") and "hexi" not in reason


def test_near_miss_numbered_or_foreign_addresses_stay_direct_identifiers():
    # most street lines carry a number, some only a house name: a door's address
    lines = [f"{n} {street}" for n in (12, 4, 9) for street in ("Church Lane", "Mill Road", "Hill View")] + ["Rose Cottage"] * 3
    assert _veto(pl.DataFrame({"address": lines * 2}), "address", "direct_identifier", "street_address") is None
    # no value reads as a street address, but every one holds a number of its own: a plot, a door
    plots = [f"Plot {n} {village}" for n in (3, 7, 12, 21) for village in ("Hexi", "Caijia", "Wanshang", "Dongbian")]
    assert _veto(pl.DataFrame({"address": plots}), "address", "direct_identifier", "street_address") is None
    chinese = pl.DataFrame({"address": [f"建国路{n}号" for n in range(1, 25)]})
    assert _veto(chinese, "address", "direct_identifier", "street_address") is None


# ---------------------------------------------------------------- employers, days, tallies


def test_one_letter_departments_are_codes_not_employers():
    frame = pl.DataFrame({"Dept": list("ABCDEF") * 4, "Employer": ["City Police", "Fire Service", "Parks and Recreation"] * 8})
    role, semantic, reason = _veto(frame, "Dept", "quasi_identifier", "employer")
    assert (role, semantic) == ("quasi_identifier", "category") and "codes of at most 2 characters" in reason
    # near miss: names of employers in words stay employers
    assert _veto(frame, "Employer", "quasi_identifier", "employer") is None


def test_whole_numbers_1_to_31_under_a_day_header_are_a_day_of_month():
    frame = pl.DataFrame({"day_of_month": [1 + i % 31 for i in range(93)], "patient_id": [1 + i % 31 for i in range(93)],
                          "day_no": [1 + i % 40 for i in range(93)]})
    role, semantic, _ = _veto(frame, "day_of_month", "other", "record_id")
    assert (role, semantic) == ("other", "date")
    assert _veto(frame, "day_of_month", "pseudonym", "record_id")[:2] == ("quasi_identifier", "date")
    # near misses: a repeating patient number under a header naming no day stays an id (one
    # patient followed over visits); a day count beyond 31 is no day of a month
    assert _veto(frame, "patient_id", "pseudonym", "record_id") is None
    assert _veto(frame, "day_no", "other", "record_id") is None


def test_a_unique_day_number_is_left_to_the_model():
    # 1..31 once each is as much a row number as a day: no veto
    assert _veto(pl.DataFrame({"day": list(range(1, 32))}), "day", "other", "record_id") is None


def test_a_tally_of_dozens_is_not_one_persons_legal_outcome():
    frame = pl.DataFrame({"citations": [21 + 37 * i for i in range(40)], "charges": [i % 4 for i in range(40)],
                          "disposition_code": [101 + 7 * (i % 9) for i in range(40)]})
    role, semantic, reason = _veto(frame, "citations", "sensitive", "legal_outcome")
    assert (role, semantic) == ("other", "count") and "smallest value" in reason
    # near misses: a person's count of charges starts at none; numbered outcomes are codes;
    # an offence code is never a tally
    assert _veto(frame, "charges", "sensitive", "legal_outcome") is None
    assert _veto(frame, "disposition_code", "sensitive", "legal_outcome") is None
    assert _veto(frame.rename({"citations": "offense"}), "offense", "sensitive", "offence") is None


def test_the_thresholds_are_rules_and_are_checked():
    from sharecheck.classify.words import check, words
    from sharecheck._resources import load_yaml
    from sharecheck.errors import RuleError

    assert words().thresholds["code_max_characters"] == 2 and "day" in words().day
    document = load_yaml("classifier.yaml")
    broken = {**document, "thresholds": {k: v for k, v in document["thresholds"].items() if k != "tally_min_value"}}
    with pytest.raises(RuleError):
        check(broken)


# ---------------------------------------------------------------- through the whole classifier


def test_the_classifier_gives_the_vetoed_type_and_says_why(classify):
    frame = pl.DataFrame({"name": ["PAL0708", "PAL0809", "PAL0910"] * 10, "citations": [21 + 37 * i for i in range(30)]})
    result = classify(frame)
    assert (result["name"].role, result["name"].semantic_type) == ("other", "category")
    assert result["name"].evidence[0].startswith("not a person name")
    assert (result["citations"].role, result["citations"].semantic_type) == ("other", "count")
    assert result["citations"].evidence[0].startswith("not a legal outcome")
    assert not any("PAL0" in line for c in result.values() for line in c.evidence)


# ---------------------------------------------------------------- a sensitive call only the model makes


class _StubRole:
    """The fitted model's role part as decide() reads it: the classes, and no drivers to explain."""

    classes = list(ROLES)

    def contributions(self, row, index):
        return []


class _StubModel:
    role = _StubRole()


def _decide_sensitive(name: str, p_sensitive: float, constant: bool = False):
    import numpy as np

    from sharecheck.classify.policy import decide

    frame = pl.DataFrame({name: [150.0 if constant else 150.0 + (7 * i) % 90 for i in range(60)]})
    # the rest split over three roles, so that sensitive stays the most probable role just below the bar
    rest = 1.0 - p_sensitive
    shares = {"sensitive": p_sensitive, "other": 0.4 * rest, "pseudonym": 0.3 * rest, "quasi_identifier": 0.3 * rest}
    proba = np.array([shares.get(role, 0.0) for role in ROLES])
    return decide(_evidence(frame, name), ["measure"], np.array([0.9]), np.zeros(1), proba, _StubModel())


def test_a_sensitive_call_of_the_model_alone_is_kept_above_the_bar_and_marked():
    from sharecheck.classify.words import words

    bar = words().thresholds["sensitive_unsupported_min_probability"]
    decision = _decide_sensitive("fee", bar + 0.05)
    assert decision.role == "sensitive" and decision.details["sensitive_support"] == "model only"
    # near misses: below the bar it is dropped; a clinical header word supports it at any probability
    assert _decide_sensitive("fee", bar - 0.05).role != "sensitive"
    supported = _decide_sensitive("chol", bar - 0.05)
    assert supported.role == "sensitive" and "sensitive_support" not in supported.details
    # one value on every row: no model-only call, however probable; a clinical header keeps it
    # (every patient having one finding is itself disclosed)
    assert _decide_sensitive("fee", 0.99, constant=True).role != "sensitive"
    assert _decide_sensitive("chol", 0.99, constant=True).role == "sensitive"


def test_one_value_on_every_row_is_no_identifier():
    frame = pl.DataFrame({"Electrician License": ["MASTER ELECTRICIAN"] * 40, "n": list(range(40))})
    assert _veto(frame, "Electrician License", "direct_identifier", "license_number")[:2] == ("other", "category")
    assert "one value on all 40 filled rows" in _veto(frame, "Electrician License", "pseudonym", "record_id")[2]


def test_near_miss_two_values_or_a_single_filled_row_keep_their_type():
    frame = pl.DataFrame({"Electrician License": ["MASTER ELECTRICIAN", "JOURNEYMAN"] * 20})
    assert _veto(frame, "Electrician License", "direct_identifier", "license_number") is None
    alone = pl.DataFrame({"Licence": ["E-20231"] + [None] * 39})
    assert _veto(alone, "Licence", "direct_identifier", "license_number") is None
