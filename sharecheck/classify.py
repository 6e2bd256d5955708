"""Column classification: role and semantic type of every column, with the evidence.

BASELINE (name vocabulary only). The PII-detection work replaces the body of
`classify_columns` with name + value evidence; the dataclass and signature are the contract
the scan pipeline relies on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping

import polars as pl

from ._resources import load_yaml
from .naming import match_column_name
from .profile import ColumnProfile

ROLES = ("direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other")


@lru_cache(maxsize=1)
def semantic_types() -> dict[str, dict]:
    return load_yaml("semantic_types.yaml")["types"]


def default_role(semantic_type: str) -> str:
    return semantic_types().get(semantic_type, {}).get("role", "other")


@dataclass(frozen=True)
class ColumnClassification:
    column: str
    role: str
    semantic_type: str
    confidence: float
    evidence: tuple[str, ...] = ()  # reasons in words; never raw values
    match_share: float | None = None  # share of non-null rows whose values fit the semantic type
    entities: Mapping[str, int] = field(default_factory=dict)  # entity type -> rows holding it (free text)
    masked_examples: tuple[str, ...] = ()
    details: Mapping[str, object] = field(default_factory=dict)  # e.g. hash reversal, precision_m

    def to_dict(self) -> dict:
        return {
            "column": self.column,
            "role": self.role,
            "semantic_type": self.semantic_type,
            "confidence": round(self.confidence, 3),
            "evidence": list(self.evidence),
            "match_share": None if self.match_share is None else round(self.match_share, 4),
            "entities": dict(self.entities),
            "masked_examples": list(self.masked_examples),
            "details": dict(self.details),
        }


def classify_columns(
    frame: pl.DataFrame,
    profiles: Mapping[str, ColumnProfile],
    *,
    nlp_model: str | None = None,
) -> dict[str, ColumnClassification]:
    classifications = {}
    for name in frame.columns:
        hints = match_column_name(name)
        if hints:
            hint = hints[0]
            classifications[name] = ColumnClassification(
                column=name, role=default_role(hint.semantic_type), semantic_type=hint.semantic_type,
                confidence=hint.score * 0.8,
                evidence=(f"column name matches '{hint.term}' ({hint.language})",),
                masked_examples=profiles[name].masked_examples if name in profiles else (),
            )
        else:
            classifications[name] = ColumnClassification(column=name, role="other", semantic_type="unknown", confidence=0.0)
    return classifications
