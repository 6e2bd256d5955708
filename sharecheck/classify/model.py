"""The shipped role and semantic-type model: linear models and boosted trees whose parameters live in JSON.

rules/role_model.json is written by sharecheck.classify.train (benchmarks/train_roles.py) from
the labelled corpus. Prediction is numpy only: scikit-learn is needed to fit, never to scan,
and no pickle crosses library versions. The loader refuses a file of another format or feature
version, or one naming features this code does not compute, because silently zeroing a
feature would change every verdict without a word.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np

from .._resources import load_json_file, rules_dir
from ..errors import RuleError
from .trees import TreeEnsemble

FORMAT = "sharecheck-role-model"
FORMAT_VERSION = 2  # 2: the role model may carry boosted trees averaged with the linear model
# Bump when a feature's meaning changes: a model fitted on the old meaning must be refitted.
FEATURE_VERSION = 2
MODEL_FILE = "role_model.json"
ENVIRONMENT = "SHARECHECK_ROLE_MODEL"  # path of a model file to use instead of the shipped one


def softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(scores)
    return weights / weights.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class LinearModel:
    """A standardised linear model: softmax over `classes` (role) or one logistic score (type)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (classes, features); one row for a binary model
    intercept: np.ndarray
    classes: tuple[str, ...] = ()
    temperature: float = 1.0
    index: Mapping[str, int] = field(default_factory=dict, compare=False)

    @classmethod
    def build(cls, features, mean, scale, coef, intercept, classes=(), temperature=1.0) -> "LinearModel":
        features = tuple(features)
        return cls(features, np.asarray(mean, float), np.asarray(scale, float), np.atleast_2d(np.asarray(coef, float)),
                   np.atleast_1d(np.asarray(intercept, float)), tuple(classes), float(temperature),
                   {name: i for i, name in enumerate(features)})

    def matrix(self, rows: Iterable[Mapping[str, float]]) -> np.ndarray:
        rows = list(rows)
        out = np.zeros((len(rows), len(self.features)))
        for i, row in enumerate(rows):
            for name, value in row.items():
                j = self.index.get(name)
                if j is not None:
                    out[i, j] = value
        return out

    def standardise(self, matrix: np.ndarray) -> np.ndarray:
        return (matrix - self.mean) / self.scale

    def logits(self, matrix: np.ndarray) -> np.ndarray:
        return self.standardise(matrix) @ self.coef.T + self.intercept

    def proba(self, matrix: np.ndarray) -> np.ndarray:
        scores = self.logits(matrix) / self.temperature
        if len(self.classes) <= 1:
            return 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return softmax(scores)

    def contributions(self, row: np.ndarray, class_index: int = 0) -> list[tuple[str, float]]:
        """Each feature's push towards the class, largest first (for the readable evidence)."""
        pushes = self.standardise(row[None, :])[0] * self.coef[class_index]
        order = np.argsort(-pushes)
        return [(self.features[j], float(pushes[j])) for j in order[:8] if pushes[j] > 0]

    def to_dict(self, digits: int = 6) -> dict:
        return {"features": list(self.features), "classes": list(self.classes), "temperature": round(self.temperature, digits),
                "mean": [round(float(v), digits) for v in self.mean], "scale": [round(float(v), digits) for v in self.scale],
                "coef": [[round(float(v), digits) for v in row] for row in self.coef],
                "intercept": [round(float(v), digits) for v in self.intercept]}

    @classmethod
    def from_dict(cls, data: Mapping) -> "LinearModel":
        return cls.build(data["features"], data["mean"], data["scale"], data["coef"], data["intercept"],
                         data.get("classes") or (), data.get("temperature", 1.0))


def blend(linear_logits: np.ndarray, tree_scores: np.ndarray, temperature: float) -> np.ndarray:
    """The role probabilities of the two parts: their mean, recalibrated by one temperature
    (fitted on out-of-fold scores, train.py) because a mean of two sharp models is not calibrated."""
    mean = 0.5 * (softmax(linear_logits) + softmax(tree_scores))
    return softmax(np.log(np.clip(mean, 1e-12, 1.0)) / temperature)


