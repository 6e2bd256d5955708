"""Groups, living things, named things and contradicted identifier types in the subject decision
(sharecheck/subject_units.py); the values that veto a type are tested in tests/pii/test_vetoes.py.

The column roles are set by hand (as a classifier might have given them), so each test asks only
the table-level rule; every frame is made up, and the person names are common census names.
"""
from __future__ import annotations

import polars as pl

from sharecheck.profile import profile_frame
from sharecheck.report import ColumnReport
from sharecheck.subject import decide_subject
from sharecheck.subject_units import group_sizes, names_of_things, taxa


def _columns(frame: pl.DataFrame, roles: dict[str, tuple[str, str]]) -> tuple[ColumnReport, ...]:
    return tuple(ColumnReport(name=name, role=roles.get(name, ("other", "measure"))[0],
                              semantic_type=roles.get(name, ("other", "measure"))[1], confidence=0.9, source="detected")
                 for name in frame.columns)


def _decide(frame: pl.DataFrame, roles: dict[str, tuple[str, str]]):
    profiles = profile_frame(frame)
    return decide_subject(frame, profiles, _columns(frame, roles), {}, count_column=None)


# ---------------------------------------------------------------- a row that counts its people


def _stores(population: list[int]) -> pl.DataFrame:
    n = len(population)
    return pl.DataFrame({
        "Sales": [round(5 + 0.37 * i, 2) for i in range(n)],
        "Income": [40 + (7 * i) % 60 for i in range(n)],
        "Age": [30 + (11 * i) % 45 for i in range(n)],
        "Population": population,
    })


STORE_ROLES = {"Income": ("sensitive", "income"), "Age": ("quasi_identifier", "age"), "Population": ("other", "count")}


def test_a_row_counting_hundreds_of_people_is_a_group_not_a_person():
    frame = _stores([150 + 13 * i for i in range(40)])  # median 403.5: a store's catchment, no household
    subject = _decide(frame, STORE_ROLES)
    assert subject.about == "organisations"
    assert not subject.involves_people
    assert "'Population'" in subject.evidence[0]


def test_near_miss_a_household_size_is_a_persons_attribute():
    # people per household, 1 to 8: whole numbers under the same word, median 4.5, below 20
    frame = _stores([1 + i % 8 for i in range(40)])
    assert group_sizes(frame, profile_frame(frame), _columns(frame, STORE_ROLES)) == []
    assert _decide(frame, STORE_ROLES).about == "people"


def test_near_miss_a_group_count_beside_a_persons_sex_label_is_still_people():
    frame = _stores([150 + 13 * i for i in range(40)]).with_columns(pl.Series("sex", ["F", "M", "F", "X"] * 10))
    roles = {**STORE_ROLES, "sex": ("quasi_identifier", "sex")}
    assert _decide(frame, roles).about == "people"


# ---------------------------------------------------------------- a species or a breed


def _animals(with_names: bool) -> pl.DataFrame:
    frame = pl.DataFrame({
        "species": ["Adelie", "Gentoo", "Chinstrap", "Adelie"] * 10,
        "sex": ["male", "female"] * 20,
        "body_mass_g": [3200 + 25 * i for i in range(40)],
    })
    if with_names:
        given = ["Mary", "James", "Linda", "Robert", "Susan"]
        family = ["Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Moore", "Taylor"]
        frame = frame.with_columns(pl.Series("keeper", [f"{given[i % 5]} {family[i % 8]}" for i in range(40)]))
    return frame


ANIMAL_ROLES = {"species": ("other", "category"), "sex": ("quasi_identifier", "sex"), "keeper": ("direct_identifier", "person_name")}


def test_rows_with_a_species_are_animals_whose_sex_is_not_a_persons():
    frame = _animals(with_names=False)
    assert taxa(profile_frame(frame), _columns(frame, ANIMAL_ROLES)) == ["species"]
    subject = _decide(frame, ANIMAL_ROLES)
    assert subject.about == "things" and not subject.involves_people


def test_near_miss_a_species_beside_peoples_names_stays_about_people():
    # pet licences with the keepers' full names: the names are personal data
    assert _decide(_animals(with_names=True), ANIMAL_ROLES).about == "people"


def test_near_miss_a_header_race_is_a_persons_race_not_a_breed():
    frame = _animals(with_names=False).rename({"species": "race"})
    assert taxa(profile_frame(frame), _columns(frame, {"race": ("quasi_identifier", "race")})) == []


# ---------------------------------------------------------------- a "name" that names things


def test_names_that_are_rarely_peoples_name_things():
    companies = [f"{word} {kind}" for word in ("Acme", "Globex", "Initech", "Umbrella", "Soylent")
                 for kind in ("Holdings", "Motors", "Foods", "Energy", "Telecom")]
    frame = pl.DataFrame({"name": companies, "sales": [float(i) for i in range(25)]})
    assert names_of_things(frame, _columns(frame, {}), ["name"]) == ["name"]
    subject = _decide(frame, {"name": ("direct_identifier", "person_name")})
    assert subject.about == "things"


