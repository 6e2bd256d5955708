"""Attribute inference: how well the QIs predict each sensitive attribute.

A release can be k-anonymous and still let anyone who knows a person's QIs guess their
sensitive value. The attacker modelled here holds the release and looks a person up: "people
with these QI values mostly have this value". We estimate how often that guess is right on
records it has not seen (k-fold cross-validation on a bounded, seeded sample) and compare it
with the trivial guess (the most common value, or the mean):

* categorical (or low-cardinality numeric) target: accuracy vs the majority-class baseline;
* numeric target with many values: R^2 vs the training mean (R^2 slightly below 0).

``lift`` = score - baseline; a large lift means the QIs disclose the sensitive attribute.

The lookup: QIs are ordered by how well each alone predicts the attribute on the training
folds; a held-out record is answered by the longest prefix of that order whose group (records
sharing those QI values in the training folds) holds at least ``_leaf`` records: its most
common value (or mean), else the next shorter prefix, down to the overall answer. The leaf
bound keeps a rule that fits one person from counting as inference. This is what the decision
tree used before estimated (a tree is a lookup with data-chosen groups) at a fraction of the
cost: every step is a bincount over integer codes, and scikit-learn (about 1 s of imports) is
not needed to scan.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import polars as pl

from ._codes import densify, encode_column
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


_NUMERIC_BANDS = 10  # a numeric QI with more values is looked up by its deciles


def _qi_codes(series: pl.Series) -> np.ndarray:
    """Dense codes of a QI; a many-valued numeric QI by decile bands, so that neighbours
    (ages 41 and 42) answer for each other as a tree's threshold split would let them."""
    if (series.dtype.is_numeric() or series.dtype.is_temporal()) and series.n_unique() > _NUMERIC_BANDS:
        values = series.to_physical().cast(pl.Float64)
        edges = np.unique(np.nanquantile(values.drop_nulls().drop_nans().to_numpy(), np.linspace(0, 1, _NUMERIC_BANDS + 1)[1:-1]))
        numbers = values.fill_nan(None).to_numpy()
        bands = np.where(np.isnan(numbers), len(edges) + 1, np.searchsorted(edges, numbers, side="right"))
        return encode_column(pl.Series(bands))[0]
    return encode_column(series)[0]


