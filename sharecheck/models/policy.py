"""Thresholds a release must meet, with open-data defaults.

Defaults and why:

* ``k_min = 5``: the usual floor for public releases (ICO, EMA policy 0070 guidance, ARX examples).
* recursive (c, l) with ``c = 3, l = 2``: with l = 2 a class passes when its most frequent
  sensitive value is less than three times the rest of the class put together, i.e. no value
  covers 75 % or more of a class. c = 3 is the value Machanavajjhala et al. use in their
  examples; a stricter c would fail most real tables that already meet k = 5.
* ``t_max = 0.2``: the t used by Li et al. and by ARX's default t-closeness configuration.
* ``sample_uniqueness_max = 0`` and ``records_at_risk_max = 0`` at ``risk_threshold = 0.2``
  (= 1/k_min): open data is released to everyone, so no record may be singled out or carry a
  prosecutor risk above 1/5.
* ``small_cell_threshold = 10``: the ONS rule of thumb for aggregate tables (cells 1..9 are small).

The rules YAML sets these fields; unknown fields fail loudly (a typo must not weaken a check).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Mapping


@dataclass(frozen=True)
class ModelPolicy:
    k_min: int = 5
    l_distinct_min: int = 2
    l_recursive_c: float = 3.0
    l_recursive_l: int = 2
    l_entropy_min: float | None = None
    t_max: float = 0.2
    delta_max: float | None = None
    beta_max: float | None = None
    alpha_max: float | None = None
    sample_uniqueness_max: float = 0.0
    risk_threshold: float = 0.2
    records_at_risk_max: float = 0.0
    highest_risk_max: float | None = 0.2
    average_risk_max: float | None = None
    population_uniqueness_max: float | None = 0.0
    small_cell_threshold: int = 10
    inference_lift_max: float | None = 0.1
    unicity_points: tuple[int, ...] = (1, 2, 3, 4)
    unicity_max_persons: int = 2000
    inference_max_rows: int = 20000
    inference_folds: int = 3

    def __post_init__(self) -> None:
        if self.k_min < 1:
            raise ValueError("k_min must be at least 1")
        if self.l_recursive_l < 1 or self.l_distinct_min < 1:
            raise ValueError("l must be at least 1")
        if not 0 < self.risk_threshold <= 1:
            raise ValueError("risk_threshold must be in (0, 1]")
        if self.small_cell_threshold < 1:
            raise ValueError("small_cell_threshold must be at least 1")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "ModelPolicy":
        """Build from a rules-file mapping; unknown keys are an error, not a silent default."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown model policy parameter(s): {unknown}")
        cleaned = dict(values)
        if "unicity_points" in cleaned:
            cleaned["unicity_points"] = tuple(int(p) for p in cleaned["unicity_points"])
        return cls(**cleaned)

    def with_overrides(self, **values: Any) -> "ModelPolicy":
        return replace(self, **values)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in fields(self)}