def test_the_names_of_things_lose_their_direct_identifier_role_whatever_the_rows_are_about():
    from sharecheck.analysis import roles_for_subject

    dishes = [f"{word} {kind}" for word in ("hawaiian", "classic", "veggie", "spicy", "cheese")
              for kind in ("deluxe", "special", "large", "small", "supreme")]
    frame = pl.DataFrame({"name": dishes, "sold": [f"2015-01-{day:02d}T12:00:00" for day in range(1, 26)]})
    frame = frame.with_columns(pl.col("sold").str.to_datetime())
    columns = _columns(frame, {"name": ("direct_identifier", "person_name"), "sold": ("quasi_identifier", "datetime")})
    subject = decide_subject(frame, profile_frame(frame), columns, {}, count_column=None)
    assert subject.named_things == ("name",) and subject.to_dict()["named_things"] == ["name"]
    roles = {c.name: (c.role, c.semantic_type) for c in roles_for_subject(columns, subject)}
    # nothing describes a person, so the rows are things and the time a dish sold is the dish's
    assert subject.about == "things"
    assert roles == {"name": ("other", "category"), "sold": ("other", "datetime")}
    demoted = next(c for c in roles_for_subject(columns, subject) if c.name == "name")
    assert demoted.evidence[0].startswith("the names of things") and "hawaiian" not in demoted.evidence[0]


def test_near_miss_a_declared_or_user_role_stays_and_peoples_names_are_kept():
    from dataclasses import replace

    from sharecheck.analysis import roles_for_subject

    dishes = [f"{word} {kind}" for word in ("hawaiian", "classic", "veggie", "spicy", "cheese")
              for kind in ("deluxe", "special", "large", "small", "supreme")]
    frame = pl.DataFrame({"name": dishes})
    columns = _columns(frame, {"name": ("direct_identifier", "person_name")})
    subject = decide_subject(frame, profile_frame(frame), columns, {}, count_column=None)
    declared = (replace(columns[0], source="user"),)
    assert roles_for_subject(declared, subject)[0].role == "direct_identifier"
    people = pl.DataFrame({"name": [f"{g} {f}" for g in ("Mary", "James", "Linda", "Robert", "Susan")
                                    for f in ("Smith", "Johnson", "Brown", "Miller", "Davis")]})
    people_columns = _columns(people, {"name": ("direct_identifier", "person_name")})
    assert decide_subject(people, profile_frame(people), people_columns, {}, count_column=None).named_things == ()


def test_near_miss_census_names_are_peoples_and_owner_headers_are_kept():
    given = ["Mary", "James", "Linda", "Robert", "Susan"]
    family = ["Smith", "Johnson", "Brown", "Miller", "Davis"]
    people = pl.DataFrame({"name": [f"{g} {f}" for g in given for f in family]})
    assert names_of_things(people, _columns(people, {}), ["name"]) == []
    # an owner's column is judged by the natural-person rule, not as names of things
    owners = pl.DataFrame({"owner": [f"Acme Holdings {i}" for i in range(25)]})
    assert names_of_things(owners, _columns(owners, {}), ["owner"]) == []


# ---------------------------------------------------------------- too few QIs


def test_a_table_of_people_with_one_qi_takes_its_grouping_categories_as_qis():
    from sharecheck.subject import Subject
    from sharecheck.subject_units import grouping_qis

    frame = pl.DataFrame({
        "sex": ["F", "M"] * 20,
        "sport": ["row", "swim", "netball", "tennis"] * 10,  # 4 values over 40 rows
        "note": [f"n{i}" for i in range(40)],  # unique per row: groups no one
    })
    roles = {"sex": ("quasi_identifier", "sex"), "sport": ("other", "category"), "note": ("other", "category")}
    got = {c.name: c.role for c in grouping_qis(profile_frame(frame), _columns(frame, roles), Subject("people"))}
    assert got == {"sex": "quasi_identifier", "sport": "quasi_identifier", "note": "other"}


def test_a_table_of_people_with_one_qi_takes_its_whole_number_codes_as_qis():
    from sharecheck.subject import Subject
    from sharecheck.subject_units import grouping_qis

    frame = pl.DataFrame({
        "male": [0, 1] * 20,
        "white": [1, 1, 0, 1] * 10,  # a 0/1 dummy
        "region": [1, 2, 3, 4] * 10,  # a coded category
        "parity": [1, 2, 3, 4, 5, 6, 7, 8] * 5,  # 8 values: more than a code of a handful
        "bwght": [2500.0 + 37 * i for i in range(40)],  # a measurement
        "share": [0.5, 0.25] * 20,  # two values, not whole numbers
    })
    roles = {"male": ("quasi_identifier", "sex")} | {name: ("other", "measure") for name in frame.columns if name != "male"}
    got = {c.name: c.role for c in grouping_qis(profile_frame(frame), _columns(frame, roles), Subject("people"))}
    assert got == {"male": "quasi_identifier", "white": "quasi_identifier", "region": "quasi_identifier",
                   "parity": "other", "bwght": "other", "share": "other"}
    # the same codes in a table about things group no one
    things = {c.name: c.role for c in grouping_qis(profile_frame(frame), _columns(frame, roles), Subject("things"))}
    assert things["white"] == "other" and things["region"] == "other"


