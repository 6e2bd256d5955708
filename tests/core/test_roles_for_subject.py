"""Roles that follow from what the rows are about (sharecheck/analysis.roles_for_subject): the
roles are set by hand, as a classifier might have given them, so each test asks only the rule."""
from __future__ import annotations

from sharecheck.report import ColumnReport


def _roles_for(about: str):
    from sharecheck.analysis import roles_for_subject
    from sharecheck.subject import Subject

    def column(name, role, kind, source="detected"):
        return ColumnReport(name=name, role=role, semantic_type=kind, confidence=0.9, source=source)

    columns = (column("Location", "direct_identifier", "street_address"), column("Issued", "quasi_identifier", "date"),
               column("Permit", "pseudonym", "record_id"), column("Badge", "direct_identifier", "license_number"),
               column("Site", "direct_identifier", "street_address", source="user"))
    return {c.name: c for c in roles_for_subject(columns, Subject(about, evidence=("made up",)))}


def test_in_a_table_of_things_addresses_dates_and_record_ids_are_the_things():
    roles = _roles_for("things")
    assert (roles["Location"].role, roles["Issued"].role, roles["Permit"].role) == ("other", "other", "other")
    assert roles["Location"].evidence[0].startswith("contact detail or address of the thing")
    assert roles["Issued"].evidence[0] == "describes the thing the row is about, not a person"
    assert roles["Badge"].role == "direct_identifier"  # a badge or licence number: whose it is stays open
    assert roles["Site"].role == "direct_identifier"  # declared by the user: stands


def test_near_miss_in_records_of_events_or_people_they_stay_personal():
    for about in ("events", "people"):
        roles = _roles_for(about)
        assert (roles["Location"].role, roles["Issued"].role, roles["Permit"].role) == (
            "direct_identifier", "quasi_identifier", "pseudonym")


def _shown(name, kind, role="other", shown="values", source="detected"):
    return ColumnReport(name=name, role=role, semantic_type=kind, confidence=0.9, source=source,
                        classification={"details": {"type_shown": shown} if shown else {}})


def _promoted(about: str, columns):
    from sharecheck.analysis import roles_for_subject
    from sharecheck.subject import Subject

    return {c.name: c.role for c in roles_for_subject(tuple(columns), Subject(about, evidence=("made up",)))}


def test_on_rows_about_people_a_shown_quasi_identifier_type_keeps_its_role():
    columns = [_shown("latitude", "latitude"), _shown("ward", "place", shown="header"), _shown("opened", "datetime")]
    for about in ("people", "events"):
        assert _promoted(about, columns) == {"latitude": "quasi_identifier", "ward": "quasi_identifier", "opened": "quasi_identifier"}


def test_near_misses_of_the_shown_quasi_identifier_rule():
    columns = [_shown("latitude", "latitude", shown=False),          # the model's type guess, not shown by values or header
               _shown("time", "time", shown="header"),               # a `time` over whole numbers: a duration as often
               _shown("updated_on", "datetime"),                     # the record's bookkeeping
               _shown("species", "category"),                        # a type whose role is `other`
               _shown("zip", "postal_code", source="user")]          # the user's `other` stands
    assert set(_promoted("people", columns).values()) == {"other"}
    assert _promoted("things", [_shown("latitude", "latitude")]) == {"latitude": "other"}  # a thing's position


def test_a_table_of_things_joined_to_people_counts_its_shown_quasi_identifiers():
    import polars as pl

    from sharecheck.analysis import analyse
    from sharecheck.config import resolve_options
    from sharecheck.release import release_from_frame

    trees = pl.DataFrame({"tree_id": list(range(1, 41)), "district": [f"D{i % 4}" for i in range(40)],
                          "species": ["oak", "elm", "ash", "yew"] * 10})
    analysed = analyse(release_from_frame(trees, "trees"), resolve_options())
    assert analysed.subject.about == "things" and analysed.quasi_identifiers == []
    assert analysed.role_in_join("quasi_identifier", partner_about_people=True) == ["district"]


def test_roles_when_joined_keep_what_the_subject_made_other():
    from sharecheck.analysis import roles_when_joined
    from sharecheck.subject import Subject

    classified = (_shown("district", "place", shown="header"),                   # `other` by the model, type shown
                  _shown("issued", "date", role="quasi_identifier"),              # a QI the subject demoted
                  _shown("species", "category"),                                  # other before and after
                  _shown("ward", "place", shown=False))                           # type guessed only
    demoted = tuple(_shown(c.name, c.semantic_type) for c in classified)
    assert roles_when_joined(classified, demoted, Subject("things", evidence=("made up",))) == {
        "district": "quasi_identifier", "issued": "quasi_identifier"}
    assert roles_when_joined(classified, demoted, Subject("places", evidence=("made up",))) == {}
