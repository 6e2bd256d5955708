"""Identifier types the column's own values contradict, corrected before the subject is decided.
(And the converse: a unique key of people's names that the classifier left `other`.)

The role model reads the header and the values together, and a strong header ("name", "ccn",
"registration number") can carry a type whose values plainly are something else. Three checks
a privacy officer makes by looking at a column, each on the shape of its values only:

- a person's name is words of letters: where most values are single words holding digits or
  slashes (a study code, a time-zone path), they are codes, not names (owners' columns excepted:
  businesses' names among them carry numbers, and the natural-person rule judges them);
- a payment card number has 12 to 19 digits and passes the Luhn check;
- a registration plate carries a handful of letters and digits (at most 8 in every national
  format): a longer code is a register's number, not a plate.

Only roles the classifier detected change; a role the user or a data package declared stands.
The thresholds are in rules/subject.yaml (`thresholds`).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import polars as pl

from .subject_rules import has_word, thresholds, vocabulary

_SAMPLE = 500  # values read for a per-value checksum; shapes are tested on the whole column


def _text(frame: pl.DataFrame, name: str) -> pl.Series | None:
    if name not in frame.columns:
        return None
    series = frame.get_column(name).drop_nulls()
    series = series.cast(pl.String, strict=False).drop_nulls().str.strip_chars()
    series = series.filter(series.str.len_chars() > 0)
    return series if series.len() else None


def _codes_not_names(series: pl.Series) -> str | None:
    # one word with digits or slashes (PAL0708, America/New_York); "Acme Holdings 2 LLC" is a
    # business's name, left to the natural-person rule
    share = float(series.str.contains(r"^\S*[0-9/]\S*$").mean())
    if share >= thresholds()["contradicting_values_min_share"]:
        return f"{share:.0%} of values are single words holding digits or slashes: codes, not people's names"
    return None


def _not_cards(series: pl.Series) -> str | None:
    from .pii.checksums import validate

    digits = series.str.replace_all(r"[ -]", "")
    sample = digits.head(_SAMPLE).to_list()
    fit = sum(1 for value in sample if value.isdigit() and 12 <= len(value) <= 19 and validate("luhn", value))
    if fit / len(sample) < thresholds()["contradicting_values_min_share"]:
        return (f"only {fit / len(sample):.0%} of values have the 12 to 19 digits and the Luhn check digit of a "
                "payment card: not card numbers")
    return None


def _not_plates(series: pl.Series) -> str | None:
    longest = thresholds()["plate_max_characters"]
    lengths = series.str.replace_all(r"[^0-9A-Za-z]", "").str.len_chars()
    share = float((lengths > longest).mean())
    if share >= thresholds()["contradicting_values_min_share"]:
        return f"{share:.0%} of values carry more than {longest} letters and digits, more than any registration plate: a register's number"
    return None


def _people_named(series: pl.Series) -> str | None:
    """A key of people's names the classifier left `other`: most values a given name with a
    surname, or a surname with initials ("SMITH, J.R.", "J. Smith"), forms no place or thing takes."""
    from .pii.names import classify_value, given_names, surnames, tokens

    sample = series.head(_SAMPLE).to_list()
    first, last = given_names(), surnames()

    def person(value: str) -> bool:
        if classify_value(value) == "full":
            return True
        words = tokens(value)
        initials = [w for w in words if len(w) == 1]
        core = [w for w in words if len(w) > 1]
        return bool(initials) and len(core) == 1 and (core[0] in last or core[0] in first) and classify_value(value) != "blocked"

    share = sum(1 for value in sample if person(value)) / len(sample)
    if share >= thresholds()["people_key_min_share"]:
        return f"{share:.0%} of values are a given name and a surname, or a surname with initials, one per row: people's names"
    return None


def check_values(frame: pl.DataFrame, columns: Sequence) -> tuple:
    """`columns` (ColumnReports) with each detected identifier whose values contradict its type
    turned `other`, the reason first in its evidence."""
    names = vocabulary()["person_name_types"]
    out = []
    for column in columns:
        reason, semantic = None, column.semantic_type
        if column.source == "detected" and column.role == "direct_identifier":
            series = _text(frame, column.name)
            if series is not None:
                if column.semantic_type in names and not has_word(column.name, "owner_words"):
                    reason, semantic = _codes_not_names(series), "category"
                elif column.semantic_type == "payment_card":
                    reason, semantic = _not_cards(series), "record_id"
                elif column.semantic_type == "vehicle_plate":
                    reason, semantic = _not_plates(series), "record_id"
        elif column.source == "detected" and column.role == "other" and column.semantic_type in ("category", "unknown"):
            series = _text(frame, column.name) if not frame.schema.get(column.name, pl.Null).is_numeric() else None
            if series is not None and series.len() >= 20 and series.n_unique() >= 0.9 * series.len():
                promoted = _people_named(series)
                if promoted:
                    column = replace(column, role="direct_identifier", semantic_type="person_name",
                                     evidence=(promoted,) + tuple(column.evidence))
        if reason:
            column = replace(column, role="other", semantic_type=semantic,
                             evidence=(f"not a {column.semantic_type.replace('_', ' ')}: {reason}",) + tuple(column.evidence))
        out.append(column)
    return tuple(out)