def _leaf(rows: int) -> int:
    """Groups of a few records: a rule that fits one person is memorised, not inferred."""
    return max(2, min(20, rows // 200))


def _folds(y: np.ndarray | None, rows: int, folds: int, rng: np.random.Generator) -> np.ndarray:
    """Fold of each row; stratified by class when every class can fill every fold."""
    order = rng.permutation(rows)
    fold = np.empty(rows, dtype=np.int64)
    if y is None:
        fold[order] = np.arange(rows) % folds
        return fold
    # Sorting the shuffled rows by class and dealing them out round-robin puts each class's
    # records evenly into the folds.
    ranked = order[np.argsort(y[order], kind="stable")]
    fold[ranked] = np.arange(rows) % folds
    return fold


def _answers(key: np.ndarray, groups: int, y: np.ndarray, n_classes: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(answer per group, records per group): the most common class, or the mean."""
    sizes = np.bincount(key, minlength=groups)
    if n_classes is None:
        return np.bincount(key, weights=y, minlength=groups) / np.maximum(sizes, 1), sizes
    counts = np.bincount(key * n_classes + y, minlength=groups * n_classes)
    return counts.reshape(groups, n_classes).argmax(axis=1), sizes


def _overall(y: np.ndarray, n_classes: int | None):
    return float(y.mean()) if n_classes is None else int(np.bincount(y, minlength=n_classes).argmax())


def _score(truth: np.ndarray, guess: np.ndarray, regression: bool) -> float:
    if not regression:
        return float((truth == guess).mean())
    total = float(((truth - truth.mean()) ** 2).sum())
    error = float(((truth - guess) ** 2).sum())
    return 1.0 - error / total if total > 0 else (1.0 if error == 0 else 0.0)


def _combine(key: np.ndarray, column: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense codes of the pairs (key, column), in sorted order; keys stay below rows x width, so
    no overflow. A presence table over the key range when it is small, else a sort."""
    width = int(column.max()) + 1
    return densify(key * width + column, (int(key.max()) + 1) * width)


def _chain(codes: list[np.ndarray], y: np.ndarray, n_classes: int | None, leaf: int) -> list[int]:
    """QIs in the order the lookup uses them, chosen on the training rows only.

    Greedy: add the QI that best improves the answers on these rows; stop when none does (the
    leaf bound keeps a nearly unique QI from winning by memorising)."""
    regression = n_classes is None
    key = np.zeros(len(y), dtype=np.int64)
    guess = np.full(len(y), _overall(y, n_classes), dtype=np.float64 if regression else np.int64)
    best, chain, left = _score(y, guess, regression), [], list(range(len(codes)))
    while left:
        tried = []
        for index in left:
            combined, groups = _combine(key, codes[index])
            answer, sizes = _answers(combined, groups, y, n_classes)
            candidate = np.where(sizes[combined] >= leaf, answer[combined], guess)
            tried.append((_score(y, candidate, regression), -index, combined, candidate))
        score, negative, combined, candidate = max(tried, key=lambda t: t[:2])
        if score <= best:
            break
        best, key, guess = score, combined, candidate
        chain.append(-negative)
        left.remove(-negative)
    return chain


def _fold_scores(codes: list[np.ndarray], y: np.ndarray, test: np.ndarray, n_classes: int | None, leaf: int) -> tuple[float, float]:
    """(lookup score, baseline score) on the held-out rows ``test``."""
    train = ~test
    regression = n_classes is None
    overall = _overall(y[train], n_classes)
    chain = _chain([column[train] for column in codes], y[train], n_classes, leaf)
    # Replay the chain on all rows, answering from the training rows' groups only.
    key = np.zeros(len(y), dtype=np.int64)
    guess = np.full(int(test.sum()), overall, dtype=np.float64 if regression else np.int64)
    for index in chain:
        key, groups = _combine(key, codes[index])
        answer, sizes = _answers(key[train], groups, y[train], n_classes)
        held = key[test]
        guess = np.where(sizes[held] >= leaf, answer[held], guess)
    truth = y[test]
    return _score(truth, guess, regression), _score(truth, np.full(len(truth), overall), regression)


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

    rng = np.random.default_rng(seed)
    codes = [_qi_codes(data[q]) for q in qis]
    target = data[attribute]
    leaf = _leaf(data.height)
    if target.dtype.is_numeric() and target.n_unique() > _NUMERIC_AS_CLASSES:
        y = target.cast(pl.Float64).to_numpy()
        fold = _folds(None, data.height, folds, rng)
        scores = [_fold_scores(codes, y, fold == f, None, leaf) for f in range(folds)]
        score, baseline = (float(np.mean(s)) for s in zip(*scores))
        return InferenceResult(attribute, "regression", "r2", score, baseline, score - baseline, data.height, folds)

    raw, _ = encode_column(target.cast(pl.String))
    keep = np.argsort(-np.bincount(raw), kind="stable")[: _MAX_CLASSES - 1]
    _, y = np.unique(np.where(np.isin(raw, keep), raw, -1), return_inverse=True)
    n_classes = int(y.max()) + 1
    # Stratify only when the rarest class can appear in every fold.
    fold = _folds(y if np.bincount(y).min() >= folds else None, data.height, folds, rng)
    scores = [_fold_scores(codes, y, fold == f, n_classes, leaf) for f in range(folds)]
    score, baseline = (float(np.mean(s)) for s in zip(*scores))
    return InferenceResult(attribute, "classification", "accuracy", score, baseline, score - baseline, data.height, folds)
