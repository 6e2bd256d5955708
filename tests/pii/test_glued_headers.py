"""Headers written without separators (`momage`, `lsalary`, `caseid`) are read word by word;
English words that merely contain a term (`average`, `stage`) are not."""
from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sharecheck.classify import classify_columns
from sharecheck.naming import _glued_words, match_column_name
from sharecheck.profile import profile_frame


def _best(name: str) -> str | None:
    hints = match_column_name(name)
    return hints[0].semantic_type if hints else None


@pytest.mark.parametrize("name,semantic_type", [
    ("momage", "age"), ("momrace", "race"), ("hhincome", "income"), ("lsalary", "income"),
    ("heducation", "education"), ("caseid", "record_id"), ("ndisease", "health"), ("deathdate", "date"),
])
def test_a_glued_header_reads_as_its_words(name, semantic_type):
    assert _best(name) == semantic_type


def test_a_glued_match_is_partial_and_scores_below_a_whole_name():
    glued, whole = match_column_name("momage")[0], match_column_name("age")[0]
    assert not glued.exact and glued.score < whole.score


@pytest.mark.parametrize("name", ["average", "stage", "usage", "percentage", "mileage", "leverage", "voltage"])
def test_an_english_word_containing_a_term_stays_whole(name):
    assert _glued_words(name) == (name,)
    assert _best(name) is None


def test_a_whole_only_term_does_not_match_inside_a_glued_token():
    # `st` is a street only as a name of its own; `inst` is not `in` + street.
    assert _glued_words("inst") == ("inst",)
    assert _best("inst") is None


def test_a_token_the_vocabulary_knows_whole_is_not_split():
    assert _glued_words("salary") == ("salary",)
    assert match_column_name("salary")[0].exact


def test_short_and_alphanumeric_tokens_are_left_alone():
    assert _glued_words("hag") == ("hag",)
    assert _glued_words("age2") == ("age2",)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=24))
def test_the_pieces_spell_the_token(token):
    pieces = _glued_words(token)
    assert "".join(pieces) == token
    assert all(pieces)


def test_a_glued_age_header_gives_its_column_the_age_type():
    frame = pl.DataFrame({"momage": [19 + (i * 7) % 24 for i in range(200)], "score": [float(i % 37) for i in range(200)]})
    result = classify_columns(frame, profile_frame(frame))
    assert result["momage"].semantic_type == "age"
