"""Personal data embedded in free text: descriptions, comments, narratives.

Whole-column counts come from one vectorised polars `str.contains` per embeddable pattern.
Patterns with a checksum cannot be validated in polars, so their count is scaled by the share
of sampled matches that pass the checksum. Person names inside text have no pattern: they are
estimated from the sample (census given name + surname, capitalised, side by side), or found by
spaCy NER through presidio when the caller supplied a model.
"""
from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field

import polars as pl

from ..redact import mask_value
from .checksums import validate
from .names import text_mentions_person
from .recognizers import value_patterns

# Entities whose presence in free text we report. Record numbers and coordinates in a
# description are common and harmless; people's contact data and identifiers are not.
REPORTED = ("EMAIL_ADDRESS", "PHONE_NUMBER", "US_SSN", "UK_NINO", "FR_NIR", "ES_NIF", "ES_NIE",
            "IT_FISCAL_CODE", "KR_RRN", "IBAN_CODE", "CREDIT_CARD", "IP_ADDRESS", "MAC_ADDRESS",
            "PERSONAL_URL", "VEHICLE_PLATE", "BADGE_NUMBER", "STREET_ADDRESS")


@dataclass
class FreeTextScan:
    rows: int
    entities: dict[str, int] = field(default_factory=dict)  # entity -> rows holding it
    rows_affected: int = 0  # rows with at least one entity (person names estimated)
    masked_examples: tuple[str, ...] = ()
    estimated: tuple[str, ...] = ()  # entities counted from the sample, not the whole column

    @property
    def share_affected(self) -> float:
        return self.rows_affected / self.rows if self.rows else 0.0


def scan_free_text(series: pl.Series, sample: list[str], *, nlp_model: str | None = None) -> FreeTextScan:
    text = series.cast(pl.String, strict=False).drop_nulls()
    rows = text.len()
    result = FreeTextScan(rows=rows)
    if not rows:
        return result
    hit_masks = []
    examples: list[str] = []
    for pattern in value_patterns():
        if not pattern.embedded or pattern.entity not in REPORTED:
            continue
        mask = text.str.contains(pattern.contained)
        count = int(mask.sum())
        if not count:
            continue
        if pattern.validator:
            found = [match.group(0).strip(" ,.;:()[]") for value in sample for match in [pattern.python_contained.search(value)] if match]
            found = [value.strip("\"'<>") for value in found]
            if found:
                valid = sum(1 for value in found if validate(pattern.validator, _core(value)))
                count = round(count * valid / len(found))
        if count:
            result.entities[pattern.entity] = result.entities.get(pattern.entity, 0) + count
            hit_masks.append(mask)
            for value in sample:
                match = pattern.python_contained.search(value)
                if match and len(examples) < 3:
                    examples.append(mask_value(_core(match.group(0))))
                    break
    affected = int(functools.reduce(operator.or_, hit_masks).sum()) if hit_masks else 0
    persons = _person_rows(sample, rows, nlp_model)
    if persons:
        result.entities["PERSON"] = persons
        result.estimated = ("PERSON",)
        affected = max(affected, persons)
    result.rows_affected = min(affected, rows)
    result.masked_examples = tuple(dict.fromkeys(examples))
    return result


def _core(found: str) -> str:
    """The entity itself, without the separator characters the containment pattern consumed."""
    return found.strip(" ,.;:()[]<>\"'")


def _person_rows(sample: list[str], rows: int, nlp_model: str | None) -> int:
    if not sample:
        return 0
    if nlp_model:
        from .engine import analyze_values

        hits = analyze_values(sample, nlp_model=nlp_model, threshold=0.6)
        with_person = sum(1 for value_hits in hits if any(hit.entity == "PERSON" for hit in value_hits))
    else:
        with_person = sum(1 for value in sample if text_mentions_person(value))
    return round(rows * with_person / len(sample))
