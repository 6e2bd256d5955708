"""Whether presidio can add anything to a column: it runs only where it can change the answer.

presidio costs about 4 ms per value and 1.5 s of CPU to build; most text columns of a city
release (street names, offence descriptions, status codes) hold nothing its pattern recognizers
could confirm. presidio runs on a sample when a spaCy model was asked for (named entities
need no shape), when a value has one of the shapes of rules/presidio_gate.yaml, or when another
recogniser already points at a type presidio could confirm or refute.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from .._resources import load_yaml
from ..errors import RuleError


def check(document) -> tuple[re.Pattern, ...]:
    """rules/presidio_gate.yaml, checked: version 1 and a non-empty list of regexes."""
    if not isinstance(document, dict) or set(document) != {"version", "shapes"}:
        raise RuleError("presidio_gate.yaml: needs exactly the keys version and shapes")
    if document["version"] != 1:
        raise RuleError(f"presidio_gate.yaml: version {document['version']!r} is not 1")
    shapes = document["shapes"]
    if not isinstance(shapes, list) or not shapes or not all(isinstance(s, str) and s for s in shapes):
        raise RuleError("presidio_gate.yaml: shapes must be a non-empty list of regexes")
    try:
        return tuple(re.compile(shape) for shape in shapes)
    except re.error as exc:
        raise RuleError(f"presidio_gate.yaml: a shape does not compile ({exc})") from None


@lru_cache(maxsize=1)
def shapes() -> re.Pattern:
    return re.compile("|".join(f"(?:{p.pattern})" for p in check(load_yaml("presidio_gate.yaml"))))


def presidio_can_matter(sample: Iterable[str], evidence_types: Iterable[str], nlp_model: str | None) -> bool:
    """True when presidio on `sample` could add evidence: a model is loaded, a value has a shape
    one of its recognizers needs, or the column already has evidence of a type it covers."""
    if nlp_model:
        return True
    pattern = shapes()
    if any(pattern.search(value) for value in sample):
        return True
    from .recognizers import presidio_config

    _, entity_types = presidio_config()
    return bool(set(evidence_types) & set(entity_types.values()))
