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