def test_near_miss_two_qis_found_or_not_about_people_leave_categories_alone():
    from sharecheck.subject import Subject
    from sharecheck.subject_units import grouping_qis

    frame = pl.DataFrame({"sex": ["F", "M"] * 20, "age": list(range(20, 60)), "sport": ["row", "swim"] * 20})
    two = {"sex": ("quasi_identifier", "sex"), "age": ("quasi_identifier", "age"), "sport": ("other", "category")}
    assert grouping_qis(profile_frame(frame), _columns(frame, two), Subject("people"))[2].role == "other"
    one = {"sex": ("quasi_identifier", "sex"), "sport": ("other", "category")}
    assert grouping_qis(profile_frame(frame), _columns(frame, one), Subject("things"))[2].role == "other"


# ---------------------------------------------------------------- a sensitive call only the model makes


def _fees(support: str | None, confidence: float) -> tuple[pl.DataFrame, tuple[ColumnReport, ...]]:
    frame = pl.DataFrame({"fee": [10.0 + (7 * i) % 35 for i in range(40)], "zone": ["north", "south", "east", "west"] * 10})
    details = {"sensitive_support": support} if support else {}
    fee = ColumnReport(name="fee", role="sensitive", semantic_type="measure", confidence=confidence, source="detected",
                       classification={"details": details})
    zone = ColumnReport(name="zone", role="other", semantic_type="category", confidence=0.9, source="detected")
    return frame, (fee, zone)


def test_a_weak_model_only_sensitive_call_does_not_make_rows_people():
    frame, columns = _fees("model only", 0.62)
    subject = decide_subject(frame, profile_frame(frame), columns, {}, count_column=None)
    assert subject.about == "things" and not subject.involves_people


def test_near_miss_a_confident_or_supported_sensitive_call_still_says_people():
    for support, confidence in (("model only", 0.9), (None, 0.62)):
        frame, columns = _fees(support, confidence)
        assert decide_subject(frame, profile_frame(frame), columns, {}, count_column=None).about == "people"
    # a sensitive role the user declared is never second-guessed
    frame, (fee, zone) = _fees("model only", 0.62)
    declared = ColumnReport(name="fee", role="sensitive", semantic_type="measure", confidence=1.0, source="user",
                            classification=fee.classification)
    assert decide_subject(frame, profile_frame(frame), (declared, zone), {}, count_column=None).about == "people"


# ---------------------------------------------------------------- a share of a group on the row


def _states(degree: list[float]) -> pl.DataFrame:
    n = len(degree)
    return pl.DataFrame({
        "INCOME": [27000.0 + 1100 * ((7 * i) % 17) for i in range(n)],
        "DEGREE": degree,
        "SOUTH": [float(i % 2) for i in range(n)],
    })


SHARE_ROLES = {"INCOME": ("sensitive", "income"), "DEGREE": ("quasi_identifier", "education"),
               "SOUTH": ("quasi_identifier", "measure")}


def test_a_row_holding_a_share_of_graduates_is_a_unit_whose_income_is_the_units():
    frame = _states([round(0.16 + 0.01 * (i % 15), 2) for i in range(17)])  # shares 0.16 to 0.30
    subject = _decide(frame, SHARE_ROLES)
    assert subject.about == "things" and not subject.involves_people
    assert "'DEGREE'" in subject.evidence[0] and "'INCOME'" in subject.evidence[1]


def test_near_miss_years_of_schooling_are_a_persons_level():
    frame = _states([float(8 + i % 12) for i in range(17)])  # whole years, 8 to 19
    assert _decide(frame, SHARE_ROLES).about == "people"


def test_near_miss_a_share_beside_a_persons_own_sex_is_still_people():
    # a person's record with the share of graduates of their county attached
    frame = _states([round(0.16 + 0.01 * (i % 15), 2) for i in range(17)]).with_columns(
        pl.Series("female", [i % 2 for i in range(17)]))
    assert _decide(frame, {**SHARE_ROLES, "female": ("quasi_identifier", "sex")}).about == "people"


def test_near_miss_a_median_header_alone_is_no_share_of_a_group():
    # a patient's "median" lab value: the header says statistic, the values are no shares
    frame = _states([float(8 + i % 12) for i in range(17)]).rename({"DEGREE": "median_cell_age"})
    roles = {"INCOME": ("sensitive", "income"), "median_cell_age": ("quasi_identifier", "age")}
    assert _decide(frame, roles).about == "people"
