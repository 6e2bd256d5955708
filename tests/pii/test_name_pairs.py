"""A surname column beside a column of given names under the same header stem (`baker_first`,
`baker_last`): sharecheck/classify/policy._surname_beside_given_name. Made-up combinations of
common census names; no real person intended."""
from __future__ import annotations

import polars as pl

from sharecheck.classify import classify_columns
from sharecheck.profile import profile_frame

GIVEN = ["Mary", "James", "Linda", "Robert", "Patricia", "Michael", "Susan", "David", "Karen", "Thomas"] * 3
# surnames that are not common US census surnames: the values alone would not say it
FAMILY = ["Kowalczyk", "Abernethy", "Featherstone", "Higginbottom", "Ollerenshaw", "Pennyfeather", "Quennell",
          "Rowbotham", "Sillitoe", "Trelawney"] * 3


def _classified(frame: pl.DataFrame):
    return classify_columns(frame, profile_frame(frame))


def test_the_last_beside_given_names_under_the_same_stem_is_a_surname():
    frame = pl.DataFrame({"runner_first": GIVEN, "runner_last": FAMILY, "minutes": [float(30 + i) for i in range(30)]})
    result = _classified(frame)
    assert result["runner_first"].semantic_type == "first_name"
    assert (result["runner_last"].semantic_type, result["runner_last"].role) == ("last_name", "direct_identifier")
    assert result["runner_last"].evidence[0] == "beside 'runner_first', which holds given names: a surname"


def test_near_misses_other_stems_and_first_last_of_something_else():
    # a different stem pairs with nothing; first/last laps are times, not names
    frame = pl.DataFrame({"runner_first": GIVEN, "coach_last": FAMILY})
    assert _classified(frame)["coach_last"].semantic_type != "last_name"
    laps = pl.DataFrame({"first_lap": [float(60 + i % 7) for i in range(30)], "last_lap": [float(58 + i % 5) for i in range(30)]})
    result = _classified(laps)
    assert result["first_lap"].semantic_type != "first_name" and result["last_lap"].semantic_type != "last_name"
