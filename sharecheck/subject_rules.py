"""The vocabulary and thresholds of the subject decision (rules/subject.yaml), loaded and checked,
and the word tests on column names that read them."""
from __future__ import annotations

from functools import lru_cache

from ._resources import load_yaml
from .errors import RuleError
from .naming import normalise_column_name

_LIST_KEYS = ("person_attribute_types", "person_name_types", "contact_types", "person_reaching_types", "organisation_words", "place_words",
              "owner_words", "event_words", "dimension_types", "not_count_types", "event_time_granularities", "area_types",
              "statistic_words", "home_words", "group_size_words", "taxon_words",
              "categorical_attribute_types", "trait_types", "title_people_words", "title_event_words")
_THRESHOLDS = {"categorical_attribute_max_distinct": int, "natural_person_min_share": float, "cell_label_max_distinct": int,
               "cross_tab_min_density": float,
               "group_size_min_median": float,
               "people_name_min_share": float, "few_qis_below": int, "grouping_max_distinct": int, "grouping_max_codes": int,
               "sensitive_subject_min_probability": float, "shared_contact_min_people": int}


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, frozenset[str]]:
    """rules/subject.yaml, checked: every list present, words lower case, types known."""
    from .classify import semantic_types

    document = load_yaml("subject.yaml")
    known = set(semantic_types())
    out = {}
    for key in _LIST_KEYS:
        words = document.get(key)
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w == w.lower() for w in words):
            raise RuleError(f"rules/subject.yaml: '{key}' must be a non-empty list of lower-case words")
        if key.endswith("_types") and key != "event_time_granularities":
            unknown = sorted(set(words) - known)
            if unknown:
                raise RuleError(f"rules/subject.yaml: '{key}' names unknown semantic types {unknown}")
        out[key] = frozenset(words)
    unexpected = set(document) - set(_LIST_KEYS) - {"version", "thresholds"}
    if unexpected:
        raise RuleError(f"rules/subject.yaml: unknown keys {sorted(unexpected)}")
    return out


@lru_cache(maxsize=1)
def thresholds() -> dict[str, float]:
    """rules/subject.yaml `thresholds`, checked: every one present, of its type, non-negative."""
    given = load_yaml("subject.yaml").get("thresholds")
    if not isinstance(given, dict) or set(given) != set(_THRESHOLDS):
        raise RuleError(f"rules/subject.yaml: 'thresholds' must give exactly {sorted(_THRESHOLDS)}")
    for key, kind in _THRESHOLDS.items():
        value = given[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (kind is int and value != int(value)):
            raise RuleError(f"rules/subject.yaml: thresholds.{key} must be a non-negative {kind.__name__}")
    return {key: kind(given[key]) for key, kind in _THRESHOLDS.items()}


@lru_cache(maxsize=1)
def _person_count_words() -> frozenset[str]:
    return frozenset(load_yaml("aggregates.yaml")["person_count_words"])


def counts_people(column: str) -> bool:
    return bool(tokens(column) & _person_count_words())


def tokens(name: str) -> set[str]:
    return set(normalise_column_name(name).split("_"))


def has_word(name: str, key: str) -> bool:
    return bool(tokens(name) & vocabulary()[key])


def title_subject(release_name: str) -> tuple[str, str] | None:
    """("events" or "people", the word) when the release's name says what its rows are: a plural
    noun of things that happen to people (deaths) or of people (patients), singular or plural.
    Events first: "patient visits" are visits."""
    words = vocabulary()
    names = normalise_column_name(release_name).split("_")
    for about, key in (("events", "title_event_words"), ("people", "title_people_words")):
        for token in names:
            if {token, token[:-1] if token.endswith("s") else token + "s"} & words[key]:
                return about, token
    return None
