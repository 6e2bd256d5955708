"""Column classification: role and semantic type of every column, with the evidence.

The steps, one module each:

1. evidence.py  what every recogniser sees in a column (hit rates, checksums, name lists,
                digests, dates, presidio on a sample), never a decision;
2. features.py  one feature vector per column (header tokens, vocabulary hits, value
                statistics, recogniser hit rates, the other headers of the table) and one per
                candidate semantic type;
3. model.py     the fitted model shipped in rules/role_model.json: calibrated role
                probabilities and candidate-type scores (numpy only);
4. policy.py    probabilities to a role, the few facts no model overrules, pairs of columns,
                the readable evidence.

train.py fits the model from the labelled corpus (benchmarks/train_roles.py).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Mapping

import polars as pl

from .._resources import load_yaml
from ..naming import table_name_hints
from ..profile import ColumnProfile, profile_frame

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
    confidence: float  # calibrated probability of the role (1.0 only where a fact decides)
    evidence: tuple[str, ...] = ()  # reasons in words; never raw values
    match_share: float | None = None  # share of non-null rows whose values fit the semantic type
    entities: Mapping[str, int] = field(default_factory=dict)  # entity type -> rows holding it (free text)
    masked_examples: tuple[str, ...] = ()
    details: Mapping[str, object] = field(default_factory=dict)  # e.g. hash reversal, precision_m
    probabilities: Mapping[str, float] = field(default_factory=dict)  # role -> calibrated probability

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


def hash_budget_seconds() -> float:
    """CPU seconds (of the classifying thread) all hash columns of one classification may spend
    hashing candidate spaces."""
    from ..pii.hashes import _config

    return float(_config().get("budget_seconds", 12))


@dataclass(frozen=True)
class TableFeatures:
    """Everything the model reads about one table: the training script keeps these per table."""

    evidence: Mapping[str, object]  # column -> evidence.ColumnEvidence
    columns: Mapping[str, dict[str, float]]  # column -> role-model features
    candidates: Mapping[str, list[tuple[str, dict[str, float]]]]  # column -> (type, type-model features)


def extract_evidence(frame: pl.DataFrame, profiles: Mapping[str, ColumnProfile], *, nlp_model: str | None = None) -> dict:
    """column -> evidence.ColumnEvidence: what every recogniser sees (the slow step)."""
    from .evidence import Context, column_evidence

    missing = [name for name in frame.columns if name not in profiles]
    if missing:
        profiles = {**profiles, **profile_frame(frame.select(missing))}
    context = Context(nlp_model=nlp_model, hash_deadline=time.thread_time() + hash_budget_seconds(), today=date.today())
    hints = table_name_hints(frame.columns)
    return {name: column_evidence(frame.get_column(name), profiles[name], context, hints[name]) for name in frame.columns}


def features_from_evidence(frame: pl.DataFrame, evidence: Mapping[str, object]) -> TableFeatures:
    """The model's inputs from the evidence (cheap: the training script recomputes them)."""
    from .features import add_context, candidate_features, candidate_types, column_features, token_features

    columns = {name: column_features(frame.get_column(name), evidence[name]) for name in frame.columns}
    add_context(columns, evidence)
    for name in frame.columns:
        columns[name].update(token_features(name))
    candidates = {name: [(kind, candidate_features(kind, evidence[name], columns[name])) for kind in candidate_types(evidence[name])]
                  for name in frame.columns}
    return TableFeatures(evidence, columns, candidates)


def extract_features(frame: pl.DataFrame, profiles: Mapping[str, ColumnProfile], *, nlp_model: str | None = None) -> TableFeatures:
    return features_from_evidence(frame, extract_evidence(frame, profiles, nlp_model=nlp_model))


def classify_columns(
    frame: pl.DataFrame,
    profiles: Mapping[str, ColumnProfile],
    *,
    nlp_model: str | None = None,
    model=None,
) -> dict[str, ColumnClassification]:
    """Role and semantic type of every column. `model` (a model.RoleModel, e.g. one fitted
    without the scanned table's source) replaces the shipped model."""
    from .model import default_model

    return classify_features(extract_features(frame, profiles, nlp_model=nlp_model), model or default_model())


def classify_features(table: TableFeatures, model) -> dict[str, ColumnClassification]:
    from .features import typed_features
    from .policy import cross_column, decide, type_distribution

    names = list(table.columns)
    types = {}
    for name in names:
        candidates = table.candidates[name]
        types[name] = type_distribution(candidates, model.score_types([features for _, features in candidates]))
    rows = [{**table.columns[name], **typed_features([kind for kind, _ in table.candidates[name]], types[name])} for name in names]
    matrix, proba = model.predict_roles(rows)
    decisions = {}
    for i, name in enumerate(names):
        kinds = [kind for kind, _ in table.candidates[name]]
        decisions[name] = decide(table.evidence[name], kinds, types[name], matrix[i], proba[i], model)
    cross_column(decisions, table.evidence)
    out = {}
    for i, name in enumerate(names):
        decision = decisions[name]
        profile = table.evidence[name].profile
        out[name] = ColumnClassification(
            column=name, role=decision.role, semantic_type=decision.semantic_type,
            confidence=round(max(0.0, min(1.0, decision.confidence)), 3), evidence=tuple(decision.reasons),
            match_share=decision.share, entities=dict(decision.entities),
            masked_examples=decision.examples or profile.masked_examples, details=dict(decision.details),
            probabilities={role: round(float(p), 4) for role, p in zip(model.role.classes, proba[i])})
    return out
