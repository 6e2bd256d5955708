"""Which columns hold one person's attributes, and which hold statistics of a group: the first
question of the subject decision (sharecheck/subject.py) about a table of records.

An attribute is a column the classifier gave a role, whose type or header names something only a
person has (age, sex, race, health ...), or that it judged sensitive. It is a statistic of a group
instead when its header says so of a person's attribute (a median income, a share of men, income
per capita), or when its values do:

- a categorical attribute (sex, race ...) holding more numbers than a person can have values is a
  share of a group (the share of men in an area);
- a category or a level (sex, race, education ...) holding fractions between 0 and 1 is a share
  too: no person's education is 0.23, a state's share of graduates is.

Words, types (`categorical_attribute_types`, `trait_types`) and thresholds are data (rules/subject.yaml).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from .naming import match_column_name
from .subject_rules import has_word, thresholds, vocabulary


@dataclass(frozen=True)
class Attributes:
    persons: list[str]  # one person's attributes
    statistics: list[str]  # statistics of a group of people
    dummies: list[str]  # of `persons`, untyped two-valued quasi-identifiers
    traits: list[str]  # of `persons`, a person's own category or level (sex, race, education ...)
    shares: list[str]  # of `statistics`, those whose values (not only their header) show a group's share


def header_types(name: str) -> set[str]:
    # letters and digits apart too: `age80` (aged 80 or over) names an age
    split = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", "_", name)
    return {hint.semantic_type for hint in match_column_name(name) + match_column_name(split)}


def attributes(columns: Sequence, profiles: Mapping) -> Attributes:
    words, limit = vocabulary(), thresholds()["categorical_attribute_max_distinct"]
    persons, statistics, dummies, traits, shares = [], [], [], [], []
    for column in columns:
        if column.role == "other":
            continue
        kinds = ({column.semantic_type} | header_types(column.name)) & words["person_attribute_types"]
        profile = profiles[column.name]
        if not kinds and _model_only_sensitive(column):
            continue
        # a quasi-identifier of two values that is neither a place nor a time is a person's trait
        # coded as a dummy (male, black, married); an area's or a firm's would be a share
        dummy = column.role == "quasi_identifier" and profile.distinct == 2 and column.semantic_type not in (
            set(words["area_types"]) | {"date", "datetime", "time", "street", "latitude", "longitude", "coordinates"})
        if not kinds and column.role != "sensitive" and not dummy:
            continue
        if not kinds and column.role != "sensitive":
            dummies.append(column.name)
        share = (bool(kinds & words["categorical_attribute_types"]) and profile.is_numeric and profile.distinct > limit) or (
            bool(kinds & words["trait_types"]) and _fractions(profile))
        # a statistic word over a person's attribute (median income, mean age) is a group's; over a
        # measurement the vocabulary cannot place (a tumour's mean radius) it says the value is an
        # average, not whose: judged sensitive, that is still one person's attribute
        if (has_word(column.name, "statistic_words") and kinds) or share:
            statistics.append(column.name)
            if share:
                shares.append(column.name)
        else:
            persons.append(column.name)
            if kinds & words["trait_types"]:
                traits.append(column.name)
    return Attributes(persons, statistics, dummies, traits, shares)


def _fractions(profile) -> bool:
    """Numbers with decimals, all between 0 and 1, more than two of them: shares, not codes."""
    if not profile.is_numeric or profile.numeric_range is None or not profile.decimals or profile.distinct <= 2:
        return False
    low, high = profile.numeric_range
    return 0.0 <= low and high <= 1.0


def _model_only_sensitive(column) -> bool:
    """A `sensitive` call that only the role model makes (no header word, no value, no sensitive
    type: the classifier's policy marks it) and below `sensitive_subject_min_probability`: it says
    what the column would be if the rows were people's, not that they are."""
    details = (column.classification or {}).get("details") or {}
    return (column.source == "detected" and column.role == "sensitive" and details.get("sensitive_support") == "model only"
            and column.confidence < thresholds()["sensitive_subject_min_probability"])
