"""rules/classifier.yaml, checked strictly: a misspelt key or a stray type would silently
switch a feature off, which is worse than refusing to start."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .._resources import load_yaml
from ..errors import RuleError

_WORD_LISTS = ("person_id", "record_id", "qualifiers", "prepositions", "calendar", "metadata_time",
               "house_number", "house_number_alone", "street", "name_part_tokens", "clinical", "assessment", "day", "code",
               "flag_values", "secondary_unit")
_THRESHOLDS = {"presidio_sample": int, "pattern_sample": int, "min_sample_share": float, "entropy_sample": int,
               "type_role_min_probability": float, "pseudonym_type_min_probability": float,
               "sensitive_unsupported_min_probability": float,
               "contradicting_values_min_share": float, "plate_max_characters": int, "code_max_characters": int,
               "tally_min_value": int, "people_key_min_share": float, "name_free_max_share": float,
               "name_free_min_distinct": int, "latin_values_min_share": float}
_TOP = {"version", "words", "presidio_decisive", "checksum_decisive", "thresholds"}


@dataclass(frozen=True)
class Words:
    lists: dict[str, frozenset[str]]
    presidio_decisive: frozenset[str]
    checksum_decisive: frozenset[str]
    thresholds: dict[str, float]

    def __getattr__(self, name: str) -> frozenset[str]:
        try:
            return self.__dict__["lists"][name]
        except KeyError:
            raise AttributeError(name) from None


def _word_list(document: dict, where: str, lower: bool = True) -> frozenset[str]:
    value = document
    if not isinstance(value, list) or not value:
        raise RuleError(f"classifier.yaml: {where} must be a non-empty list")
    out = []
    for word in value:
        text = str(word)
        if lower and (text != text.lower() or not text.replace("_", "").isalnum()):
            raise RuleError(f"classifier.yaml: {where} holds {text!r}; words are lower-case letters and digits")
        out.append(text)
    return frozenset(out)


def check(document: dict) -> Words:
    if not isinstance(document, dict):
        raise RuleError("classifier.yaml: not a mapping")
    unknown, missing = set(document) - _TOP, _TOP - set(document)
    if unknown or missing:
        raise RuleError(f"classifier.yaml: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    if document["version"] != 1:
        raise RuleError(f"classifier.yaml: version {document['version']!r} is not 1")
    words = document["words"] or {}
    if set(words) != set(_WORD_LISTS):
        raise RuleError(f"classifier.yaml: words must hold exactly {sorted(_WORD_LISTS)}; "
                        f"unknown {sorted(set(words) - set(_WORD_LISTS))}, missing {sorted(set(_WORD_LISTS) - set(words))}")
    lists = {name: _word_list(words[name], f"words.{name}") for name in _WORD_LISTS}
    from . import semantic_types

    checksum = _word_list(document["checksum_decisive"], "checksum_decisive")
    strays = checksum - set(semantic_types())
    if strays:
        raise RuleError(f"classifier.yaml: checksum_decisive names unknown semantic types {sorted(strays)}")
    presidio = _word_list(document["presidio_decisive"], "presidio_decisive", lower=False)
    thresholds = document["thresholds"] or {}
    if set(thresholds) != set(_THRESHOLDS):
        raise RuleError(f"classifier.yaml: thresholds must hold exactly {sorted(_THRESHOLDS)}")
    checked = {}
    for name, kind in _THRESHOLDS.items():
        value = thresholds[name]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0 or (kind is float and value > 1):
            raise RuleError(f"classifier.yaml: thresholds.{name} = {value!r} is out of range")
        checked[name] = kind(value)
    return Words(lists, presidio, checksum, checked)


@lru_cache(maxsize=1)
def words() -> Words:
    return check(load_yaml("classifier.yaml"))
