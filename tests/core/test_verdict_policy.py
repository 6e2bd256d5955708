"""The subject decision and the verdict policy on hand-built tables whose column roles are set by
hand, so that what is tested is the decision (sharecheck.subject, analysis.roles_for_subject,
pipeline severities), not the role model. Every value is generated; no value of a real release.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

import sharecheck
from sharecheck.analysis import roles_for_subject
from sharecheck.classify import ColumnClassification
from sharecheck.naming import match_column_name
from sharecheck.profile import profile_frame
from sharecheck.report import ColumnReport
from sharecheck.subject import decide_subject

STATES = ["Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Delaware", "Florida", "Georgia", "Idaho"]


def _decide(frame: pl.DataFrame, roles: dict[str, tuple[str, str]], classifications: dict | None = None, count_column=None):
    """roles: column -> (role, semantic type); unlisted columns are other/measure or other/category."""
    profiles = profile_frame(frame)
    classifications = dict(classifications or {})
    columns = []
    for name in frame.columns:
        role, kind = roles.get(name, ("other", "measure" if frame[name].dtype.is_numeric() else "category"))
        columns.append(ColumnReport(name=name, role=role, semantic_type=kind, confidence=0.9, source="detected"))
        classifications.setdefault(name, ColumnClassification(column=name, role=role, semantic_type=kind, confidence=0.9))
    subject = decide_subject(frame, profiles, columns, classifications, count_column=count_column)
    return subject, roles_for_subject(tuple(columns), subject)


def _days(rng, n):
    start = datetime(2022, 1, 1)
    return [(start + timedelta(days=int(d))).strftime("%Y-%m-%d") for d in rng.integers(0, 700, n)]


def test_a_panel_of_areas_by_year_is_about_places():
    rng = np.random.default_rng(1)
    frame = pl.DataFrame({"state": [s for s in STATES for _ in range(8)], "year": [str(y) for _ in STATES for y in range(2000, 2008)],
                          "income": np.round(rng.uniform(20000, 60000, 80), 1).tolist(),
                          "violent": np.round(rng.uniform(1, 9, 80), 2).tolist()})
    roles = {"state": ("quasi_identifier", "place"), "year": ("quasi_identifier", "date"), "income": ("sensitive", "income")}
    subject, _ = _decide(frame, roles)
    assert subject.about == "places" and not subject.involves_people
    assert "'state' and period 'year'" in subject.evidence[0]


def test_a_person_panel_is_not_a_panel_of_areas():
    # near miss: the same columns, but several rows per state and year: people, not areas
    rng = np.random.default_rng(2)
    n = 300
    frame = pl.DataFrame({"state": rng.choice(STATES, n).tolist(), "year": rng.choice(["2000", "2001"], n).tolist(),
                          "income": rng.integers(20000, 90000, n).tolist()})
    roles = {"state": ("quasi_identifier", "place"), "year": ("quasi_identifier", "date"), "income": ("sensitive", "income")}
    subject, _ = _decide(frame, roles)
    assert subject.about == "people"


def test_statistics_of_groups_describe_units_not_people():
    rng = np.random.default_rng(3)
    n = 40
    frame = pl.DataFrame({"median_income": rng.integers(20000, 90000, n).tolist(),
                          "male": np.round(rng.uniform(40, 60, n), 1).tolist(),  # share of men: a rate, not a sex
                          "unemployment": np.round(rng.uniform(2, 12, n), 1).tolist()})
    roles = {"median_income": ("sensitive", "income"), "male": ("quasi_identifier", "sex")}
    subject, _ = _decide(frame, roles)
    assert subject.about == "things" and not subject.involves_people
    assert "statistic" in subject.evidence[0]


def test_a_person_level_sex_keeps_the_rows_about_people():
    # near miss: a sex column with two values is one person's, whatever the statistics beside it
    rng = np.random.default_rng(4)
    n = 40
    frame = pl.DataFrame({"median_income": rng.integers(20000, 90000, n).tolist(), "sex": rng.integers(0, 2, n).tolist()})
    subject, _ = _decide(frame, {"median_income": ("sensitive", "income"), "sex": ("quasi_identifier", "measure")})
    assert subject.about == "people" and "'sex'" in subject.evidence[0]


def test_a_mean_of_a_measurement_is_one_persons_attribute():
    # a statistic word over a measurement no vocabulary places (the mean radius of a tumour's
    # nuclei in one image) says the value is an average, not of a group: judged sensitive, the
    # rows are people's
    rng = np.random.default_rng(7)
    n = 60
    frame = pl.DataFrame({"mean radius": np.round(rng.uniform(6, 28, n), 2).tolist(),
                          "mean texture": np.round(rng.uniform(9, 39, n), 2).tolist()})
    roles = {"mean radius": ("sensitive", "measure"), "mean texture": ("sensitive", "measure")}
    subject, _ = _decide(frame, roles)
    assert subject.about == "people" and "'mean radius'" in subject.evidence[0]


def test_near_miss_a_mean_of_a_persons_attribute_is_a_groups_statistic():
    # the same table with the mean of an income: a statistic of a group (units, not people)
    rng = np.random.default_rng(7)
    n = 60
    frame = pl.DataFrame({"mean income": rng.integers(20000, 90000, n).tolist(),
                          "mean texture": np.round(rng.uniform(9, 39, n), 2).tolist()})
    subject, _ = _decide(frame, {"mean income": ("sensitive", "income")})
    assert subject.about == "things" and "statistic" in subject.evidence[0]


def test_a_header_naming_an_age_makes_a_person_attribute_whatever_the_type():
    rng = np.random.default_rng(5)
    frame = pl.DataFrame({"age80": rng.integers(0, 2, 200).tolist(), "los": rng.integers(1, 40, 200).tolist()})
    subject, _ = _decide(frame, {"age80": ("quasi_identifier", "measure")})
    assert subject.about == "people"


def _permits(n=200, seed=6, stamp="%Y-%m-%d"):
    rng = np.random.default_rng(seed)
    start = datetime(2022, 1, 1)
    return pl.DataFrame({
        "Permit Number": [f"P{i:06d}" for i in range(n)],
        "Issue Date": [(start + timedelta(minutes=int(m))).strftime(stamp) for m in rng.integers(0, 500_000, n)],
        "Description": rng.choice(["replace roof", "new deck", "call owner before visit"], n).tolist(),
        "Zip Code": rng.choice(["20850", "20851", "20852"], n).tolist(),
    })


def _free_text_pii(name):
    return ColumnClassification(column=name, role="other", semantic_type="free_text", confidence=0.9,
                                entities={"PERSON": 12, "PHONE_NUMBER": 3})


def test_names_in_a_permits_free_text_do_not_make_its_rows_about_people():
    frame = _permits()
    roles = {"Permit Number": ("other", "record_id"), "Issue Date": ("quasi_identifier", "date"),
             "Description": ("other", "free_text"), "Zip Code": ("quasi_identifier", "postal_code")}
    subject, _ = _decide(frame, roles, {"Description": _free_text_pii("Description")})
    assert subject.about == "things" and not subject.involves_people
    assert any("free text in 'Description'" in line for line in subject.evidence)


def test_names_in_the_notes_of_a_timed_event_log_are_events_involving_people():
    # near miss: the same free text, but rows timed to the minute are events
    frame = _permits(stamp="%Y-%m-%d %H:%M")
    roles = {"Permit Number": ("other", "record_id"), "Issue Date": ("quasi_identifier", "datetime"),
             "Description": ("other", "free_text"), "Zip Code": ("quasi_identifier", "postal_code")}
    subject, _ = _decide(frame, roles, {"Description": _free_text_pii("Description")})
    assert subject.about == "events" and subject.involves_people


def test_free_text_pii_stays_a_warning_when_the_rows_are_not_about_people():
    from sharecheck.pipeline import _as_note
    from sharecheck.findings import Finding
    from sharecheck.subject import Subject

    things = Subject("things")
    text = _as_note(Finding(code="ID120", name="pii-in-free-text", severity="error", message="m", dataset="d"), things)
    k = _as_note(Finding(code="KA301", name="k-anonymity", severity="error", message="m", dataset="d"), things)
    assert text.severity == "warning" and k.severity == "info"


def test_an_address_said_to_be_a_home_is_a_households():
    rng = np.random.default_rng(7)
    n = 150
    frame = pl.DataFrame({"Street Number": rng.integers(1, 9999, n).tolist(),
                          "Street Name": rng.choice(["OAK", "ELM", "PINE", "MAPLE"], n).tolist(),
                          "Registered Home": rng.choice(["Y", "N"], n).tolist(),
                          "Issue Date": _days(rng, n)})
    roles = {"Street Name": ("quasi_identifier", "street"), "Issue Date": ("quasi_identifier", "date")}
    subject, _ = _decide(frame, roles)
    assert subject.about == "people" and "home" in subject.evidence[0]
    # near miss: the same permits without a word saying the address is a home
    subject, _ = _decide(frame.drop("Registered Home"), roles)
    assert subject.about != "people"


def _owners(share_business: float):
    return ColumnClassification(column="OwnerName", role="other", semantic_type="category", confidence=0.9,
                                evidence=(f"{share_business:.0%} of sampled values are business, street or place names",),
                                match_share=share_business)


def _licences(n=200):
    rng = np.random.default_rng(8)
    return pl.DataFrame({"BusinessName": [f"Shop {i}" for i in range(n)], "OwnerName": [f"Owner {i}" for i in range(n)],
                         "Zip": rng.choice(["70112", "70113"], n).tolist()})


def test_owners_of_whom_some_are_not_businesses_are_natural_persons():
    subject, columns = _decide(_licences(), {}, {"OwnerName": _owners(0.9)})
    assert subject.about == "organisations" and subject.natural_persons == ("OwnerName",) and subject.involves_people
    owner = next(c for c in columns if c.name == "OwnerName")
    assert owner.role == "direct_identifier" and owner.semantic_type == "person_name"


def test_owners_that_are_all_businesses_stay_other():
    subject, columns = _decide(_licences(), {}, {"OwnerName": _owners(0.99)})
    assert subject.about == "organisations" and not subject.natural_persons and not subject.involves_people
    assert next(c for c in columns if c.name == "OwnerName").role == "other"


def test_row_numbers_do_not_hide_a_cross_tabulation():
    rows = [(g, a, d) for g in ("Male", "Female") for a in ("Admitted", "Rejected") for d in "ABCDEF"]
    frame = pl.DataFrame({"rownames": list(range(1, len(rows) + 1)), "Admit": [r[1] for r in rows],
                          "Gender": [r[0] for r in rows], "Dept": [r[2] for r in rows],
                          "Freq": list(range(20, 20 + len(rows)))})
    roles = {"rownames": ("other", "record_id"), "Gender": ("quasi_identifier", "sex"), "Freq": ("other", "count")}
    subject, _ = _decide(frame, roles, count_column="Freq")
    assert subject.about == "counts" and subject.count_column == "Freq"


def test_measurements_beside_an_unnamed_whole_number_are_records_not_cells():
    rng = np.random.default_rng(9)
    n = 200
    frame = pl.DataFrame({"age": np.round(rng.normal(0, 0.05, n), 4).tolist(), "sex": rng.choice([-0.04, 0.05], n).tolist(),
                          "bmi": np.round(rng.normal(0, 0.05, n), 4).tolist(), "target": rng.integers(25, 346, n).tolist()})
    roles = {"age": ("quasi_identifier", "age"), "sex": ("quasi_identifier", "sex"), "bmi": ("sensitive", "health")}
    subject, _ = _decide(frame, roles, count_column="target")
    assert subject.about == "people"


@pytest.mark.parametrize("header", ["diagnosis", "primary_diagnosis", "Diagnosis Code"])
def test_diagnosis_headers_name_health(header):
    assert match_column_name(header)[0].semantic_type == "health"


def test_a_table_of_counts_keyed_by_district_and_age_is_counts_not_places():
    rows = [(d, a, g) for d in ("1", "2", "3", "4") for a in ("<25", "25-29", "30-35", ">35") for g in ("small", "large")]
    frame = pl.DataFrame({"District": [r[0] for r in rows], "Age": [r[1] for r in rows], "Group": [r[2] for r in rows],
                          "Holders": list(range(100, 100 + len(rows))), "Claims": list(range(10, 10 + len(rows)))})
    roles = {"District": ("quasi_identifier", "place"), "Age": ("quasi_identifier", "age_group")}
    subject, _ = _decide(frame, roles)
    assert subject.about == "counts" and not subject.involves_people


def test_scan_of_a_panel_of_areas_passes():
    rng = np.random.default_rng(10)
    frame = pl.DataFrame({"state": [s for s in STATES for _ in range(8)], "year": [y for _ in STATES for y in range(2000, 2008)],
                          "median_income": rng.integers(20000, 60000, 80).tolist(),
                          "murder_rate": np.round(rng.uniform(1, 9, 80), 2).tolist()})
    report = sharecheck.scan(frame, name="panel")
    assert report.datasets[0].subject["about"] in ("places", "things") and report.verdict == "pass"


def test_a_two_valued_quasi_identifier_is_a_persons_dummy():
    rng = np.random.default_rng(11)
    n = 300
    frame = pl.DataFrame({"male": rng.integers(0, 2, n).tolist(), "parity": rng.integers(1, 7, n).tolist(),
                          "weight": np.round(rng.normal(3.3, 0.5, n), 3).tolist()})
    subject, _ = _decide(frame, {"male": ("quasi_identifier", "measure")})
    assert subject.about == "people" and "'male'" in subject.evidence[0]
    # near miss: a two-valued area flag (an urban/rural place code) is a place, not a person's trait
    subject, _ = _decide(frame.rename({"male": "urban"}), {"urban": ("quasi_identifier", "place")})
    assert subject.about != "people"


def test_a_sparse_table_of_counts_named_as_such_is_counts_but_not_beside_measurements():
    rng = np.random.default_rng(12)
    cells = sorted({(z, a, c) for z, a, c in zip(rng.choice([f"0{2800 + i}" for i in range(30)], 150),
                                                   rng.choice(["0-17", "18-34", "35-64", "65+"], 150),
                                                   rng.choice([f"type {i}" for i in range(14)], 150))})
    frame = pl.DataFrame({"zip": [c[0] for c in cells], "age_group": [c[1] for c in cells], "call_type": [c[2] for c in cells],
                          "count": rng.integers(1, 30, len(cells)).tolist()})
    roles = {"zip": ("quasi_identifier", "postal_code"), "age_group": ("quasi_identifier", "age_group")}
    subject, _ = _decide(frame, roles, count_column="count")
    assert subject.about == "counts"  # 1 cell in 10 of the grid is listed: zero cells are left out
    # near miss: a "total" beside a measured rate and an amount per row is a record's attribute
    loans = pl.DataFrame({"int_rate": np.round(rng.uniform(5, 25, 300), 2).tolist(), "term": rng.choice(["36", "60"], 300).tolist(),
                          "total_balance": rng.integers(0, 90000, 300).tolist()})
    subject, _ = _decide(loans, {}, count_column="total_balance")
    assert subject.about != "counts"


@pytest.mark.parametrize("first,severity", [("zip", "error"), ("outcome", "warning")])
def test_small_cells_stop_a_release_only_where_a_dimension_places_their_members(first, severity):
    values = {"zip": ["02115", "02115", "02116", "02116"] * 3, "outcome": ["admitted", "rejected", "admitted", "rejected"] * 3}
    sex = {"zip": ["F", "M"] * 6, "outcome": ["F", "F", "M", "M"] * 3}[first]  # every cell once
    frame = pl.DataFrame({first: values[first], "sex": sex, "group": [g for g in "ABC" for _ in range(4)],
                          "count": [3, 120, 45, 310, 52, 61, 70, 80, 90, 95, 99, 101]})
    report = sharecheck.scan(frame, name="cells")
    cells = [f for f in report.findings if f.code == "SD401"]
    assert report.datasets[0].subject["about"] == "counts" and len(cells) == 1
    assert cells[0].severity == severity
