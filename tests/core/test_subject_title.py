"""The release's name as evidence of what its rows are (sharecheck/subject_rules.title_subject),
asked only when no column describes, names or tracks anyone. Frames are made up."""
from __future__ import annotations

import polars as pl

from sharecheck.profile import profile_frame
from sharecheck.report import ColumnReport
from sharecheck.subject import decide_subject
from sharecheck.subject_rules import title_subject


def _cryptic() -> pl.DataFrame:
    # two coordinates and a case number: nothing in the headers says whose they are
    return pl.DataFrame({"case": list(range(1, 41)), "x": [10.0 + 0.37 * i for i in range(40)],
                         "y": [50.0 + 0.11 * ((7 * i) % 40) for i in range(40)]})


def _decide(frame: pl.DataFrame, release_name: str, roles=None):
    roles = roles or {"x": ("quasi_identifier", "longitude"), "y": ("quasi_identifier", "latitude")}
    columns = tuple(ColumnReport(name=name, role=roles.get(name, ("other", "record_id"))[0],
                                 semantic_type=roles.get(name, ("other", "record_id"))[1], confidence=0.9, source="detected")
                    for name in frame.columns)
    return decide_subject(frame, profile_frame(frame), columns, {}, count_column=None, release_name=release_name)


def test_words_of_events_and_of_people_in_any_case_or_number():
    assert title_subject("cholera_deaths_1854") == ("events", "deaths")
    assert title_subject("Emergency Incidents 2019") is None  # of buildings and networks as often as of people
    assert title_subject("arrests_2019") == ("events", "arrests")
    assert title_subject("patient_visits") == ("events", "visits")  # events first: the visits are the rows
    assert title_subject("RegisteredVoters") == ("people", "voters")
    assert title_subject("patient") == ("people", "patient")  # the singular of a listed plural
    assert title_subject("tree_inventory") is None
    assert title_subject("bus_stops") is None  # a stop of a bus is a place
    assert title_subject("") is None


def test_a_cryptic_table_named_for_deaths_is_about_events():
    subject = _decide(_cryptic(), "deaths_1854")
    assert subject.about == "events"
    assert "'deaths'" in subject.evidence[0]


def test_a_cryptic_table_named_for_people_is_about_people():
    assert _decide(_cryptic(), "survey_respondents").about == "people"


def test_near_miss_a_name_without_such_a_word_leaves_the_rows_things():
    subject = _decide(_cryptic(), "quakes_fiji")
    assert subject.about == "things"
    assert subject.evidence[0].startswith("no column describes")


def test_the_name_never_overrules_what_the_columns_say():
    # a species column makes the rows animals, whatever the file is called
    frame = _cryptic().with_columns(pl.Series("species", ["heron", "egret"] * 20))
    roles = {"x": ("quasi_identifier", "longitude"), "y": ("quasi_identifier", "latitude"), "species": ("other", "category")}
    assert _decide(frame, "bird_deaths", roles).about == "things"


def test_a_things_decision_made_for_want_of_evidence_says_what_it_leaves_unchecked():
    subject = _decide(_cryptic(), "quakes_fiji")
    assert "--about people or events" in subject.evidence[0] and "'x', 'y'" in subject.evidence[0]
