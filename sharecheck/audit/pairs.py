"""Which releases of a portal could be joined, and what each such join reveals.

Screening compares the hashes of every joinable column's canonical values (the join check's
own forms: zero-padded ZIPs, M/F, ISO dates, name tokens) with every column of the same form in
the other releases, and scores a pair as the catalogue does: a shared high-cardinality key counts
fully, a quasi-identifier by its distinct ratio, so a shared sex column alone adds almost
nothing. The best partners of each release then get the full join check, on the releases the
scan analysed already.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .worker import _SAMPLE_BELOW, ColumnHashes

MIN_CONTAINMENT = 0.5
# Columns this poor in values (sex, a year, a status) say nothing on their own.
_LOW_INFORMATION_DISTINCT = 12
_MIN_WEIGHT = 0.05


@dataclass(frozen=True)
class Screened:
    a: int  # indices into the audited releases
    b: int
    score: float
    shared: tuple[tuple[str, str, float], ...]  # (column of a, column of b, containment of a in b)


def _containment(a: ColumnHashes, b: ColumnHashes) -> float:
    """Share of a's values in b, for one pair: the definition `screen` computes for all pairs at once."""
    if not a.hashes.size:
        return 0.0
    if a.sampled != b.sampled:
        # Compare like with like: the unsampled side is cut down to the same hash range.
        a_hashes = a.hashes if a.sampled else a.hashes[a.hashes < _SAMPLE_BELOW]
        b_hashes = b.hashes if b.sampled else b.hashes[b.hashes < _SAMPLE_BELOW]
    else:
        a_hashes, b_hashes = a.hashes, b.hashes
    if not a_hashes.size:
        return 0.0
    return float(np.intersect1d(a_hashes, b_hashes, assume_unique=True).size / a_hashes.size)


def _shared_values(hashes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, shared) for every two columns x < y holding a value in common: one sparse product of
    the column-by-value incidence matrix with itself instead of one intersection per pair."""
    from scipy import sparse

    sizes = np.array([h.size for h in hashes], dtype=np.int64)
    if not sizes.sum():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    values, inverse = np.unique(np.concatenate(hashes), return_inverse=True)
    incidence = sparse.csr_matrix((np.ones(sizes.sum(), dtype=np.int64), (np.repeat(np.arange(len(hashes)), sizes), inverse.reshape(-1))),
                                  shape=(len(hashes), values.size))
    product = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    return product.row.astype(np.int64), product.col.astype(np.int64), product.data.astype(np.int64)


def _pair_values(entries: list[tuple[int, ColumnHashes]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, value) for the column pairs x < y of one form that share a value, in the order of
    itertools.combinations; value = max(_containment(x, y), _containment(y, x))."""
    columns = [column for _, column in entries]
    sampled = np.array([c.sampled for c in columns])
    found = []
    # Like with like: a pair where either column is sampled is compared on the sampled range.
    for view, either_sampled in (([c.hashes for c in columns], False),
                                 ([c.hashes if c.sampled else c.hashes[c.hashes < _SAMPLE_BELOW] for c in columns], True)):
        x, y, shared = _shared_values(view)
        keep = (sampled[x] | sampled[y]) == either_sampled
        x, y, shared = x[keep], y[keep], shared[keep]
        sizes = np.array([h.size for h in view], dtype=np.int64)
        found.append((x, y, np.maximum(shared / sizes[x], shared / sizes[y])))
    x, y, value = (np.concatenate(parts) for parts in zip(*found))
    order = np.lexsort((y, x))
    return x[order], y[order], value[order]


def screen(columns: list[tuple[ColumnHashes, ...]]) -> list[Screened]:
    """Scored (a, b) pairs of releases sharing joinable values, a before b in the list."""
    by_form: dict[str, list[tuple[int, ColumnHashes]]] = {}
    for index, release_columns in enumerate(columns):
        for column in release_columns:
            if column.distinct >= 2:
                by_form.setdefault(column.form, []).append((index, column))
    scores: dict[tuple[int, int], float] = {}
    shared: dict[tuple[int, int], list[tuple[str, str, float]]] = {}
    for entries in by_form.values():
        if len(entries) < 2:
            continue
        # Containment of the smaller column in the larger: a join links the smaller side.
        for x, y, value in zip(*_pair_values(entries)):
            (i, a), (j, b) = entries[x], entries[y]
            if i == j or value < MIN_CONTAINMENT:
                continue
            if i > j:
                (i, a), (j, b) = (j, b), (i, a)
            weight = 0.0 if min(a.distinct, b.distinct) <= _LOW_INFORMATION_DISTINCT else min(a.distinct_ratio, b.distinct_ratio)
            scores[(i, j)] = scores.get((i, j), 0.0) + float(value) * max(weight, _MIN_WEIGHT)
            shared.setdefault((i, j), []).append((a.name, b.name, float(value)))
    return sorted((Screened(i, j, score, tuple(shared[(i, j)])) for (i, j), score in scores.items()),
                  key=lambda s: (-s.score, s.a, s.b))


def choose(screened: list[Screened], about_people: list[bool], max_partners: int) -> list[Screened]:
    """Each release's best partners (by score); a pair where neither release is about people
    can single nobody out and is left to the per-release scans."""
    taken: dict[int, int] = {}
    chosen = []
    for pair in screened:
        if not (about_people[pair.a] or about_people[pair.b]):
            continue
        if taken.get(pair.a, 0) >= max_partners and taken.get(pair.b, 0) >= max_partners:
            continue
        taken[pair.a] = taken.get(pair.a, 0) + 1
        taken[pair.b] = taken.get(pair.b, 0) + 1
        chosen.append(pair)
    return chosen


def check_pair(a, b, options, join_values: dict[str, Any], cache: dict | None = None):
    """The join check of two releases analysed already, as `check_join` runs it for a pair;
    `cache` holds their join forms and class sizes when they are known already."""
    from ..join.check import check_analysed, join_settings

    return check_analysed([a, b], options, join=join_settings(join_values), cache=cache)
