"""Rows that are groups, living things or named things, not people: three tests of the subject
decision (sharecheck/subject.py) that look past a column role the classifier gave on the header.

- a row that counts the people in it (an area's population, a school's roll, a firm's staff) is
  the group, so its ages, incomes and shares are statistics of the group;
- a row that carries a species or a breed is an animal or a plant, whose sex is not a person's;
- a bare "name" column whose values are rarely people's names (animals, companies, places), in a
  table where no column holds a person's attribute, names things.

Words and thresholds are data (rules/subject.yaml: group_size_words, taxon_words, thresholds).
"""
from __future__ import annotations

from typing import Mapping, Sequence

import polars as pl

from .subject_rules import has_word, thresholds

_SAMPLE = 500  # values read by the census-name test, as the classifier's own name evidence does


def group_sizes(frame: pl.DataFrame, profiles: Mapping, columns: Sequence) -> list[tuple[str, float]]:
    """Whole-number columns named as the people of a group whose median is larger than a household."""
    floor = thresholds()["group_size_min_median"]
    limit = thresholds()["categorical_attribute_max_distinct"]
    out = []
    for column in columns:
        profile = profiles[column.name]
        if not profile.is_numeric or profile.distinct <= limit or not has_word(column.name, "group_size_words"):
            continue
        if column.role in ("direct_identifier", "pseudonym") or column.name not in frame.columns:
            continue
        series = frame.get_column(column.name).drop_nulls()
        if series.len() == 0 or bool((series < 0).any()):
            continue
        median = float(series.median())
        if median > floor:
            out.append((column.name, median))
    return out


def taxa(profiles: Mapping, columns: Sequence) -> list[str]:
    """Text columns whose header names a species, a breed or a taxon."""
    return [c.name for c in columns if not profiles[c.name].is_numeric and profiles[c.name].non_null
            and has_word(c.name, "taxon_words")]


def names_of_things(frame: pl.DataFrame, columns: Sequence, names: Sequence[str]) -> list[str]:
    """Of `names` (person-name columns), those whose header is no owner's or applicant's and whose
    sampled values are rarely census given names or surnames. Asked only of a table in which no
    column holds a person's attribute: beside an age or a sex, an odd name is still a person's."""
    from .pii.names import name_shares

    floor = thresholds()["people_name_min_share"]
    out = []
    for name in names:
        if has_word(name, "owner_words") or name not in frame.columns:
            continue
        values = frame.get_column(name).drop_nulls().cast(pl.String, strict=False).drop_nulls().head(_SAMPLE).to_list()
        shares = name_shares(values)
        if shares.values >= 20 and shares.full + shares.given + shares.surname < floor:
            out.append(name)
    return out


def grouping_qis(profiles: Mapping, columns: Sequence, subject) -> tuple:
    """In records about people where the classifier found fewer quasi-identifiers than
    `few_qis_below`, the text categories it left `other` that group the people (a team, a sport,
    a school type, a position: a handful of values, each shared by several rows) become
    quasi-identifiers: whoever knows a person knows them, and k-anonymity over one coarse
    column says nothing. Columns the user or a data package declared keep their role."""
    from dataclasses import replace

    if subject.about not in ("people", "events") or subject.is_aggregate:
        return tuple(columns)
    found = sum(1 for c in columns if c.role == "quasi_identifier")
    if found >= thresholds()["few_qis_below"]:
        return tuple(columns)
    most, codes = thresholds()["grouping_max_distinct"], thresholds()["grouping_max_codes"]
    out = []
    for column in columns:
        profile = profiles[column.name]
        text_category = (column.semantic_type in ("category", "unknown") and not profile.is_numeric
                         and 2 <= profile.distinct <= most)
        coded_category = (column.semantic_type in ("category", "unknown", "measure") and profile.is_numeric
                          and 2 <= profile.distinct <= codes and profile.sampled_whole_numbers)
        if (column.source == "detected" and column.role == "other" and (text_category or coded_category)
                and profile.distinct * 2 <= profile.non_null):
            column = replace(column, role="quasi_identifier", evidence=(
                f"groups the people into {profile.distinct} values, knowable to whoever knows them; the classifier found "
                f"{found} quasi-identifier{'' if found == 1 else 's'} in this table of people, so it is taken as one",)
                + tuple(column.evidence))
        out.append(column)
    return tuple(out)
