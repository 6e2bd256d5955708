"""Survey and census headers name a person's traits by a value (`male`, `black`, `married`) or
by a codebook name (IPUMS `marst`, `empstat`, `nchild`, `yrimmig`): they are quasi-identifiers.

A trait coded as a 0/1 dummy under its value's name is as identifying as the trait's own column.
Near misses: the same words inside another name (`white_blood_cells`, `male_share`) and the
headers of panel and school data that number people (`student`, `woman`) are not traits.
"""
from __future__ import annotations

import random

import polars as pl
import pytest

from sharecheck.classify import classify_columns
from sharecheck.naming import match_column_name
from sharecheck.profile import profile_frame


def _best(name: str) -> str | None:
    hints = match_column_name(name)
    return hints[0].semantic_type if hints else None


@pytest.mark.parametrize("name,semantic_type", [
    ("male", "sex"), ("is_female", "sex"), ("black", "race"), ("White", "race"), ("nonwhite", "race"),
    ("hispan", "race"), ("divorced", "marital_status"), ("marst", "marital_status"), ("educ", "education"),
    ("college", "education"), ("years_of_schooling", "education"), ("self_employed", "employment_status"),
    ("empstat", "employment_status"), ("kids", "household_size"), ("nchild", "household_size"),
    ("siblings", "household_size"), ("birth_month", "birth_date"), ("dayOfBirth", "birth_date"),
    ("hometown", "nationality"), ("bpl", "nationality"), ("yrimmig", "immigration_status"),
])
def test_a_survey_header_names_its_trait(name, semantic_type):
    assert _best(name) == semantic_type


@pytest.mark.parametrize("name", ["white_blood_cells", "male_share", "black_box", "college_distance", "student",
                                  "woman", "kids_menu_price"])
def test_the_words_inside_other_names_or_numbering_people_are_no_trait(name):
    assert _best(name) not in ("sex", "race", "education", "employment_status", "household_size")


def test_dummy_coded_traits_of_people_are_quasi_identifiers():
    rng = random.Random(11)
    rows = 300
    frame = pl.DataFrame({
        "age": [rng.randint(18, 80) for _ in range(rows)],
        "male": [rng.randint(0, 1) for _ in range(rows)],
        "black": [int(rng.random() < 0.2) for _ in range(rows)],
        "educ": [rng.randint(8, 20) for _ in range(rows)],
        "wage": [round(rng.uniform(5, 60), 2) for _ in range(rows)],
    })
    result = classify_columns(frame, profile_frame(frame))
    assert result["male"].semantic_type == "sex" and result["male"].role == "quasi_identifier"
    assert result["black"].semantic_type == "race" and result["black"].role == "quasi_identifier"
    assert result["educ"].semantic_type == "education" and result["educ"].role == "quasi_identifier"