@dataclass(frozen=True)
class RoleModel:
    role: LinearModel
    type: LinearModel
    meta: Mapping[str, object] = field(default_factory=dict)
    trees: TreeEnsemble | None = None  # on role.features; None: the linear model alone
    blend_temperature: float = 1.0

    def predict_roles(self, rows: list[Mapping[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """(matrix, calibrated probabilities over self.role.classes) for column feature rows."""
        matrix = self.role.matrix(rows)
        if self.trees is None:
            return matrix, self.role.proba(matrix)
        return matrix, blend(self.role.logits(matrix), self.trees.raw(matrix), self.blend_temperature)

    def score_types(self, candidates: list[Mapping[str, float]]) -> np.ndarray:
        return self.type.proba(self.type.matrix(candidates)) if candidates else np.zeros(0)

    def to_dict(self) -> dict:
        document = {"format": FORMAT, "format_version": FORMAT_VERSION, "feature_version": FEATURE_VERSION,
                    "meta": dict(self.meta), "role": self.role.to_dict(), "type": self.type.to_dict()}
        if self.trees is not None:
            document["role_trees"] = self.trees.to_dict()
            document["blend_temperature"] = round(self.blend_temperature, 6)
        return document

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _check(document: Mapping, source: str) -> RoleModel:
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise RuleError(f"{source}: not a sharecheck role model")
    if document.get("format_version") != FORMAT_VERSION or document.get("feature_version") != FEATURE_VERSION:
        raise RuleError(f"{source}: role model of format {document.get('format_version')}, features {document.get('feature_version')}; "
                        f"this sharecheck reads format {FORMAT_VERSION}, features {FEATURE_VERSION}: "
                        "rebuild it with `python benchmarks/train_roles.py`")
    role, kind = LinearModel.from_dict(document["role"]), LinearModel.from_dict(document["type"])
    from . import ROLES

    if set(role.classes) != set(ROLES):
        raise RuleError(f"{source}: role model predicts {list(role.classes)}, not the roles {list(ROLES)}")
    for part in (role, kind):
        if not (len(part.mean) == len(part.scale) == part.coef.shape[1] == len(part.features)):
            raise RuleError(f"{source}: role model parameters do not match its feature list")
        if np.any(part.scale <= 0) or not np.all(np.isfinite(part.coef)):
            raise RuleError(f"{source}: role model holds non-finite or zero-scale parameters")
    from .features import known_feature

    unknown = [name for name in role.features + kind.features if not known_feature(name)]
    if unknown:
        raise RuleError(f"{source}: role model uses features this sharecheck does not compute ({', '.join(unknown[:5])}); "
                        "rebuild it with `python benchmarks/train_roles.py`")
    trees = None
    if document.get("role_trees") is not None:
        try:
            trees = TreeEnsemble.from_dict(document["role_trees"])
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"{source}: role model trees are incomplete ({exc.__class__.__name__})") from None
        problems = trees.problems()
        if trees.features != role.features or trees.classes != role.classes:
            problems.append("its trees read other features or roles than its linear part")
        temperature = document.get("blend_temperature")
        if not isinstance(temperature, (int, float)) or not temperature > 0:
            problems.append("its blend temperature is missing or not positive")
        if problems:
            raise RuleError(f"{source}: role model trees unusable: {problems[0]}")
    return RoleModel(role, kind, document.get("meta") or {}, trees, float(document.get("blend_temperature") or 1.0))


def load_model_file(path: str | Path) -> RoleModel:
    path = Path(path)
    try:
        # Only the shipped model is cached: other files are one evaluation's (leave-one-source-out).
        document = load_json_file(path, cache=path.resolve() == shipped_model_path().resolve())
    except (OSError, ValueError) as exc:
        raise RuleError(f"{path}: cannot read the role model ({exc.__class__.__name__})") from None
    return _check(document, str(path))


@lru_cache(maxsize=4)
def _cached(path: str) -> RoleModel:
    return load_model_file(path)


def shipped_model_path() -> Path:
    return rules_dir() / MODEL_FILE


def default_model() -> RoleModel:
    """$SHARECHECK_ROLE_MODEL if set (an evaluation fitted without the scanned table's source),
    else the shipped rules/role_model.json."""
    return _cached(os.environ.get(ENVIRONMENT) or str(shipped_model_path()))
