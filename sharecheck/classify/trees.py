"""Gradient-boosted trees for the role model, evaluated with numpy from their JSON parameters.

The linear model cannot say "a unique integer column is an identifier only when its header
names a person"; shallow trees can, and held out by source the average of the two models
is right more often than either alone (benchmarks/RESULTS.md, roles-loso). The trees are
fitted by scikit-learn's HistGradientBoostingClassifier (train.py; files written before session
9 hold GradientBoostingClassifier trees, which compare float32 inputs) and copied out of it;
prediction here walks every tree at once, one level per step, so a table of a hundred columns
costs a few array operations per level.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

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
    # GradientBoostingClassifier compares float32 copies of the inputs, the histogram trees
    # float64 values: the copy must compare as its source did, or a value on a threshold strays
    float32_inputs: bool = True

    def raw(self, matrix: np.ndarray) -> np.ndarray:
        """(rows, classes) raw scores for feature rows in `features` order."""
        values = np.asarray(matrix, dtype=np.float32).astype(np.float64) if self.float32_inputs else np.asarray(matrix, dtype=np.float64)
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

    @classmethod
    def mean_of(cls, ensembles: "Sequence[TreeEnsemble]") -> "TreeEnsemble":
        """One ensemble whose raw scores are the mean of `ensembles`' (same features, classes
        and learning rate): their trees side by side, every leaf value and the baseline divided
        by their number."""
        first, n = ensembles[0], len(ensembles)
        if any(e.features != first.features or e.classes != first.classes or e.learning_rate != first.learning_rate
               or e.float32_inputs != first.float32_inputs for e in ensembles):
            raise ValueError("only ensembles over the same features, classes and learning rate can be averaged")
        offsets = np.cumsum([0] + [len(e.feature) for e in ensembles[:-1]])

        def shifted(e, children, offset):
            return np.where(children == LEAF, LEAF, children + offset)

        return cls(first.features, first.classes, np.mean([e.baseline for e in ensembles], axis=0), first.learning_rate,
                   np.concatenate([e.roots + o for e, o in zip(ensembles, offsets)]),
                   np.concatenate([e.tree_class for e in ensembles]), np.concatenate([e.feature for e in ensembles]),
                   np.concatenate([e.threshold for e in ensembles]),
                   np.concatenate([shifted(e, e.left, o) for e, o in zip(ensembles, offsets)]),
                   np.concatenate([shifted(e, e.right, o) for e, o in zip(ensembles, offsets)]),
                   np.concatenate([e.value for e in ensembles]) / n, max(e.depth for e in ensembles), first.float32_inputs)

    def to_dict(self, digits: int = 6) -> dict:
        # thresholds keep full precision: a rounded threshold could send a value the other way
        return {"features": list(self.features), "classes": list(self.classes),
                "baseline": [round(float(v), digits) for v in self.baseline], "learning_rate": self.learning_rate,
                "roots": self.roots.tolist(), "tree_class": self.tree_class.tolist(), "feature": self.feature.tolist(),
                "threshold": [float(v) for v in self.threshold], "left": self.left.tolist(), "right": self.right.tolist(),
                "value": [round(float(v), digits) for v in self.value], "depth": self.depth,
                "inputs": "float32" if self.float32_inputs else "float64"}

    @classmethod
    def from_dict(cls, data: Mapping) -> "TreeEnsemble":
        def ints(key):
            return np.asarray(data[key], dtype=np.int64)

        return cls(tuple(data["features"]), tuple(data["classes"]), np.asarray(data["baseline"], float), float(data["learning_rate"]),
                   ints("roots"), ints("tree_class"), ints("feature"), np.asarray(data["threshold"], float), ints("left"),
                   ints("right"), np.asarray(data["value"], float), int(data["depth"]), data.get("inputs", "float32") == "float32")

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


def from_sklearn_hist(fitted, names, classes: tuple[str, ...], check_rows: np.ndarray) -> TreeEnsemble:
    """Copy a fitted HistGradientBoostingClassifier (multi-class) out of scikit-learn and prove
    the copy: its raw scores must equal `decision_function` on `check_rows` (the training rows).
    Its trees live in `_predictors[iteration][class].nodes`, a private attribute: if a release of
    scikit-learn moves it, the proof fails and the fit stops, while the shipped JSON and the numpy walk above do not depend on it. The learning rate is
    already folded into the leaf values."""
    labels = list(fitted.classes_)
    if len(labels) < 3:
        raise ValueError("the tree part of the role model needs at least three roles in its training labels")
    roots, tree_class, feature, threshold, left, right, value = [], [], [], [], [], [], []
    depth, offset = 0, 0
    for stage in fitted._predictors:
        for k, predictor in enumerate(stage):
            nodes = predictor.nodes
            if np.any(nodes["is_categorical"]):
                raise ValueError("categorical splits cannot be copied")
            inner = nodes["is_leaf"] == 0
            roots.append(offset)
            tree_class.append(classes.index(labels[k]))
            feature.append(np.where(inner, nodes["feature_idx"].astype(np.int64), LEAF))
            threshold.append(np.where(inner, nodes["num_threshold"], 0.0))
            left.append(np.where(inner, nodes["left"].astype(np.int64) + offset, LEAF))
            right.append(np.where(inner, nodes["right"].astype(np.int64) + offset, LEAF))
            value.append(np.where(inner, 0.0, nodes["value"]))
            depth = max(depth, int(nodes["depth"].max()))
            offset += len(nodes)
    baseline = np.full(len(classes), -30.0)  # a role the labels lack keeps a negligible score
    columns = [classes.index(label) for label in labels]
    baseline[columns] = np.asarray(fitted._baseline_prediction, dtype=float).ravel()
    out = TreeEnsemble(tuple(names), classes, baseline, 1.0, np.array(roots), np.array(tree_class),
                       np.concatenate(feature).astype(np.int64), np.concatenate(threshold), np.concatenate(left).astype(np.int64),
                       np.concatenate(right).astype(np.int64), np.concatenate(value), depth, float32_inputs=False)
    if not np.allclose(out.raw(check_rows)[:, columns], fitted.decision_function(check_rows), atol=1e-6):
        raise ValueError("the copied trees do not reproduce scikit-learn's scores")
    return out

