"""rules/recognizers.yaml as objects: one pattern serves presidio (unanchored, on samples) and
polars (anchored or embedded, over the whole column)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .._resources import load_yaml
from ..errors import RuleError
from .checksums import VALIDATORS

_KEYS = {"name", "entity", "semantic_type", "regex", "score", "validator", "specificity", "min_share",
         "needs_name", "embedded", "prefix", "context"}


@dataclass(frozen=True)
class ValuePattern:
    name: str
    entity: str
    semantic_type: str
    regex: str
    score: float = 0.5
    validator: str | None = None
    specificity: float = 0.5
    min_share: float = 0.8
    needs_name: bool = False
    embedded: bool = False
    prefix: bool = False
    context: tuple[str, ...] = ()

    @cached_property
    def _flags_and_body(self) -> tuple[str, str]:
        # Python refuses a global flag that is not at the very start, so lift it out before wrapping
        if self.regex.startswith("(?i)"):
            return "(?i)", self.regex[4:]
        return "", self.regex

    @cached_property
    def anchored(self) -> str:
        """Whole-value pattern for polars: the cell is this entity and nothing else."""
        flags, body = self._flags_and_body
        if self.prefix:
            return rf"{flags}^\s*(?:{body})"
        return rf"{flags}^\s*(?:{body})\s*$"

    @cached_property
    def contained(self) -> str:
        """Pattern found inside free text, bounded so that it is not part of a longer token."""
        flags, body = self._flags_and_body
        return rf"{flags}(?:^|[^A-Za-z0-9@._%+-])(?:{body})(?:$|[^A-Za-z0-9@_-])"

    @cached_property
    def python_anchored(self) -> re.Pattern:
        return _compile(self.anchored)

    @cached_property
    def python_contained(self) -> re.Pattern:
        return _compile(self.contained)

    def matches(self, value: str) -> bool:
        return bool(self.python_anchored.match(value)) and _validate(self.validator, value)


@lru_cache(maxsize=None)
def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _validate(name: str | None, value: str) -> bool:
    return True if not name else VALIDATORS[name](value.strip())


@dataclass(frozen=True)
class ValueSet:
    semantic_type: str
    values: frozenset[str]
    weak_values: frozenset[str]
    min_share: float
    max_distinct: int


@lru_cache(maxsize=1)
def value_patterns() -> tuple[ValuePattern, ...]:
    document = load_yaml("recognizers.yaml")
    patterns = []
    names = set()
    for raw in document.get("recognizers") or ():
        unknown = set(raw) - _KEYS
        if unknown:
            raise RuleError(f"recognizers.yaml: {raw.get('name', '?')} has unknown keys {sorted(unknown)}")
        if raw["name"] in names:
            raise RuleError(f"recognizers.yaml: recognizer {raw['name']} is declared twice")
        names.add(raw["name"])
        if raw.get("validator") and raw["validator"] not in VALIDATORS:
            raise RuleError(f"recognizers.yaml: {raw['name']} names unknown validator {raw['validator']!r}")
        pattern = ValuePattern(
            name=raw["name"], entity=raw["entity"], semantic_type=raw["semantic_type"], regex=raw["regex"],
            score=float(raw.get("score", 0.5)), validator=raw.get("validator"),
            specificity=float(raw.get("specificity", 0.5)), min_share=float(raw.get("min_share", 0.8)),
            needs_name=bool(raw.get("needs_name", False)), embedded=bool(raw.get("embedded", False)),
            prefix=bool(raw.get("prefix", False)),
            context=tuple(str(word) for word in raw.get("context") or ()),
        )
        try:
            # The contained form wraps the same body and is compiled when free text needs it:
            # 41 compiles saved at every start-up.
            pattern.python_anchored
        except re.error as exc:
            raise RuleError(f"recognizers.yaml: {raw['name']} regex does not compile: {exc}") from exc
        patterns.append(pattern)
    return tuple(patterns)


@lru_cache(maxsize=1)
def value_sets() -> dict[str, ValueSet]:
    document = load_yaml("recognizers.yaml")
    sets = {}
    for semantic_type, raw in (document.get("value_sets") or {}).items():
        sets[semantic_type] = ValueSet(
            semantic_type=semantic_type,
            values=frozenset(str(value).upper() for value in raw["values"]),
            weak_values=frozenset(str(value).upper() for value in raw.get("weak_values") or ()),
            min_share=float(raw.get("min_share", 0.9)),
            max_distinct=int(raw.get("max_distinct", 20)),
        )
    return sets


@lru_cache(maxsize=1)
def presidio_config() -> tuple[tuple[str, ...], dict[str, str]]:
    """(presidio built-in recognizer class names, presidio entity -> semantic type)."""
    document = load_yaml("recognizers.yaml").get("presidio") or {}
    entities = dict(document.get("entities") or {})
    for pattern in value_patterns():
        entities.setdefault(pattern.entity, pattern.semantic_type)
    return tuple(document.get("builtin") or ()), entities
