"""Outcomes, injuries, employment and immigration status, camelCase and owner names: read from the header."""
from __future__ import annotations

import polars as pl
import pytest

from sharecheck.classify import classify_columns, default_role
from sharecheck.naming import match_column_name
from sharecheck.profile import profile_frame


@pytest.mark.parametrize("name,semantic_type", [
    ("citation_issued", "legal_outcome"), ("Person Searched", "legal_outcome"), ("released", "legal_outcome"),
    ("charge_count", "legal_outcome"), ("Disposition", "legal_outcome"), ("Injury Severity", "injury"),
    ("type of death", "injury"), ("Employment Status", "employment_status"), ("Full or Part-Time", "employment_status"),
    ("Citizenship Status", "immigration_status"), ("immigration_status", "immigration_status"),
    ("nameFirst", "first_name"), ("nameLast", "last_name"), ("purchased_by", "person_name"),
    ("owned_by", "person_name"), ("filed_by", "person_name"),
])
def test_header_reads_as(name, semantic_type):
    assert match_column_name(name)[0].semantic_type == semantic_type


def test_outcomes_and_injuries_are_sensitive_and_statuses_are_quasi_identifiers():
    assert default_role("legal_outcome") == default_role("injury") == "sensitive"
    assert default_role("employment_status") == default_role("immigration_status") == "quasi_identifier"


def _classified(frame: pl.DataFrame):
    return classify_columns(frame, profile_frame(frame))


def test_full_or_part_time_codes_are_not_sex():
    frame = pl.DataFrame({"Full or Part-Time": ["F"] * 96 + ["P"] * 4, "shift": ["F"] * 97 + ["P"] * 3})
    result = _classified(frame)
    assert result["Full or Part-Time"].semantic_type == "employment_status"
    assert result["shift"].semantic_type != "sex"


def test_a_sex_column_with_its_own_spellings_is_still_sex():
    frame = pl.DataFrame({"gender": ["F", "M", "U", "F", "M", "X"] * 20, "sexe": ["F", "M"] * 60})
    result = _classified(frame)
    assert result["gender"].semantic_type == "sex" and result["sexe"].semantic_type == "sex"


def test_camel_case_name_parts_spell_a_full_name():
    frame = pl.DataFrame({"nameFirst": ["JAMES", "MARIA", "ROBERT", "LINDA"] * 10,
                          "nameLast": ["SMITH", "GARCIA", "JOHNSON", "WILLIAMS"] * 10})
    result = _classified(frame)
    assert result["nameLast"].role == "direct_identifier" and result["nameFirst"].role == "quasi_identifier"
    assert result["nameFirst"].details["name_part_of"] == ["nameFirst", "nameLast"]


def test_a_searched_flag_is_a_sensitive_outcome():
    frame = pl.DataFrame({"person_searched": ["Y", "N", "N", "N"] * 10})
    assert _classified(frame)["person_searched"].role == "sensitive"
