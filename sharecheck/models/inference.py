"""Attribute inference: how well the QIs predict each sensitive attribute.

A release can be k-anonymous and still let anyone who knows a person's QIs guess their
sensitive value. We train a decision tree on a bounded, seeded sample and compare its
cross-validated score with the trivial guess. A tree is what the attacker's lookup is: "people
with these QI values mostly have this value"; gradient boosting was measured 100x slower here
(one tree per class per iteration) for no gain on tables of categorical QIs:

* categorical (or low-cardinality numeric) target: accuracy vs the majority-class baseline;
* numeric target with many values: R^2 vs the mean baseline (R^2 = 0).

``lift`` = score - baseline; a large lift means the QIs disclose the sensitive attribute.
scikit-learn is imported lazily so that importing sharecheck stays cheap.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import polars as pl

from ._codes import encode_column
from ._util import as_dict

_MAX_CLASSES = 20  # rarer classes are pooled so that folds stay populated
_NUMERIC_AS_CLASSES = 10  # a numeric target with at most this many values is treated as categorical


@dataclass(frozen=True)
class InferenceResult:
    attribute: str
    task: str  # classification | regression | skipped
    metric: str | None  # accuracy | r2
    score: float | None
    baseline: float | None
    lift: float | None
    rows_used: int
    folds: int
    reason: str | None = None

    def to_dict(self) -> dict:
        return as_dict(self)


def _features(sample: pl.DataFrame, qis: Sequence[str]) -> tuple[np.ndarray, list[bool]]:
    columns, categorical = [], []
    for q in qis:
        series = sample[q]
        if series.dtype.is_numeric() or series.dtype.is_temporal() or series.dtype == pl.Boolean:
            values = series.to_physical().cast(pl.Float64).to_numpy()
            # Trees need finite inputs; a sentinel below every value keeps "missing" its own branch.
            values = np.where(np.isnan(values), np.nanmin(values) - 1 if np.isfinite(values).any() else -1.0, values)
            columns.append(values)
            categorical.append(False)
        else:
            codes, card = encode_column(series)
            columns.append(codes.astype(np.float64))
            categorical.append(card <= 255)
    if not columns:
        return np.zeros((sample.height, 1)), [False]
    return np.column_stack(columns), categorical


def _leaf(rows: int) -> int:
    """Leaves of a few records: a rule that fits one person is memorised, not inferred."""
    return max(2, min(20, rows // 200))


def predictability(
    frame: pl.DataFrame | pl.LazyFrame,
    qis: Sequence[str],
    attribute: str,
    *,
    max_rows: int = 20000,
    folds: int = 3,
    seed: int = 0,
) -> InferenceResult:
    data = frame.lazy().select([*qis, attribute]).filter(pl.col(attribute).is_not_null()).collect()
    if data.height > max_rows:
        data = data.sample(n=max_rows, seed=seed)
    if not qis:
        return InferenceResult(attribute, "skipped", None, None, None, None, data.height, 0, "no quasi-identifiers")
    if data.height < folds * 2 or data[attribute].n_unique() < 2:
        return InferenceResult(attribute, "skipped", None, None, None, None, data.height, 0, "too few rows or a constant attribute")

    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    x, _ = _features(data, qis)
    target = data[attribute]
    is_regression = target.dtype.is_numeric() and target.n_unique() > _NUMERIC_AS_CLASSES
    if is_regression:
        y = target.cast(pl.Float64).to_numpy()
        splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
        model = DecisionTreeRegressor(min_samples_leaf=_leaf(data.height), random_state=seed)
        score = cross_val_score(model, x, y, cv=splitter, scoring="r2").mean()
        baseline = cross_val_score(DummyRegressor(), x, y, cv=splitter, scoring="r2").mean()
        return InferenceResult(attribute, "regression", "r2", float(score), float(baseline), float(score - baseline), data.height, folds)

    codes, _ = encode_column(target.cast(pl.String))
    frequencies = np.bincount(codes)
    keep = np.argsort(-frequencies)[: _MAX_CLASSES - 1]
    pooled = np.where(np.isin(codes, keep), codes, -1)
    _, y = np.unique(pooled, return_inverse=True)
    smallest = np.bincount(y).min()
    n_splits = min(folds, int(smallest)) if smallest >= 2 else folds
    splitter = (
        StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        if smallest >= n_splits
        else KFold(n_splits=folds, shuffle=True, random_state=seed)
    )
    model = DecisionTreeClassifier(min_samples_leaf=_leaf(data.height), random_state=seed)
    score = cross_val_score(model, x, y, cv=splitter, scoring="accuracy").mean()
    baseline = cross_val_score(DummyClassifier(strategy="most_frequent"), x, y, cv=splitter, scoring="accuracy").mean()
    return InferenceResult(
        attribute, "classification", "accuracy", float(score), float(baseline), float(score - baseline), data.height, splitter.get_n_splits()
    )
