"""rules/join.yaml: row-index headers, Fellegi–Sunter m probabilities, time zones and the
same-population thresholds, checked on load so a typo is a refusal to start, not a silent default."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .._resources import load_yaml
from ..errors import RuleError

_NUMBERS = ("default_overlap", "confident_posterior", "peak_ratio", "peak_margin", "chance_min_distinct",
            "chance_max_density")
_POPULATION = ("max_disjoint_jaccard", "min_distinct", "min_gap_km", "min_gap_days", "max_vocabulary_containment", "vocabulary_max_distinct")
_HELD_OUT = ("min_prefix", "min_value_containment")
_M_FORMS = ("shared_key", "person_name", "postal_code", "sex", "date", "datetime", "year", "text", "spatial")


@lru_cache(maxsize=1)
def join_vocabulary() -> dict[str, Any]:
    raw = load_yaml("join.yaml") or {}
    expected = {"row_index_names", "m_probability", "utc_offsets_hours", "dst_zones", "population", "held_out", *_NUMBERS}
    if set(raw) != expected:
        raise RuleError(f"join.yaml: keys differ from the schema (missing {sorted(expected - set(raw))}, "
                        f"unknown {sorted(set(raw) - expected)})")
    for key in _NUMBERS:
        if not isinstance(raw[key], (int, float)) or raw[key] < 0:
            raise RuleError(f"join.yaml: {key} must be a non-negative number")
    m = raw["m_probability"]
    if set(m) != set(_M_FORMS) or not all(isinstance(v, (int, float)) and 0 < v <= 1 for v in m.values()):
        raise RuleError(f"join.yaml: m_probability needs a probability in (0, 1] for each of {', '.join(_M_FORMS)}")
    population = raw["population"]
    if set(population) != set(_POPULATION) or not all(isinstance(v, (int, float)) for v in population.values()):
        raise RuleError(f"join.yaml: population needs numbers for {', '.join(_POPULATION)}")
    held_out = raw["held_out"]
    if set(held_out) != set(_HELD_OUT) or not all(isinstance(v, (int, float)) and v >= 0 for v in held_out.values()):
        raise RuleError(f"join.yaml: held_out needs non-negative numbers for {', '.join(_HELD_OUT)}")
    if not all(isinstance(h, int) and -12 <= h <= 14 for h in raw["utc_offsets_hours"]):
        raise RuleError("join.yaml: utc_offsets_hours are whole hours from -12 to 14")
    if not all(isinstance(z, str) for z in raw["dst_zones"]) or not all(isinstance(n, str) for n in raw["row_index_names"]):
        raise RuleError("join.yaml: dst_zones and row_index_names are lists of strings")
    return raw
