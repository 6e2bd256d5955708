"""Whose a contact is, on rows about people or events: a phone, an e-mail or an address shared by
many of the people or events is an organisation's or a site's (the tow yard a towed car goes to,
the dispatch centre's number on every call), not the contact of any one of them.

A household shares a phone and a door, and a person followed through many rows repeats theirs;
a contact that a median value shares with more people than any household holds
(`shared_contact_min_people`, rules/subject.yaml) belongs to whoever serves them. The count is of
rows, or of distinct people where a column names the person behind several rows, so a patient's
own phone on each of forty visits still counts once.
"""
from __future__ import annotations

from typing import Sequence

import polars as pl

from .subject_rules import thresholds, vocabulary


def shared_contacts(frame: pl.DataFrame, columns: Sequence, person_column: str | None) -> tuple[list[str], list[str]]:
    """(names, evidence) of the detected direct-identifier contact columns whose values are each
    shared by many people or events; the evidence gives counts, never values."""
    least = thresholds()["shared_contact_min_people"]
    if frame.height < least:
        return [], []
    contact_types = vocabulary()["contact_types"]
    candidates = [c.name for c in columns if c.source == "detected" and c.role == "direct_identifier"
                  and c.semantic_type in contact_types and c.name in frame.columns]
    names, evidence = [], []
    for name in candidates:
        value = pl.col(name).cast(pl.String).str.strip_chars()
        present = frame.lazy().select(value.alias("contact"), *([pl.col(person_column).alias("person")] if person_column else [])) \
            .filter(pl.col("contact").is_not_null() & (pl.col("contact") != ""))
        sharing = pl.col("person").n_unique() if person_column else pl.len()
        per_value = present.group_by("contact").agg(sharing.alias("people")).select(
            pl.col("people").median().alias("median"), pl.len().alias("values")).collect()
        median, values = per_value["median"][0], per_value["values"][0]
        if median is not None and median >= least:
            names.append(name)
            whom = "people" if person_column else "rows"
            evidence.append(f"'{name}' holds {values:,} value{'s' if values != 1 else ''}, each on a median of {median:,.0f} {whom}: "
                            "the contact of an organisation or a site that serves them, not of one person")
    return names, evidence
