"""Gradient-boosted trees for the role model, evaluated with numpy from their JSON parameters.

The linear model cannot say "a unique integer column is an identifier only when its header
names a person"; shallow trees can, and held out by source the average of the two models
is right more often than either alone (benchmarks/RESULTS.md, roles-loso). The trees are
fitted by scikit-learn's GradientBoostingClassifier (train.py) and copied out through its
public `estimators_[i, k].tree_` arrays; prediction here walks every tree at once, one
level per step, so a table of a hundred columns costs a few array operations per level.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

import numpy as np

LEAF = -1


@dataclass(frozen=True)
class TreeEnsemble:
    """Raw class scores = baseline + learning_rate x the sum of each class's trees' leaf values.

    The trees are stored flat: node j of the ensemble has `feature[j]`, `threshold[j]`, children
    `left[j]`/`right[j]` (absolute node indices, LEAF at a leaf) and leaf value `value[j]`;
    tree t starts at node `roots[t]` and adds to class `tree_class[t]`."""

    features: tuple[str, ...]
    classes: tuple[str, ...]
    baseline: np.ndarray  # (classes,)
    learning_rate: float
    roots: np.ndarray
    tree_class: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int

    def raw(self, matrix: np.ndarray) -> np.ndarray:
        """(rows, classes) raw scores for feature rows in `features` order."""
        # scikit-learn's trees compare float32 copies of the inputs with float64 thresholds
        values = np.asarray(matrix, dtype=np.float32).astype(np.float64)
        rows = np.arange(len(values))[:, None]
        node = np.broadcast_to(self.roots, (len(values), len(self.roots))).copy()
        for _ in range(self.depth):
            feature = self.feature[node]
            inner = feature != LEAF
            if not inner.any():
                break
            goes_left = values[rows, np.where(inner, feature, 0)] <= self.threshold[node]
            node = np.where(inner, np.where(goes_left, self.left[node], self.right[node]), node)
        leaf_values = self.value[node]  # (rows, trees)
        out = np.tile(self.baseline, (len(values), 1))
        for k in range(len(self.classes)):
            out[:, k] += self.learning_rate * leaf_values[:, self.tree_class == k].sum(axis=1)
        return out

    def to_dict(self, digits: int = 6) -> dict:
        # thresholds keep full precision: a rounded threshold could send a value the other way
        return {"features": list(self.features), "classes": list(self.classes),
                "baseline": [round(float(v), digits) for v in self.baseline], "learning_rate": self.learning_rate,
                "roots": self.roots.tolist(), "tree_class": self.tree_class.tolist(), "feature": self.feature.tolist(),
                "threshold": [float(v) for v in self.threshold], "left": self.left.tolist(), "right": self.right.tolist(),
                "value": [round(float(v), digits) for v in self.value], "depth": self.depth}

    @classmethod
    def from_dict(cls, data: Mapping) -> "TreeEnsemble":
        def ints(key):
            return np.asarray(data[key], dtype=np.int64)

        return cls(tuple(data["features"]), tuple(data["classes"]), np.asarray(data["baseline"], float), float(data["learning_rate"]),
                   ints("roots"), ints("tree_class"), ints("feature"), np.asarray(data["threshold"], float), ints("left"),
                   ints("right"), np.asarray(data["value"], float), int(data["depth"]))

    def problems(self) -> list[str]:
        """Why these parameters cannot be evaluated (empty when they can)."""
        n = len(self.feature)
        if not (len(self.threshold) == len(self.left) == len(self.right) == len(self.value) == n):
            return ["tree node arrays of different lengths"]
        if len(self.roots) != len(self.tree_class) or len(self.baseline) != len(self.classes):
            return ["tree roots, classes or baseline do not match"]
        inner = self.feature != LEAF
        if np.any(self.feature[inner] >= len(self.features)) or np.any(self.feature[inner] < 0):
            return ["a tree splits on a feature outside its feature list"]
        children = np.concatenate([self.left[inner], self.right[inner]])
        if np.any(children < 0) or np.any(children >= n) or np.any((self.roots < 0) | (self.roots >= n)):
            return ["a tree node points outside the ensemble"]
        if np.any((self.tree_class < 0) | (self.tree_class >= len(self.classes))):
            return ["a tree adds to a class the ensemble does not have"]
        if not (np.all(np.isfinite(self.value)) and np.all(np.isfinite(self.baseline)) and np.all(np.isfinite(self.threshold[inner]))):
            return ["non-finite tree parameters"]
        return []


def from_sklearn(fitted, names, classes: tuple[str, ...], check_rows: np.ndarray) -> TreeEnsemble:
    """Copy a fitted GradientBoostingClassifier (multi-class) out of scikit-learn, and prove the
    copy: its raw scores must equal `decision_function` on `check_rows` (the training rows)."""
    labels = list(fitted.classes_)
    if len(labels) < 3:
        raise ValueError("the tree part of the role model needs at least three roles in its training labels")
    roots, tree_class, feature, threshold, left, right, value = [], [], [], [], [], [], []
    depth, offset = 0, 0
    for stage in fitted.estimators_:
        for k, regressor in enumerate(stage):
            tree = regressor.tree_
            inner = tree.children_left != -1
            roots.append(offset)
            tree_class.append(classes.index(labels[k]))
            feature.append(np.where(inner, tree.feature, LEAF))
            threshold.append(np.where(inner, tree.threshold, 0.0))
            left.append(np.where(inner, tree.children_left + offset, LEAF))
            right.append(np.where(inner, tree.children_right + offset, LEAF))
            value.append(np.where(inner, 0.0, tree.value[:, 0, 0]))
            depth = max(depth, int(tree.max_depth))
            offset += tree.node_count
    provisional = TreeEnsemble(tuple(names), classes, np.zeros(len(classes)), float(fitted.learning_rate), np.array(roots),
                               np.array(tree_class), np.concatenate(feature).astype(np.int64), np.concatenate(threshold),
                               np.concatenate(left).astype(np.int64), np.concatenate(right).astype(np.int64),
                               np.concatenate(value), depth)
    decision = fitted.decision_function(check_rows)
    trees_only = provisional.raw(check_rows)
    # scikit-learn starts from a constant (the log prior); recover it and check it is one
    baseline = np.full(len(classes), -30.0)  # a role the labels lack keeps a negligible score
    columns = [classes.index(label) for label in labels]
    offsets = decision - trees_only[:, columns]
    if np.ptp(offsets, axis=0).max() > 1e-6:
        raise ValueError("the copied trees do not reproduce scikit-learn's scores")
    baseline[columns] = offsets[0]
    out = replace(provisional, baseline=baseline)
    assert np.allclose(out.raw(check_rows)[:, columns], decision, atol=1e-6)
    return out
